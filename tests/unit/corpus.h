/* SPDX-License-Identifier: GPL-2.0 */
/* Test helper: the gpsd receiver logs used as test data. */
#ifndef GPSNMEA_CORPUS_H
#define GPSNMEA_CORPUS_H

#include <stdbool.h>
#include <stddef.h>

/* max_len the logs are read with: the driver's default. */
#define CORPUS_MAX_LEN		250
/* Drop reasons, as enum nmea_drop and enum nmea_ref_why. */
#define CORPUS_DROP_NR		6

/**
 * struct corpus_finding - a line that drops something
 * @line: its line number in the file (from 1, comments counted)
 * @drops: what it drops, by reason (GARBAGE in bytes)
 */
struct corpus_finding {
	size_t line;
	size_t drops[CORPUS_DROP_NR];
};

/* One log: its NMEA lines (comments removed), endings as in the file. */
struct corpus_log {
	char name[64];
	char *wire;		/* every non-comment line, concatenated */
	size_t wire_len;
	char *expect;		/* the sentences a framer must deliver, CRLF */
	size_t expect_len;
	size_t lines;		/* non-comment lines */
	size_t sentences;	/* sentences expected to come out */
	size_t drops[CORPUS_DROP_NR];	/* expected drop counters */
	char *expect_all;	/* ... with allow_no_checksum=1, as gpsd reads */
	size_t expect_all_len;
	struct corpus_finding *findings;	/* lines that drop something */
	size_t nfindings;
};

/*
 * Load every *.log of the corpus (sorted by name). The directory is
 * $GPSNMEA_CORPUS, else the one compiled in. Return the count, 0 on error.
 */
size_t corpus_load(struct corpus_log **logs);
void corpus_free(struct corpus_log *logs, size_t n);

/* Load one file into a zeroed @log (name left as it is). */
bool corpus_load_file(const char *path, struct corpus_log *log);

#endif /* GPSNMEA_CORPUS_H */
