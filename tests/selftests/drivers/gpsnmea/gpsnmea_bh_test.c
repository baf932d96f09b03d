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
	TH_LOG("edges %lld order_errors %lld glitches %lld late_edges %lld",
	       stat_of("edges"), stat_of("order_errors"), stat_of("glitches"),
	       stat_of("late_edges"));
	TH_LOG("sentences %lld doubtful %lld checksum_errors %lld truncated %lld garbage %lld",
	       stat_of("sentences"), stat_of("doubtful_sentences"),
	       stat_of("checksum_errors"), stat_of("truncated_sentences"),
	       stat_of("garbage_bytes"));
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

TEST_HARNESS_MAIN
