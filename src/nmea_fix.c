// SPDX-License-Identifier: GPL-2.0
/*
 * NMEA fix: decodes RMC, GGA and GNS sentences of any talker (and the fix
 * mode of GSA) into a fixed-point struct nmea_fix, and formats it as one
 * line of text. Documentation/fix.rst has the rules; in short:
 *
 * - A field a sentence carries but leaves empty (or sends malformed) is
 *   unknown: its NMEA_FIX_HAVE_* bit is cleared. Fields a sentence does
 *   not carry are left as they are.
 * - A sentence that says there is no fix (RMC status V, GGA quality 0,
 *   GNS mode all 'N') clears the position, altitude, speed and course,
 *   whichever sentence brought them, and sets mode 1.
 * - The mode of the last GSA wins when it is 2 or 3; otherwise a valid
 *   position gives 3D if the altitude is known, 2D if not.
 *
 * Latitude and longitude are converted exactly: the minutes are read as an
 * integer of 1e-12 minutes (further digits cannot change the result) and
 * divided by 6e6, rounding half away from zero, into 1e-7 degrees.
 *
 * Every sentence is read once, left to right: O(length), no recursion, no
 * floating point, and no 64-bit division but div_u64().
 */
#include <gpsnmea/nmea_fix.h>

/* Longest sentence looked at (NMEA allows 82; the framer delivers 253). */
#define NMEA_FIX_MAX_LEN	255
/* Fields kept per sentence, the address field included (GSA has 18). */
#define NMEA_FIX_FIELDS		20

/* What the parsers return for an empty or malformed field. */
#define NMEA_BAD		(-(s64)1000000000000000000)

#define NMEA_MS_PER_DAY		86400000U
#define NMEA_E7			10000000U
/* 1e-12 minutes per 1e-7 degree: 1e-7 * 60 / 1e-12. */
#define NMEA_PMIN_PER_E7	6000000U

/* Talker bits for summing per-constellation satellite counts. */
#define NMEA_TALKER_ALL		0xffU

/* A sentence cut into fields: offsets fit a u8 (NMEA_FIX_MAX_LEN). */
struct nmea_fields {
	const char *s;
	u32 nr;
	u8 start[NMEA_FIX_FIELDS];
	u8 len[NMEA_FIX_FIELDS];
};

/* One field: not NUL-terminated. */
struct nmea_str {
	const char *p;
	u32 n;
};

static bool nmea_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Split the sentence at commas, up to '*' or the line end. */
static void nmea_split(struct nmea_fields *f, const char *s, u32 len)
{
	u32 i, begin = 1;
	char c;

	f->s = s;
	f->nr = 0;
	for (i = 1; ; i++) {
		c = i < len ? s[i] : '\0';
		if (c == ',' || c == '*' || c < ' ' || c > '~') {
			if (f->nr < NMEA_FIX_FIELDS) {
				f->start[f->nr] = begin;
				f->len[f->nr] = i - begin;
				f->nr++;
			}
			if (c != ',')
				break;
			begin = i + 1;
		}
	}
}

/* Field @i (0 is the address); a missing field is an empty one. */
static struct nmea_str nmea_field(const struct nmea_fields *f, u32 i)
{
	struct nmea_str str = { .p = f->s, .n = 0 };

	if (i < f->nr) {
		str.p = f->s + f->start[i];
		str.n = f->len[i];
	}
	return str;
}

/* The field is exactly the one character @c. */
static bool nmea_field_is(const struct nmea_fields *f, u32 i, char c)
{
	struct nmea_str str = nmea_field(f, i);

	return str.n == 1 && str.p[0] == c;
}

/* Two digits at @p as a number, or -1. */
static int nmea_2digits(const char *p)
{
	if (!nmea_is_digit(p[0]) || !nmea_is_digit(p[1]))
		return -1;
	return (p[0] - '0') * 10 + (p[1] - '0');
}

/* Unsigned decimal integer of at most @max, or NMEA_BAD. */
static s64 nmea_parse_uint(struct nmea_str str, u32 max)
{
	u32 i, v = 0;

	if (!str.n)
		return NMEA_BAD;
	for (i = 0; i < str.n; i++) {
		if (!nmea_is_digit(str.p[i]))
			return NMEA_BAD;
		v = v * 10 + (str.p[i] - '0');
		if (v > max)
			return NMEA_BAD;
	}
	return v;
}

/*
 * "[-]iii[.fff]" as value * 10^@dec, rounded half away from zero, or
 * NMEA_BAD; at most 9 significant integer digits, so that the result
 * fits easily (dec <= 6).
 */
static s64 nmea_parse_dec(struct nmea_str str, u32 dec, bool sign_ok)
{
	bool neg = false, dot = false, digits = false, up = false;
	u32 i = 0, nint = 0, nfrac = 0;
	const char *p = str.p;
	s64 v = 0;

	if (str.n && sign_ok && (p[0] == '-' || p[0] == '+')) {
		neg = p[0] == '-';
		i++;
	}
	for (; i < str.n; i++) {
		if (p[i] == '.') {
			if (dot)
				return NMEA_BAD;
			dot = true;
			continue;
		}
		if (!nmea_is_digit(p[i]))
			return NMEA_BAD;
		digits = true;
		if (!dot) {
			if (!v && p[i] == '0')
				continue;
			if (++nint > 9)
				return NMEA_BAD;
			v = v * 10 + (p[i] - '0');
		} else if (nfrac < dec) {
			v = v * 10 + (p[i] - '0');
			nfrac++;
		} else if (nfrac == dec) {
			up = p[i] >= '5';
			nfrac++;
		}
	}
	if (!digits)
		return NMEA_BAD;
	for (; nfrac < dec; nfrac++)
		v *= 10;
	if (up)
		v++;
	return neg ? -v : v;
}

/*
 * Latitude "ddmm.mmm" / longitude "dddmm.mmm" at field @i (any number of
 * decimals, leading degree zeros optional) and its hemisphere at @i + 1,
 * in 1e-7 degrees, or NMEA_BAD.
 */
static s64 nmea_parse_angle(const struct nmea_fields *f, u32 i, u32 max_deg,
			    char pos, char neg)
{
	struct nmea_str str = nmea_field(f, i);
	struct nmea_str hemi = nmea_field(f, i + 1);
	u32 nint, k, deg = 0, frac = 0;
	const char *p = str.p;
	int min;
	u64 m, q;

	if (hemi.n != 1 || (hemi.p[0] != pos && hemi.p[0] != neg))
		return NMEA_BAD;
	for (nint = 0; nint < str.n && p[nint] != '.'; nint++)
		if (!nmea_is_digit(p[nint]))
			return NMEA_BAD;
	if (nint < 2 || nint > 5)
		return NMEA_BAD;
	for (k = 0; k + 2 < nint; k++)
		deg = deg * 10 + (p[k] - '0');
	min = nmea_2digits(p + nint - 2);
	if (deg > max_deg || min >= 60)
		return NMEA_BAD;
	/* Minutes in units of 1e-12: further digits only need checking. */
	m = min;
	for (k = nint + 1; k < str.n; k++) {
		if (!nmea_is_digit(p[k]))
			return NMEA_BAD;
		if (frac < 12) {
			m = m * 10 + (p[k] - '0');
			frac++;
		}
	}
	for (; frac < 12; frac++)
		m *= 10;
	/*
	 * Every half unit of 1e-7 degrees is a whole number of 1e-12
	 * minutes, so rounding the truncated value rounds the exact one.
	 */
	q = div_u64(m, NMEA_PMIN_PER_E7);
	if (2 * (m - q * NMEA_PMIN_PER_E7) >= NMEA_PMIN_PER_E7)
		q++;
	q += (u64)deg * NMEA_E7;
	if (q > (u64)max_deg * NMEA_E7)
		return NMEA_BAD;
	return hemi.p[0] == neg ? -(s64)q : (s64)q;
}

static bool nmea_leap_year(u32 year)
{
	return !(year % 4) && (year % 100 || !(year % 400));
}

static u32 nmea_days_in_month(u32 year, u32 month)
{
	static const u8 days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month == 2 && nmea_leap_year(year))
		return 29;
	return days[month - 1];
}

static void nmea_next_day(struct nmea_fix *fix)
{
	if (fix->day < nmea_days_in_month(fix->year, fix->month)) {
		fix->day++;
		return;
	}
	fix->day = 1;
	if (fix->month < 12) {
		fix->month++;
		return;
	}
	fix->month = 1;
	fix->year++;
}

static u32 nmea_tod_ms(u32 hour, u32 min, u32 sec_ms)
{
	return (hour * 60 + min) * 60000 + sec_ms;
}

/* Date "ddmmyy" of field @i; yy < 80 is 20yy. Return: it was valid. */
static bool nmea_fix_date(struct nmea_fix *fix, const struct nmea_fields *f,
			  u32 i)
{
	struct nmea_str str = nmea_field(f, i);
	int day, month, year;

	if (str.n != 6)
		goto bad;
	day = nmea_2digits(str.p);
	month = nmea_2digits(str.p + 2);
	year = nmea_2digits(str.p + 4);
	if (day < 1 || month < 1 || month > 12 || year < 0)
		goto bad;
	year += year < 80 ? 2000 : 1900;
	if (day > (int)nmea_days_in_month(year, month))
		goto bad;
	fix->year = year;
	fix->month = month;
	fix->day = day;
	fix->valid |= NMEA_FIX_HAVE_DATE;
	return true;
bad:
	fix->valid &= ~NMEA_FIX_HAVE_DATE;
	return false;
}

/*
 * Time "hhmmss[.sss...]" of field @i; decimals past the milliseconds are
 * cut off. A sentence without a date (@dated false) whose time is more
 * than 12 hours before the last one has crossed midnight: the date moves
 * on a day. Return: its time of day in ms, or NMEA_BAD.
 */
static s64 nmea_fix_time(struct nmea_fix *fix, const struct nmea_fields *f,
			 u32 i, bool dated)
{
	const u32 both = NMEA_FIX_HAVE_TIME | NMEA_FIX_HAVE_DATE;
	struct nmea_str str = nmea_field(f, i);
	u32 k, ms = 0, scale = 100, tod;
	int hour, min, sec;

	if (str.n < 6 || (str.n > 6 && str.p[6] != '.'))
		goto bad;
	hour = nmea_2digits(str.p);
	min = nmea_2digits(str.p + 2);
	sec = nmea_2digits(str.p + 4);
	if (hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 ||
	    sec > 60)
		goto bad;
	for (k = 7; k < str.n; k++) {
		if (!nmea_is_digit(str.p[k]))
			goto bad;
		ms += (str.p[k] - '0') * scale;
		scale /= 10;
	}
	ms += sec * 1000;
	tod = nmea_tod_ms(hour, min, ms);
	if (!dated && (fix->valid & both) == both &&
	    tod + NMEA_MS_PER_DAY / 2 <
	    nmea_tod_ms(fix->hour, fix->min, fix->sec_ms))
		nmea_next_day(fix);
	fix->hour = hour;
	fix->min = min;
	fix->sec_ms = ms;
	fix->valid |= NMEA_FIX_HAVE_TIME;
	return tod;
bad:
	fix->valid &= ~NMEA_FIX_HAVE_TIME;
	return NMEA_BAD;
}

/* Latitude and longitude at fields @i..@i + 3 if @ok; else unknown. */
static bool nmea_fix_pos(struct nmea_fix *fix, const struct nmea_fields *f,
			 u32 i, bool ok)
{
	s64 lat = NMEA_BAD, lon = NMEA_BAD;

	if (ok) {
		lat = nmea_parse_angle(f, i, 90, 'N', 'S');
		lon = nmea_parse_angle(f, i + 2, 180, 'E', 'W');
	}
	if (lat == NMEA_BAD || lon == NMEA_BAD) {
		fix->valid &= ~NMEA_FIX_HAVE_POS;
		return false;
	}
	fix->lat_e7 = (s32)lat;
	fix->lon_e7 = (s32)lon;
	fix->valid |= NMEA_FIX_HAVE_POS;
	return true;
}

/* Altitude in metres at field @i (GGA: unit 'M' at @i + 1) if @ok. */
static void nmea_fix_alt(struct nmea_fix *fix, const struct nmea_fields *f,
			 u32 i, bool unit, bool ok)
{
	struct nmea_str u = nmea_field(f, i + 1);
	s64 v = NMEA_BAD;

	if (unit && u.n && !(u.n == 1 && u.p[0] == 'M'))
		ok = false;
	if (ok)
		v = nmea_parse_dec(nmea_field(f, i), 3, true);
	if (v < -(s64)0x7fffffff || v > 0x7fffffff) {
		fix->valid &= ~NMEA_FIX_HAVE_ALT;
		return;
	}
	fix->alt_mm = (s32)v;
	fix->valid |= NMEA_FIX_HAVE_ALT;
}

/* HDOP at field @i; 99.0 and more is the "unknown" of some receivers. */
static void nmea_fix_hdop(struct nmea_fix *fix, const struct nmea_fields *f,
			  u32 i)
{
	s64 v = nmea_parse_dec(nmea_field(f, i), 2, false);

	if (v < 0 || v >= 9900) {
		fix->valid &= ~NMEA_FIX_HAVE_HDOP;
		return;
	}
	fix->hdop_c = (u16)v;
	fix->valid |= NMEA_FIX_HAVE_HDOP;
}

static u8 nmea_talker_bit(const char *talker)
{
	static const char ids[] = "GPGLGAGBBDGQQZGI";
	static const u8 bits[] = { 1, 2, 4, 8, 8, 16, 16, 32 };
	u32 k;

	for (k = 0; k < sizeof(bits); k++)
		if (ids[2 * k] == talker[0] && ids[2 * k + 1] == talker[1])
			return bits[k];
	return NMEA_TALKER_ALL;
}

/*
 * Satellites used, at field @i; @tod is the sentence's time of day (or
 * NMEA_BAD). Some receivers (SiRFstarV) send one GGA per constellation
 * (GPGGA, GLGGA, ...) for the same epoch, each with its own count: those
 * counts are summed. A combined talker (GN) replaces.
 */
static void nmea_fix_sats(struct nmea_fix *fix, const struct nmea_fields *f,
			  u32 i, s64 tod)
{
	s64 v = nmea_parse_uint(nmea_field(f, i), 255);
	u8 bit = nmea_talker_bit(f->s + 1);

	if (v < 0) {
		fix->valid &= ~NMEA_FIX_HAVE_SATS;
		fix->sats_talkers = 0;
		return;
	}
	if (tod >= 0 && (fix->valid & NMEA_FIX_HAVE_SATS) &&
	    fix->sats_talkers && fix->sats_tod_ms == tod &&
	    !(fix->sats_talkers & bit)) {
		v += fix->sats_used;
		fix->sats_talkers |= bit;
	} else {
		fix->sats_talkers = tod >= 0 ? bit : 0;
		fix->sats_tod_ms = tod >= 0 ? (u32)tod : 0;
	}
	fix->sats_used = v > 255 ? 255 : v;
	fix->valid |= NMEA_FIX_HAVE_SATS;
}

/*
 * Mode after a sentence that says the position is valid (@ok) or not. No
 * fix leaves no position, altitude, speed or course from earlier ones.
 */
static void nmea_fix_mode(struct nmea_fix *fix, bool ok)
{
	fix->valid |= NMEA_FIX_HAVE_MODE;
	if (!ok) {
		fix->mode = NMEA_FIX_MODE_NONE;
		fix->valid &= ~(NMEA_FIX_HAVE_POS | NMEA_FIX_HAVE_ALT |
				NMEA_FIX_HAVE_SPEED | NMEA_FIX_HAVE_COURSE);
		return;
	}
	if (fix->gsa_mode >= NMEA_FIX_MODE_2D)
		fix->mode = fix->gsa_mode;
	else if (fix->valid & NMEA_FIX_HAVE_ALT)
		fix->mode = NMEA_FIX_MODE_3D;
	else
		fix->mode = NMEA_FIX_MODE_2D;
}

/*
 * RMC: 1 time, 2 status, 3-6 position, 7 speed (knots), 8 course,
 * 9 date, 10-11 magnetic variation, 12 FAA mode (NMEA 2.3+).
 */
static bool nmea_fix_rmc(struct nmea_fix *fix, const struct nmea_fields *f)
{
	bool ok = (nmea_field_is(f, 2, 'A') || nmea_field_is(f, 2, 'D')) &&
		  !nmea_field_is(f, 12, 'N');
	s64 v = NMEA_BAD;
	bool dated;

	dated = nmea_fix_date(fix, f, 9);
	nmea_fix_time(fix, f, 1, dated);
	ok = nmea_fix_pos(fix, f, 3, ok);

	/* knots * 1e6 -> mm/s: * 1852000 / 3600 / 1e6 = * 4630 / 9e6 */
	if (ok)
		v = nmea_parse_dec(nmea_field(f, 7), 6, false);
	if (v >= 0)
		v = div_u64((u64)v * 4630 + 4500000, 9000000);
	if (v >= 0 && v <= 0xffffffff) {
		fix->speed_mmps = (u32)v;
		fix->valid |= NMEA_FIX_HAVE_SPEED;
	} else {
		fix->valid &= ~NMEA_FIX_HAVE_SPEED;
	}
	v = ok ? nmea_parse_dec(nmea_field(f, 8), 2, false) : NMEA_BAD;
	if (v >= 0 && v <= 36000) {
		fix->course_cdeg = (u32)v;
		fix->valid |= NMEA_FIX_HAVE_COURSE;
	} else {
		fix->valid &= ~NMEA_FIX_HAVE_COURSE;
	}
	nmea_fix_mode(fix, ok);
	return true;
}

/*
 * GGA: 1 time, 2-5 position, 6 quality, 7 satellites used, 8 HDOP,
 * 9-10 altitude MSL and 'M', 11-12 geoid separation, 13-14 DGPS.
 */
static bool nmea_fix_gga(struct nmea_fix *fix, const struct nmea_fields *f)
{
	s64 q = nmea_parse_uint(nmea_field(f, 6), 9);
	s64 tod;
	bool ok;

	if (q >= 0) {
		fix->quality = (u8)q;
		fix->valid |= NMEA_FIX_HAVE_QUALITY;
	} else {
		fix->valid &= ~NMEA_FIX_HAVE_QUALITY;
	}
	tod = nmea_fix_time(fix, f, 1, false);
	ok = nmea_fix_pos(fix, f, 2, q > 0);
	nmea_fix_sats(fix, f, 7, tod);
	nmea_fix_hdop(fix, f, 8);
	nmea_fix_alt(fix, f, 9, true, ok);
	nmea_fix_mode(fix, ok);
	return true;
}

/*
 * GNS: 1 time, 2-5 position, 6 mode per constellation ('N' = no fix),
 * 7 satellites used, 8 HDOP, 9 altitude MSL, 10 geoid separation,
 * 11-12 DGPS, 13 navigational status (NMEA 4.1+, 'V' = not valid).
 */
static bool nmea_fix_gns(struct nmea_fix *fix, const struct nmea_fields *f)
{
	struct nmea_str modes = nmea_field(f, 6);
	bool ok = false;
	s64 tod;
	u32 k;

	for (k = 0; k < modes.n; k++)
		if (modes.p[k] != 'N')
			ok = true;
	if (nmea_field_is(f, 13, 'V'))
		ok = false;
	tod = nmea_fix_time(fix, f, 1, false);
	ok = nmea_fix_pos(fix, f, 2, ok);
	nmea_fix_sats(fix, f, 7, tod);
	nmea_fix_hdop(fix, f, 8);
	nmea_fix_alt(fix, f, 9, false, ok);
	nmea_fix_mode(fix, ok);
	return true;
}

/* GSA: 1 selection mode (A/M), 2 fix mode 1..3; the rest is not used. */
static bool nmea_fix_gsa(struct nmea_fix *fix, const struct nmea_fields *f)
{
	s64 mode = nmea_parse_uint(nmea_field(f, 2), NMEA_FIX_MODE_3D);

	if (mode < NMEA_FIX_MODE_NONE)
		return false;
	fix->gsa_mode = (u8)mode;
	fix->mode = (u8)mode;
	fix->valid |= NMEA_FIX_HAVE_MODE;
	return true;
}

/* The sentence type (after "$tt") is @type. */
static bool nmea_type_is(const char *s, const char *type)
{
	return s[3] == type[0] && s[4] == type[1] && s[5] == type[2];
}

/**
 * nmea_fix_update - update a fix from one sentence
 * @fix: the fix; a zeroed one knows nothing
 * @s: a sentence as the framer delivers it: "$ttsss,...*hh\r\n" (the
 *	checksum is not checked again; it may be missing)
 * @len: length of @s
 * @now_ns: caller's timestamp, stored in @fix->updated_ns when the
 *	sentence is used
 *
 * RMC, GGA and GNS of any talker (GP, GN, GL, GA, GB, BD, ...) update time,
 * position and motion; GSA updates the mode only. Other sentences,
 * proprietary ones ("$P...") and malformed addresses are ignored. A field
 * the sentence carries but leaves empty or malformed becomes unknown.
 *
 * Return: true if the sentence changed anything in @fix other than
 * @updated_ns (which is set for every sentence used, changed or not).
 */
bool nmea_fix_update(struct nmea_fix *fix, const char *s, u32 len,
		     u64 now_ns)
{
	struct nmea_fields f;
	struct nmea_fix old;
	const u8 *a, *b;
	bool used;
	size_t k;

	if (len < 7 || len > NMEA_FIX_MAX_LEN || s[0] != '$' ||
	    s[1] < 'A' || s[1] > 'Z' || s[2] < 'A' || s[2] > 'Z' ||
	    s[1] == 'P' || s[6] != ',')
		return false;
	memcpy(&old, fix, sizeof(old));
	nmea_split(&f, s, len);
	if (nmea_type_is(s, "RMC"))
		used = nmea_fix_rmc(fix, &f);
	else if (nmea_type_is(s, "GGA"))
		used = nmea_fix_gga(fix, &f);
	else if (nmea_type_is(s, "GNS"))
		used = nmea_fix_gns(fix, &f);
	else if (nmea_type_is(s, "GSA"))
		used = nmea_fix_gsa(fix, &f);
	else
		return false;
	if (!used)
		return false;
	fix->talker[0] = s[1];
	fix->talker[1] = s[2];
	fix->talker[2] = '\0';
	fix->updated_ns = now_ns;
	/* Byte-wise: padding is never written, so it compares equal. */
	a = (const u8 *)&old;
	b = (const u8 *)fix;
	for (k = 0; k < offsetof(struct nmea_fix, updated_ns); k++)
		if (a[k] != b[k])
			return true;
	return false;
}

/* Output buffer: scnprintf() semantics, what does not fit is dropped. */
struct nmea_out {
	char *buf;
	size_t size;
	size_t len;
};

static void nmea_out_char(struct nmea_out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
}

static void nmea_out_str(struct nmea_out *o, const char *str)
{
	while (*str)
		nmea_out_char(o, *str++);
}

/* @v in decimal, zero-padded to at least @width digits. */
static void nmea_out_uint(struct nmea_out *o, u64 v, u32 width)
{
	char d[20];
	u32 n = 0;
	u64 q;

	do {
		q = div_u64(v, 10);
		d[n++] = '0' + (char)(v - q * 10);
		v = q;
	} while (v && n < sizeof(d));
	while (n < width && n < sizeof(d))
		d[n++] = '0';
	while (n)
		nmea_out_char(o, d[--n]);
}

/* @v / 10^@dec with @dec decimals. */
static void nmea_out_fixed(struct nmea_out *o, s64 v, u32 dec)
{
	static const u32 pow10[] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000
	};
	u64 mag = v < 0 ? -(u64)v : (u64)v;
	u32 p = pow10[dec];
	u64 whole = div_u64(mag, p);

	if (v < 0)
		nmea_out_char(o, '-');
	nmea_out_uint(o, whole, 1);
	nmea_out_char(o, '.');
	nmea_out_uint(o, mag - whole * p, dec);
}

/* " @label value" with @dec decimals if @have, else " @label -". */
static void nmea_out_field(struct nmea_out *o, const char *label, bool have,
			   s64 v, u32 dec)
{
	nmea_out_char(o, ' ');
	nmea_out_str(o, label);
	nmea_out_char(o, ' ');
	if (!have)
		nmea_out_char(o, '-');
	else if (dec)
		nmea_out_fixed(o, v, dec);
	else
		nmea_out_uint(o, (u64)v, 1);
}

/**
 * nmea_fix_format - describe a fix in one line of text
 * @fix: the fix
 * @buf: where to write
 * @size: size of @buf; NMEA_FIX_FORMAT_MAX always suffices
 * @now_ns: timestamp on the clock of @fix->updated_ns, for the age
 *
 * Writes, e.g. (one line)::
 *
 *   2015-03-18T17:19:47.000Z lat 44.0689850 lon -121.3142282
 *   alt 1139.600 m fix 3D q1 sats 12 hdop 1.05 speed 0.030 m/s
 *   course 0.00 age_ms 123
 *
 * and a newline. Unknown fields are "-" (the time without a date is
 * "Thh:mm:ss.sssZ"), fix is "none", "2D" or "3D", age_ms is the time
 * since the last sentence used. The output is NUL-terminated and cut
 * short if @size is too small, like scnprintf().
 *
 * Return: the number of characters written, without the NUL.
 */
int nmea_fix_format(const struct nmea_fix *fix, char *buf, size_t size,
		    u64 now_ns)
{
	static const char *const modes[] = { "-", "none", "2D", "3D" };
	struct nmea_out o = { .buf = buf, .size = size, .len = 0 };
	u32 v = fix->valid;
	u32 mode = 0;
	u64 age = 0;

	if (v & NMEA_FIX_HAVE_TIME) {
		if (v & NMEA_FIX_HAVE_DATE) {
			nmea_out_uint(&o, fix->year, 4);
			nmea_out_char(&o, '-');
			nmea_out_uint(&o, fix->month, 2);
			nmea_out_char(&o, '-');
			nmea_out_uint(&o, fix->day, 2);
		}
		nmea_out_char(&o, 'T');
		nmea_out_uint(&o, fix->hour, 2);
		nmea_out_char(&o, ':');
		nmea_out_uint(&o, fix->min, 2);
		nmea_out_char(&o, ':');
		nmea_out_uint(&o, fix->sec_ms / 1000, 2);
		nmea_out_char(&o, '.');
		nmea_out_uint(&o, fix->sec_ms % 1000, 3);
		nmea_out_char(&o, 'Z');
	} else {
		nmea_out_char(&o, '-');
	}
	nmea_out_field(&o, "lat", v & NMEA_FIX_HAVE_POS, fix->lat_e7, 7);
	nmea_out_field(&o, "lon", v & NMEA_FIX_HAVE_POS, fix->lon_e7, 7);
	nmea_out_field(&o, "alt", v & NMEA_FIX_HAVE_ALT, fix->alt_mm, 3);
	if ((v & NMEA_FIX_HAVE_MODE) && fix->mode <= NMEA_FIX_MODE_3D)
		mode = fix->mode;
	nmea_out_str(&o, " m fix ");
	nmea_out_str(&o, modes[mode]);
	nmea_out_str(&o, " q");
	if (v & NMEA_FIX_HAVE_QUALITY)
		nmea_out_uint(&o, fix->quality, 1);
	else
		nmea_out_char(&o, '-');
	nmea_out_field(&o, "sats", v & NMEA_FIX_HAVE_SATS, fix->sats_used, 0);
	nmea_out_field(&o, "hdop", v & NMEA_FIX_HAVE_HDOP, fix->hdop_c, 2);
	nmea_out_field(&o, "speed", v & NMEA_FIX_HAVE_SPEED,
		       fix->speed_mmps, 3);
	nmea_out_str(&o, " m/s");
	nmea_out_field(&o, "course", v & NMEA_FIX_HAVE_COURSE,
		       fix->course_cdeg, 2);
	if (fix->talker[0] && now_ns > fix->updated_ns)
		age = div_u64(now_ns - fix->updated_ns, 1000000);
	nmea_out_field(&o, "age_ms", fix->talker[0], (s64)age, 0);
	nmea_out_char(&o, '\n');
	if (size)
		buf[o.len] = '\0';
	return (int)o.len;
}
