// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea selftests: run inside a VM (or on a machine with the simulated
 * GPS loaded). The simulated GPS (tests/sim, gpsnmea_sim.ko) plays bytes
 * out as a UART waveform on its GPIO line; these tests load the driver on
 * that line and check what /dev/gpsnmea and sysfs give back.
 *
 * Environment:
 *   GPSNMEA_KO      path of gpsnmea.ko (default /modules/gpsnmea.ko)
 *   GPSNMEA_PARAMS  extra module parameters, e.g. "bh=tasklet"
 *   GPSNMEA_BAUD    bit rate for the driver and the sim (default 9600)
 *   GPSNMEA_CORPUS  folder with NAME.wire / NAME.expect (default /corpus)
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#define SIM_DIR		"/sys/kernel/debug/gpsnmea-sim/line0"
#define DEV_PATH	"/dev/gpsnmea"
#define SYS_DEV		"/sys/bus/platform/devices/gpsnmea"
#define SYS_DRV		"/sys/bus/platform/drivers/gpsnmea"

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* Reads a number from a sysfs/debugfs file; -1 on error. */
static long long read_num(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 0);
}

static long long stat_of(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), SYS_DEV "/statistics/%s", name);
	return read_num(path);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return NULL;
	buf = malloc(st.st_size + 1);
	*len = buf ? read(fd, buf, st.st_size) : 0;
	close(fd);
	return buf;
}

static int load_driver(const char *extra)
{
	char params[512];
	int fd, ret;

	snprintf(params, sizeof(params),
		 "gpio_chip=gpsnmea-sim gpio_line=0 baud=%s %s %s",
		 env_or("GPSNMEA_BAUD", "9600"),
		 env_or("GPSNMEA_PARAMS", ""), extra ? extra : "");
	fd = open(env_or("GPSNMEA_KO", "/modules/gpsnmea.ko"), O_RDONLY);
	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static int unload_driver(void)
{
	return syscall(__NR_delete_module, "gpsnmea", O_NONBLOCK) ? -errno : 0;
}

/* Sends bytes through the simulated GPS; blocks while its fifo is full. */
static int sim_send(const void *buf, size_t len)
{
	int fd = open(SIM_DIR "/tx", O_WRONLY);
	const char *p = buf;

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -errno;
		}
		p += n;
		len -= n;
	}
	close(fd);
	return 0;
}

/* Waits until the sim has put every byte on the wire. */
static int sim_wait_idle(int timeout_ms)
{
	long long end = now_ms() + timeout_ms;

	while (read_num(SIM_DIR "/pending") != 0) {
		if (now_ms() > end)
			return -ETIMEDOUT;
		usleep(2000);
	}
	return 0;
}

/*
 * Reads from @fd until @want bytes came or nothing came for @quiet_ms
 * after the sim went idle. Returns the byte count.
 */
static size_t read_until(int fd, char *buf, size_t cap, size_t want,
			 int quiet_ms)
{
	size_t got = 0;

	while (got < want && got < cap) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int ret = poll(&pfd, 1, quiet_ms);

		if (ret == 0 && read_num(SIM_DIR "/pending") == 0)
			break;
		if (ret <= 0)
			continue;
		n = read(fd, buf + got, cap - got);
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

struct sender {
	const unsigned char *buf;
	size_t len;
	int ret;
};

static void *sender_thread(void *arg)
{
	struct sender *s = arg;

	s->ret = sim_send(s->buf, s->len);
	return NULL;
}

/* Byte offset of the first difference, or -1 when equal. */
static long first_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < alen && i < blen; i++)
		if (a[i] != b[i])
			return i;
	return alen == blen ? -1 : (long)i;
}

FIXTURE(drv) {
	int baud;
};

FIXTURE_SETUP(drv)
{
	char baud[16];
	int ret;

	self->baud = atoi(env_or("GPSNMEA_BAUD", "9600"));
	snprintf(baud, sizeof(baud), "%d", self->baud);
	ASSERT_EQ(0, sim_wait_idle(60000));
	ASSERT_EQ(0, write_file(SIM_DIR "/baud", baud));
	ret = load_driver(NULL);
	ASSERT_EQ(0, ret) TH_LOG("loading gpsnmea.ko: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(drv)
{
	sim_wait_idle(60000);
	/* Rebind if a test unbound the device, then unload. */
	if (access(SYS_DEV "/driver", F_OK))
		write_file(SYS_DRV "/bind", "gpsnmea");
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
 * checksum, a 200-character line, a control character and a sentence cut by
 * a new '$' are dropped and counted; the good sentences around them arrive.
 */
TEST_F(drv, bad_input_dropped_and_counted)
{
	static const char good1[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	static const char good2[] = "$GPZDA,201530.00,04,07,2002,00,00*60\r\n";
	char input[2048], expect[256], got[2048], longline[201];
	size_t n = 0, elen;
	int fd;

	memset(longline, 'A', 200);
	longline[0] = '$';
	longline[200] = 0;
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
	ASSERT_EQ(0, write_file(SYS_DRV "/unbind", "gpsnmea"));
	ASSERT_EQ(reader, waitpid(reader, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(poller, waitpid(poller, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Files still open: the module stays. */
	EXPECT_EQ(-EAGAIN, unload_driver());
	close(fr);
	close(fp);
	EXPECT_EQ(0, write_file(SYS_DRV "/bind", "gpsnmea"));
	EXPECT_EQ(0, access(DEV_PATH, R_OK));
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
FIXTURE(replay) {
	int baud;
};

FIXTURE_VARIANT(replay) {
	const char *name;
};

#include "corpus_variants.h"

FIXTURE_SETUP(replay)
{
	char baud[16];

	self->baud = atoi(env_or("GPSNMEA_BAUD", "9600"));
	snprintf(baud, sizeof(baud), "%d", self->baud);
	ASSERT_EQ(0, sim_wait_idle(60000));
	ASSERT_EQ(0, write_file(SIM_DIR "/baud", baud));
	ASSERT_EQ(0, load_driver(NULL));
}

FIXTURE_TEARDOWN(replay)
{
	sim_wait_idle(600000);
	EXPECT_EQ(0, unload_driver());
}

TEST_F_TIMEOUT(replay, corpus, 900)
{
	const char *dir = env_or("GPSNMEA_CORPUS", "/corpus");
	unsigned char *wire, *expect;
	size_t wlen, elen, got, lines = 0, sentences = 0, i;
	struct sender snd;
	pthread_t thr;
	char path[512], *buf;
	long diff, drops;
	int fd;

	snprintf(path, sizeof(path), "%s/%s.wire", dir, variant->name);
	wire = slurp(path, &wlen);
	ASSERT_NE(NULL, wire) TH_LOG("%s missing", path);
	snprintf(path, sizeof(path), "%s/%s.expect", dir, variant->name);
	expect = slurp(path, &elen);
	ASSERT_NE(NULL, expect) TH_LOG("%s missing", path);
	for (i = 0; i < wlen; i++)
		lines += wire[i] == '\n';
	for (i = 0; i < elen; i++)
		sentences += expect[i] == '\n';

	buf = malloc(elen + 4096);
	ASSERT_NE(NULL, buf);
	fd = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, fd);

	snd.buf = wire;
	snd.len = wlen;
	ASSERT_EQ(0, pthread_create(&thr, NULL, sender_thread, &snd));
	got = read_until(fd, buf, elen + 4096, elen, 1000);
	pthread_join(thr, NULL);
	ASSERT_EQ(0, snd.ret);
	/* Bytes after the last valid sentence may still be on their way. */
	ASSERT_EQ(0, sim_wait_idle(60000));
	for (i = 0; i < 500 && stat_of("bytes") < (long long)wlen; i++)
		usleep(10000);
	EXPECT_EQ((long long)wlen, stat_of("bytes"));

	diff = first_diff(buf, got, (char *)expect, elen);
	EXPECT_EQ(-1, diff) {
		TH_LOG("%s: got %zu bytes, want %zu; first difference at byte %ld",
		       variant->name, got, elen, diff);
		if (diff >= 0 && (size_t)diff < got)
			TH_LOG("got:  %.80s", buf + diff);
		if (diff >= 0 && (size_t)diff < elen)
			TH_LOG("want: %.80s", expect + diff);
	}
	EXPECT_EQ((long long)sentences, stat_of("sentences"));
	drops = stat_of("checksum_errors") + stat_of("no_checksum_errors") +
		stat_of("length_errors") + stat_of("charset_errors") +
		stat_of("truncated_sentences");
	/* Lines that are not valid sentences are dropped, one count each. */
	EXPECT_EQ((long)(lines - sentences), drops);
	EXPECT_EQ(0, stat_of("framing_errors"));
	EXPECT_EQ(0, stat_of("garbage_bytes"));
	EXPECT_EQ(0, stat_of("glitches"));
	EXPECT_EQ(0, stat_of("overruns"));
	EXPECT_EQ(0, stat_of("gaps"));
	TH_LOG("%s: %zu sentences, %zu bytes, bh latency p99 %lld ns",
	       variant->name, sentences, got, stat_of("bh_latency_p99_ns"));
	close(fd);
	free(buf);
	free(wire);
	free(expect);
}

TEST_HARNESS_MAIN
