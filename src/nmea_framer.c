// SPDX-License-Identifier: GPL-2.0
/*
 * NMEA 0183 framer: bytes in, checked sentences out.
 *
 * A sentence starts at '$' or '!', holds printable ASCII only and ends at
 * the end of its line: LF, after any number of CRs (CRLF, the CR CR LF of
 * some receivers, or a bare LF). Its checksum "*hh" (the XOR of the bytes
 * between the start character and '*', as two hex digits of either case)
 * must match, unless checksums are optional and the sentence has no '*' at
 * all. What goes wrong is counted in f->drops[]:
 *
 * - checksum present but wrong: NMEA_DROP_CHECKSUM;
 * - no checksum (when required), or a malformed one ('*' not followed by
 *   exactly two hex digits and the end of the line): NMEA_DROP_NO_CHECKSUM;
 * - more than max_len characters: NMEA_DROP_TOO_LONG;
 * - a byte outside 0x20..0x7e, including a CR that is not part of the line
 *   end; a talker (the two bytes after the start character) that is not
 *   two upper-case letters, or a byte other than A-Z and 0-9 in the rest
 *   of the address up to position 5 (the address ends at ',' or '*');
 *   in a sentence of a type whose fields are numbers and indicators
 *   (GGA, RMC, GSV, ..., RMB, RTE, ...) or AIS data (VDM, ...), see
 *   nmea_layouts: a byte the field it stands in does not take (0-9, A-Z,
 *   '.', '+', '-'; an indicator's own; an AIS payload's six-bit
 *   armoring; anything in a waypoint's or route's name), a field that
 *   does not fit the type's layout (struct nmea_layout), found at the ','
 *   or '*' that ends it, or a start character other than the type's
 *   ('!' for AIS, '$' for the others; it is outside the checksum); a
 *   type one bit off one of those that is no other real type:
 *   NMEA_DROP_CHARSET;
 * - a '$' or '!' before the end of the line: NMEA_DROP_TRUNCATED, and the
 *   new character starts the next sentence;
 * - a byte outside any sentence, other than CR and LF: NMEA_DROP_GARBAGE,
 *   counted per byte. A start character followed at once (CRs aside) by
 *   another one or by the line end is such a byte: "$$GPGGA,..." is one
 *   garbage byte and a sentence, as gpsd reads it.
 *
 * After a TOO_LONG or CHARSET drop the rest of that line is skipped without
 * further counting, up to its LF or up to a '$' or '!' (which starts a new
 * sentence, so that a lost line end costs one sentence, not two).
 *
 * A sentence that passes all of these is still dropped, and counted in
 * f->doubtful, when the decoder flagged one of its bytes as doubtful or a
 * gap (lost frames) inside it: the XOR checksum passes about one corrupted
 * sentence in 256, so it is not trusted alone.
 *
 * Every check is O(1) per byte: the checksum is kept as a running XOR.
 *
 * Valid sentences are counted in f->sentences, those without a checksum
 * (accepted only with allow_no_checksum) also in f->no_checksum, and each
 * by its address (the field after '$' or '!') in f->types.
 *
 * Documentation/corpus.rst compares these rules with gpsd's.
 */
#include <gpsnmea/nmea_framer.h>

static bool nmea_is_start(u8 c)
{
	return c == '$' || c == '!';
}

/* Value of a hex digit of either case, or -1. */
static int nmea_hex(u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void nmea_framer_init(struct nmea_framer *f,
		      const struct nmea_framer_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	if (!f->cfg.max_len)
		f->cfg.max_len = NMEA_MAX_LEN_DEFAULT;
	else if (f->cfg.max_len < NMEA_MAX_LEN_MIN)
		f->cfg.max_len = NMEA_MAX_LEN_MIN;
	else if (f->cfg.max_len > NMEA_MAX_LEN_LIMIT)
		f->cfg.max_len = NMEA_MAX_LEN_LIMIT;
}

void nmea_framer_reset(struct nmea_framer *f)
{
	f->in_sentence = false;
	f->skip_line = false;
	f->cr = false;
	f->len = 0;
}

/* Drop the sentence being gathered, counting @why. */
static void nmea_drop(struct nmea_framer *f, enum nmea_drop why)
{
	f->drops[why]++;
	f->in_sentence = false;
	f->cr = false;
}

static bool nmea_is_addr_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * May @c stand at position f->len? The talker (1, 2) is two upper-case
 * letters; the rest of the address, up to the first ',' or '*', is A-Z and
 * 0-9 to position 5 ("$STI,..." and "$PSTI,..." end it early, but an
 * encapsulation sentence's, after '!', is always a talker and a type of
 * three: "!SDM," was "!AIVDM," with three bytes lost).
 */
static bool nmea_addr_fits(const struct nmea_framer *f, u8 c)
{
	u32 i;

	if (f->len < 3)
		return c >= 'A' && c <= 'Z';
	if (f->len > 5)
		return true;
	if (f->buf[0] == '!')
		return nmea_is_addr_char(c);
	for (i = 3; i < f->len; i++)
		if (f->buf[i] == ',' || f->buf[i] == '*')
			return true;
	return nmea_is_addr_char(c) || c == ',' || c == '*';
}

/**
 * struct nmea_layout - a type whose fields hold numbers and indicators
 * @type: the type, after a talker other than a proprietary one ('P')
 * @start: its start character: '!' for the encapsulation types (AIS),
 *	'$' for the others
 * @fields_min: the fewest fields it has (0: any number)
 * @fields_max: the most fields it has (with @fields_min set)
 * @ints: fields that hold integers (bit n: field n; 1 is the one after the
 *	address; 31 is field 31 and every later one)
 * @armored: fields of AIS six-bit armoring ('0'..'W' and '`'..'w')
 * @names: fields that hold names (waypoints, routes): any characters
 * @names_from: ... and so does every field from this one on (0: none)
 * @time: the field that holds the UTC time of day (0: none)
 * @ind: fields that hold nothing or one of the characters given, as NMEA
 *	0183 has them; an @ind[i].field of 0 ends the list
 *
 * Every other field of such a sentence is empty, a word of A-Z, or a
 * number of 0-9, '+' and '-' with at most one '.', and the address is
 * exactly the talker and the type. Bytes misread so that their checksum
 * errors cancel mostly break that: a '.' read as ',' splits a number and
 * moves the fields after it, "1,35" read as "1.35" puts a point in an
 * integer or a second one in a number, a ',' read as 'l' (bit 6) joins
 * two fields into a word that is no number. The waypoint types, whose
 * names take any character, also have their number of fields (one more
 * from NMEA 0183 2.3 on for some), AIS sentences their fragment fields
 * (nmea_ais_fragment_fits()), and a time of day its hours, minutes and
 * seconds in range (nmea_time_fits()). Only what every receiver of gpsd's
 * corpus keeps to is here (some put other letters in RMC's magnetic
 * variation or GLL's status field, and one "2208-1" in RMC's date).
 */
struct nmea_layout {
	char type[4];
	char start;
	u8 fields_min;
	u8 fields_max;
	u8 names_from;
	u8 time;
	u32 ints;
	u32 armored;
	u32 names;
	struct {
		u8 field;
		char chars[5];
	} ind[6];
};

#define F(n)		BIT(n)
#define F_RANGE(a, b)	GENMASK(b, a)
#define NF(a, b)	.fields_min = a, .fields_max = b
#define NMEA_AIS(t)	{ .type = t, .start = '!', NF(6, 6),		\
			  .ints = F_RANGE(1, 3) | F(6), .armored = F(5),	\
			  .ind = { { 4, "AB12" } } }

static const struct nmea_layout nmea_layouts[] = {
	{ .type = "AAM", .start = '$', NF(5, 5), .names = F(5),
	  .ind = { { 1, "AV" }, { 2, "AV" }, { 4, "N" } } },
	{ .type = "ABM", .start = '!', NF(8, 8),
	  .ints = F_RANGE(1, 5) | F(8), .armored = F(7) },
	{ .type = "APB", .start = '$', NF(14, 15), .names = F(10),
	  .ind = { { 1, "AV" }, { 2, "AV" }, { 4, "LR" }, { 5, "N" },
		   { 6, "AV" }, { 7, "AV" } } },
	{ .type = "BBM", .start = '!', NF(7, 7),
	  .ints = F_RANGE(1, 5) | F(7), .armored = F(6) },
	{ .type = "BOD", .start = '$', NF(6, 6), .names = F(5) | F(6),
	  .ind = { { 2, "T" }, { 4, "M" } } },
	{ .type = "BWC", .start = '$', NF(12, 13), .names = F(12),
	  .ind = { { 3, "NS" }, { 5, "EW" }, { 7, "T" }, { 9, "M" },
		   { 11, "N" } } },
	{ .type = "GBS", .start = '$', .time = 1, .ints = F(5) },
	{ .type = "GGA", .start = '$', .time = 1, .ints = F(6) | F(7) | F(14),
	  .ind = { { 3, "NS" }, { 5, "EW" }, { 10, "M" }, { 12, "M" } } },
	{ .type = "GLL", .start = '$', .time = 5,
	  .ind = { { 2, "NS" }, { 4, "EW" } } },
	{ .type = "GNS", .start = '$', .time = 1, .ints = F(7) | F(12),
	  .ind = { { 3, "NS" }, { 5, "EW" } } },
	{ .type = "GRS", .start = '$', .time = 1, .ints = F(2) },
	{ .type = "GSA", .start = '$', .ints = F_RANGE(2, 14),
	  .ind = { { 1, "AM" } } },
	{ .type = "GST", .start = '$', .time = 1 },
	{ .type = "GSV", .start = '$', .ints = ~0U },
	{ .type = "RMB", .start = '$', NF(13, 14), .names = F(4) | F(5),
	  .ind = { { 1, "AV" }, { 3, "LR" }, { 7, "NS" }, { 9, "EW" },
		   { 13, "AV" } } },
	{ .type = "RMC", .start = '$', .time = 1, .ints = F(9),
	  .ind = { { 2, "AV" }, { 4, "NS" }, { 6, "EW" } } },
	{ .type = "RTE", .start = '$', .ints = F(1) | F(2), .names_from = 4,
	  .ind = { { 3, "cw" } } },
	NMEA_AIS("VDM"),
	NMEA_AIS("VDO"),
	{ .type = "VTG", .start = '$',
	  .ind = { { 2, "T" }, { 4, "M" }, { 6, "N" }, { 8, "K" } } },
	{ .type = "WPL", .start = '$', NF(5, 5), .names = F(5),
	  .ind = { { 2, "NS" }, { 4, "EW" } } },
	{ .type = "XTE", .start = '$', NF(5, 6),
	  .ind = { { 1, "AV" }, { 2, "AV" }, { 4, "LR" }, { 5, "N" } } },
	{ .type = "ZDA", .start = '$', .time = 1, .ints = F_RANGE(2, 6) },
};

#undef NMEA_AIS
#undef NF
#undef F
#undef F_RANGE

/* The layout of the sentence whose address f->buf[1..5] holds, or NULL. */
static const struct nmea_layout *nmea_find_layout(const struct nmea_framer *f)
{
	u32 i;

	if (f->buf[1] == 'P')
		return NULL;
	for (i = 0; i < ARRAY_SIZE(nmea_layouts); i++)
		if (!memcmp(f->buf + 3, nmea_layouts[i].type, 3))
			return &nmea_layouts[i];
	return NULL;
}

/* @s holds a start character and 5 more: is its type in @types? */
static bool nmea_type_in(const char *s, const char (*types)[4], u32 n)
{
	u32 i;

	if (s[1] == 'P')
		return false;
	for (i = 0; i < n; i++)
		if (!memcmp(s + 3, types[i], 3))
			return true;
	return false;
}

/*
 * Real types one bit away from a type of nmea_layouts: a receiver may send
 * them (GNSS fix accuracy, queries, Loran-C, SafetyNET).
 */
static const char nmea_near_types[][4] = {
	"GBQ", "GFA", "GNQ", "RMA", "SMB", "ZTA", "ZTE",
};

/*
 * Is the type in f->buf[3..5] one bit off a type of nmea_layouts, and no
 * other real one? Such a type is a misread byte: a GSA read as "GWA",
 * the checksum error cancelled by a second byte ('(' for ',').
 */
static bool nmea_near_layout(const struct nmea_framer *f)
{
	u32 i, k, diff;

	if (f->buf[1] == 'P' ||
	    nmea_type_in(f->buf, nmea_near_types, ARRAY_SIZE(nmea_near_types)))
		return false;
	for (i = 0; i < ARRAY_SIZE(nmea_layouts); i++) {
		diff = 0;
		for (k = 0; k < 3; k++)
			diff = diff << 8 | (u8)(f->buf[3 + k] ^
						nmea_layouts[i].type[k]);
		if (diff && !(diff & (diff - 1)))	/* one bit set */
			return true;
	}
	return false;
}

/* Bit 31 of a field mask stands for field 31 and every one after it. */
static bool nmea_field_bit(u32 mask, u32 field)
{
	return mask & BIT(min_t(u32, field, 31));
}

static bool nmea_is_name(const struct nmea_layout *l, u32 field)
{
	return nmea_field_bit(l->names, field) ||
	       (l->names_from && field >= l->names_from);
}

/* The characters indicator field @field of @l takes, or NULL. */
static const char *nmea_ind_chars(const struct nmea_layout *l, u32 field)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(l->ind) && l->ind[i].field; i++)
		if (l->ind[i].field == field)
			return l->ind[i].chars;
	return NULL;
}

/* May @c, the next byte of f->field, stand in a sentence of f->layout? */
static bool nmea_char_fits(const struct nmea_framer *f, u8 c)
{
	const struct nmea_layout *l = f->layout;
	const char *ind = nmea_ind_chars(l, f->field);

	if (c == ',' || c == '*' || nmea_is_name(l, f->field))
		return true;
	if (nmea_field_bit(l->armored, f->field))
		return (c >= '0' && c <= 'W') || (c >= '`' && c <= 'w');
	if (ind)
		return strchr(ind, c);
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	       c == '.' || c == '+' || c == '-';
}

/*
 * Read the number of at most two digits at f->buf[*i] up to the next ','
 * (and past it); -1 if it is empty or anything else.
 */
static int nmea_small_number(const struct nmea_framer *f, u32 *i)
{
	int v = 0, digits = 0;

	for (; *i < f->len && f->buf[*i] != ','; (*i)++) {
		if (f->buf[*i] < '0' || f->buf[*i] > '9' || ++digits > 2)
			return -1;
		v = v * 10 + f->buf[*i] - '0';
	}
	(*i)++;
	return digits ? v : -1;
}

/*
 * An AIS sentence (all of them have these) holds in field 1 how many
 * sentences its message takes, in field 2 which one it is, and in field 3
 * the sequential message identifier that ties them together, which only a
 * message of one sentence may leave empty. Called when field 3 ends.
 */
static bool nmea_ais_fragment_fits(const struct nmea_framer *f)
{
	u32 i = 7;	/* after "!AIVDM," */
	int total = nmea_small_number(f, &i);
	int number = nmea_small_number(f, &i);

	return total >= 1 && number >= 1 && number <= total &&
	       (total == 1 || f->len > f->field_start);
}

/*
 * A time of day, @s[0, @n): empty, or hhmmss with an optional fraction
 * (".s", ".ss", ...), at most 23:59:60 (a leap second). A digit misread
 * there (its checksum error cancelled by another) mostly leaves the range.
 */
static bool nmea_time_fits(const char *s, u32 n)
{
	u32 i, v[3] = { 0, 0, 0 };

	if (!n)
		return true;
	if (n < 6 || (n > 6 && s[6] != '.'))
		return false;
	for (i = 0; i < n; i++) {
		if (i == 6)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (i < 6)
			v[i / 2] = v[i / 2] * 10 + s[i] - '0';
	}
	return v[0] < 24 && v[1] < 60 && v[2] <= 60;
}

/*
 * Does the field in f->buf[f->field_start, f->len), number f->field, fit
 * f->layout? @last: it is the sentence's last. Its bytes passed
 * nmea_char_fits(); each is looked at once more here, when its field ends.
 */
static bool nmea_field_fits(const struct nmea_framer *f, bool last)
{
	const struct nmea_layout *l = f->layout;
	const char *s = f->buf + f->field_start;
	u32 n = f->len - f->field_start, i, points = 0, letters = 0;

	if (!f->field)
		return !n && !(last && l->fields_min);
	if (l->fields_min && (f->field > l->fields_max ||
			      (last && f->field < l->fields_min)))
		return false;
	if (l->start == '!' && f->field == 3 && !nmea_ais_fragment_fits(f))
		return false;
	if (nmea_is_name(l, f->field) ||
	    nmea_field_bit(l->armored, f->field))
		return true;
	if (nmea_ind_chars(l, f->field))
		return n <= 1;
	if (l->time && f->field == l->time)
		return nmea_time_fits(s, n);
	for (i = 0; i < n; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			letters++;
		else if (s[i] == '.')
			points++;
	}
	if (letters && letters != n)
		return false;
	return points <= (nmea_field_bit(l->ints, f->field) ? 0 : 1);
}

/* Count a valid sentence of @len bytes (no CRLF) under its address. */
static void nmea_count_type(struct nmea_types *types, const char *s, u32 len)
{
	u32 i, n = 0;

	while (n + 1 < len && s[n + 1] != ',' && s[n + 1] != '*') {
		if (!nmea_is_addr_char(s[n + 1]) || n == NMEA_TYPE_LEN)
			goto other;
		n++;
	}
	if (!n)
		goto other;
	for (i = 0; i < types->n; i++) {
		if (!strncmp(types->t[i].name, s + 1, n) &&
		    !types->t[i].name[n]) {
			types->t[i].count++;
			return;
		}
	}
	if (types->n == NMEA_TYPES_MAX)
		goto other;
	memcpy(types->t[i].name, s + 1, n);
	types->t[i].name[n] = '\0';
	types->t[i].count = 1;
	types->n++;
	return;
other:
	types->other++;
}

/*
 * The line ended (LF): check the checksum and hand the sentence out.
 * Return: its length with CRLF, or 0 if it was dropped.
 */
static u32 nmea_end(struct nmea_framer *f)
{
	u32 len = f->len;
	u32 star = f->star;
	int hi, lo;

	f->in_sentence = false;
	f->cr = false;
	if (len == 1) {
		f->drops[NMEA_DROP_GARBAGE]++;
		return 0;
	}
	if (!star) {
		if (!f->cfg.allow_no_checksum) {
			f->drops[NMEA_DROP_NO_CHECKSUM]++;
			return 0;
		}
		if (f->layout && !nmea_field_fits(f, true)) {
			f->drops[NMEA_DROP_CHARSET]++;
			return 0;
		}
	} else {
		hi = len == star + 3 ? nmea_hex(f->buf[star + 1]) : -1;
		lo = len == star + 3 ? nmea_hex(f->buf[star + 2]) : -1;
		if (hi < 0 || lo < 0) {
			f->drops[NMEA_DROP_NO_CHECKSUM]++;
			return 0;
		}
		if ((hi << 4 | lo) != f->sum) {
			f->drops[NMEA_DROP_CHECKSUM]++;
			return 0;
		}
	}
	if (f->doubt) {
		f->doubtful++;
		return 0;
	}
	nmea_count_type(&f->types, f->buf, len);
	f->no_checksum += !star;
	f->buf[len++] = '\r';
	f->buf[len++] = '\n';
	f->buf[len] = '\0';
	f->sentences++;
	return len;
}

u32 nmea_framer_push(struct nmea_framer *f, u8 c, u64 start_ns, u32 flags)
{
	if (nmea_is_start(c)) {
		if (f->in_sentence) {
			if (f->len == 1)
				f->drops[NMEA_DROP_GARBAGE]++;
			else
				nmea_drop(f, f->cr ? NMEA_DROP_CHARSET :
						     NMEA_DROP_TRUNCATED);
		}
		f->in_sentence = true;
		f->cr = false;
		f->skip_line = false;
		f->buf[0] = c;
		f->len = 1;
		f->sum = 0;
		f->star = 0;
		f->layout = NULL;
		f->start_ns = start_ns;
		/* A gap before the start character is no gap in the sentence. */
		f->doubt = flags & NMEA_BYTE_DOUBTFUL;
		return 0;
	}

	if (!f->in_sentence) {
		if (c == '\n')
			f->skip_line = false;
		else if (c != '\r' && !f->skip_line)
			f->drops[NMEA_DROP_GARBAGE]++;
		return 0;
	}

	f->doubt |= (flags & (NMEA_BYTE_DOUBTFUL | NMEA_BYTE_GAP)) != 0;
	if (c == '\n')
		return nmea_end(f);
	if (c == '\r') {
		f->cr = true;
		return 0;
	}
	if (f->cr || c < 0x20 || c > 0x7e) {
		/* A control byte, or a byte after a CR. */
		nmea_drop(f, NMEA_DROP_CHARSET);
		f->skip_line = true;
		return 0;
	}
	if (f->len >= f->cfg.max_len) {
		nmea_drop(f, NMEA_DROP_TOO_LONG);
		f->skip_line = true;
		return 0;
	}

	if (!nmea_addr_fits(f, c) ||
	    (f->layout && !f->star &&
	     (!nmea_char_fits(f, c) ||
	      ((c == ',' || c == '*') && !nmea_field_fits(f, c == '*'))))) {
		nmea_drop(f, NMEA_DROP_CHARSET);
		f->skip_line = true;
		return 0;
	}
	if (!f->star) {
		if (c == '*')
			f->star = f->len;
		else
			f->sum ^= c;
		if (c == ',') {
			f->field++;
			f->field_start = f->len + 1;
		}
	}
	f->buf[f->len++] = c;
	/* The type is known at the address's fifth character. */
	if (f->len == 6 && !f->star) {
		f->layout = nmea_find_layout(f);
		f->field = 0;
		f->field_start = 6;
		/* The checksum does not cover the start character. */
		if (f->layout ? f->buf[0] != f->layout->start :
				nmea_near_layout(f)) {
			nmea_drop(f, NMEA_DROP_CHARSET);
			f->skip_line = true;
		}
	}
	return 0;
}
