// SPDX-License-Identifier: GPL-2.0
/*
 * nmea_log - host helper for the VM tests and scripts/vm-replay.
 *
 *   nmea_log wire LOG             bytes a receiver would send for LOG:
 *                                 '#' lines skipped, bare LF sent as CRLF,
 *                                 every other byte unchanged
 *   nmea_log expect [-m N] LOG    the sentences a correct driver delivers,
 *                                 each ending in CRLF
 *   nmea_log count [-m N] LOG     how many that is
 *
 * "expect" is a line-at-a-time reference, written independently of the
 * driver's streaming framer (src/nmea_framer.c), so the two check each
 * other. A line yields a sentence when, from its last '$' or '!' on, it is
 * printable ASCII, at most N characters (default 120) and ends in a correct
 * "*hh" checksum.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Is s[0..len) one valid sentence? */
static int valid(const unsigned char *s, size_t len, size_t max_len)
{
	unsigned int sum = 0;
	size_t i;

	if (len < 4 || len > max_len || (s[0] != '$' && s[0] != '!'))
		return 0;
	if (s[len - 3] != '*' || hexval(s[len - 2]) < 0 ||
	    hexval(s[len - 1]) < 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	for (i = 1; i < len - 3; i++)
		sum ^= s[i];
	return sum == (unsigned int)(hexval(s[len - 2]) * 16 +
				     hexval(s[len - 1]));
}

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

int main(int argc, char **argv)
{
	size_t max_len = 120, len, pos = 0, count = 0;
	const char *mode;
	unsigned char *log;
	int opt;

	if (argc < 2)
		goto usage;
	mode = argv[1];
	optind = 2;
	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm')
			goto usage;
		max_len = strtoul(optarg, NULL, 0);
	}
	if (optind != argc - 1)
		goto usage;
	log = slurp(argv[optind], &len);

	while (pos < len) {
		unsigned char *line = log + pos, *nl, *s;
		size_t n, body;
		int has_lf;

		nl = memchr(line, '\n', len - pos);
		n = nl ? (size_t)(nl - line) : len - pos;
		has_lf = nl != NULL;
		pos += n + has_lf;
		if (n && line[0] == '#')
			continue;
		body = n && line[n - 1] == '\r' ? n - 1 : n;

		if (!strcmp(mode, "wire")) {
			fwrite(line, 1, body, stdout);
			if (body != n || has_lf)
				fputs(has_lf ? "\r\n" : "\r", stdout);
			continue;
		}
		/* A sentence needs its line end. */
		if (!has_lf)
			continue;
		for (s = line + body; s > line; s--)
			if (s[-1] == '$' || s[-1] == '!')
				break;
		if (s == line || !valid(s - 1, line + body - (s - 1), max_len))
			continue;
		count++;
		if (!strcmp(mode, "expect")) {
			fwrite(s - 1, 1, line + body - (s - 1), stdout);
			fputs("\r\n", stdout);
		} else if (strcmp(mode, "count")) {
			goto usage;
		}
	}
	if (!strcmp(mode, "count"))
		printf("%zu\n", count);
	free(log);
	return 0;
usage:
	fprintf(stderr, "usage: nmea_log wire|expect|count [-m MAXLEN] LOG\n");
	return 2;
}
