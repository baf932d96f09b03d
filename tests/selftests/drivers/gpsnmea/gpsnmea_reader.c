// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea_reader: the reader of /dev/gpsnmea that scripts/bench runs in the
 * guest (tests/vm/bench.sh), in place of cat.
 *
 *   gpsnmea_reader BAUD DELAYS [DEV]
 *
 * Opens DEV (default /dev/gpsnmea) in GPSNMEA_FORMAT_RECORD and copies each
 * sentence's text to stdout, so that stdout is byte for byte what
 * "cat DEV" gives. After each read() it takes CLOCK_MONOTONIC and writes,
 * per record, "SEQ DELAY_NS LEN MONO_NS" to the file DELAYS: the delivery
 * delay, from the end of the sentence's last stop bit to the return of
 * read(), then the record's length and timestamp as read. The
 * record's mono_ns is the hard-IRQ timestamp of the falling edge that
 * starts the '$' (or '!'), so the last stop bit ends LEN * 10 bit times
 * (8N1, CRLF included) later.
 *
 * SIGTERM or SIGINT ends it: what is already readable is read and written
 * first, so that stopping it right after the last sentence loses nothing.
 * A loss (read() failing with EPIPE, a reader more than the ring behind)
 * is reported on stderr and reading goes on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/gpsnmea.h>

#define NSEC_PER_SEC	1000000000LL
#define BITS_PER_FRAME	10
#define READ_BUF	(64 * GPSNMEA_RECORD_MAX)
/* A record is at least its header; a delay line at most 72 characters. */
#define LINES_BUF	(READ_BUF / sizeof(struct gpsnmea_record) * 72)

/* SIGTERM, SIGINT: only delivered in ppoll(), which then fails (EINTR). */
static void on_signal(int sig)
{
}

/* Write all of @buf to @fd; 0 or -1 (errno set). */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * Hand out the records of one read() of @n bytes taken at @t_ns: texts to
 * @out_fd, delays to @delay_fd. 0 or -1.
 */
static int put_records(const char *buf, ssize_t n, long long t_ns,
		       long long baud, int out_fd, int delay_fd)
{
	static char text[READ_BUF];
	static char lines[LINES_BUF];
	size_t tlen = 0, llen = 0;
	ssize_t off = 0;

	while (off + (ssize_t)sizeof(struct gpsnmea_record) <= n) {
		const struct gpsnmea_record *rec = (const void *)(buf + off);
		long long end = rec->mono_ns + rec->len * BITS_PER_FRAME *
				NSEC_PER_SEC / baud;

		if (rec->size < sizeof(*rec) || rec->size > (size_t)(n - off) ||
		    rec->len > rec->size - sizeof(*rec)) {
			fprintf(stderr, "gpsnmea_reader: bad record at %zd\n",
				off);
			return -1;
		}
		memcpy(text + tlen, rec->text, rec->len);
		tlen += rec->len;
		llen += snprintf(lines + llen, sizeof(lines) - llen,
				 "%llu %lld %u %lld\n",
				 (unsigned long long)rec->seq, t_ns - end,
				 rec->len, (long long)rec->mono_ns);
		off += rec->size;
	}
	if (write_all(out_fd, text, tlen) || write_all(delay_fd, lines, llen)) {
		perror("gpsnmea_reader: write");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static char buf[READ_BUF];
	const char *dev = argc > 3 ? argv[3] : "/dev/gpsnmea";
	__u32 format = GPSNMEA_FORMAT_RECORD;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, orig;
	bool stop = false;
	long long baud;
	int fd, delay_fd;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s BAUD DELAYS [DEV]\n", argv[0]);
		return 2;
	}
	baud = atoll(argv[1]);
	if (baud <= 0) {
		fprintf(stderr, "gpsnmea_reader: bad baud '%s'\n", argv[1]);
		return 2;
	}
	delay_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (delay_fd < 0) {
		perror(argv[2]);
		return 1;
	}
	fd = open(dev, O_RDONLY);
	if (fd < 0) {
		perror(dev);
		return 1;
	}
	if (ioctl(fd, GPSNMEA_IOC_SET_FORMAT, &format)) {
		perror("gpsnmea_reader: GPSNMEA_IOC_SET_FORMAT");
		return 1;
	}

	/*
	 * The signals stay blocked but in ppoll(), so that one cannot come
	 * between the test of stop and the wait: ppoll() failing with EINTR
	 * is the signal.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct timespec ts;
		ssize_t n;

		if (!stop && ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno != EINTR) {
				perror("gpsnmea_reader: ppoll");
				return 1;
			}
			stop = true;
		}
		if (stop && fcntl(fd, F_SETFL, O_NONBLOCK)) {
			perror("gpsnmea_reader: O_NONBLOCK");
			return 1;
		}
		n = read(fd, buf, sizeof(buf));
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (n < 0 && errno == EPIPE) {
			fprintf(stderr, "gpsnmea_reader: sentences lost\n");
			continue;
		}
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			perror("gpsnmea_reader: read");
			return 1;
		}
		if (!n)
			break;
		if (put_records(buf, n, ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec,
				baud, STDOUT_FILENO, delay_fd))
			return 1;
	}
	close(fd);
	return close(delay_fd) ? 1 : 0;
}
