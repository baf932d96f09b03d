/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NMEA fix: the receiver's latest time, position and motion, decoded in
 * fixed point from RMC, GGA and GNS sentences (plus the fix mode of GSA).
 *
 * Pure logic: no locking, no allocation, no floating point, no kernel-only
 * calls. See Documentation/fix.rst.
 */
#ifndef _GPSNMEA_NMEA_FIX_H
#define _GPSNMEA_NMEA_FIX_H

#include "portable.h"

/* Bits of nmea_fix.valid: which fields are known. */
#define NMEA_FIX_HAVE_TIME	0x0001U	/* hour, min, sec_ms */
#define NMEA_FIX_HAVE_DATE	0x0002U	/* year, month, day */
#define NMEA_FIX_HAVE_POS	0x0004U	/* lat_e7, lon_e7 */
#define NMEA_FIX_HAVE_ALT	0x0008U	/* alt_mm */
#define NMEA_FIX_HAVE_QUALITY	0x0010U	/* quality */
#define NMEA_FIX_HAVE_MODE	0x0020U	/* mode */
#define NMEA_FIX_HAVE_SATS	0x0040U	/* sats_used */
#define NMEA_FIX_HAVE_HDOP	0x0080U	/* hdop_c */
#define NMEA_FIX_HAVE_SPEED	0x0100U	/* speed_mmps */
#define NMEA_FIX_HAVE_COURSE	0x0200U	/* course_cdeg */

/* Values of nmea_fix.mode (as in GSA and gpsd). */
#define NMEA_FIX_MODE_NONE	1
#define NMEA_FIX_MODE_2D	2
#define NMEA_FIX_MODE_3D	3

/* Room nmea_fix_format() needs for the longest line, with its NUL. */
#define NMEA_FIX_FORMAT_MAX	192

/**
 * struct nmea_fix - decoded fix, all fixed point
 * @valid: NMEA_FIX_HAVE_* bits of the fields that are known
 * @year: UTC date: year (4 digits)
 * @month: 1..12
 * @day: 1..31
 * @hour: UTC time of day: 0..23
 * @min: 0..59
 * @sec_ms: seconds in milliseconds, 0..60999 (60 during a leap second)
 * @lat_e7: latitude, degrees * 1e7, south negative (datum as sent)
 * @lon_e7: longitude, degrees * 1e7, west negative
 * @quality: GGA fix quality, 0 (no fix) .. 8
 * @mode: NMEA_FIX_MODE_NONE, _2D or _3D
 * @sats_used: satellites used in the solution
 * @hdop_c: horizontal dilution of precision * 100
 * @alt_mm: altitude above mean sea level, mm
 * @speed_mmps: speed over ground, mm/s
 * @course_cdeg: course over ground (true), 1/100 degree
 * @talker: talker ID of the last sentence used, e.g. "GN", NUL-terminated
 * @updated_ns: the caller's timestamp of the last sentence used
 */
struct nmea_fix {
	u32 valid;
	u16 year;
	u8 month;
	u8 day;
	u8 hour;
	u8 min;
	u32 sec_ms;
	s32 lat_e7;
	s32 lon_e7;
	u8 quality;
	u8 mode;
	u8 sats_used;
	u16 hdop_c;
	s32 alt_mm;
	u32 speed_mmps;
	u32 course_cdeg;
	char talker[3];
	u64 updated_ns;
	/* private: nmea_fix.c only */
	u8 gsa_mode;		/* mode of the last GSA, 0 if none */
	u8 sats_talkers;	/* constellations summed into sats_used */
	u32 sats_tod_ms;	/* time of day of that GGA/GNS, ms */
};

/* A zeroed struct nmea_fix is the empty fix: nothing known yet. */

bool nmea_fix_update(struct nmea_fix *fix, const char *s, u32 len,
		     u64 now_ns);

int nmea_fix_format(const struct nmea_fix *fix, char *buf, size_t size,
		    u64 now_ns);

#endif /* _GPSNMEA_NMEA_FIX_H */
