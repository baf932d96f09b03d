// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea bottom-half selftests: switching the mechanism at run time while
 * data flows, who may switch it, and unbind/rebind and unload/reload cycles
 * with blocked readers while the simulated GPS keeps sending (run these in
 * the -smp 2 VM, where the races are real).
 *
 * Environment: as gpsnmea_test (see common.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"

struct switcher {
	int stop;		/* set by the test, polled by the thread */
	int switches;
	int errors;
	int period_us;
};

static void *switcher_thread(void *arg)
{
	struct switcher *sw = arg;
	char names[8][16];
	int n = bh_list(names, 8), i = 0;

	while (!__atomic_load_n(&sw->stop, __ATOMIC_RELAXED) && n > 1) {
		usleep(sw->period_us);
		if (write_file(dev_file("bh"), names[i++ % n]))
			sw->errors++;
		else
			sw->switches++;
	}
	return NULL;
}

FIXTURE(bh) {
	int unused;
};

FIXTURE_SETUP(bh)
{
	ASSERT_EQ(0, sim_setup());
	ASSERT_EQ(0, load_driver(NULL));
}

FIXTURE_TEARDOWN(bh)
{
	sim_wait_idle(600000);
	EXPECT_EQ(0, unload_driver());
}

/*
 * A long log plays while the bottom half changes every 200 ms: the reader
 * still gets every sentence byte for byte and no edge is lost.
 */
TEST_F_TIMEOUT(bh, switch_while_replaying, 900)
{
	struct switcher sw = { .period_us = 200000 };
	struct replay r;
	pthread_t thr;

	ASSERT_EQ(0, replay_open(&r, env_or("GPSNMEA_SWITCH_LOG",
					    "sirfstarv-nmea")));
	ASSERT_EQ(0, pthread_create(&thr, NULL, switcher_thread, &sw));
	ASSERT_EQ(0, replay_run(&r));
	__atomic_store_n(&sw.stop, 1, __ATOMIC_RELAXED);
	pthread_join(thr, NULL);

	EXPECT_EQ(-1, r.diff) replay_print_diff(&r);
	EXPECT_EQ(0, sw.errors);
	EXPECT_LT(5, sw.switches);
	EXPECT_EQ((long long)r.wlen, stat_of("bytes"));
	EXPECT_EQ(0, stat_of("framing_errors"));
	EXPECT_EQ(0, stat_of("overruns"));
	EXPECT_EQ(0, stat_of("gaps"));
	TH_LOG("%d switches, %zu sentences in the log", sw.switches,
	       r.sentences);
	/* What went wrong, if anything: the decoder's and the framer's view. */
	TH_LOG("edges %lld sentences %lld; counted: %s", stat_of("edges"),
	       stat_of("sentences"), stat_errors());
	TH_LOG("bh_runs %lld bh_edges_max %lld fifo_high_water %lld bh_latency_max_ns %lld",
	       stat_of("bh_runs"), stat_of("bh_edges_max"),
	       stat_of("fifo_high_water"), stat_of("bh_latency_max_ns"));
	/* Late edge timer: interrupts were off (the timestamps' jitter). */
	TH_LOG("sim edge timer late by p99 %lld ns, p999 %lld ns, max %lld ns",
	       sim_stat_of("late", "p99_ns"), sim_stat_of("late", "p999_ns"),
	       sim_stat_of("late", "max_ns"));
	replay_close(&r);
}

/* Only root may switch; unknown names are refused. */
TEST_F(bh, switch_needs_root_and_a_known_name)
{
	pid_t pid;
	int status;

	EXPECT_EQ(-EINVAL, write_file(dev_file("bh"), "nosuchthing"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(write_file(dev_file("bh"), "wq") == -EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Forks a reader of @fd (opened by the caller, so that it exists before the
 * device can go) that blocks in read() (or poll()) until the device goes;
 * its exit status says how that ended: 0 = ENODEV / POLLHUP as it should.
 */
static pid_t blocked_reader(int fd, int use_poll)
{
	char buf[4096];
	pid_t pid = fork();

	if (pid)
		return pid;
	for (;;) {
		ssize_t n;

		if (use_poll) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (poll(&pfd, 1, 30000) != 1)
				_exit(4);
			if (pfd.revents & POLLHUP)
				_exit(0);
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == ENODEV)
			_exit(0);
		if (n <= 0)
			_exit(5);
	}
}

struct feeder {
	int stop;		/* set by the test, polled by the thread */
	const unsigned char *buf;
	size_t len;
};

static void *feeder_thread(void *arg)
{
	struct feeder *f = arg;

	sim_feed(f->buf, f->len, &f->stop);
	return NULL;
}

/*
 * 50 times: two readers block (one in read(), one in poll()) while the
 * simulated GPS sends; the device is unbound under them, they must wake
 * with ENODEV / POLLHUP; it is bound again. Then 50 unloads and reloads of
 * the module while the GPS keeps sending. No splat, no hang (the VM runner
 * checks the kernel log).
 */
TEST_F_TIMEOUT(bh, unbind_and_reload_cycles, 900)
{
	int cycles = atoi(env_or("GPSNMEA_CYCLES", "50")), i, status;
	struct feeder f = { 0 };
	struct replay r;
	pthread_t thr;

	ASSERT_EQ(0, replay_open(&r, "beidou-gb"));
	f.buf = r.wire;
	f.len = r.wlen;
	ASSERT_EQ(0, pthread_create(&thr, NULL, feeder_thread, &f));

	for (i = 0; i < cycles; i++) {
		int fa = open(DEV_PATH, O_RDONLY), fb = open(DEV_PATH, O_RDONLY);
		pid_t a, b;

		ASSERT_LE(0, fa);
		ASSERT_LE(0, fb);
		a = blocked_reader(fa, 0);
		b = blocked_reader(fb, 1);
		close(fa);
		close(fb);
		ASSERT_LT(0, a);
		ASSERT_LT(0, b);
		usleep(10000 + (i % 7) * 3000);
		ASSERT_EQ(0, write_file(SYS_DRV "/unbind", device_name()));
		ASSERT_EQ(a, waitpid(a, &status, 0));
		EXPECT_EQ(0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ASSERT_EQ(b, waitpid(b, &status, 0));
		EXPECT_EQ(0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		ASSERT_EQ(0, write_file(SYS_DRV "/bind", device_name()));
	}
	for (i = 0; i < cycles; i++) {
		ASSERT_EQ(0, unload_driver());
		ASSERT_EQ(0, load_driver(NULL));
		usleep(5000 + (i % 5) * 2000);
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELAXED);
	pthread_join(thr, NULL);
	replay_close(&r);
}

/*
 * Start-up with the line busy (issue 13): the simulated GPS is already
 * sending when the module loads, so the decoder starts mid-frame, with no
 * bit time or latency history; a reader opens at once, and a process is
 * started (fork + exec of busybox) while the first sentence the reader
 * must get is on the line, which delays edges while the decoder knows
 * least. GPSNMEA_STARTUP_REPEATS times (default 20), GPSNMEA_STARTUP_LOG's
 * (default neo-m8n) first GPSNMEA_STARTUP_SENTENCES (default 40) sentences
 * are sent back to back, the load point moving through the first one.
 *
 * Exact means: the reader got the sentences from some s to the last, byte
 * for byte, where s is at most the first sentence whose '$' was sent after
 * open() returned and at least STARTUP_SYNC_BYTES after the load returned
 * (the sentences in flight at load or before the reader opened may be
 * missing, none after them, nothing altered or extra). A receiver that
 * starts in the middle of back-to-back 8N1 text, hardware UARTs included,
 * may need several frames to find where frames begin (a data bit 0 after
 * a 1 looks like a start bit); the decoder took up to 66 on the host
 * (decoder_start_anywhere_in_text), never into the next sentence.
 *
 * An edge more than 7/8 bit late is beyond what the decoder takes
 * (Documentation/decoder.rst): one a whole bit late looks like an edge on
 * time a bit later. A start-up that lost one sentence from s on, altered
 * none and counted a drop, where the simulator's records show an edge of
 * that very sentence, or of the LF before it, raised more than 7/8 bit
 * late (startup_lateness()), is counted apart as "lost to a late edge"
 * and passes. Otherwise a start-up may lose one sentence, none altered;
 * with GPSNMEA_STARTUP_EXACT=1 every one must be exact.
 */
#define STARTUP_MAX		256
#define STARTUP_SYNC_BYTES	12

FIXTURE(startup) {
	int unused;
};

FIXTURE_SETUP(startup)
{
	ASSERT_EQ(0, sim_setup());
	unload_driver();
}

FIXTURE_TEARDOWN(startup)
{
	sim_wait_idle(600000);
	unload_driver();
}

/* Bytes of @wlen the simulator has sent (the one on the wire not counted). */
static long sim_sent(size_t wlen)
{
	long long pending = read_num(SIM_DIR "/pending");

	return pending < 0 ? -1 : (long)wlen - (long)pending;
}

/* Waits until the simulator has sent @off bytes of @wlen; the count then. */
static long sim_wait_sent(size_t wlen, long off)
{
	long sent;

	while ((sent = sim_sent(wlen)) >= 0 && sent < off &&
	       sent < (long)wlen)
		usleep(50);
	return sent;
}

/*
 * How many of the sentences from @j on @got lacks, if it holds only
 * expected sentences (@exp, @start: n of them), whole and in order;
 * -1 if it holds anything else (a sentence altered, extra, out of order).
 * @first: set to the first one missing.
 */
static int startup_missing(const char *got, size_t glen,
			   const unsigned char *exp, const size_t *start, int n,
			   int j, int *first)
{
	int i = 0, missing = 0;
	size_t off = 0;

	*first = -1;
	while (off < glen) {
		const char *nl = memchr(got + off, '\n', glen - off);
		size_t len = nl ? (size_t)(nl - (got + off)) + 1 : glen - off;

		while (i < n && (start[i + 1] - start[i] != len ||
				 memcmp(exp + start[i], got + off, len))) {
			if (i >= j && !missing++)
				*first = i;
			i++;
		}
		if (i == n)
			return -1;
		i++;
		off += len;
	}
	if (n > (i > j ? i : j) && !missing)
		*first = i > j ? i : j;
	return missing + n - (i > j ? i : j);
}

/*
 * How late the latest edge of bytes [@b0, @b1) of @exp was raised, in
 * nanoseconds, from the simulator's records, against the earliest of them
 * (the decoder sees only how edges lie against each other; those on time
 * come a fixed path before or after the start callback's record, 0.01-0.05
 * bit at 115200 baud in the VM): a byte's edges belong at its
 * start bit's time plus whole bits, the start bit's time being the
 * earliest its own start callback or one of the four before it (plus
 * their frames) allows (that callback may run late too). The bytes are
 * sent back to back from byte 0 on, so each start bit follows a stop bit.
 * Sets @at to the byte and @bit to the bit position of that edge. Returns
 * -1 if the records do not cover them.
 */
static long long startup_lateness(const unsigned char *exp, size_t b0,
				  size_t b1, long long baud, size_t *at,
				  int *bit)
{
	double bit_ns = 1e9 / baud, base, worst = -1e18, least = 1e18, off;
	unsigned long long k, t, *st;
	unsigned int level;
	size_t b = b0, m;
	int i = 0, prev = 1, want;
	bool found = false;
	char line[128];
	FILE *f;

	st = calloc(b1 + 1, sizeof(*st));
	f = fopen(SIM_DIR "/starts", "r");
	while (st && f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llu %llu", &k, &t) == 2 && k <= b1)
			st[k] = t;
	if (f)
		fclose(f);
	f = st && st[b0] && st[b1 - 1] ? fopen(SIM_DIR "/raised", "r") : NULL;
	while (f && b < b1 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*u %llu %u", &t, &level) != 2 ||
		    (!found && (level || t + bit_ns / 2 < st[b0])))
			continue;
		found = true;
		/* The next bit of byte b that changes the level. */
		for (;;) {
			want = i == 0 ? 0 : i == 9 ? 1 : (exp[b] >> (i - 1)) & 1;
			if (want != prev)
				break;
			if (++i == 10) {
				i = 0;
				if (++b == b1)
					break;
			}
		}
		if (b == b1 || want != (int)level)
			break;
		for (base = st[b], m = b; m > 0 && m + 4 > b; m--)
			if (st[m - 1] && st[m - 1] + (b - m + 1) * 10 * bit_ns < base)
				base = st[m - 1] + (b - m + 1) * 10 * bit_ns;
		off = t - (base + i * bit_ns);
		if (off < least)
			least = off;
		if (off > worst) {
			worst = off;
			*at = b;
			*bit = i;
		}
		prev = want;
	}
	if (f)
		fclose(f);
	free(st);
	return b == b1 ? (long long)(worst - least) : -1;
}

/* @ns is over @num/@den of a bit at @baud. */
static bool late_over(long long ns, long long baud, int num, int den)
{
	return ns * den * baud > num * 1000000000LL;
}

static bool ends_with(const char *buf, size_t len, const void *tail,
		      size_t tlen)
{
	return len >= tlen && !memcmp(buf + len - tlen, tail, tlen);
}

/*
 * The start-ups of both tests below: @rebind binds the device of a module
 * loaded once instead of loading the module, with the driver's edges traced
 * (enabling a tracepoint patches kernel text with interrupts off, so it is
 * done before, on an idle line). A start-up that was not exact dumps its
 * edges: the traced ones, or for a module just loaded (whose tracepoint
 * does not exist before the load) the simulator's record of those it
 * raised.
 */
static void startup_run(struct __test_metadata *_metadata, bool rebind)
{
	int reps = atoi(env_or("GPSNMEA_STARTUP_REPEATS", "20"));
	int nwant = atoi(env_or("GPSNMEA_STARTUP_SENTENCES", "40"));
	size_t start[STARTUP_MAX + 1], wlen = 0, glen, i;
	int n = 0, rep, exact = 0, s, j, status, skipped_max = 0, within = 0;
	int strict = atoi(env_or("GPSNMEA_STARTUP_EXACT", "0")), missing;
	long long baud = atoll(env_or("GPSNMEA_BAUD", "9600"));
	int late_lost = 0, nbad = 0, exec_half = 0, exec_78 = 0;
	long long exec_max = -1;
	char bad[4][200];
	struct replay r;
	char *got;

	ASSERT_EQ(0, replay_open(&r, env_or("GPSNMEA_STARTUP_LOG", "neo-m8n")));
	if (nwant > STARTUP_MAX)
		nwant = STARTUP_MAX;
	/* The first @nwant sentences of the expected output are the wire. */
	start[0] = 0;
	for (i = 0; i < r.elen && n < nwant; i++)
		if (r.expect[i] == '\n')
			start[++n] = i + 1;
	wlen = start[n];
	ASSERT_LT(2, n);
	ASSERT_LT((size_t)8, start[1]);
	got = malloc(wlen + 4096);
	ASSERT_NE(NULL, got);
	if (rebind) {
		ASSERT_EQ(0, load_driver(NULL));
		device_name();
		edge_trace_on(0);
		ASSERT_EQ(0, write_file(SYS_DRV "/unbind", device_name()));
	}

	for (rep = 0; rep < reps; rep++) {
		long before, loaded, opened, at_exec, load_at;
		long long late, dropped, latest = -1, jlate;
		size_t late_byte = 0, jbyte = 0;
		int late_bit = 0, first, jbit = 0;
		bool excused;
		size_t len0 = start[1] - start[0];
		pid_t pid;
		int fd, ok;

		/* sim_setup() would unload the module a rebind needs. */
		ASSERT_EQ(0, rebind ? sim_wait_idle(600000) : sim_setup());
		ASSERT_EQ(0, write_file(SIM_DIR "/starts_reset", "1"));
		ASSERT_EQ(0, write_file(SIM_DIR "/late", "0"));
		if (rebind) {
			/* Truncating the trace file clears it. */
			fd = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);
			if (fd >= 0)
				close(fd);
			write_file(TRACEFS "/tracing_on", "1");
		}
		/* Load at a point that moves through the first sentence. */
		load_at = 3 + (rep * 17) % (len0 - 6);
		ASSERT_EQ(0, sim_send(r.expect, wlen));
		before = sim_wait_sent(wlen, load_at);
		ASSERT_EQ(0, rebind ? write_file(SYS_DRV "/bind", device_name())
				    : load_driver(NULL));
		loaded = sim_sent(wlen);
		fd = open(DEV_PATH, O_RDONLY);
		ASSERT_LE(0, fd);
		opened = sim_sent(wlen);
		/*
		 * The first sentence whose '$' went out after open() returned,
		 * and with room to find the frames after the load.
		 */
		for (j = 0; j < n && ((long)start[j] <= opened ||
				      (long)start[j] < loaded + STARTUP_SYNC_BYTES); j++)
			;
		ASSERT_GT(n, j) TH_LOG("the log was sent before the reader opened");
		/* A process starts while that sentence is on the line. */
		at_exec = sim_wait_sent(wlen, start[j] + 2);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

		/*
		 * At least the sentences from j on; then on until the last
		 * one came, or nothing did for a while (sim idle).
		 */
		glen = read_until(fd, got, wlen + 4096, wlen - start[j], 300);
		while (glen < wlen && !ends_with(got, glen, r.expect + start[n - 1],
						 start[n] - start[n - 1])) {
			size_t more = read_until(fd, got + glen,
						 wlen + 4096 - glen, 1, 300);

			if (!more)
				break;
			glen += more;
		}
		close(fd);
		sim_wait_idle(60000);

		/* got must be the sentences s..n-1, s <= j. */
		for (s = 0; s < n && wlen - start[s] != glen; s++)
			;
		ok = s <= j && !memcmp(got, r.expect + start[s], glen);
		exact += ok;
		missing = startup_missing(got, glen, r.expect, start, n, j,
					  &first);
		late = sim_stat_of("late", "max_ns");
		dropped = stat_dropped();
		/*
		 * The sentence's edges and those of the LF before it: the
		 * stop edge of the LF late by a bit runs into the start edge
		 * of the '$'.
		 */
		if (!ok && first >= 0)
			latest = startup_lateness(r.expect,
						  start[first] - !!first,
						  start[first + 1], baud,
						  &late_byte, &late_bit);
		excused = !ok && missing == 1 && dropped > 0 &&
			  late_over(latest, baud, 7, 8);
		late_lost += excused;
		/* How late the process start made the edges it was meant to. */
		jlate = startup_lateness(r.expect, start[j] - 1, start[j + 1],
					 baud, &jbyte, &jbit);
		if (jlate > exec_max)
			exec_max = jlate;
		exec_half += late_over(jlate, baud, 1, 2);
		exec_78 += late_over(jlate, baud, 7, 8);
		within += ok || excused ||
			  (!strict && missing >= 0 && missing <= 1);
		if (ok && s > skipped_max)
			skipped_max = s;
		fprintf(stderr, "# %s rep %d: load at byte %ld..%ld, open at %ld, exec at %ld; ",
			r.name, rep, before, loaded, opened, at_exec);
		fprintf(stderr, "%s: skipped %d (allowed %d) of %d; got %zu bytes of %zu; ",
			ok ? "exact" : excused ? "LOST TO A LATE EDGE" : "NOT EXACT",
			s < n ? s : -1, j, n, glen, wlen - start[j]);
		fprintf(stderr, "%d missing%s\n", missing < 0 ? 0 : missing,
			missing < 0 ? ", ALTERED OR EXTRA" : "");
		fprintf(stderr, "#   edges %lld bytes %lld sentences %lld; ",
			stat_of("edges"), stat_of("bytes"), stat_of("sentences"));
		fprintf(stderr, "edge timer late by at most %lld ns, %lld dropped; ",
			late, dropped);
		fprintf(stderr, "counted: %s\n", stat_errors());
		fprintf(stderr, "#   sentence %d (the exec's): latest edge %lld ns late, ",
			j, jlate);
		fprintf(stderr, "bit %d of byte %zu\n", jbit, jbyte);
		if (!ok && !excused && nbad < (int)ARRAY_SIZE(bad))
			snprintf(bad[nbad++], sizeof(bad[0]),
				 "rep %d: %d missing%s, first %d (load at byte %ld, exec at %ld); its latest edge %lld ns late (bit %d of byte %zu); %lld dropped; %s",
				 rep, missing < 0 ? 0 : missing,
				 missing < 0 ? ", ALTERED OR EXTRA" : "", first,
				 before, at_exec, latest, late_bit, late_byte,
				 dropped, stat_errors());
		if (!ok) {
			size_t tail = wlen - start[j];

			/* What came before the sentences it had to get. */
			if (glen > tail && !memcmp(got + glen - tail,
						   r.expect + start[j], tail))
				fprintf(stderr, "#   before them: %.*s",
					(int)(glen - tail), got);
			if (first >= 0) {
				fprintf(stderr, "#   missing sentence %d: %.*s", first,
					(int)(start[first + 1] - start[first]),
					r.expect + start[first]);
				fprintf(stderr, "#   its latest edge: bit %d of byte %zu, ",
					late_bit, late_byte);
				fprintf(stderr, "%lld ns late\n", latest);
			}
			edge_trace_dump(first >= 0 ? start[first + 1] : wlen - 1,
					wlen, !rebind);
		}
		EXPECT_EQ(0, rebind ? write_file(SYS_DRV "/unbind", device_name())
				    : unload_driver());
	}
	/* Again here, next to the verdict, where a short log shows it. */
	for (i = 0; i < (size_t)nbad; i++)
		TH_LOG("not within: %s", bad[i]);
	TH_LOG("%s%s at %s baud: %d of %d start-ups exact (%d sentences each, %s %d)",
	       r.name, rebind ? " (rebind)" : "",
	       env_or("GPSNMEA_BAUD", "9600"), exact, reps, n,
	       "at most skipped at start:", skipped_max);
	TH_LOG("%d lost one sentence to an edge over 7/8 bit late, counted as dropped",
	       late_lost);
	TH_LOG("the exec's sentence: latest edge at most %lld ns late; %s %d, %s %d",
	       exec_max, "over 1/2 bit in", exec_half, "over 7/8 bit in", exec_78);
	TH_LOG("%d of %d lost at most one sentence and altered none%s",
	       within, reps,
	       strict ? " (GPSNMEA_STARTUP_EXACT=1: every other one must be exact)" : "");
	EXPECT_EQ(reps, within);
	free(got);
	replay_close(&r);
}

TEST_F_TIMEOUT(startup, cold_start_busy_line, 900)
{
	startup_run(_metadata, false);
}

/* The same with the device bound again instead of the module loaded. */
TEST_F_TIMEOUT(startup, cold_start_busy_line_rebind, 900)
{
	startup_run(_metadata, true);
}

TEST_HARNESS_MAIN
