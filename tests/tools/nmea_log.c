// SPDX-License-Identifier: GPL-2.0
/*
 * nmea_log - host helper for the VM tests and scripts/vm-replay.
 *
 *   nmea_log wire LOG             bytes a receiver would send for LOG:
 *                                 '#' lines skipped, bare LF sent as CRLF,
 *                                 every other byte unchanged
 *   nmea_log expect LOG           the sentences a correct driver delivers,
 *                                 each ending in CRLF
 *   nmea_log count LOG            how many that is
 *   nmea_log drops LOG            every line that drops something: "LINE
 *                                 REASON..." (file line numbers),
 *                                 then the totals as in the driver's
 *                                 statistics: "sentences N",
 *                                 "checksum_errors N", ...
 *   nmea_log compare EXPECT GOT   how much of EXPECT (the sentences a
 *                                 correct driver delivers) is missing from
 *                                 GOT (what it delivered): one line,
 *                                 "expected_bytes N lost_bytes N
 *                                 extra_bytes N expected N lost N extra N"
 *                                 (bytes, then sentences; CRLF counted)
 *
 * "expect" is the line-at-a-time reference of nmea_ref.h, written
 * independently of the driver's streaming framer (src/nmea_framer.c), so
 * the two check each other. Options of wire, expect, count and drops:
 *
 *   -m N   max_len (default NMEA_REF_MAX_LEN, the driver's default)
 *   -b N   only the lines that begin in the log's first N bytes (default
 *          0: the whole log), so that a test can replay the head of a long
 *          log with the matching reference
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nmea_ref.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n;

	if (!f) {
		perror(path);
		exit(2);
	}
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf)
				exit(2);
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	fclose(f);
	return buf;
}

struct lines {
	unsigned char **s;
	size_t *len;
	size_t n;
};

/* Split @buf into lines, each with its LF (a last line without one too). */
static void split(unsigned char *buf, size_t len, struct lines *l)
{
	size_t pos = 0, cap = 0;

	memset(l, 0, sizeof(*l));
	while (pos < len) {
		unsigned char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;

		if (l->n == cap) {
			cap = cap ? 2 * cap : 1024;
			l->s = realloc(l->s, cap * sizeof(*l->s));
			l->len = realloc(l->len, cap * sizeof(*l->len));
			if (!l->s || !l->len)
				exit(2);
		}
		l->s[l->n] = buf + pos;
		l->len[l->n++] = n;
		pos += n;
	}
}

/* Matched bytes and sentences of a prefix pair, for compare(). */
struct match {
	size_t bytes, n;
};

static int better(struct match a, struct match b)
{
	return a.bytes > b.bytes || (a.bytes == b.bytes && a.n > b.n);
}

/*
 * The driver delivers a subsequence of the expected sentences, in order,
 * plus (rarely) a corrupted sentence whose checksum still held. The
 * delivered lines are aligned with the expected ones by the longest common
 * subsequence, weighted by length (logs repeat lines, so a greedy match
 * could skip ahead): expected lines left out are lost, delivered lines left
 * out are extra.
 */
static int compare(const char *expect_path, const char *got_path)
{
	size_t elen, glen, i, k;
	unsigned char *ebuf = slurp(expect_path, &elen);
	unsigned char *gbuf = slurp(got_path, &glen);
	struct match *prev, *cur, *tmp, m;
	struct lines e, g;

	split(ebuf, elen, &e);
	split(gbuf, glen, &g);
	prev = calloc(g.n + 1, sizeof(*prev));
	cur = calloc(g.n + 1, sizeof(*cur));
	if (!prev || !cur)
		exit(2);
	for (i = 0; i < e.n; i++) {
		for (k = 0; k < g.n; k++) {
			m = better(prev[k + 1], cur[k]) ? prev[k + 1] : cur[k];
			if (e.len[i] == g.len[k] &&
			    !memcmp(e.s[i], g.s[k], g.len[k])) {
				struct match diag = {
					prev[k].bytes + g.len[k], prev[k].n + 1
				};

				if (better(diag, m))
					m = diag;
			}
			cur[k + 1] = m;
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	m = prev[g.n];
	printf("expected_bytes %zu lost_bytes %zu extra_bytes %zu expected %zu lost %zu extra %zu\n",
	       elen, elen - m.bytes, glen - m.bytes, e.n, e.n - m.n,
	       g.n - m.n);
	return 0;
}

/* Bytes up to and including the end of the line that P (LEN bytes) is in. */
static size_t line_end(const unsigned char *p, size_t len)
{
	const unsigned char *nl;

	if (p[-1] == '\n')
		return 0;
	nl = memchr(p, '\n', len);
	return nl ? (size_t)(nl - p) + 1 : len;
}

/* Names of the driver's statistics, by enum nmea_ref_why. */
static const char *const stat_names[REF_NR] = {
	"checksum_errors", "no_checksum_errors", "length_errors",
	"charset_errors", "truncated_sentences", "garbage_bytes",
};

int main(int argc, char **argv)
{
	size_t max_len = NMEA_REF_MAX_LEN, max_bytes = 0, len, pos = 0;
	size_t count = 0, lineno = 0;
	size_t total[REF_NR] = { 0 };
	struct nmea_ref_line r;
	const char *mode;
	unsigned char *log;
	int opt, i;

	if (argc < 2)
		goto usage;
	mode = argv[1];
	if (!strcmp(mode, "compare")) {
		if (argc != 4)
			goto usage;
		return compare(argv[2], argv[3]);
	}
	if (strcmp(mode, "wire") && strcmp(mode, "expect") &&
	    strcmp(mode, "count") && strcmp(mode, "drops"))
		goto usage;
	optind = 2;
	while ((opt = getopt(argc, argv, "m:b:")) != -1) {
		if (opt == 'm')
			max_len = strtoul(optarg, NULL, 0);
		else if (opt == 'b')
			max_bytes = strtoul(optarg, NULL, 0);
		else
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	log = slurp(argv[optind], &len);

	if (max_bytes && len > max_bytes)
		len = max_bytes + line_end(log + max_bytes, len - max_bytes);
	while (pos < len) {
		unsigned char *line = log + pos, *nl;
		size_t n, body;
		int has_lf;

		nl = memchr(line, '\n', len - pos);
		n = nl ? (size_t)(nl - line) : len - pos;
		has_lf = nl != NULL;
		pos += n + has_lf;
		lineno++;
		if (n && line[0] == '#')
			continue;

		if (!strcmp(mode, "wire")) {
			body = n && line[n - 1] == '\r' ? n - 1 : n;
			fwrite(line, 1, body, stdout);
			if (body != n || has_lf)
				fputs(has_lf ? "\r\n" : "\r", stdout);
			continue;
		}
		nmea_ref_line(line, n, has_lf, max_len, false, &r);
		if (r.s) {
			count++;
			if (!strcmp(mode, "expect")) {
				fwrite(r.s, 1, r.len, stdout);
				fputs("\r\n", stdout);
			}
		}
		for (i = 0, body = 0; i < REF_NR; i++) {
			total[i] += r.drops[i];
			body += r.drops[i];
		}
		if (!strcmp(mode, "drops") && body) {
			printf("%zu", lineno);
			for (i = 0; i < REF_NR; i++)
				if (r.drops[i])
					printf(" %s", nmea_ref_names[i]);
			printf("\n");
		}
	}
	if (!strcmp(mode, "count"))
		printf("%zu\n", count);
	if (!strcmp(mode, "drops")) {
		printf("sentences %zu\n", count);
		for (i = 0; i < REF_NR; i++)
			printf("%s %zu\n", stat_names[i], total[i]);
	}
	free(log);
	return 0;
usage:
	fprintf(stderr, "usage: nmea_log wire|expect|count|drops [-m MAXLEN] [-b BYTES] LOG\n"
		"       nmea_log compare EXPECT GOT\n");
	return 2;
}
