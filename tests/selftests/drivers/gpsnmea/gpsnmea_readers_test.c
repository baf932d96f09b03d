// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea selftests: several readers of /dev/gpsnmea at once, the record
 * format with its timestamps (include/uapi/linux/gpsnmea.h), the
 * per-sentence-type counters and allow_no_checksum.
 *
 * readers.fast_slow_late replays a long corpus log (GPSNMEA_READERS_LOG,
 * default ublox-zed-f9p-nmea), cut after GPSNMEA_READERS_SENTENCES
 * sentences (default 640: 35 kB, 37 s at 9600 baud; 0 = the whole log) to
 * three readers at once:
 *
 * - fast: records, read as they come. Gets every sentence, numbered 0..N-1,
 *   each timestamped within one character time after the start bit that
 *   the simulated GPS sent for its '$' (the sim's debugfs "starts" file);
 * - slow: text; reads once, then waits (on the driver's sentence counter,
 *   not on time) until the 512-slot ring has passed it by 64 sentences, so
 *   the overrun happens on every run. It must get -EPIPE, and the
 *   sentences missing from its stream must be exactly the ones
 *   GPSNMEA_IOC_GET_INFO counts as lost;
 * - slow, in records: the same, and the records' numbers jump by the loss;
 * - late: text; opens when half the log has been received and must get
 *   exactly the expected sentences from the number GPSNMEA_IOC_GET_INFO
 *   gives it at open to the end.
 *
 * Environment: see common.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/gpsnmea.h>

#include "kselftest_harness.h"
#include "common.h"

#define RING_SLOTS	512U
#define SLOW_MARGIN	64U	/* sentences beyond the ring the slow one lags */
#define READ_BUF	(64 * 1024)

static unsigned long long char_ns(void)
{
	return 10ULL * 1000000000ULL / strtoul(env_or("GPSNMEA_BAUD", "9600"),
					       NULL, 10);
}

static size_t rec_size(size_t len)
{
	return (sizeof(struct gpsnmea_record) + len + 1 + 7) & ~(size_t)7;
}

static int set_format(int fd, __u32 format)
{
	return ioctl(fd, GPSNMEA_IOC_SET_FORMAT, &format) ? -errno : 0;
}

static int get_info(int fd, struct gpsnmea_info *info)
{
	return ioctl(fd, GPSNMEA_IOC_GET_INFO, info) ? -errno : 0;
}

/* Waits until statistics/sentences reaches @n; 0, or -ETIMEDOUT. */
static int wait_sentences(long long n, int timeout_s)
{
	long long i;

	for (i = 0; i < timeout_s * 10LL; i++) {
		if (stat_of("sentences") >= n)
			return 0;
		usleep(100000);
	}
	return -ETIMEDOUT;
}

/* One expected sentence: its text (CRLF included) and where its '$' is sent. */
struct sent {
	const char *text;
	size_t len;
	size_t wire_off;
};

/* Splits @r->expect into sentences and finds each one in @r->wire. */
static struct sent *split_expect(const struct replay *r, size_t *count)
{
	struct sent *s = calloc(r->sentences + 1, sizeof(*s));
	size_t n = 0, off = 0, wpos = 0;

	if (!s)
		return NULL;
	while (off < r->elen) {
		const char *p = (const char *)r->expect + off;
		const char *nl = memchr(p, '\n', r->elen - off);
		const char *w;

		if (!nl || n == r->sentences)
			break;
		s[n].text = p;
		s[n].len = nl - p + 1;
		w = memmem(r->wire + wpos, r->wlen - wpos, p, s[n].len - 2);
		if (!w) {
			free(s);
			return NULL;
		}
		s[n].wire_off = (const unsigned char *)w - r->wire;
		wpos = s[n].wire_off + s[n].len - 2;
		off += s[n].len;
		n++;
	}
	*count = n;
	return s;
}

/* --- the sim's start-bit times, gathered before its ring of 4096 wraps --- */

struct starts {
	unsigned long long *ns;	/* by frame index */
	size_t cap;
	size_t have;		/* entries 0..have-1 are known */
	int gap;		/* an entry was lost before it was read */
	int stop;
	char *text;
};

static void starts_collect(struct starts *st)
{
	size_t len = 0;
	ssize_t n;
	char *p, *end;
	int fd = open(SIM_DIR "/starts", O_RDONLY);

	if (fd < 0) {
		st->gap = 1;
		return;
	}
	while ((n = read(fd, st->text + len, 4096 * 42 - len)) > 0)
		len += n;
	close(fd);
	st->text[len] = 0;
	for (p = st->text; p < st->text + len; p = end + 1) {
		unsigned long long idx = strtoull(p, &end, 10);
		unsigned long long ns = strtoull(end, &end, 10);

		if (*end != '\n')
			break;
		if (idx > st->have)
			st->gap = 1;
		if (idx < st->cap) {
			st->ns[idx] = ns;
			if (idx + 1 > st->have)
				st->have = idx + 1;
		}
	}
}

/* Every 2048 frame times: half the sim's ring of 4096 (2.1 s at 9600 baud). */
static void *starts_thread(void *arg)
{
	struct starts *st = arg;
	unsigned long long ms = 2048ULL * 10 * 1000 /
				strtoul(env_or("GPSNMEA_BAUD", "9600"), NULL, 10);
	unsigned long long i;

	while (!__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE)) {
		starts_collect(st);
		for (i = 0; i < ms / 10 + 1 &&
		     !__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE); i++)
			usleep(10000);
	}
	starts_collect(st);
	return NULL;
}

/* --- the readers --- */

struct reader {
	int fd;
	size_t total;		/* sentences in the log */
	char *buf;		/* what read() returned, concatenated */
	size_t len;
	int err;		/* unexpected errno */
	/* late reader */
	unsigned long long first_seq;
	/* slow reader: the loss count after each -EPIPE, where it happened */
	unsigned int epipes;
	unsigned long long lost_at[8];
	size_t epipe_off[8];
	unsigned long long lost;
};

/* Is the sim done and nothing arrived for 2 s? */
static int reader_wait(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret = poll(&pfd, 1, 2000);

	if (ret == 0 && read_num(SIM_DIR "/pending") == 0)
		return -ETIMEDOUT;
	return 0;
}

/* Reads until the file has consumed sentence @total - 1. */
static void reader_loop(struct reader *rd)
{
	struct gpsnmea_info info;
	ssize_t n;

	for (;;) {
		if (get_info(rd->fd, &info)) {
			rd->err = errno;
			return;
		}
		if (info.seq >= rd->total)
			return;
		if (reader_wait(rd->fd)) {
			rd->err = ETIMEDOUT;
			return;
		}
		n = read(rd->fd, rd->buf + rd->len, READ_BUF);
		if (n < 0 && errno == EPIPE && rd->epipes < 8) {
			if (get_info(rd->fd, &info)) {
				rd->err = errno;
				return;
			}
			rd->epipe_off[rd->epipes] = rd->len;
			rd->lost_at[rd->epipes++] = info.lost;
			continue;
		}
		if (n <= 0) {
			rd->err = n ? errno : ENODATA;
			return;
		}
		rd->len += n;
	}
}

static void *fast_thread(void *arg)
{
	reader_loop(arg);
	return NULL;
}

static void *slow_thread(void *arg)
{
	struct reader *rd = arg;
	struct gpsnmea_info info;
	ssize_t n;

	n = read(rd->fd, rd->buf, READ_BUF);
	if (n <= 0 || get_info(rd->fd, &info)) {
		rd->err = n ? errno : ENODATA;
		return NULL;
	}
	rd->len = n;
	if (wait_sentences(info.seq + RING_SLOTS + SLOW_MARGIN, 600)) {
		rd->err = ETIMEDOUT;
		return NULL;
	}
	reader_loop(rd);
	if (!get_info(rd->fd, &info))
		rd->lost = info.lost;
	return NULL;
}

static void *late_thread(void *arg)
{
	struct reader *rd = arg;
	struct gpsnmea_info info;

	if (wait_sentences(rd->total / 2, 600)) {
		rd->err = ETIMEDOUT;
		return NULL;
	}
	rd->fd = open(DEV_PATH, O_RDONLY);
	if (rd->fd < 0 || get_info(rd->fd, &info)) {
		rd->err = errno;
		return NULL;
	}
	rd->first_seq = info.seq;
	reader_loop(rd);
	return NULL;
}

static void *sender_thread(void *arg)
{
	struct replay *r = arg;

	r->send_ret = sim_send(r->wire, r->wlen);
	return NULL;
}

static int reader_init(struct reader *rd, size_t total)
{
	memset(rd, 0, sizeof(*rd));
	rd->fd = -1;
	rd->total = total;
	rd->buf = malloc(total * GPSNMEA_RECORD_MAX + READ_BUF);
	return rd->buf ? 0 : -ENOMEM;
}

/* Matches @len bytes of text at @p with sentences from @s[*i] on. */
static int match_text(const struct sent *s, size_t total, size_t *i,
		      const char *p, size_t len)
{
	while (len) {
		if (*i >= total || s[*i].len > len ||
		    memcmp(p, s[*i].text, s[*i].len))
			return -1;
		p += s[*i].len;
		len -= s[*i].len;
		(*i)++;
	}
	return 0;
}

FIXTURE(readers) {
	struct replay r;
	struct sent *s;
	size_t n;
	struct reader fast, slow, slowrec, late;
	struct starts st;
};

FIXTURE_SETUP(readers)
{
	const char *log = env_or("GPSNMEA_READERS_LOG", "ublox-zed-f9p-nmea");
	size_t cut;

	memset(&self->r, 0, sizeof(self->r));
	ASSERT_EQ(0, replay_open(&self->r, log));
	self->s = split_expect(&self->r, &self->n);
	ASSERT_NE(NULL, self->s);
	ASSERT_EQ(self->r.sentences, self->n);
	cut = strtoul(env_or("GPSNMEA_READERS_SENTENCES", "640"), NULL, 10);
	if (cut && cut < self->n) {
		self->r.wlen = self->s[cut].wire_off;
		self->r.elen = self->s[cut].text - (const char *)self->r.expect;
		self->r.sentences = cut;
		self->n = cut;
	}
	ASSERT_LT(RING_SLOTS + SLOW_MARGIN + 16, self->n)
		TH_LOG("%s is too short to overrun the ring", log);
	ASSERT_EQ(0, reader_init(&self->fast, self->n));
	ASSERT_EQ(0, reader_init(&self->slow, self->n));
	ASSERT_EQ(0, reader_init(&self->slowrec, self->n));
	ASSERT_EQ(0, reader_init(&self->late, self->n));
	self->st.cap = self->r.wlen;
	self->st.ns = calloc(self->st.cap, sizeof(*self->st.ns));
	self->st.text = malloc(4096 * 42 + 1);
	ASSERT_NE(NULL, self->st.ns);
	ASSERT_NE(NULL, self->st.text);
	ASSERT_EQ(0, sim_setup());
	ASSERT_EQ(0, load_driver(NULL));
	ASSERT_EQ(0, write_file(SIM_DIR "/starts_reset", "1"));
}

FIXTURE_TEARDOWN(readers)
{
	sim_wait_idle(600000);
	if (self->fast.fd >= 0)
		close(self->fast.fd);
	if (self->slow.fd >= 0)
		close(self->slow.fd);
	if (self->slowrec.fd >= 0)
		close(self->slowrec.fd);
	if (self->late.fd >= 0)
		close(self->late.fd);
	EXPECT_EQ(0, unload_driver());
	free(self->fast.buf);
	free(self->slow.buf);
	free(self->slowrec.buf);
	free(self->late.buf);
	free(self->st.ns);
	free(self->st.text);
	free(self->s);
	replay_close(&self->r);
}

/* The fast reader's records: every sentence, in order, well timestamped. */
static void check_fast(struct __test_metadata *_metadata,
		       struct _test_data_readers *self)
{
	const struct reader *rd = &self->fast;
	unsigned long long prev_mono = 0, prev_real = 0, max_d = 0, sum_d = 0;
	size_t off = 0, i = 0;

	EXPECT_EQ(0, rd->err) TH_LOG("fast reader: %s", strerror(rd->err));
	EXPECT_EQ(0U, rd->epipes);
	EXPECT_EQ(0, self->st.gap) TH_LOG("sim start times were lost");
	while (off + sizeof(struct gpsnmea_record) <= rd->len && i < self->n) {
		const struct gpsnmea_record *rec = (const void *)(rd->buf + off);
		const struct sent *s = &self->s[i];
		unsigned long long start, d;

		ASSERT_EQ(rec_size(rec->len), rec->size);
		ASSERT_LE(off + rec->size, rd->len);
		ASSERT_EQ(i, rec->seq);
		ASSERT_EQ(s->len, rec->len);
		ASSERT_EQ(0, memcmp(rec->text, s->text, s->len))
			TH_LOG("record %zu: %.*s", i, (int)rec->len, rec->text);
		ASSERT_EQ(0, rec->text[rec->len]);
		ASSERT_LT(prev_mono, (unsigned long long)rec->mono_ns);
		ASSERT_LT(prev_real, (unsigned long long)rec->real_ns);
		prev_mono = rec->mono_ns;
		prev_real = rec->real_ns;

		ASSERT_LT(s->wire_off, self->st.have);
		start = self->st.ns[s->wire_off];
		ASSERT_LE(start, (unsigned long long)rec->mono_ns);
		d = rec->mono_ns - start;
		ASSERT_LT(d, char_ns())
			TH_LOG("record %zu: %llu ns after its start bit", i, d);
		max_d = d > max_d ? d : max_d;
		sum_d += d;
		off += rec->size;
		i++;
	}
	EXPECT_EQ(self->n, i);
	EXPECT_EQ(rd->len, off);
	TH_LOG("fast: %zu records, mono - sim start bit: mean %llu, max %llu ns (< %llu)",
	       i, i ? sum_d / i : 0, max_d, char_ns());
}

/* The slow reader: the log, less exactly the sentences counted lost. */
static void check_slow(struct __test_metadata *_metadata,
		       struct _test_data_readers *self)
{
	const struct reader *rd = &self->slow;
	unsigned long long prev = 0;
	size_t off = 0, i = 0;
	unsigned int k;

	EXPECT_EQ(0, rd->err) TH_LOG("slow reader: %s", strerror(rd->err));
	ASSERT_LE(1U, rd->epipes);
	ASSERT_LE(SLOW_MARGIN, rd->lost);
	ASSERT_EQ(rd->lost, rd->lost_at[rd->epipes - 1]);
	for (k = 0; k < rd->epipes; k++) {
		ASSERT_EQ(0, match_text(self->s, self->n, &i, rd->buf + off,
					rd->epipe_off[k] - off))
			TH_LOG("slow reader: sentence %zu differs", i);
		ASSERT_LT(prev, rd->lost_at[k]);
		i += rd->lost_at[k] - prev;
		prev = rd->lost_at[k];
		off = rd->epipe_off[k];
	}
	ASSERT_EQ(0, match_text(self->s, self->n, &i, rd->buf + off,
				rd->len - off))
		TH_LOG("slow reader: sentence %zu differs", i);
	EXPECT_EQ(self->n, i);
	TH_LOG("slow: %u EPIPE, %llu sentences lost, the rest in order",
	       rd->epipes, rd->lost);
}

/* The slow reader in records: numbers jump exactly by the loss. */
static void check_slow_records(struct __test_metadata *_metadata,
			       struct _test_data_readers *self)
{
	const struct reader *rd = &self->slowrec;
	unsigned long long prev = 0;
	size_t off = 0, i = 0;
	unsigned int k = 0;

	EXPECT_EQ(0, rd->err) TH_LOG("slow record reader: %s",
				     strerror(rd->err));
	ASSERT_LE(1U, rd->epipes);
	ASSERT_LE(SLOW_MARGIN, rd->lost);
	while (off + sizeof(struct gpsnmea_record) <= rd->len) {
		const struct gpsnmea_record *rec = (const void *)(rd->buf + off);

		if (k < rd->epipes && off == rd->epipe_off[k]) {
			ASSERT_LT(prev, rd->lost_at[k]);
			i += rd->lost_at[k] - prev;
			prev = rd->lost_at[k++];
		}
		ASSERT_GT(self->n, i);
		ASSERT_EQ(rec_size(rec->len), rec->size);
		ASSERT_EQ(i, rec->seq);
		ASSERT_EQ(self->s[i].len, rec->len);
		ASSERT_EQ(0, memcmp(rec->text, self->s[i].text, rec->len));
		off += rec->size;
		i++;
	}
	EXPECT_EQ(rd->epipes, k);
	EXPECT_EQ(rd->len, off);
	EXPECT_EQ(self->n, i);
	EXPECT_EQ(rd->lost, prev);
	TH_LOG("slow, records: %u EPIPE, %llu lost, numbers jump by that",
	       rd->epipes, rd->lost);
}

/* The late reader: exactly the log's suffix from its first number on. */
static void check_late(struct __test_metadata *_metadata,
		       struct _test_data_readers *self)
{
	const struct reader *rd = &self->late;
	size_t i = rd->first_seq;

	EXPECT_EQ(0, rd->err) TH_LOG("late reader: %s", strerror(rd->err));
	EXPECT_EQ(0U, rd->epipes);
	ASSERT_LE(self->n / 2, rd->first_seq);
	ASSERT_GT(self->n, rd->first_seq);
	ASSERT_EQ(0, match_text(self->s, self->n, &i, rd->buf, rd->len))
		TH_LOG("late reader: sentence %zu differs", i);
	EXPECT_EQ(self->n, i);
	TH_LOG("late: sentences %llu..%zu", rd->first_seq, self->n - 1);
}

/* statistics/sentence_types against the addresses of the expected log. */
static void check_types(struct __test_metadata *_metadata,
			struct _test_data_readers *self)
{
	char got[4096] = "", want[4096] = "", name[32];
	char names[64][32];
	unsigned long long counts[64] = { 0 };
	size_t i, t, nt = 0, len = 0;
	FILE *f;

	for (i = 0; i < self->n; i++) {
		size_t a = strcspn(self->s[i].text + 1, ",*\r");

		snprintf(name, sizeof(name), "%.*s", (int)a,
			 self->s[i].text + 1);
		for (t = 0; t < nt && strcmp(names[t], name); t++)
			;
		if (t == nt && nt < 64)
			snprintf(names[nt++], sizeof(names[0]), "%s", name);
		counts[t]++;
	}
	ASSERT_GE(32U, nt);
	for (t = 0; t < nt; t++)
		len += snprintf(want + len, sizeof(want) - len, "%s %llu\n",
				names[t], counts[t]);
	snprintf(want + len, sizeof(want) - len, "other 0\n");
	f = fopen(dev_file("statistics/sentence_types"), "r");
	ASSERT_NE(NULL, f);
	len = fread(got, 1, sizeof(got) - 1, f);
	fclose(f);
	got[len] = 0;
	EXPECT_STREQ(want, got);
}

TEST_F_TIMEOUT(readers, fast_slow_late, 900)
{
	pthread_t sender, ft, sl, sr, lt, stt;
	__u32 format = 0;

	self->fast.fd = open(DEV_PATH, O_RDONLY);
	self->slow.fd = open(DEV_PATH, O_RDONLY);
	self->slowrec.fd = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, self->slowrec.fd);
	ASSERT_EQ(0, set_format(self->slowrec.fd, GPSNMEA_FORMAT_RECORD));
	ASSERT_LE(0, self->fast.fd);
	ASSERT_LE(0, self->slow.fd);
	ASSERT_EQ(0, set_format(self->fast.fd, GPSNMEA_FORMAT_RECORD));
	ASSERT_EQ(0, ioctl(self->fast.fd, GPSNMEA_IOC_GET_FORMAT, &format));
	ASSERT_EQ((__u32)GPSNMEA_FORMAT_RECORD, format);

	ASSERT_EQ(0, pthread_create(&stt, NULL, starts_thread, &self->st));
	ASSERT_EQ(0, pthread_create(&ft, NULL, fast_thread, &self->fast));
	ASSERT_EQ(0, pthread_create(&sl, NULL, slow_thread, &self->slow));
	ASSERT_EQ(0, pthread_create(&sr, NULL, slow_thread, &self->slowrec));
	ASSERT_EQ(0, pthread_create(&lt, NULL, late_thread, &self->late));
	ASSERT_EQ(0, pthread_create(&sender, NULL, sender_thread, &self->r));
	pthread_join(sender, NULL);
	EXPECT_EQ(0, self->r.send_ret);
	EXPECT_EQ(0, sim_wait_idle(600000));
	pthread_join(ft, NULL);
	pthread_join(sl, NULL);
	pthread_join(sr, NULL);
	pthread_join(lt, NULL);
	__atomic_store_n(&self->st.stop, 1, __ATOMIC_RELEASE);
	pthread_join(stt, NULL);

	EXPECT_EQ((long long)self->n, stat_of("sentences"))
		TH_LOG("bytes %lld of %zu; counted: %s; sim timer late by %lld ns",
		       stat_of("bytes"), self->r.wlen, stat_errors(),
		       sim_stat_of("late", "max_ns"));
	EXPECT_EQ((long long)self->r.wlen, stat_of("bytes"));
	EXPECT_EQ(0, stat_of("no_checksum_sentences"));
	EXPECT_EQ(0, stat_of("overruns"));
	check_fast(_metadata, self);
	check_slow(_metadata, self);
	check_slow_records(_metadata, self);
	check_late(_metadata, self);
	check_types(_metadata, self);
}

/* --- the record format and its ioctls, a few sentences at a time --- */

FIXTURE(records) {
	int fd;
};

FIXTURE_SETUP(records)
{
	self->fd = -1;
	ASSERT_EQ(0, sim_setup());
	ASSERT_EQ(0, load_driver(NULL));
	self->fd = open(DEV_PATH, O_RDONLY);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(records)
{
	if (self->fd >= 0)
		close(self->fd);
	sim_wait_idle(60000);
	EXPECT_EQ(0, unload_driver());
}

static const char s1[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
static const char s2[] = "$GPZDA,201530.00,04,07,2002,00,00*60\r\n";
static const char s3[] = "$PGRME,15.0,M,45.0,M,25.0,M*1C\r\n";

/* Default text, format ioctls, the info ioctl, unknown commands refused. */
TEST_F(records, ioctls)
{
	struct gpsnmea_info info;
	__u32 format = 7;

	ASSERT_EQ(0, ioctl(self->fd, GPSNMEA_IOC_GET_FORMAT, &format));
	EXPECT_EQ((__u32)GPSNMEA_FORMAT_TEXT, format);
	EXPECT_EQ(-EINVAL, set_format(self->fd, 2));
	EXPECT_EQ(-1, ioctl(self->fd, _IO(GPSNMEA_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, GPSNMEA_IOC_GET_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, get_info(self->fd, &info));
	EXPECT_EQ(0ULL, info.seq);
	EXPECT_EQ(0ULL, info.lost);
	EXPECT_EQ(0ULL, info.head);
	EXPECT_EQ((__u32)GPSNMEA_FORMAT_TEXT, info.format);
	EXPECT_EQ(RING_SLOTS, info.ring_slots);
	ASSERT_EQ(0, set_format(self->fd, GPSNMEA_FORMAT_RECORD));
	ASSERT_EQ(0, ioctl(self->fd, GPSNMEA_IOC_GET_FORMAT, &format));
	EXPECT_EQ((__u32)GPSNMEA_FORMAT_RECORD, format);
	ASSERT_EQ(0, get_info(self->fd, &info));
	EXPECT_EQ((__u32)GPSNMEA_FORMAT_RECORD, info.format);
}

/*
 * Records: whole ones only (a short buffer gets -EINVAL and the record
 * stays), several per read(), padded with zeros; a text reader at the
 * same time gets the text; timestamps lie before the read and match
 * between the two clocks.
 */
TEST_F(records, whole_records)
{
	char buf[1024], text[256], expect[256];
	const struct gpsnmea_record *rec;
	struct timespec mono, real;
	size_t off = 0, k, elen;
	size_t r1 = rec_size(strlen(s1)), r2 = rec_size(strlen(s2));
	size_t r3 = rec_size(strlen(s3));
	int tfd = open(DEV_PATH, O_RDONLY);
	ssize_t n;

	ASSERT_LE(0, tfd);
	ASSERT_EQ(0, set_format(self->fd, GPSNMEA_FORMAT_RECORD));
	elen = snprintf(expect, sizeof(expect), "%s%s%s", s1, s2, s3);
	ASSERT_EQ(0, sim_send(expect, elen));
	ASSERT_EQ(0, sim_wait_idle(10000));
	ASSERT_EQ(0, wait_sentences(3, 10));
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);

	/* Too small for the first record: refused, nothing lost. */
	EXPECT_EQ(-1, read(self->fd, buf, sizeof(*rec) + strlen(s1)));
	EXPECT_EQ(EINVAL, errno);
	/* Room for one and a half: one. */
	n = read(self->fd, buf, r1 + r2 / 2);
	ASSERT_EQ((ssize_t)r1, n);
	n = read(self->fd, buf + r1, sizeof(buf) - r1);
	ASSERT_EQ((ssize_t)(r2 + r3), n);
	n += r1;
	for (k = 0; k < 3; k++) {
		const char *want = k == 0 ? s1 : k == 1 ? s2 : s3;
		size_t i;

		rec = (const void *)(buf + off);
		ASSERT_EQ(strlen(want), rec->len);
		ASSERT_EQ(k, rec->seq);
		ASSERT_EQ(rec_size(rec->len), rec->size);
		EXPECT_EQ(0, memcmp(rec->text, want, rec->len));
		for (i = sizeof(*rec) + rec->len; i < rec->size; i++)
			EXPECT_EQ(0, buf[off + i]);
		EXPECT_GT(mono.tv_sec * 1000000000LL + mono.tv_nsec,
			  rec->mono_ns);
		EXPECT_GT(real.tv_sec * 1000000000LL + real.tv_nsec,
			  rec->real_ns);
		/* Both clocks of one instant: their offset is the clock's. */
		EXPECT_GT(1000000, llabs((real.tv_sec - mono.tv_sec) *
					 1000000000LL + real.tv_nsec -
					 mono.tv_nsec - (rec->real_ns -
							 rec->mono_ns)));
		off += rec->size;
	}
	EXPECT_EQ((size_t)n, off);

	n = read_until(tfd, text, sizeof(text), elen, 200);
	ASSERT_EQ((ssize_t)elen, n);
	EXPECT_EQ(0, memcmp(text, expect, elen));
	close(tfd);
}

/* A sentence half read as text comes again, whole, as the first record. */
TEST_F(records, switch_mid_sentence)
{
	struct gpsnmea_info info;
	char buf[512];
	const struct gpsnmea_record *rec = (const void *)buf;
	ssize_t n;

	ASSERT_EQ(0, sim_send(s1, strlen(s1)));
	ASSERT_EQ(0, sim_send(s2, strlen(s2)));
	ASSERT_EQ(0, sim_wait_idle(10000));
	ASSERT_EQ(0, wait_sentences(2, 10));
	ASSERT_EQ(10, read(self->fd, buf, 10));
	ASSERT_EQ(0, get_info(self->fd, &info));
	EXPECT_EQ(0ULL, info.seq);
	EXPECT_EQ(2ULL, info.head);
	ASSERT_EQ(0, set_format(self->fd, GPSNMEA_FORMAT_RECORD));
	n = read(self->fd, buf, rec_size(strlen(s1)) + 8);
	ASSERT_EQ((ssize_t)rec_size(strlen(s1)), n);
	EXPECT_EQ(0ULL, rec->seq);
	EXPECT_EQ(strlen(s1), rec->len);
	EXPECT_EQ(0, memcmp(rec->text, s1, strlen(s1)));
	ASSERT_EQ(0, set_format(self->fd, GPSNMEA_FORMAT_TEXT));
	n = read(self->fd, buf, sizeof(buf));
	ASSERT_EQ((ssize_t)strlen(s2), n);
	EXPECT_EQ(0, memcmp(buf, s2, n));
	ASSERT_EQ(0, get_info(self->fd, &info));
	EXPECT_EQ(2ULL, info.seq);
	EXPECT_EQ(0ULL, info.lost);
}

/* Per-type counters for a few sentences, and "other". */
TEST_F(records, sentence_types)
{
	static const char in[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n"
		"$PGRME,15.0,M,45.0,M,25.0,M*1C\r\n"
		"$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n"
		"$PGRMEx,1*28\r\n"
		"!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C\r\n";
	char got[256] = "";
	FILE *f;
	size_t n;

	ASSERT_EQ(0, sim_send(in, strlen(in)));
	ASSERT_EQ(0, sim_wait_idle(10000));
	ASSERT_EQ(0, wait_sentences(5, 10));
	f = fopen(dev_file("statistics/sentence_types"), "r");
	ASSERT_NE(NULL, f);
	n = fread(got, 1, sizeof(got) - 1, f);
	fclose(f);
	got[n] = 0;
	EXPECT_STREQ("GPGLL 2\nPGRME 1\nAIVDM 1\nother 1\n", got);
}

/*
 * The same ioctls and a record from an i386 program (compat_ioctl):
 * gpsnmea_compat32, next to this program, checks them itself.
 */
TEST_F(records, compat32)
{
	char self_path[512], helper[600];
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	int status;
	pid_t pid;

	ASSERT_LT(0, n);
	self_path[n] = 0;
	snprintf(helper, sizeof(helper), "%s/gpsnmea_compat32",
		 dirname(self_path));
	if (access(helper, X_OK))
		SKIP(return, "%s not built (x86-64 hosts only)", helper);
	close(self->fd);
	self->fd = -1;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		execl(helper, helper, (char *)NULL);
		_exit(errno == ENOEXEC ? 100 : 101);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 100)
		SKIP(return, "this kernel runs no i386 programs");
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("gpsnmea_compat32: check %d failed", WEXITSTATUS(status));
	EXPECT_EQ(1, stat_of("sentences"));
}

/*
 * allow_no_checksum=1: a sentence without "*hh" is delivered and counted;
 * one with a wrong checksum is still dropped. Default: dropped, counted.
 */
/*
 * A loss found in the middle of a read(): the read() returns what it
 * copied before it, and the next one fails with -EPIPE. The loss is found
 * after the rest of a sentence that a short read() left pending. The flood
 * (5.8 kB) takes 48 s at 1200 baud, make check-debug's rate.
 */
TEST_F_TIMEOUT(records, loss_reported_mid_read, 180)
{
	static const char zda[] = "$GPZDA*48\r\n";
	size_t n_short = RING_SLOTS + 8, len = strlen(zda), i;
	struct gpsnmea_info info;
	char buf[4096], *flood;
	ssize_t n;

	ASSERT_EQ(0, sim_send(s1, strlen(s1)));
	ASSERT_EQ(5, read(self->fd, buf, 5));
	flood = malloc(n_short * len);
	ASSERT_NE(NULL, flood);
	for (i = 0; i < n_short; i++)
		memcpy(flood + i * len, zda, len);
	ASSERT_EQ(0, sim_send(flood, n_short * len));
	free(flood);
	ASSERT_EQ(0, sim_wait_idle(60000));
	/* the last frame is completed by the idle flush, up to 1 ms later */
	for (i = 0; i < 200 && stat_of("sentences") < (long long)n_short + 1; i++)
		usleep(10000);
	ASSERT_EQ((long long)(n_short + 1), stat_of("sentences"))
		TH_LOG("bytes %lld; counted: %s; sim timer late by %lld ns",
		       stat_of("bytes"), stat_errors(),
		       sim_stat_of("late", "max_ns"));

	/* The rest of s1, then the ring has moved past this reader. */
	n = read(self->fd, buf, sizeof(buf));
	ASSERT_EQ((ssize_t)strlen(s1) - 5, n);
	EXPECT_EQ(0, memcmp(buf, s1 + 5, n));
	n = read(self->fd, buf, sizeof(buf));
	EXPECT_EQ(-1, n) TH_LOG("the loss was not reported: read() gave %zd bytes",
				n);
	EXPECT_EQ(EPIPE, errno);
	ASSERT_EQ(0, get_info(self->fd, &info));
	EXPECT_EQ((__u64)(n_short - RING_SLOTS), info.lost);
	n = read(self->fd, buf, sizeof(buf));
	EXPECT_LT(0, n);
	EXPECT_EQ(0, memcmp(buf, zda, len));
}

TEST(allow_no_checksum)
{
	static const char in[] = "$GPBOD,,T,,M,,\r\n"
		"$GPBOD,,T,,M,,*46\r\n"
		"$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";
	char got[256];
	size_t n;
	int fd, allow;

	for (allow = 0; allow < 2; allow++) {
		ASSERT_EQ(0, sim_setup());
		ASSERT_EQ(0, load_driver(allow ? "allow_no_checksum=1" : NULL));
		EXPECT_EQ(allow, read_num(dev_file("allow_no_checksum")));
		fd = open(DEV_PATH, O_RDONLY);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, sim_send(in, strlen(in)));
		ASSERT_EQ(0, sim_wait_idle(10000));
		n = read_until(fd, got, sizeof(got), allow ? 16 + 41 : 41, 300);
		if (allow) {
			ASSERT_EQ(16U + 41, n);
			EXPECT_EQ(0, memcmp(got, in, 16));
			EXPECT_EQ(0, memcmp(got + 16, s1, 41));
		} else {
			ASSERT_EQ(41U, n);
			EXPECT_EQ(0, memcmp(got, s1, 41));
		}
		EXPECT_EQ(1 + allow, stat_of("sentences"));
		EXPECT_EQ(allow, stat_of("no_checksum_sentences"));
		EXPECT_EQ(!allow, stat_of("no_checksum_errors"));
		EXPECT_EQ(1, stat_of("checksum_errors"));
		close(fd);
		EXPECT_EQ(0, unload_driver());
	}
}

TEST_HARNESS_MAIN
