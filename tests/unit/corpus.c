// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper: loads the gpsd receiver logs (see corpus.h) and works out
 * what each must yield by the line-at-a-time rules of
 * tests/tools/nmea_ref.h, the reference nmea_log uses too.
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "../tools/nmea_ref.h"

#ifndef CORPUS_DIR
#error "build with -DCORPUS_DIR=... (tests/unit/Makefile does)"
#endif

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct corpus_log *)a)->name,
		      ((const struct corpus_log *)b)->name);
}

_Static_assert(CORPUS_DROP_NR == REF_NR, "one counter per reason");
_Static_assert(CORPUS_MAX_LEN == NMEA_REF_MAX_LEN, "the same max_len");

/* Apply nmea_ref.h to every line of @data (see corpus.h). */
static bool corpus_parse(struct corpus_log *log, const char *data, size_t size)
{
	const char *p, *end = data + size, *nl;
	struct nmea_ref_line r, all;
	size_t len, lineno = 0, dropped;
	bool has_lf;
	int i;

	log->wire = malloc(size + 1);
	log->expect = malloc(2 * size + 1);
	log->expect_all = malloc(2 * size + 1);
	if (!log->wire || !log->expect || !log->expect_all)
		return false;
	for (p = data; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		has_lf = nl;
		len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (!nl)
			nl = end - 1;	/* a last line without LF */
		lineno++;
		if (len && *p == '#')
			continue;
		memcpy(log->wire + log->wire_len, p, nl + 1 - p);
		log->wire_len += nl + 1 - p;
		log->lines++;
		nmea_ref_line((const unsigned char *)p, len, has_lf,
			      CORPUS_MAX_LEN, false, &r);
		for (i = 0, dropped = 0; i < REF_NR; i++) {
			log->drops[i] += r.drops[i];
			dropped += r.drops[i];
		}
		if (dropped) {
			struct corpus_finding *f;

			f = realloc(log->findings,
				    (log->nfindings + 1) * sizeof(*f));
			if (!f)
				return false;
			log->findings = f;
			f += log->nfindings++;
			f->line = lineno;
			memcpy(f->drops, r.drops, sizeof(f->drops));
		}
		nmea_ref_line((const unsigned char *)p, len, has_lf,
			      CORPUS_MAX_LEN, true, &all);
		if (all.s) {
			memcpy(log->expect_all + log->expect_all_len, all.s,
			       all.len);
			memcpy(log->expect_all + log->expect_all_len + all.len,
			       "\r\n", 2);
			log->expect_all_len += all.len + 2;
		}
		if (!r.s)
			continue;
		memcpy(log->expect + log->expect_len, r.s, r.len);
		memcpy(log->expect + log->expect_len + r.len, "\r\n", 2);
		log->expect_len += r.len + 2;
		log->sentences++;
	}
	return true;
}

bool corpus_load_file(const char *path, struct corpus_log *log)
{
	char *data;
	long size;
	bool ok;
	FILE *f;

	f = fopen(path, "rb");
	if (!f)
		return false;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc(size + 1);
	if (!data || fread(data, 1, size, f) != (size_t)size) {
		fclose(f);
		free(data);
		return false;
	}
	fclose(f);
	ok = corpus_parse(log, data, size);
	free(data);
	return ok;
}

static bool load_one(const char *dir, struct corpus_log *log)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, log->name);
	return corpus_load_file(path, log);
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
		free(logs[i].expect_all);
		free(logs[i].findings);
	}
	free(logs);
}
