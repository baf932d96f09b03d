// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea selftests: run inside a VM (or on a machine with the simulated
 * GPS loaded). The simulated GPS (tests/sim, gpsnmea_sim.ko) plays bytes
 * out as a UART waveform on its GPIO line; these tests load the driver on
 * that line and check what /dev/gpsnmea and sysfs give back.
 *
 * Environment: see common.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/gpsnmea.h>

#include "kselftest_harness.h"
#include "common.h"

FIXTURE(drv) {
	int unused;
};

FIXTURE_SETUP(drv)
{
	int ret;

	ASSERT_EQ(0, sim_setup());
	ret = load_driver(NULL);
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(drv)
{
	sim_wait_idle(60000);
	/* Rebind if a test unbound the device, then unload. */
	if (access(dev_file("driver"), F_OK))
		write_file(SYS_DRV "/bind", device_name());
	EXPECT_EQ(0, unload_driver());
}

/* Nothing sent: O_NONBLOCK read() says -EAGAIN, poll() times out. */
TEST_F(drv, nonblock_and_poll_idle)
{
	struct pollfd pfd = { .events = POLLIN };
	char buf[128];

	pfd.fd = open(DEV_PATH, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, pfd.fd);
	EXPECT_EQ(-1, read(pfd.fd, buf, sizeof(buf)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll(&pfd, 1, 50));
	close(pfd.fd);
}

/*
 * One sentence and nothing after it: the idle timer must deliver it (the
 * last byte has no edge after its stop bit); poll() reports it.
 */
TEST_F(drv, poll_then_read_one_sentence)
{
	static const char s[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	struct pollfd pfd = { .events = POLLIN };
	char buf[256];
	ssize_t n;

	pfd.fd = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, pfd.fd);
	ASSERT_EQ(0, sim_send(s, strlen(s)));
	ASSERT_EQ(1, poll(&pfd, 1, 5000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	n = read(pfd.fd, buf, sizeof(buf));
	ASSERT_EQ((ssize_t)strlen(s), n);
	EXPECT_EQ(0, memcmp(buf, s, n));
	EXPECT_EQ(1, stat_of("sentences"));
	close(pfd.fd);
}

/* A short read() keeps the rest of the sentence for the next one. */
TEST_F(drv, partial_reads)
{
	static const char s[] = "$GPZDA,201530.00,04,07,2002,00,00*60\r\n";
	char buf[64];
	size_t got = 0;
	int fd = open(DEV_PATH, O_RDONLY);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sim_send(s, strlen(s)));
	while (got < strlen(s)) {
		ssize_t n = read(fd, buf + got, 5);

		ASSERT_LT(0, n);
		got += n;
	}
	EXPECT_EQ(0, memcmp(buf, s, got));
	close(fd);
}

/*
 * Bad input never reaches a reader: garbage, a wrong checksum, a missing
 * checksum, a 300-character line (max_len is at most 250), a control
 * character and a sentence cut by a new '$' are dropped and counted; the
 * good sentences around them arrive.
 */
TEST_F(drv, bad_input_dropped_and_counted)
{
	static const char good1[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	static const char good2[] = "$GPZDA,201530.00,04,07,2002,00,00*60\r\n";
	char input[2048], expect[256], got[2048], longline[301];
	size_t n = 0, elen;
	int fd;

	memset(longline, 'A', 300);
	longline[0] = '$';
	longline[300] = 0;
	n += sprintf(input + n, "%s", good1);
	n += sprintf(input + n, "\x01\x02garbage\xff\r\n");
	n += sprintf(input + n, "$GPGLL,4916.45,N,12311.12,W,225444,A*32\r\n");
	n += sprintf(input + n, "$GPGLL,4916.45,N,12311.12,W,225444,A\r\n");
	n += sprintf(input + n, "%s*00\r\n", longline);
	n += sprintf(input + n, "$GPGLL,4916.45,N,12311\x07.12,W*31\r\n");
	n += sprintf(input + n, "$GPGLL,4916.45,N,123");
	n += sprintf(input + n, "%s", good2);
	elen = sprintf(expect, "%s%s", good1, good2);

	fd = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sim_send(input, n));
	ASSERT_EQ(0, sim_wait_idle(30000));
	n = read_until(fd, got, sizeof(got), elen, 500);
	ASSERT_EQ(elen, n);
	EXPECT_EQ(0, memcmp(got, expect, elen));
	EXPECT_EQ(2, stat_of("sentences"));
	EXPECT_EQ(1, stat_of("checksum_errors"));
	EXPECT_EQ(1, stat_of("no_checksum_errors"));
	EXPECT_EQ(1, stat_of("length_errors"));
	EXPECT_EQ(1, stat_of("charset_errors"));
	EXPECT_EQ(1, stat_of("truncated_sentences"));
	EXPECT_EQ(10, stat_of("garbage_bytes"));
	EXPECT_EQ(0, stat_of("framing_errors"));
	EXPECT_EQ(0, stat_of("overruns"));
	close(fd);
}

/* Two readers each get every sentence; a late one only what follows. */
TEST_F(drv, several_readers)
{
	static const char s1[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	static const char s2[] = "$GPZDA,201530.00,04,07,2002,00,00*60\r\n";
	char a[256], b[256], c[256];
	int fa, fb, fc;
	size_t n;

	fa = open(DEV_PATH, O_RDONLY);
	fb = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fa);
	ASSERT_LE(0, fb);
	ASSERT_EQ(0, sim_send(s1, strlen(s1)));
	ASSERT_EQ(0, sim_wait_idle(10000));
	n = read_until(fa, a, sizeof(a), strlen(s1), 500);
	ASSERT_EQ(strlen(s1), n);
	fc = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fc);
	ASSERT_EQ(0, sim_send(s2, strlen(s2)));
	ASSERT_EQ(0, sim_wait_idle(10000));
	n = read_until(fa, a + strlen(s1), sizeof(a) - strlen(s1),
		       strlen(s2), 500);
	EXPECT_EQ(strlen(s2), n);
	n = read_until(fb, b, sizeof(b), strlen(s1) + strlen(s2), 500);
	EXPECT_EQ(strlen(s1) + strlen(s2), n);
	EXPECT_EQ(0, memcmp(a, b, n));
	n = read_until(fc, c, sizeof(c), strlen(s2), 500);
	EXPECT_EQ(strlen(s2), n);
	EXPECT_EQ(0, memcmp(c, s2, strlen(s2)));
	close(fa);
	close(fb);
	close(fc);
}

/*
 * Unbinding the device while one reader blocks in read() and another in
 * poll(): both wake with an error, nothing crashes. The module cannot be
 * removed while a file is open (the kernel's module reference), and can be
 * once the files are closed.
 */
TEST_F(drv, unbind_wakes_blocked_readers)
{
	int fr = open(DEV_PATH, O_RDONLY);
	int fp = open(DEV_PATH, O_RDONLY);
	pid_t reader, poller;
	int status;

	ASSERT_LE(0, fr);
	ASSERT_LE(0, fp);
	reader = fork();
	ASSERT_LE(0, reader);
	if (!reader) {
		char buf[128];
		ssize_t n = read(fr, buf, sizeof(buf));

		_exit(n == -1 && errno == ENODEV ? 0 : 1);
	}
	poller = fork();
	ASSERT_LE(0, poller);
	if (!poller) {
		struct pollfd pfd = { .fd = fp, .events = POLLIN };
		int n = poll(&pfd, 1, 20000);

		_exit(n == 1 && (pfd.revents & POLLHUP) ? 0 : 1);
	}
	usleep(200000);
	ASSERT_EQ(0, write_file(SYS_DRV "/unbind", device_name()));
	ASSERT_EQ(reader, waitpid(reader, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(poller, waitpid(poller, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Files still open: the module stays. */
	EXPECT_EQ(-EAGAIN, unload_driver());
	close(fr);
	close(fp);
	EXPECT_EQ(0, write_file(SYS_DRV "/bind", device_name()));
	EXPECT_EQ(0, access(DEV_PATH, R_OK));
}

/*
 * The instance number goes with the device, not with the last file: a
 * reader that holds /dev/gpsnmea across unbind and bind does not make the
 * device come back as /dev/gpsnmea1.
 */
TEST_F(drv, rebind_keeps_the_name_while_a_reader_holds_it)
{
	static const char s[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	char buf[256];
	int old = open(DEV_PATH, O_RDONLY);
	int fd;

	ASSERT_LE(0, old);
	ASSERT_EQ(0, write_file(SYS_DRV "/unbind", device_name()));
	ASSERT_EQ(0, write_file(SYS_DRV "/bind", device_name()));
	EXPECT_NE(0, access("/dev/gpsnmea1", F_OK));
	fd = open(DEV_PATH, O_RDONLY);
	if (fd < 0)
		close(old);	/* or the module cannot be unloaded */
	ASSERT_LE(0, fd) TH_LOG("no /dev/gpsnmea after the rebind");
	ASSERT_EQ(0, sim_send(s, strlen(s)));
	EXPECT_EQ(strlen(s), read_until(fd, buf, sizeof(buf), strlen(s), 2000));
	EXPECT_EQ(0, memcmp(buf, s, strlen(s)));
	EXPECT_EQ(-1, read(old, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	close(fd);
	close(old);
}

/*
 * The position is personal data: /dev/gpsnmea is not world-readable
 * (udev/60-gpsnmea.rules makes it root:dialout 0660; without udev it is
 * 0600), and the sysfs fix is root's only.
 */
TEST_F(drv, device_and_fix_not_world_readable)
{
	struct stat st;

	ASSERT_EQ(0, stat(DEV_PATH, &st));
	EXPECT_EQ(0600U, st.st_mode & 07777);
	ASSERT_EQ(0, stat(dev_file("fix"), &st));
	EXPECT_EQ(0400U, st.st_mode & 07777);
	ASSERT_EQ(0, stat(dev_file("statistics/sentences"), &st));
	EXPECT_EQ(0444U, st.st_mode & 07777);
}

/*
 * The simulator refuses a jitter whose range does not fit in 32 bits (it
 * would divide by zero in its hard-IRQ timer) and keeps sending.
 */
TEST(sim_jitter_limit)
{
	static const char s[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";

	ASSERT_EQ(0, sim_setup());
	EXPECT_EQ(-ERANGE, write_file(SIM_DIR "/fault", "jitter 4294967295"));
	ASSERT_EQ(0, sim_send(s, strlen(s)));
	EXPECT_EQ(0, sim_wait_idle(10000));
	EXPECT_EQ(0, write_file(SIM_DIR "/fault", "clear"));
}

#define IRQ_LOAD "/sys/kernel/debug/gpsnmea-sim/irq_load"

/*
 * The simulator's random interrupt load refuses malformed and too heavy
 * settings, and runs at the rate and with the section lengths asked (its
 * own counts over a second of guest time: 20 kHz, 1 % of the sections in
 * the tail); the fixed load keeps its "HZ WORK_NS FIRES" reading.
 */
TEST(sim_irq_load_random)
{
	const struct timespec second = { 1, 0 };
	long long fires, busy, tails, max;
	unsigned int hz, work;
	unsigned long long n;
	char buf[128];
	FILE *f;

	ASSERT_EQ(0, sim_setup());
	EXPECT_EQ(-EINVAL, write_file(IRQ_LOAD, "random"));
	EXPECT_EQ(-EINVAL, write_file(IRQ_LOAD, "random 1000 1000"));
	EXPECT_EQ(-ERANGE, write_file(IRQ_LOAD, "random 0"));
	EXPECT_EQ(-ERANGE, write_file(IRQ_LOAD, "random 1000 3000 1000 0 0 0"));
	EXPECT_EQ(-ERANGE, write_file(IRQ_LOAD, "random 1000 0 0 1000001 0 0"));
	EXPECT_EQ(-ERANGE, write_file(IRQ_LOAD, "random 100000 6000 6000 0 0 0"));

	ASSERT_EQ(0, write_file(IRQ_LOAD, "random 20000 1000 3000 10000 10000 30000 7"));
	nanosleep(&second, NULL);
	fires = sim_stat_of("../irq_load", "fires");
	busy = sim_stat_of("../irq_load", "busy_ns");
	tails = sim_stat_of("../irq_load", "tails");
	max = sim_stat_of("../irq_load", "max_ns");
	f = fopen(IRQ_LOAD, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_EQ(0, write_file(IRQ_LOAD, "0"));
	EXPECT_STREQ("random 20000 1000 3000 10000 10000 30000 7\n", buf);
	EXPECT_GE(fires, 18000);
	EXPECT_LE(fires, 24000);
	ASSERT_GT(fires, 0);
	/* mean 0.99 * 2 us + 0.01 * 20 us = 2.18 us */
	EXPECT_GE(busy / fires, 2000);
	EXPECT_LE(busy / fires, 2400);
	EXPECT_GE(tails, fires / 200);
	EXPECT_LE(tails, fires / 50);
	EXPECT_GE(max, 10000);
	TH_LOG("%lld sections, %lld ns busy, %lld in the tail, longest %lld ns",
	       fires, busy, tails, max);

	ASSERT_EQ(0, write_file(IRQ_LOAD, "10000 2000"));
	nanosleep(&second, NULL);
	f = fopen(IRQ_LOAD, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(3, fscanf(f, "%u %u %llu", &hz, &work, &n));
	fclose(f);
	EXPECT_EQ(0, write_file(IRQ_LOAD, "0"));
	EXPECT_EQ(10000U, hz);
	EXPECT_EQ(2000U, work);
	EXPECT_GE(n, 9000ULL);
}

/* A line number that does not fit gpiolib's lookup table is refused. */
TEST(gpio_line_out_of_range_refused)
{
	int ret;

	ASSERT_EQ(0, sim_setup());
	ret = load_driver("gpio_chip=gpsnmea-sim gpio_line=65536");
	if (ret == 0)
		unload_driver();
	EXPECT_EQ(-EINVAL, ret) TH_LOG("gpio_line=65536 loaded on line 0");
}

/* Unknown or unavailable bottom halves are refused at load time. */
TEST(bh_param_refused)
{
	int ret;

	ASSERT_EQ(-EINVAL, load_driver("bh=nosuchthing"));
	ret = load_driver("bh=bh_wq");
	if (ret == 0) {
		EXPECT_EQ(0, unload_driver());
	} else {
		/* Only kernels before 6.9 may say no, and with EOPNOTSUPP. */
		EXPECT_EQ(-EOPNOTSUPP, ret);
	}
}

/* Replays of real receiver logs: every valid sentence, byte for byte. */

/* Occurrences of @needle in @hay. */
static long long count_of(const char *hay, const char *needle)
{
	long long n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* A whole file whose size stat() does not know (tracefs), NUL-terminated. */
static char *read_text(const char *path)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0 || !buf)
		goto fail;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			char *more = realloc(buf, cap * 2);

			if (!more)
				goto fail;
			buf = more;
			cap *= 2;
		}
	}
	if (n < 0)
		goto fail;
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* One sentence, read back; waits until the sim and the decoder are idle. */
static int send_and_read(const char *s)
{
	char buf[256];
	size_t got;
	int fd = open(DEV_PATH, O_RDONLY);

	if (fd < 0)
		return -errno;
	if (sim_send(s, strlen(s))) {
		close(fd);
		return -EIO;
	}
	got = read_until(fd, buf, sizeof(buf), strlen(s), 2000);
	close(fd);
	sim_wait_idle(60000);
	return got == strlen(s) && !memcmp(buf, s, got) ? 0 : -EIO;
}

/*
 * The tracepoints fire once per edge, per bottom-half run and per sentence
 * (the counts match the statistics), and the CPU time counters: the top
 * half's only with irq_time=1, the bottom half's always.
 */
TEST(tracepoints_and_cpu_time)
{
	static const char s[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	char *trace;
	int ret;

	if (access(TRACEFS "/events", F_OK)) {
		mkdir(TRACEFS, 0755);
		if (mount("tracefs", TRACEFS, "tracefs", 0, NULL))
			SKIP(return, "no tracefs: %s", strerror(errno));
	}
	ASSERT_EQ(0, sim_setup());

	ret = load_driver(NULL);
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko: %s", strerror(-ret));
	ASSERT_EQ(0, send_and_read(s));
	EXPECT_EQ(0, stat_of("irq_time_ns"));
	EXPECT_LT(0, stat_of("bh_time_ns"));
	ASSERT_EQ(0, unload_driver());

	ret = load_driver("irq_time=1");
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko: %s", strerror(-ret));
	ASSERT_EQ(0, write_file(TRACEFS "/tracing_on", "0"));
	ASSERT_EQ(0, write_file(TRACEFS "/trace", ""));
	ASSERT_EQ(0, write_file(TRACEFS "/events/gpsnmea/enable", "1"));
	ASSERT_EQ(0, write_file(TRACEFS "/tracing_on", "1"));
	EXPECT_EQ(0, send_and_read(s));
	EXPECT_EQ(0, write_file(TRACEFS "/tracing_on", "0"));
	EXPECT_EQ(0, write_file(TRACEFS "/events/gpsnmea/enable", "0"));

	trace = read_text(TRACEFS "/trace");
	ASSERT_NE(NULL, trace);
	EXPECT_EQ(0, count_of(trace, "LOST"));
	EXPECT_LT(0, stat_of("edges"));
	EXPECT_EQ(stat_of("edges"), count_of(trace, "gpsnmea_edge: id=0"));
	EXPECT_EQ(stat_of("bh_runs"), count_of(trace, "gpsnmea_bh_run: id=0"));
	EXPECT_EQ(1, count_of(trace, "gpsnmea_sentence: id=0 len=41 addr=GPGLL"));
	EXPECT_EQ(1, count_of(trace, "gpsnmea_sentence:"));
	EXPECT_LT(0, stat_of("irq_time_ns"));
	EXPECT_LT(0, stat_of("bh_time_ns"));
	free(trace);
	EXPECT_EQ(0, unload_driver());
}

/*
 * Delivery delay: a blocked reader gets each sentence within 2 ms (guest
 * time) of the end of its last stop bit, inside a burst of sentences sent
 * back to back (the bottom half's batch deadline) and at a burst's end (the
 * idle flush). That end is the record's start-bit time of its '$' plus its
 * length in 10-bit frames at GPSNMEA_BAUD: the simulator sends the bytes of
 * one write back to back at the nominal rate. The reader takes the time
 * when read() returns, so the delay includes its own wake-up.
 *
 * A guest that keeps interrupts off for longer than 7/8 bit (the debug
 * kernels: over 1 ms at 1200 baud, which the simulator's timer lateness
 * shows) delays edges beyond what the decoder takes (decoder.rst). Then a
 * sentence may be missing if the driver counted it as dropped, and the
 * bound is 2 ms plus that lateness.
 */
#define DELAY_BURST	16
#define DELAY_SINGLE	8
#define DELAY_MAX_NS	2000000LL

static const char delay_sentence[] =
	"$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";

static void *delay_sender(void *arg)
{
	size_t len = sizeof(delay_sentence) - 1;
	char burst[DELAY_BURST * sizeof(delay_sentence)];
	int *ret = arg, i;

	for (i = 0; i < DELAY_BURST; i++)
		memcpy(burst + i * len, delay_sentence, len);
	*ret = sim_send(burst, DELAY_BURST * len);
	for (i = 0; !*ret && i < DELAY_SINGLE; i++) {
		*ret = sim_wait_idle(60000);
		usleep(20000);
		if (!*ret)
			*ret = sim_send(delay_sentence, len);
	}
	return NULL;
}

TEST(delivery_delay)
{
	long long baud = atoll(env_or("GPSNMEA_BAUD", "9600"));
	long long max[2] = { 0, 0 }, min = DELAY_MAX_NS, sum = 0;
	long long late, dropped, bound = DELAY_MAX_NS;
	char buf[64 * GPSNMEA_RECORD_MAX];
	int got = 0, send_ret = 0, fd, ret;
	__u32 format = GPSNMEA_FORMAT_RECORD;
	pthread_t thr;

	ASSERT_EQ(0, sim_setup());
	ret = load_driver(NULL);
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko: %s", strerror(-ret));
	fd = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, GPSNMEA_IOC_SET_FORMAT, &format));
	ASSERT_EQ(0, pthread_create(&thr, NULL, delay_sender, &send_ret));

	while (got < DELAY_BURST + DELAY_SINGLE) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec ts;
		long long t;
		ssize_t n, off;

		if (poll(&pfd, 1, 5000) <= 0)
			break;
		n = read(fd, buf, sizeof(buf));
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (n <= 0)
			break;
		t = ts.tv_sec * 1000000000LL + ts.tv_nsec;
		for (off = 0; off + (ssize_t)sizeof(struct gpsnmea_record) <= n;) {
			struct gpsnmea_record *rec = (void *)(buf + off);
			long long end = rec->mono_ns +
					rec->len * 10 * 1000000000LL / baud;
			long long delay = t - end;

			EXPECT_EQ(sizeof(delay_sentence) - 1, rec->len);
			if (delay > max[got >= DELAY_BURST])
				max[got >= DELAY_BURST] = delay;
			if (delay < min)
				min = delay;
			sum += delay;
			got++;
			if (!rec->size)
				break;
			off += rec->size;
		}
	}
	pthread_join(thr, NULL);
	close(fd);
	EXPECT_EQ(0, send_ret);
	late = sim_stat_of("late", "max_ns");
	dropped = stat_dropped();
	if (late * 8 * baud > 7 * 1000000000LL) {
		TH_LOG("edge timer late by %lld us, over 7/8 bit: %d sentences, %lld dropped",
		       late / 1000, got, dropped);
		EXPECT_LE(DELAY_BURST + DELAY_SINGLE, got + dropped);
		bound += late;
	} else {
		EXPECT_EQ(DELAY_BURST + DELAY_SINGLE, got)
			TH_LOG("%lld framing errors, %lld glitches; edge timer late by %lld ns",
			       stat_of("framing_errors"), stat_of("glitches"),
			       late);
	}
	TH_LOG("%d sentences at %lld baud, delay after the last stop bit:",
	       got, baud);
	TH_LOG("min %lld us, mean %lld us, max %lld us (burst), %lld us (alone)",
	       min / 1000, got ? sum / got / 1000 : 0,
	       max[0] / 1000, max[1] / 1000);
	TH_LOG("%lld bh runs, %lld timer expiries for %lld bytes",
	       stat_of("bh_runs"), stat_of("timer_expiries"), stat_of("bytes"));
	EXPECT_LT(0, min);
	EXPECT_GE(bound, max[0]);
	EXPECT_GE(bound, max[1]);
	sim_wait_idle(60000);
	EXPECT_EQ(0, unload_driver());
}

/*
 * Compares the driver's statistics with NAME.stats (scripts/corpus-prepare:
 * the counters nmea_log's line rules give for the log, "name value" lines).
 * Sets @bad to the number of counters that differ (each one printed) and
 * @drops to the dropped lines they count. Returns the number of counters
 * compared, -errno if the file cannot be read.
 */
static int check_stats(const struct replay *r, long long *drops, int *bad)
{
	char path[512], name[64];
	long long want, got;
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.stats",
		 env_or("GPSNMEA_CORPUS", "/corpus"), r->name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "# %s: %s\n", path, strerror(errno));
		return -errno;
	}
	while (fscanf(f, "%63s %lld", name, &want) == 2) {
		n++;
		got = stat_of(name);
		if (got != want) {
			fprintf(stderr, "# %s: statistics/%s %lld, want %lld\n",
				r->name, name, got, want);
			(*bad)++;
		}
		if (strstr(name, "_errors") || !strcmp(name, "truncated_sentences"))
			*drops += want;
	}
	fclose(f);
	return n;
}

FIXTURE(replay) {
	int unused;
};

FIXTURE_VARIANT(replay) {
	const char *name;
};

#include "corpus_variants.h"

FIXTURE_SETUP(replay)
{
	ASSERT_EQ(0, sim_setup());
	ASSERT_EQ(0, load_driver(NULL));
}

FIXTURE_TEARDOWN(replay)
{
	sim_wait_idle(600000);
	EXPECT_EQ(0, unload_driver());
}

TEST_F_TIMEOUT(replay, corpus, 900)
{
	bool spikes = getenv("GPSNMEA_SPIKES");
	bool dump = getenv("GPSNMEA_EDGE_DUMP");
	struct replay r;
	long long drops = 0;
	int nstats, bad = 0;
	char cmd[64];

	ASSERT_EQ(0, replay_open(&r, variant->name));
	if (spikes) {
		/* 1 edge in 128 0.65 bit late, after 400 frames to learn. */
		snprintf(cmd, sizeof(cmd), "spike 128 %ld 2400",
			 650000000L / atol(env_or("GPSNMEA_BAUD", "9600")));
		ASSERT_EQ(0, write_file(SIM_DIR "/fault", cmd));
	}
	if (dump) {
		/* 64 MiB: some 1.4 million edges, from the first one on. */
		edge_trace_on(65536);
		ASSERT_EQ(0, write_file(SIM_DIR "/starts_reset", "1"));
	}
	ASSERT_EQ(0, replay_run(&r));
	if (spikes)
		EXPECT_EQ(0, write_file(SIM_DIR "/fault", "clear"));
	EXPECT_EQ(-1, r.diff) replay_print_diff(&r);
	/* Up to the first difference and a sentence past it. */
	if (dump && r.diff >= 0)
		edge_trace_dump(r.diff + 100 < (long)r.wlen ?
				(size_t)r.diff + 100 : r.wlen - 1, r.wlen,
				false);
	if (dump)
		write_file(TRACEFS "/events/gpsnmea/gpsnmea_edge/enable", "0");
	EXPECT_EQ((long long)r.wlen, stat_of("bytes"));
	EXPECT_EQ((long long)r.sentences, stat_of("sentences"));
	/* Every drop and garbage counter as the line rules count them. */
	nstats = check_stats(&r, &drops, &bad);
	EXPECT_LE(7, nstats);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, stat_of("framing_errors"));
	EXPECT_EQ(0, stat_of("glitches"));
	EXPECT_EQ(0, stat_of("overruns"));
	EXPECT_EQ(0, stat_of("gaps"));
	if (spikes)
		EXPECT_LT(0, stat_of("late_edges"));
	/* The decoded fix, less its age, is what the host decoder makes of it. */
	{
		char path[512], want[256] = "", got[256] = "", *age;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s.fix",
			 env_or("GPSNMEA_CORPUS", "/corpus"), r.name);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(want, sizeof(want), f))
				want[0] = 0;
			fclose(f);
		}
		f = fopen(dev_file("fix"), "r");
		ASSERT_NE(NULL, f);
		if (!fgets(got, sizeof(got), f))
			got[0] = 0;
		fclose(f);
		age = strstr(got, " age_ms");
		if (age) {
			age[0] = '\n';
			age[1] = 0;
		}
		EXPECT_EQ(0, strcmp(want, got))
			TH_LOG("fix: want %s      got %s", want, got);
	}
	TH_LOG("%s at %s baud: %zu sentences, %zu bytes, %lld lines dropped, %lld garbage bytes",
	       r.name, env_or("GPSNMEA_BAUD", "9600"), r.sentences, r.glen,
	       drops, stat_of("garbage_bytes"));
	TH_LOG("%lld edges in %lld bh runs (max %lld)",
	       stat_of("edges"), stat_of("bh_runs"), stat_of("bh_edges_max"));
	TH_LOG("bh latency p50 %lld ns, p99 %lld ns, max %lld ns, fifo high water %lld",
	       stat_of("bh_latency_p50_ns"), stat_of("bh_latency_p99_ns"),
	       stat_of("bh_latency_max_ns"), stat_of("fifo_high_water"));
	TH_LOG("sim edge timer late by p99 %lld ns, max %lld ns (the timestamps' jitter)",
	       sim_stat_of("late", "p99_ns"), sim_stat_of("late", "max_ns"));
	TH_LOG("edges taken as late (latency spikes): %lld",
	       stat_of("late_edges"));
	replay_close(&r);
}

/*
 * invert=1 (a line that idles low) is gpiolib's active-low flag on the RX
 * line, the same one a device tree's GPIO_ACTIVE_LOW sets: one inversion,
 * in one place. The sentence comes through the inverted line intact.
 */
TEST(invert_is_active_low)
{
	static const char s[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	char *gpio;
	int ret;

	if (bind_dt())
		SKIP(return, "invert= flags the lookup table; a device tree flags rx-gpios");
	ASSERT_EQ(0, sim_setup());
	ASSERT_EQ(0, write_file(SIM_DIR "/invert", "1"));
	ret = load_driver("invert=1");
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko invert=1: %s",
				 strerror(-ret));
	EXPECT_EQ(1, read_num(dev_file("invert")));
	if (access("/sys/kernel/debug/gpio", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	gpio = read_text("/sys/kernel/debug/gpio");
	ASSERT_NE(NULL, gpio);
	EXPECT_NE(NULL, strstr(gpio, "ACTIVE LOW"))
		TH_LOG("the RX line is not active-low:\n%s", gpio);
	free(gpio);
	EXPECT_EQ(0, send_and_read(s));
	EXPECT_EQ(0, stat_of("framing_errors"));
	EXPECT_EQ(0, unload_driver());
	EXPECT_EQ(0, write_file(SIM_DIR "/invert", "0"));
}

/* The pid of the driver's IRQ thread ("irq/N-gpsnmea..."), or -1. */
static pid_t irq_thread_pid(void)
{
	struct dirent *de;
	pid_t pid = -1;
	DIR *d = opendir("/proc");

	while (d && pid < 0 && (de = readdir(d))) {
		char path[300], *comm;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		comm = read_text(path);
		if (comm && !strncmp(comm, "irq/", 4) && strstr(comm, "-gpsnmea"))
			pid = atoi(de->d_name);
		free(comm);
	}
	if (d)
		closedir(d);
	return pid;
}

static int pin_to_cpu(pid_t pid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(pid, sizeof(set), &set) ? -errno : 0;
}

/*
 * The idle flush must not complete a frame while the edge that ends it is
 * between its timestamp and its put on another CPU (gpsnmea_bh_idle_ok()).
 * The simulator's slow-stop fault holds the top half of every stop-bit
 * edge in its GPIO read for 2 ms. This process starts the simulator's
 * timer, so the top half runs on its CPU 0; the bottom half's thread is
 * pinned to CPU 1. At 1200 baud the bottom half runs within each byte (1
 * ms, the batch time, after the edge that starts a batch) and arms the idle
 * timer for the frame's deadline, which falls inside the 2 ms; without the
 * check nearly every byte (77 of 79) gets a framing error, the flush on
 * CPU 1 sampling the stop bit before its edge is queued. The bytes go one
 * at a time, each on an idle line. Every one must arrive, with no framing
 * or order error. Needs two CPUs and
 * bh=thread: the other bottom halves run on the CPU that queued them,
 * where the top half holds interrupts off. make check runs it in an -smp 2
 * icount VM, where the window opens at the same guest time in every run.
 */
TEST(idle_flush_waits_for_edge_in_flight)
{
	static const char s[] =
		"$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n"
		"$GPZDA,201530.00,04,07,2002,00,00*60\r\n";
	char buf[256], *bh;
	size_t i, got;
	pid_t thread;
	int fd, ret;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		SKIP(return, "needs two CPUs (vm-test --mode smp2-icount)");
	setenv("GPSNMEA_BAUD", "1200", 1);
	ASSERT_EQ(0, sim_setup());
	ret = load_driver(NULL);
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko: %s", strerror(-ret));
	bh = read_text(dev_file("bh"));
	ASSERT_NE(NULL, bh);
	if (strncmp(bh, "thread", 6)) {
		free(bh);
		EXPECT_EQ(0, unload_driver());
		SKIP(return, "bh=thread only: the others run where they were queued");
	}
	free(bh);
	thread = irq_thread_pid();
	ASSERT_LT(0, thread) TH_LOG("no irq/N-gpsnmea thread");
	ASSERT_EQ(0, pin_to_cpu(0, 0));
	ASSERT_EQ(0, pin_to_cpu(thread, 1));
	fd = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, write_file(SIM_DIR "/fault", "slow-stop 2000000"));
	for (i = 0; i < strlen(s); i++) {
		ASSERT_EQ(0, sim_send(&s[i], 1));
		sim_wait_idle(1000);
		usleep(3000);
	}
	got = read_until(fd, buf, sizeof(buf), strlen(s), 500);
	close(fd);
	EXPECT_EQ(strlen(s), got);
	EXPECT_EQ(0, memcmp(buf, s, got < strlen(s) ? got : strlen(s)))
		TH_LOG("got %zu bytes: %.*s", got, (int)got, buf);
	EXPECT_EQ(0, stat_of("framing_errors"));
	EXPECT_EQ(0, stat_of("order_errors"));
	EXPECT_LT(0, sim_stat_of("stats", "faults"));
	EXPECT_EQ(0, write_file(SIM_DIR "/fault", "clear"));
	EXPECT_EQ(0, unload_driver());
}

/*
 * Sleeps of 1 ms until the simulator is idle again; returns the most any
 * of them overslept, in us.
 */
static long long sleep_lateness_us(void)
{
	long long worst = 0;

	while (read_num(SIM_DIR "/pending") > 0) {
		struct timespec a, b, d = { .tv_nsec = 1000000 };
		long long late;

		clock_gettime(CLOCK_MONOTONIC, &a);
		nanosleep(&d, NULL);
		clock_gettime(CLOCK_MONOTONIC, &b);
		late = (b.tv_sec - a.tv_sec) * 1000000LL +
		       (b.tv_nsec - a.tv_nsec) / 1000 - 1000;
		if (late > worst)
			worst = late;
	}
	return worst;
}

/*
 * Edge storm: the simulator floods the line with a 1 MHz square wave for
 * 2 s, then with random edges (mean gap 2 us) for 1 s. The driver masks
 * the IRQ past its edge budget, counts it and unmasks it later; meanwhile
 * a userspace 1 ms sleep loop must never oversleep by more than 20 ms.
 * Afterwards sentences come through byte for byte.
 */
FIXTURE(storm) {
	int unused;
};

FIXTURE_SETUP(storm)
{
}

FIXTURE_TEARDOWN(storm)
{
}

/* Three seconds of flood: its own fixture, make check runs it apart. */
TEST_F_TIMEOUT(storm, edge_storm_bounded, 600)
{
	static const char s[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	long long square, random;
	int ret, i;

	ASSERT_EQ(0, sim_setup());
	ret = load_driver(NULL);
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko: %s", strerror(-ret));

	ASSERT_EQ(0, write_file(SIM_DIR "/fault", "flood 500 2000"));
	square = sleep_lateness_us();
	ASSERT_EQ(0, write_file(SIM_DIR "/fault", "flood-random 2000 1000"));
	random = sleep_lateness_us();
	TH_LOG("1 ms sleeps overslept by up to %lld us (square wave), %lld us (random)",
	       square, random);
	TH_LOG("%lld storms, %lld edges taken", stat_of("storms"),
	       stat_of("edges"));
	EXPECT_GT(20000, square);
	EXPECT_GT(20000, random);
	EXPECT_LE(2, stat_of("storms"));

	/* The last holdoff ends; then every byte is right again. */
	usleep(300000);
	for (i = 0; i < 3; i++) {
		long long b0 = stat_of("bytes"), e0 = stat_of("edges");

		EXPECT_EQ(0, send_and_read(s))
			TH_LOG("sentence %d: %lld edges, %lld bytes; %lld framing errors",
			       i, stat_of("edges") - e0, stat_of("bytes") - b0,
			       stat_of("framing_errors"));
	}
	EXPECT_EQ(0, unload_driver());
}

TEST_HARNESS_MAIN
