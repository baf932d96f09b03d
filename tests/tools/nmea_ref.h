/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nmea_ref.h - the framer's rules applied to one line at a time.
 *
 * The reference that tests/tools/nmea_log.c ("nmea_log expect", used by
 * the VM tests) and the host tests (tests/unit/corpus.c) check the
 * driver's streaming framer (src/nmea_framer.c) against. It is written
 * from the rules below, not from that code, and shares nothing with it.
 *
 * A line is everything up to and including LF. Each '$' or '!' starts a
 * candidate sentence that runs to the next '$'/'!' or to the line end; a
 * run of CRs right before LF belongs to the line end (CRLF, CR CR LF and a
 * bare LF all end a line). For each line, in order:
 *
 * - bytes before the first '$'/'!' other than CR: GARBAGE, one per byte;
 * - a start character followed by nothing but CRs up to the next start
 *   character or the line end ("$$GPGGA", "$" alone): GARBAGE, one byte;
 * - otherwise the first byte (after the start character) that is outside
 *   0x20..0x7e, or any CR that is not part of the line end, or at
 *   position 1 or 2 (the talker) not an upper-case letter, or at 3, 4 or 5
 *   with no ',' or '*' between 3 and it not one of A-Z 0-9 , * (after a
 *   '!' not one of A-Z 0-9), or from
 *   position 6 to the first '*' of a sentence with a template one its
 *   field does not take (nmea_ref_char_ok): CHARSET; else the first byte
 *   at position max_len or later (counted from the start character at 0):
 *   TOO_LONG (of the two, the one at the lower position counts, and
 *   CHARSET at the same one). A sentence has a template
 *   (nmea_ref_templates) when it has no '*' in positions 1..5, no 'P' at
 *   1, and a template's type at 3..5. Position 5 is CHARSET too when the
 *   start character is not its template's, and, in a sentence without a
 *   template (not proprietary), when the type is one flipped bit away from
 *   a template's type but is none of nmea_ref_near_real. In a sentence
 *   with a template the ',' or '*' that ends a field (up to the first '*')
 *   is CHARSET too when the field does not fit the template
 *   (nmea_ref_field_ok); so is the line end of one without '*' whose last
 *   field does not;
 * - otherwise a candidate cut off by the next '$'/'!': TRUNCATED;
 * - otherwise a candidate that reaches the line end is a sentence if its
 *   first '*' is followed by exactly two hex digits (either case) and the
 *   line end, and they equal the XOR of the bytes between the start
 *   character and the '*' (else CHECKSUM); with no '*' at all it is a
 *   sentence only when checksums are optional (else NO_CHECKSUM); a '*'
 *   elsewhere is NO_CHECKSUM.
 *
 * A last line without LF yields nothing for its last candidate (the
 * framer is still waiting for its end); what comes before it counts.
 */
#ifndef NMEA_REF_H
#define NMEA_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The driver's default max_len (NMEA_MAX_LEN_DEFAULT; a host test checks). */
#define NMEA_REF_MAX_LEN	250

/* Drop reasons, in the order of enum nmea_drop (include/gpsnmea/nmea_framer.h). */
enum nmea_ref_why {
	REF_CHECKSUM,
	REF_NO_CHECKSUM,
	REF_TOO_LONG,
	REF_CHARSET,
	REF_TRUNCATED,
	REF_GARBAGE,
	REF_NR
};

static const char *const nmea_ref_names[REF_NR] = {
	"checksum", "no_checksum", "too_long", "charset", "truncated",
	"garbage",
};

/**
 * struct nmea_ref_line - what one line yields
 * @drops: drops by reason (GARBAGE in bytes, the rest in sentences)
 * @s: the sentence (without line end) the line yields, or NULL
 * @len: its length
 */
struct nmea_ref_line {
	size_t drops[REF_NR];
	const unsigned char *s;
	size_t len;
};

static inline bool nmea_ref_is_start(unsigned char c)
{
	return c == '$' || c == '!';
}

static inline int nmea_ref_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Types whose fields are numbers and indicators (and AIS payloads, and
 * names), each as its template: the start character it takes, the type,
 * "=N" if it has exactly N fields, "=N-M" if N to M, '#' if all its
 * fields hold integers,
 * then for each field from the first a ',' and what the field may hold:
 * '#' an integer, '@' six-bit armoring ('0'..'W', '`'..'w'), '~' a name
 * (any characters; "~+": this field and every later one), ':' a UTC time
 * of day (nothing, or hhmmss up to 235960, then '.' and digits), other
 * characters one of them alone, nothing any number or word of A-Z.
 */
static const char *const nmea_ref_templates[] = {
	"$AAM=5,AV,AV,,N,~", "!ABM=8,#,#,#,#,#,,@,#",
	"$APB=14-15,AV,AV,,LR,N,AV,AV,,,~", "!BBM=7,#,#,#,#,#,@,#",
	"$BOD=6,,T,,M,~,~", "$BWC=12-13,,,NS,,EW,,T,,M,,N,~",
	"$GBS,:,,,,#", "$GGA,:,,NS,,EW,#,#,,,M,,M,,#", "$GLL,,NS,,EW,:",
	"$GNS,:,,NS,,EW,,#,,,,,#", "$GRS,:,#",
	"$GSA,AM,#,#,#,#,#,#,#,#,#,#,#,#,#", "$GST,:", "$GSV#",
	"$RMB=13-14,AV,,LR,~,~,,NS,,EW,,,,AV", "$RMC,:,AV,,NS,,EW,,,#",
	"$RTE,#,#,cw,~+", "!VDM=6,#,#,#,AB12,@,#", "!VDO=6,#,#,#,AB12,@,#",
	"$VTG,,T,,M,,N,,K", "$WPL=5,,NS,,EW,~", "$XTE=5-6,AV,AV,,LR,N",
	"$ZDA,:,#,#,#,#,#",
};

#define NMEA_REF_NT (sizeof(nmea_ref_templates) / sizeof(nmea_ref_templates[0]))

/* Real types a single bit flip away from a type with a template. */
static const char *const nmea_ref_near_real[] = {
	"GBQ", "GFA", "GNQ", "RMA", "SMB", "ZTA", "ZTE",
};

/* A talker, not proprietary, and a type in s[3..5] (no '*' before)? */
static inline bool nmea_ref_typed(const unsigned char *s, size_t n)
{
	return n >= 6 && s[1] != 'P' && !memchr(s + 1, '*', 5);
}

/* The template of candidate s[0..n), or NULL if it has none. */
static inline const char *nmea_ref_template(const unsigned char *s, size_t n)
{
	size_t i;

	for (i = 0; nmea_ref_typed(s, n) && i < NMEA_REF_NT; i++)
		if (!memcmp(s + 3, nmea_ref_templates[i] + 1, 3))
			return nmea_ref_templates[i];
	return NULL;
}

/* The spec of field @k in template @t ("" for any), and its length. */
static inline const char *nmea_ref_spec(const char *t, size_t k, size_t *len)
{
	const char *l = t + 4, *prev = NULL;
	size_t i;

	for (i = 0; i < k && l; i++) {
		prev = l;
		l = strchr(l, ',');
		if (l)
			l++;
	}
	if (!l && prev) {
		/* past the template's fields: "~+" goes on */
		while (strchr(prev, ','))
			prev = strchr(prev, ',') + 1;
		if (!strncmp(prev, "~+", 2)) {
			*len = 2;
			return prev;
		}
	}
	if (!l || k == 0) {
		*len = 0;
		return "";
	}
	*len = strcspn(l, ",");
	return l;
}

static inline bool nmea_ref_name(const char *t, size_t k)
{
	size_t len;
	const char *l = nmea_ref_spec(t, k, &len);

	return len >= 1 && *l == '~';
}

/*
 * May field @k of a sentence of template @t be there (@last: and be its
 * last one)? Only "=N" and "=N-M" limit it.
 */
static inline bool nmea_ref_count_ok(const char *t, size_t k, bool last)
{
	const char *dash = strchr(t, '-');
	size_t lo, hi;

	if (t[4] != '=')
		return true;
	lo = (size_t)atoi(t + 5);
	hi = dash && dash < t + 4 + strcspn(t + 4, ",") ?
	     (size_t)atoi(dash + 1) : lo;
	return k <= hi && (!last || k >= lo);
}

/* Is field @k of template @t all integers? */
static inline bool nmea_ref_integer(const char *t, size_t k)
{
	size_t len;
	const char *l = nmea_ref_spec(t, k, &len);

	return strchr(t, '#') == t + 4 || (len == 1 && *l == '#');
}

static inline bool nmea_ref_armored(const char *t, size_t k)
{
	size_t len;
	const char *l = nmea_ref_spec(t, k, &len);

	return len == 1 && *l == '@';
}

/* The characters an indicator field takes, or NULL (and their number). */
static inline const char *nmea_ref_ind(const char *t, size_t k, size_t *len)
{
	const char *l = nmea_ref_spec(t, k, len);

	if (!*len || *l == '#' || *l == '@' || *l == '~' || *l == ':')
		return NULL;
	return l;
}

/* May byte @c stand in field @k of a sentence of template @t? */
static inline bool nmea_ref_char_ok(const char *t, size_t k, unsigned char c)
{
	size_t len;
	const char *ind = nmea_ref_ind(t, k, &len);

	if (c == ',' || c == '*' || nmea_ref_name(t, k))
		return true;
	if (nmea_ref_armored(t, k))
		return (c >= '0' && c <= 'W') || (c >= '`' && c <= 'w');
	if (ind)
		return memchr(ind, c, len) != NULL;
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '+' || c == '-';
}

/*
 * Is f[0..n) a time of day as template spec ':' has it? Digits in the
 * order of their value: "hh", "mm" and "ss" compare as strings.
 */
static inline bool nmea_ref_time_ok(const unsigned char *f, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	if (n < 6 || (n > 6 && f[6] != '.'))
		return false;
	for (i = 0; i < n; i++)
		if (i != 6 && !memchr("0123456789", f[i], 10))
			return false;
	return memcmp(f, "24", 2) < 0 && f[2] <= '5' &&
	       memcmp(f + 4, "60", 2) <= 0;
}

/*
 * Does field number @k, f[0..n), fit template @t (@last: it is the
 * sentence's last)? Field 0 (between the type and the first ',') is
 * empty. An armored field or a name is anything (their bytes are checked
 * one by one), an indicator one character at most, a time of day as
 * nmea_ref_time_ok() has it. Any other is empty,
 * all A-Z, or 0-9 + - with at most one '.' (none in an integer). No
 * field comes after the most the template allows, and the last is not
 * before the fewest.
 */
static inline bool nmea_ref_field_ok(const unsigned char *f, size_t n,
				     size_t k, bool last, const char *t)
{
	size_t i, az = 0, pt = 0, len;

	if (!nmea_ref_count_ok(t, k, last))
		return false;
	if (k == 0)
		return n == 0;
	if (nmea_ref_armored(t, k) || nmea_ref_name(t, k))
		return true;
	if (nmea_ref_ind(t, k, &len))
		return n <= 1;
	if (*nmea_ref_spec(t, k, &len) == ':' && len == 1)
		return nmea_ref_time_ok(f, n);
	for (i = 0; i < n; i++) {
		if (f[i] >= 'A' && f[i] <= 'Z')
			az++;
		else if (f[i] == '.')
			pt++;
		else if ((f[i] < '0' || f[i] > '9') && f[i] != '+' &&
			 f[i] != '-')
			return false;
	}
	return !(az && az < n) && pt <= (nmea_ref_integer(t, k) ? 0u : 1u);
}

/*
 * An AIS sentence s (template starting '!'), its field 3 ending at s[e]:
 * field 1 holds how many sentences the message takes, field 2 which one
 * this is (each one or two digits), field 3 the message identifier, empty
 * only in a message of one sentence.
 */
static inline bool nmea_ref_fragment_ok(const unsigned char *s, size_t e)
{
	size_t a = 7, b, k, len = 0;
	int v[2] = { 0, 0 };

	for (k = 0; k < 3; k++, a = b + 1) {
		for (b = a; b < e && s[b] != ','; b++)
			;
		len = b - a;
		if (k == 2)
			break;
		if (len < 1 || len > 2 || strspn((const char *)s + a,
						 "0123456789") < len)
			return false;
		v[k] = len == 1 ? s[a] - '0' : (s[a] - '0') * 10 + s[a + 1] - '0';
	}
	return v[0] >= 1 && v[1] >= 1 && v[1] <= v[0] && (v[0] == 1 || len);
}

/*
 * Where candidate s[0..n) with template @t first breaks it: the index of
 * the ',' or '*' that ends the field, @n for the last field of a
 * candidate without '*', 0 if it fits.
 */
static inline size_t nmea_ref_layout_error(const unsigned char *s, size_t n,
					   const char *t)
{
	size_t a = 6, b, k = 0;
	bool last;

	for (;;) {
		for (b = a; b < n && s[b] != ',' && s[b] != '*'; b++)
			;
		last = b == n || s[b] == '*';
		if (!nmea_ref_field_ok(s + a, b - a, k, last, t) ||
		    (k == 3 && t[0] == '!' && !nmea_ref_fragment_ok(s, b)))
			return b;
		if (last)
			return 0;
		a = b + 1;
		k++;
	}
}

/*
 * Is the type of candidate s[0..n) (without a template) one flipped bit
 * away from a type with one, and not in nmea_ref_near_real?
 */
static inline bool nmea_ref_near_template(const unsigned char *s, size_t n)
{
	size_t i, k;
	int bits;

	if (!nmea_ref_typed(s, n))
		return false;
	for (i = 0; i < sizeof(nmea_ref_near_real) / sizeof(nmea_ref_near_real[0]); i++)
		if (!memcmp(s + 3, nmea_ref_near_real[i], 3))
			return false;
	for (i = 0; i < NMEA_REF_NT; i++) {
		bits = 0;
		for (k = 0; k < 3; k++)
			bits += __builtin_popcount(s[3 + k] ^
						   (unsigned char)nmea_ref_templates[i][1 + k]);
		if (bits == 1)
			return true;
	}
	return false;
}

/*
 * A start character the type's template does not have, or no template
 * and a type one bit off one that has?
 */
static inline bool nmea_ref_bad_type(const unsigned char *s, size_t n)
{
	const char *t = nmea_ref_template(s, n);

	return t ? s[0] != (unsigned char)t[0] : nmea_ref_near_template(s, n);
}

/*
 * Does a whole sentence s[0..n) (no line end) keep to its template, if it
 * has one?
 */
static inline bool nmea_ref_fits(const unsigned char *s, size_t n)
{
	const unsigned char *star = memchr(s, '*', n);
	const char *t = nmea_ref_template(s, n);
	size_t k, fld = 0, end = star ? (size_t)(star - s) : n;

	if (!t)
		return true;
	if (nmea_ref_bad_type(s, n))
		return false;
	for (k = 6; k < end; k++) {
		if (!nmea_ref_char_ok(t, fld, s[k]))
			return false;
		fld += s[k] == ',';
	}
	return !nmea_ref_layout_error(s, n, t);
}

/* Is there a ',' or '*' (the end of the address) in s[3..k)? */
static inline bool nmea_ref_addr_ended(const unsigned char *s, size_t k)
{
	return k > 3 && (memchr(s + 3, ',', k - 3) || memchr(s + 3, '*', k - 3));
}

static inline bool nmea_ref_addr_char(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       c == ',' || c == '*';
}

/* The checksum verdict on a candidate s[0..n) that reached the line end. */
static inline int nmea_ref_checksum(const unsigned char *s, size_t n,
				    bool allow_no_checksum)
{
	const unsigned char *star = memchr(s, '*', n);
	unsigned int sum = 0;
	size_t i;

	if (!star)
		return allow_no_checksum ? -1 : REF_NO_CHECKSUM;
	if ((size_t)(star - s) != n - 3 || nmea_ref_hex(s[n - 2]) < 0 ||
	    nmea_ref_hex(s[n - 1]) < 0)
		return REF_NO_CHECKSUM;
	for (i = 1; i < n - 3; i++)
		sum ^= s[i];
	if (sum != (unsigned int)(nmea_ref_hex(s[n - 2]) << 4 |
				  nmea_ref_hex(s[n - 1])))
		return REF_CHECKSUM;
	return -1;
}

/**
 * nmea_ref_line - apply the rules to one line
 * @p: the line, without its LF
 * @n: its length
 * @has_lf: it ended in LF (else it is the unfinished last line)
 * @max_len: longest sentence, from the start character through the
 *	checksum digits
 * @allow_no_checksum: a sentence without '*' is accepted
 * @r: the result
 */
static inline void nmea_ref_line(const unsigned char *p, size_t n,
				 bool has_lf, size_t max_len,
				 bool allow_no_checksum,
				 struct nmea_ref_line *r)
{
	size_t i = 0, start, end, body, k, lerr, fld;
	const unsigned char *star;
	const char *tmpl;
	unsigned char c;
	int why;

	memset(r, 0, sizeof(*r));
	for (; i < n && !nmea_ref_is_start(p[i]); i++)
		if (p[i] != '\r')
			r->drops[REF_GARBAGE]++;
	while (i < n) {
		start = i;
		for (end = start + 1; end < n && !nmea_ref_is_start(p[end]);)
			end++;
		i = end;
		if (end == n && !has_lf)
			break;
		body = end;
		while (body > start + 1 && p[body - 1] == '\r')
			body--;
		if (body == start + 1) {
			r->drops[REF_GARBAGE]++;
			continue;
		}
		if (end < n)	/* cut off: its CRs are not a line end */
			body = end;
		why = -1;
		tmpl = nmea_ref_template(p + start, body - start);
		lerr = tmpl ? nmea_ref_layout_error(p + start, body - start,
						    tmpl) : 0;
		fld = 0;
		star = memchr(p + start, '*', body - start);
		for (k = 1; k < body - start && why < 0; k++) {
			c = p[start + k];
			if (c < 0x20 || c > 0x7e)
				why = REF_CHARSET;
			else if (k >= max_len)
				why = REF_TOO_LONG;
			else if (k <= 2 && (c < 'A' || c > 'Z'))
				why = REF_CHARSET;
			else if (k >= 3 && k <= 5 &&
				 !nmea_ref_addr_ended(p + start, k) &&
				 (!nmea_ref_addr_char(c) ||
				  (p[start] == '!' && (c == ',' || c == '*'))))
				why = REF_CHARSET;
			else if (k == 5 &&
				 nmea_ref_bad_type(p + start, body - start))
				why = REF_CHARSET;
			else if (tmpl && k >= 6 &&
				 (!star || p + start + k <= star) &&
				 !nmea_ref_char_ok(tmpl, fld, c))
				why = REF_CHARSET;
			else if (tmpl && k == lerr)
				why = REF_CHARSET;
			fld += k >= 6 && c == ',';
		}
		if (why < 0 && end < n)
			why = REF_TRUNCATED;
		if (why < 0)
			why = nmea_ref_checksum(p + start, body - start,
						allow_no_checksum);
		if (why < 0 && tmpl && lerr == body - start)
			why = REF_CHARSET;
		if (why >= 0) {
			r->drops[why]++;
		} else {
			r->s = p + start;
			r->len = body - start;
		}
	}
}

#endif /* NMEA_REF_H */
