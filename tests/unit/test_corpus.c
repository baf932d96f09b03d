// SPDX-License-Identifier: GPL-2.0
/*
 * The corpus and its references: nmea_log (the tool the VM tests take
 * their expected output from) agrees with tests/unit/corpus.c on every
 * log, tests/data/bad-input.stats holds what the framer counts, and
 * Documentation/corpus.rst lists every line the rules drop.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gpsnmea/nmea_framer.h>

#include "corpus.h"
#include "test.h"
#include "../tools/nmea_ref.h"

#if !defined(REPO_DIR) || !defined(NMEA_LOG)
#error "build with -DREPO_DIR=... -DNMEA_LOG=... (tests/unit/Makefile does)"
#endif

_Static_assert(CORPUS_MAX_LEN == NMEA_MAX_LEN_DEFAULT,
	       "the corpus is read with the driver's default max_len");
_Static_assert(NMEA_REF_MAX_LEN == NMEA_MAX_LEN_DEFAULT,
	       "nmea_log's default is the driver's");
_Static_assert(CORPUS_DROP_NR == NMEA_DROP_NR, "one counter per reason");

/* The statistics' names, as in sysfs and tests/data/bad-input.stats. */
static const char *const stat_names[NMEA_DROP_NR] = {
	"checksum_errors", "no_checksum_errors", "length_errors",
	"charset_errors", "truncated_sentences", "garbage_bytes",
};

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 4096, n;
	char *buf = malloc(cap);

	*len = 0;
	while (buf) {
		n = fread(buf + *len, 1, cap - *len - 1, f);
		*len += n;
		if (!n)
			break;
		if (*len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	if (buf)
		buf[*len] = '\0';
	return buf;
}

static char *run(const char *mode, const char *dir, const char *log,
		 size_t *len)
{
	char cmd[1024];
	char *out;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' %s '%s/%s'", NMEA_LOG, mode, dir,
		 log);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	out = read_all(p, len);
	if (pclose(p)) {
		free(out);
		return NULL;
	}
	return out;
}

/* What "nmea_log drops" must print for @l. */
static char *drops_text(const struct corpus_log *l, size_t *len)
{
	size_t cap = 64 * (l->nfindings + 8), i, n = 0;
	char *s = malloc(cap);
	int k;

	if (!s)
		return NULL;
	for (i = 0; i < l->nfindings; i++) {
		n += snprintf(s + n, cap - n, "%zu", l->findings[i].line);
		for (k = 0; k < NMEA_DROP_NR; k++)
			if (l->findings[i].drops[k])
				n += snprintf(s + n, cap - n, " %s",
					      nmea_ref_names[k]);
		n += snprintf(s + n, cap - n, "\n");
	}
	n += snprintf(s + n, cap - n, "sentences %zu\n", l->sentences);
	for (k = 0; k < NMEA_DROP_NR; k++)
		n += snprintf(s + n, cap - n, "%s %zu\n", stat_names[k],
			      l->drops[k]);
	*len = n;
	return s;
}

/* nmea_log expect/drops and corpus.c agree on every log of the corpus. */
static void test_nmea_log_agrees(void)
{
	const char *dir = getenv("GPSNMEA_CORPUS");
	struct corpus_log *logs;
	size_t n, i, len, want_len;
	char *out, *want;

	if (!dir || !*dir)
		dir = CORPUS_DIR;
	n = corpus_load(&logs);
	REQUIRE(n >= 10);
	for (i = 0; i < n; i++) {
		out = run("expect", dir, logs[i].name, &len);
		if (!out || len != logs[i].expect_len ||
		    memcmp(out, logs[i].expect, len))
			test_fail(__FILE__, __LINE__,
				  "%s: nmea_log expect differs", logs[i].name);
		free(out);
		out = run("drops", dir, logs[i].name, &len);
		want = drops_text(&logs[i], &want_len);
		if (!out || !want || len != want_len || memcmp(out, want, len))
			test_fail(__FILE__, __LINE__,
				  "%s: nmea_log drops differs", logs[i].name);
		free(out);
		free(want);
	}
	printf("# nmea_log expect and drops agree with the host tests on %zu logs\n",
	       n);
	corpus_free(logs, n);
}

/*
 * @path's first @n bytes, then up to and including the next LF: its first
 * @len bytes of @whole.
 */
static char *head_of(const char *path, size_t n, size_t *len, size_t *whole)
{
	FILE *f = fopen(path, "rb");
	char *all, *nl;
	size_t all_len;

	if (!f)
		return NULL;
	all = read_all(f, &all_len);
	fclose(f);
	if (!all)
		return NULL;
	*len = all_len;
	*whole = all_len;
	if (all_len > n && all[n - 1] != '\n') {
		nl = memchr(all + n, '\n', all_len - n);
		*len = nl ? (size_t)(nl - all) + 1 : all_len;
	} else if (all_len > n) {
		*len = n;
	}
	return all;
}

/*
 * "nmea_log MODE -b N LOG" (the head of a long log, as make check's corpus
 * job replays it) is "nmea_log MODE" of a file that holds LOG's lines that
 * begin in its first N bytes, for wire, expect and drops, at N = 1 (the
 * first line only), 3000 and 16384, for every log that N cuts.
 */
static void test_nmea_log_head(void)
{
	static const char *const modes[] = { "wire", "expect", "drops" };
	static const size_t sizes[] = { 1, 3000, 16384 };
	const char *dir = getenv("GPSNMEA_CORPUS");
	char tmpdir[] = "/tmp/gpsnmea-head.XXXXXX", path[1024], mode[32];
	struct corpus_log *logs;
	size_t n, i, k, m, len, whole, got_len, want_len, cut = 0;
	char *all, *got, *want;
	FILE *f;

	if (!dir || !*dir)
		dir = CORPUS_DIR;
	n = corpus_load(&logs);
	REQUIRE(n >= 10);
	REQUIRE(mkdtemp(tmpdir));
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			snprintf(path, sizeof(path), "%s/%s", dir, logs[i].name);
			all = head_of(path, sizes[k], &len, &whole);
			REQUIRE(all);
			/* Not cut: -b is the whole log, as corpus_nmea_log_agrees */
			if (len == whole) {
				free(all);
				continue;
			}
			cut++;
			snprintf(path, sizeof(path), "%s/%s", tmpdir,
				 logs[i].name);
			f = fopen(path, "wb");
			REQUIRE(f && fwrite(all, 1, len, f) == len && !fclose(f));
			free(all);
			for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
				snprintf(mode, sizeof(mode), "%s -b %zu",
					 modes[m], sizes[k]);
				got = run(mode, dir, logs[i].name, &got_len);
				want = run(modes[m], tmpdir, logs[i].name,
					   &want_len);
				if (!got || !want || got_len != want_len ||
				    memcmp(got, want, got_len))
					test_fail(__FILE__, __LINE__,
						  "%s: nmea_log %s differs from the cut log",
						  logs[i].name, mode);
				free(got);
				free(want);
			}
			remove(path);
		}
	}
	rmdir(tmpdir);
	CHECK(cut >= n);
	printf("# nmea_log -b agrees with cut logs on %zu logs (%zu cut)\n",
	       n, cut);
	corpus_free(logs, n);
}

/*
 * tests/data/bad-input.log (replayed in the VM by scripts/check, whose
 * counters must equal bad-input.stats): the framer and the rules both
 * count what the .stats file says.
 */
static void test_bad_input_stats(void)
{
	struct corpus_log l = { .name = "bad-input.log" };
	struct nmea_framer_config cfg = { 0 };
	struct nmea_framer f;
	char name[64], *stats;
	unsigned long long v;
	size_t i, len, seen = 0;
	FILE *fp;
	int k;

	REQUIRE(corpus_load_file(REPO_DIR "/tests/data/bad-input.log", &l));
	nmea_framer_init(&f, &cfg);
	for (i = 0; i < l.wire_len; i++)
		nmea_framer_push(&f, l.wire[i], i, 0);
	fp = fopen(REPO_DIR "/tests/data/bad-input.stats", "r");
	REQUIRE(fp);
	stats = read_all(fp, &len);
	fclose(fp);
	REQUIRE(stats);
	for (i = 0; i < len; i += strcspn(stats + i, "\n") + 1) {
		if (sscanf(stats + i, "%63s %llu", name, &v) != 2)
			continue;
		if (!strcmp(name, "sentences")) {
			CHECK_EQ(f.sentences, v);
			CHECK_EQ(l.sentences, v);
			seen++;
		}
		for (k = 0; k < NMEA_DROP_NR; k++) {
			if (strcmp(name, stat_names[k]))
				continue;
			if (f.drops[k] != v || l.drops[k] != v)
				test_fail(__FILE__, __LINE__,
					  "%s: framer %llu, rules %zu, .stats %llu",
					  name, (unsigned long long)f.drops[k],
					  l.drops[k], v);
			seen++;
		}
	}
	CHECK_EQ(seen, NMEA_DROP_NR + 1);
	free(stats);
	free(l.wire);
	free(l.expect);
	free(l.expect_all);
	free(l.findings);
}

struct text {
	char *s;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3)))
add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
		va_end(ap);
		if (n >= 0 && t->n + n < t->cap)
			break;
		t->cap = 2 * t->cap + n + 1;
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			abort();
	}
	t->n += n;
}

/* The findings block of Documentation/corpus.rst, made from the corpus. */
static void findings(const struct corpus_log *logs, size_t n,
		     struct text *t)
{
	size_t i, j, sentences = 0, with = 0, col;
	char item[48];
	int k, first;

	for (i = 0; i < n; i++) {
		sentences += logs[i].sentences;
		with += !!logs[i].nfindings;
	}
	add(t, "%zu logs, %zu sentences delivered. The rules drop something in %zu\n"
	    "logs (file line numbers; garbage in bytes):\n\n", n, sentences,
	    with);
	for (i = 0; i < n; i++) {
		if (!logs[i].nfindings)
			continue;
		add(t, "``%s``\n", logs[i].name);
		for (k = 0; k < NMEA_DROP_NR; k++) {
			if (!logs[i].drops[k])
				continue;
			add(t, "  - %s %zu:", nmea_ref_names[k], logs[i].drops[k]);
			col = strlen(nmea_ref_names[k]) + 12;
			first = 1;
			for (j = 0; j < logs[i].nfindings; j++) {
				const struct corpus_finding *f =
					&logs[i].findings[j];

				if (!f->drops[k])
					continue;
				if (k == NMEA_DROP_GARBAGE && f->drops[k] > 1)
					snprintf(item, sizeof(item), "%zu (%zu)",
						 f->line, f->drops[k]);
				else
					snprintf(item, sizeof(item), "%zu",
						 f->line);
				if (col + strlen(item) + 2 > 76) {
					add(t, "%s\n   ", first ? "" : ",");
					col = 4;
				} else if (!first) {
					add(t, ",");
					col++;
				}
				add(t, " %s", item);
				col += strlen(item) + 1;
				first = 0;
			}
			add(t, "\n");
		}
	}
}

#define BEGIN_MARK ".. findings-begin\n"
#define END_MARK ".. findings-end\n"
#define FINDINGS REPO_DIR "/tests/unit/build/corpus-findings.rst"

/*
 * Documentation/corpus.rst lists exactly what the rules drop in the
 * corpus; the block it must hold is written to FINDINGS, so a stale one
 * can be replaced.
 */
static void test_findings_documented(void)
{
	struct text t = { 0 };
	struct corpus_log *logs;
	char *doc, *b, *e;
	size_t n, len;
	FILE *fp;

	n = corpus_load(&logs);
	REQUIRE(n >= 10);
	findings(logs, n, &t);
	corpus_free(logs, n);
	fp = fopen(FINDINGS, "w");
	if (fp) {
		fwrite(t.s, 1, t.n, fp);
		fclose(fp);
	}
	fp = fopen(REPO_DIR "/Documentation/corpus.rst", "r");
	doc = fp ? read_all(fp, &len) : NULL;
	if (fp)
		fclose(fp);
	b = doc ? strstr(doc, BEGIN_MARK) : NULL;
	e = b ? strstr(b, END_MARK) : NULL;
	if (b)
		b += strlen(BEGIN_MARK) + 1;	/* and the empty line after it */
	if (!b || !e || e < b + 1 || (size_t)(e - 1 - b) != t.n ||
	    memcmp(b, t.s, t.n))
		test_fail(__FILE__, __LINE__,
			  "Documentation/corpus.rst: stale findings (the corpus's are in %s)",
			  FINDINGS);
	free(doc);
	free(t.s);
}

const struct test corpus_tests[] = {
	{ "corpus_nmea_log_agrees", test_nmea_log_agrees },
	{ "corpus_nmea_log_head", test_nmea_log_head },
	{ "corpus_bad_input_stats", test_bad_input_stats },
	{ "corpus_findings_documented", test_findings_documented },
	TEST_END
};
