/* SPDX-License-Identifier: GPL-2.0 */
/* Test helper: the gpsd receiver logs used as test data. */
#ifndef GPSNMEA_CORPUS_H
#define GPSNMEA_CORPUS_H

#include <stddef.h>

/* One log: its NMEA lines (comments removed), endings as in the file. */
struct corpus_log {
	char name[64];
	char *wire;		/* every non-comment line, concatenated */
	size_t wire_len;
	char *expect;		/* the sentences a framer must deliver, CRLF */
	size_t expect_len;
	size_t lines;		/* non-comment lines */
	size_t sentences;	/* of which expected to come out */
};

/*
 * Load every *.log of the corpus (sorted by name). The directory is
 * $GPSNMEA_CORPUS, else the one compiled in. Return the count, 0 on error.
 */
size_t corpus_load(struct corpus_log **logs);
void corpus_free(struct corpus_log *logs, size_t n);

#endif /* GPSNMEA_CORPUS_H */
