/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NMEA 0183 framer: turns a byte stream into validated sentences.
 *
 * A sentence runs from '$' or '!' to the end of its line: LF after any
 * number of CRs (CRLF, CR CR LF or a bare LF). A CR anywhere else in a
 * sentence is a control character like any other, and the sentence is
 * dropped as NMEA_DROP_CHARSET. After a CHARSET or TOO_LONG drop the rest
 * of the line is skipped without further counting, up to LF or to the
 * next '$' or '!'. See src/nmea_framer.c for all the rules.
 *
 * Pure logic: no locking, no allocation, no kernel-only calls.
 */
#ifndef _GPSNMEA_NMEA_FRAMER_H
#define _GPSNMEA_NMEA_FRAMER_H

#include "portable.h"

/*
 * Bounds for nmea_framer_config.max_len (characters from '$' to the hex
 * digits). gpsd's packet lexer takes NMEA sentences of any length up to
 * its 9216-byte packet buffer (its NMEA driver decodes only those of at
 * most NMEA_MAX = 102 bytes with CRLF, and hands longer ones to clients
 * unchanged), so the default takes all a record of /dev/gpsnmea holds.
 * Receivers send longer than the standard's 82: Skytraq 103, Unicore 105,
 * Quectel LC79D $PGLOR 132, MediaTek $PMTKCHN 203.
 */
#define NMEA_MAX_LEN_MIN	16
#define NMEA_MAX_LEN_LIMIT	250
#define NMEA_MAX_LEN_DEFAULT	NMEA_MAX_LEN_LIMIT
/* Buffer size that holds any accepted sentence plus CRLF and a NUL. */
#define NMEA_SENTENCE_BUF	(NMEA_MAX_LEN_LIMIT + 3)

/**
 * enum nmea_drop - why bytes did not become a sentence
 * @NMEA_DROP_CHECKSUM: "*hh" present but wrong
 * @NMEA_DROP_NO_CHECKSUM: no "*hh" (or a malformed one) and not allowed
 * @NMEA_DROP_TOO_LONG: longer than max_len before the line ended
 * @NMEA_DROP_CHARSET: a byte outside printable ASCII inside a sentence, a
 *	talker not of two upper-case letters, or a byte other than 0-9 A-Z
 *	, . + - in a type of numbers and indicators (GGA, RMC, ...)
 * @NMEA_DROP_TRUNCATED: a new '$' or '!' came before the line ended
 * @NMEA_DROP_GARBAGE: bytes outside any sentence (counted per byte; CR/LF
 *	between sentences are not garbage), and a start character followed
 *	at once by another one or by the line end
 * @NMEA_DROP_NR: number of reasons
 */
enum nmea_drop {
	NMEA_DROP_CHECKSUM,
	NMEA_DROP_NO_CHECKSUM,
	NMEA_DROP_TOO_LONG,
	NMEA_DROP_CHARSET,
	NMEA_DROP_TRUNCATED,
	NMEA_DROP_GARBAGE,
	NMEA_DROP_NR
};

/* Sentence types (addresses) counted one by one; the rest go to "other". */
#define NMEA_TYPES_MAX		32
/* Longest address counted by name, e.g. "GPRMC", "PGRME", "PUBX". */
#define NMEA_TYPE_LEN		15

/**
 * struct nmea_type_count - sentences of one type
 * @name: the address field: talker and type ("GPRMC", "AIVDM") or a
 *	proprietary address in full ("PGRME"); NUL-terminated
 * @count: valid sentences with that address
 */
struct nmea_type_count {
	char name[NMEA_TYPE_LEN + 1];
	u64 count;
};

/**
 * struct nmea_types - valid sentences counted by address
 * @t: one entry per address, in the order they were first seen
 * @n: entries used in @t
 * @other: sentences not counted in @t: the table was full, or the address
 *	was empty, longer than NMEA_TYPE_LEN or not made of A-Z and 0-9
 */
struct nmea_types {
	struct nmea_type_count t[NMEA_TYPES_MAX];
	u32 n;
	u64 other;
};

/**
 * struct nmea_framer_config - settings
 * @max_len: longest accepted sentence, counted from '$'/'!' up to and
 *	including the checksum digits, without CRLF;
 *	NMEA_MAX_LEN_MIN..NMEA_MAX_LEN_LIMIT (0: NMEA_MAX_LEN_DEFAULT; other
 *	values are clamped to the range)
 * @allow_no_checksum: accept sentences that end without "*hh"
 */
struct nmea_framer_config {
	u32 max_len;
	bool allow_no_checksum;
};

struct nmea_layout;

/* Flags of a byte pushed (the decoder's UART_DEC_DOUBTFUL and _GAP). */
#define NMEA_BYTE_DOUBTFUL	0x1	/* the byte may be wrong */
#define NMEA_BYTE_GAP		0x2	/* bytes may be missing before it */

struct nmea_framer {
	struct nmea_framer_config cfg;
	u64 sentences;			/* valid sentences delivered */
	u64 no_checksum;		/* ... of which without "*hh" */
	struct nmea_types types;	/* ... counted by address */
	u64 drops[NMEA_DROP_NR];	/* sentences (bytes for GARBAGE) dropped */
	u64 doubtful;			/* valid but for a doubtful byte or a gap */
	/* --- private to nmea_framer.c --- */
	char buf[NMEA_SENTENCE_BUF];	/* sentence being gathered */
	u32 len;
	u32 star;			/* index of '*' in buf, 0 if none yet */
	u8 sum;				/* XOR of the bytes after '$', before '*' */
	bool in_sentence;
	bool cr;			/* the last byte was a CR */
	bool skip_line;			/* skipping the rest of a dropped line */
	bool doubt;			/* a doubtful byte or a gap in the sentence */
	const struct nmea_layout *layout; /* a type of numbers and indicators */
	u32 field;			/* ... its field being gathered, ... */
	u32 field_start;		/* ... which starts at this index */
	u64 start_ns;			/* start-bit time of the first byte */
};

void nmea_framer_init(struct nmea_framer *f,
		      const struct nmea_framer_config *cfg);

/* Drop any partial sentence without counting it (e.g. after a fifo overrun). */
void nmea_framer_reset(struct nmea_framer *f);

/**
 * nmea_framer_push - feed one byte
 * @f: framer
 * @c: the byte
 * @start_ns: start-bit timestamp of @c (kept for the sentence's first byte)
 * @flags: NMEA_BYTE_DOUBTFUL: @c may be wrong; NMEA_BYTE_GAP: bytes may be
 *	missing before @c. A sentence that holds such a byte (a gap right
 *	before its start character aside) is dropped even if it is otherwise
 *	valid, and counted in @f->doubtful.
 *
 * Return: 0 while no sentence is complete; otherwise the length of the
 * sentence now in @f->buf, which starts with '$' or '!', ends with "\r\n"
 * (a bare LF from the receiver is turned into CRLF) and is NUL-terminated.
 * nmea_framer_start_ns() gives the start-bit time of its first byte. Both
 * stay valid until the next call.
 */
u32 nmea_framer_push(struct nmea_framer *f, u8 c, u64 start_ns, u32 flags);

static inline u64 nmea_framer_start_ns(const struct nmea_framer *f)
{
	return f->start_ns;
}

static inline const char *nmea_framer_sentence(const struct nmea_framer *f)
{
	return f->buf;
}

#endif /* _GPSNMEA_NMEA_FRAMER_H */
