// SPDX-License-Identifier: GPL-2.0
/* Test helper: loads the gpsd receiver logs (see corpus.h). */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"

#ifndef CORPUS_DIR
#error "build with -DCORPUS_DIR=... (tests/unit/Makefile does)"
#endif

/*
 * The only corpus line that must not come out: garmin-geko201.log has a
 * "*" without checksum digits.
 */
static const char *const bad_lines[] = { "$GPBOD,,T,,M,,*" };

static bool is_bad(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
		if (strlen(bad_lines[i]) == len &&
		    !memcmp(bad_lines[i], line, len))
			return true;
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct corpus_log *)a)->name,
		      ((const struct corpus_log *)b)->name);
}

static bool load_one(const char *dir, struct corpus_log *log)
{
	char path[512];
	char *data, *p, *end, *nl;
	size_t len, body;
	long size;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, log->name);
	f = fopen(path, "rb");
	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc(size + 1);
	log->wire = malloc(size + 1);
	log->expect = malloc(2 * size + 1);
	if (!data || !log->wire || !log->expect ||
	    fread(data, 1, size, f) != (size_t)size) {
		fclose(f);
		free(data);
		return false;
	}
	fclose(f);
	end = data + size;
	for (p = data; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end - 1;	/* a last line without LF */
		len = nl + 1 - p;
		if (*p == '#')
			continue;
		memcpy(log->wire + log->wire_len, p, len);
		log->wire_len += len;
		log->lines++;
		body = len;
		while (body && (p[body - 1] == '\n' || p[body - 1] == '\r'))
			body--;
		if (is_bad(p, body))
			continue;
		memcpy(log->expect + log->expect_len, p, body);
		memcpy(log->expect + log->expect_len + body, "\r\n", 2);
		log->expect_len += body + 2;
		log->sentences++;
	}
	free(data);
	return true;
}

size_t corpus_load(struct corpus_log **logs)
{
	const char *dir = getenv("GPSNMEA_CORPUS");
	struct corpus_log *v = NULL;
	size_t n = 0, len;
	struct dirent *de;
	DIR *dp;

	if (!dir || !*dir)
		dir = CORPUS_DIR;
	dp = opendir(dir);
	if (!dp) {
		printf("# cannot open corpus directory %s\n", dir);
		return 0;
	}
	while ((de = readdir(dp))) {
		len = strlen(de->d_name);
		if (len < 5 || len >= sizeof(v->name) ||
		    strcmp(de->d_name + len - 4, ".log"))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			abort();
		memset(&v[n], 0, sizeof(v[n]));
		memcpy(v[n].name, de->d_name, len + 1);
		if (!load_one(dir, &v[n])) {
			printf("# cannot read %s/%s\n", dir, de->d_name);
			closedir(dp);
			corpus_free(v, n + 1);
			return 0;
		}
		n++;
	}
	closedir(dp);
	if (n)
		qsort(v, n, sizeof(*v), by_name);
	*logs = v;
	return n;
}

void corpus_free(struct corpus_log *logs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(logs[i].wire);
		free(logs[i].expect);
	}
	free(logs);
}
