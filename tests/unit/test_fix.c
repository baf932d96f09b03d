// SPDX-License-Identifier: GPL-2.0
/*
 * NMEA fix (src/nmea_fix.c): conversions and rules on made-up sentences,
 * the formatter, robustness, and every corpus log against gpsd's own
 * reading of it (the TPV reports in the log's .chk file).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <gpsnmea/nmea_fix.h>

#include "corpus.h"
#include "test.h"
#include "../tools/nmea_ref.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef CORPUS_DIR
#error "build with -DCORPUS_DIR=... (tests/unit/Makefile does)"
#endif

/* "$" @body "*hh\r\n" with the right checksum; returns its length. */
static u32 mk(char *buf, size_t size, const char *body)
{
	u8 sum = 0;
	const char *p;

	for (p = body; *p; p++)
		sum ^= (u8)*p;
	return (u32)snprintf(buf, size, "$%s*%02X\r\n", body, sum);
}

static u64 clock_ns;

/* Feed one made-up sentence; the clock advances 1 ms per sentence. */
static bool feed(struct nmea_fix *fix, const char *body)
{
	char buf[300];
	u32 n = mk(buf, sizeof(buf), body);

	clock_ns += 1000000;
	return nmea_fix_update(fix, buf, n, clock_ns);
}

/* Feed a whole sentence string. */
static bool raw(struct nmea_fix *fix, const char *s, u64 now_ns)
{
	return nmea_fix_update(fix, s, (u32)strlen(s), now_ns);
}

/* All of @bits are known. */
static bool have(const struct nmea_fix *fix, u32 bits)
{
	return (fix->valid & bits) == bits;
}

/* None of @bits is known. */
static bool none(const struct nmea_fix *fix, u32 bits)
{
	return !(fix->valid & bits);
}

/* Latitude of "$GPGGA,...,<lat>,<hemi>,...": 1e-7 degrees, or -999. */
static long long lat_of(const char *lat, const char *hemi)
{
	struct nmea_fix fix = { 0 };
	char body[200];

	snprintf(body, sizeof(body),
		 "GPGGA,120000,%s,%s,00000.000,E,1,05,1.0,10.0,M,0.0,M,,",
		 lat, hemi);
	feed(&fix, body);
	return have(&fix, NMEA_FIX_HAVE_POS) ? fix.lat_e7 : -999;
}

static long long lon_of(const char *lon, const char *hemi)
{
	struct nmea_fix fix = { 0 };
	char body[200];

	snprintf(body, sizeof(body),
		 "GPGGA,120000,0000.000,N,%s,%s,1,05,1.0,10.0,M,0.0,M,,",
		 lon, hemi);
	feed(&fix, body);
	return have(&fix, NMEA_FIX_HAVE_POS) ? fix.lon_e7 : -999;
}

static void test_latlon(void)
{
	/* Whole minutes, and the 1/60 that never ends. */
	CHECK_EQ(lat_of("4404.14066", "N"), 440690110);
	CHECK_EQ(lat_of("4404.14066", "S"), -440690110);
	CHECK_EQ(lat_of("3747.0873", "S"), -377847883);	/* .88333.. */
	CHECK_EQ(lat_of("3747.0875", "S"), -377847917);	/* .91666.. */
	CHECK_EQ(lat_of("0000.00", "N"), 0);
	CHECK_EQ(lat_of("9000.00", "N"), 900000000);
	CHECK_EQ(lat_of("0030", "N"), 5000000);		/* no decimals */
	CHECK_EQ(lat_of("030.5", "N"), 5083333);	/* leading 0 cut */
	/* Ties (0.5e-7 degree = 3e-6 minute) round away from zero. */
	CHECK_EQ(lat_of("0000.000003", "N"), 1);
	CHECK_EQ(lat_of("0000.000003", "S"), -1);
	CHECK_EQ(lat_of("0000.0000029999999999", "N"), 0);
	CHECK_EQ(lat_of("0000.000009", "N"), 2);	/* 1.5e-7 */
	CHECK_EQ(lat_of("0000.0000089999", "N"), 1);
	CHECK_EQ(lat_of("0000.00000300000000000001", "N"), 1);
	/* 8 decimals, as in nmea-fuzzy-cases.log. */
	CHECK_EQ(lat_of("4134.49821229", "N"), 415749702);
	CHECK_EQ(lon_of("09345.03351845", "W"), -937505586);
	/* Rounding up into the next degree, and the limits. */
	CHECK_EQ(lat_of("8959.999999", "N"), 900000000);
	CHECK_EQ(lat_of("8959.9999969", "N"), 899999999);
	CHECK_EQ(lon_of("17959.99999999", "E"), 1800000000);
	CHECK_EQ(lon_of("18000.0000", "W"), -1800000000);
	CHECK_EQ(lon_of("18000.0001", "W"), -999);
	CHECK_EQ(lat_of("9000.0001", "N"), -999);
	CHECK_EQ(lat_of("9100.0", "N"), -999);
	/* Malformed: minutes >= 60, junk, missing parts. */
	CHECK_EQ(lat_of("4460.00", "N"), -999);
	CHECK_EQ(lat_of("44.5", "N"), 7416667);		/* 0 deg 44.5' */
	CHECK_EQ(lat_of("4.5", "N"), -999);
	CHECK_EQ(lat_of("4404.1x", "N"), -999);
	CHECK_EQ(lat_of("4404..1", "N"), -999);
	CHECK_EQ(lat_of("-4404.1", "N"), -999);
	CHECK_EQ(lat_of("", "N"), -999);
	CHECK_EQ(lat_of("4404.1", ""), -999);
	CHECK_EQ(lat_of("4404.1", "E"), -999);
	CHECK_EQ(lat_of("4404.1", "NN"), -999);
	CHECK_EQ(lat_of("04404.1", "N"), 440683333);	/* 3 deg digits */
	CHECK_EQ(lat_of("104404.1", "N"), -999);
	CHECK_EQ(lon_of("12118.8556", "W"), -1213142600);
	CHECK_EQ(lon_of("12118.8556", "S"), -999);
}

static void test_time_date(void)
{
	static const struct {
		const char *time;
		long long ms;		/* -1: invalid */
	} times[] = {
		{ "235959", 59000 }, { "235959.9", 59900 },
		{ "235959.12", 59120 }, { "235959.123", 59123 },
		{ "235959.1239", 59123 }, { "000000.", 0 },
		{ "123060.5", 60500 },		/* leap second */
		{ "240000", -1 }, { "126000", -1 }, { "123061", -1 },
		{ "12345", -1 }, { "1234567", -1 }, { "123456.x", -1 },
		{ "", -1 },
	};
	static const struct {
		const char *date;
		int year;		/* 0: invalid */
	} dates[] = {
		{ "010100", 2000 }, { "311279", 2079 }, { "010180", 1980 },
		{ "311299", 1999 }, { "290224", 2024 }, { "290223", 0 },
		{ "290200", 2000 }, { "310415", 0 }, { "001015", 0 },
		{ "011315", 0 }, { "01011", 0 }, { "", 0 },
	};
	struct nmea_fix fix;
	char body[200];
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		memset(&fix, 0, sizeof(fix));
		snprintf(body, sizeof(body), "GPGGA,%s,,,,,0,00,,,M,,M,,",
			 times[i].time);
		feed(&fix, body);
		if (times[i].ms < 0) {
			CHECK(none(&fix, NMEA_FIX_HAVE_TIME));
			continue;
		}
		CHECK(have(&fix, NMEA_FIX_HAVE_TIME));
		CHECK_EQ(fix.sec_ms, times[i].ms);
	}
	CHECK_EQ(fix.hour, 0);
	feed(&fix, "GPGGA,123456.7,,,,,0,00,,,M,,M,,");
	CHECK_EQ(fix.hour, 12);
	CHECK_EQ(fix.min, 34);
	CHECK_EQ(fix.sec_ms, 56700);

	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		memset(&fix, 0, sizeof(fix));
		snprintf(body, sizeof(body), "GPRMC,120000,V,,,,,,,%s,,,N",
			 dates[i].date);
		feed(&fix, body);
		CHECK(have(&fix, NMEA_FIX_HAVE_TIME));
		if (!dates[i].year) {
			CHECK(none(&fix, NMEA_FIX_HAVE_DATE));
			continue;
		}
		CHECK(have(&fix, NMEA_FIX_HAVE_DATE));
		CHECK_EQ(fix.year, dates[i].year);
		CHECK_EQ(fix.day, (dates[i].date[0] - '0') * 10 +
				  dates[i].date[1] - '0');
		CHECK_EQ(fix.month, (dates[i].date[2] - '0') * 10 +
				    dates[i].date[3] - '0');
	}

	/* Midnight passes between an RMC and the next GGA. */
	memset(&fix, 0, sizeof(fix));
	feed(&fix, "GPRMC,235959.5,A,4404.1,N,12118.8,W,0.0,,311214,,,A");
	feed(&fix, "GPGGA,000000.5,4404.1,N,12118.8,W,1,05,1.0,10.0,M,,M,,");
	CHECK_EQ(fix.year, 2015);
	CHECK_EQ(fix.month, 1);
	CHECK_EQ(fix.day, 1);
	CHECK_EQ(fix.sec_ms, 500);
	/* A small step back is not a new day (nor is the same time). */
	feed(&fix, "GPGGA,000000.4,4404.1,N,12118.8,W,1,05,1.0,10.0,M,,M,,");
	feed(&fix, "GPGGA,000000.4,4404.1,N,12118.8,W,1,05,1.0,10.0,M,,M,,");
	CHECK_EQ(fix.day, 1);
	feed(&fix, "GPRMC,235959,A,4404.1,N,12118.8,W,0.0,,280224,,,A");
	feed(&fix, "GPGGA,000001,4404.1,N,12118.8,W,1,05,1.0,10.0,M,,M,,");
	CHECK_EQ(fix.month, 2);
	CHECK_EQ(fix.day, 29);
	feed(&fix, "GPRMC,235959,A,4404.1,N,12118.8,W,0.0,,280223,,,A");
	feed(&fix, "GPGGA,000001,4404.1,N,12118.8,W,1,05,1.0,10.0,M,,M,,");
	CHECK_EQ(fix.month, 3);
	CHECK_EQ(fix.day, 1);
	/* The RMC's own date is taken as it is, even after a wrap. */
	feed(&fix, "GPRMC,000002,A,4404.1,N,12118.8,W,0.0,,010323,,,A");
	CHECK_EQ(fix.day, 1);
	/* Without a date, there is nothing to move on. */
	memset(&fix, 0, sizeof(fix));
	feed(&fix, "GPGGA,235959,4404.1,N,12118.8,W,1,05,1.0,10.0,M,,M,,");
	feed(&fix, "GPGGA,000000,4404.1,N,12118.8,W,1,05,1.0,10.0,M,,M,,");
	CHECK(none(&fix, NMEA_FIX_HAVE_DATE));
}

#define POSBITS (NMEA_FIX_HAVE_POS | NMEA_FIX_HAVE_ALT)
#define MOTION (NMEA_FIX_HAVE_SPEED | NMEA_FIX_HAVE_COURSE)

static void test_rules(void)
{
	struct nmea_fix fix = { 0 };
	struct nmea_fix keep;

	/* GGA with a fix and altitude: 3D, everything known. */
	CHECK(feed(&fix, "GNGGA,171926.00,4404.14063,N,12118.85478,W,1,12,"
			 "0.91,1147.2,M,-21.3,M,,"));
	CHECK(have(&fix, POSBITS | NMEA_FIX_HAVE_TIME | NMEA_FIX_HAVE_SATS |
			 NMEA_FIX_HAVE_HDOP | NMEA_FIX_HAVE_QUALITY |
			 NMEA_FIX_HAVE_MODE));
	CHECK(none(&fix, NMEA_FIX_HAVE_DATE));
	CHECK_EQ(fix.lat_e7, 440690105);
	CHECK_EQ(fix.lon_e7, -1213142463);
	CHECK_EQ(fix.alt_mm, 1147200);
	CHECK_EQ(fix.sats_used, 12);
	CHECK_EQ(fix.hdop_c, 91);
	CHECK_EQ(fix.quality, 1);
	CHECK_EQ(fix.mode, 3);
	CHECK(!strcmp(fix.talker, "GN"));
	CHECK_EQ(fix.updated_ns, clock_ns);

	/* RMC: speed in knots, course, date; keeps the altitude: 3D. */
	CHECK(feed(&fix, "GNRMC,171926.00,A,4404.14063,N,12118.85478,W,"
			 "0.117,77.52,180315,,,A"));
	CHECK(have(&fix, MOTION | NMEA_FIX_HAVE_DATE | POSBITS));
	CHECK_EQ(fix.speed_mmps, 60);		/* 60.19 mm/s */
	CHECK_EQ(fix.course_cdeg, 7752);
	CHECK_EQ(fix.year, 2015);
	CHECK_EQ(fix.mode, 3);

	/* The same sentence again changes nothing but the time stamp. */
	CHECK(!feed(&fix, "GNRMC,171926.00,A,4404.14063,N,12118.85478,W,"
			  "0.117,77.52,180315,,,A"));
	CHECK_EQ(fix.updated_ns, clock_ns);
	/* Another talker is a change (of talker). */
	CHECK(feed(&fix, "GPRMC,171926.00,A,4404.14063,N,12118.85478,W,"
			 "0.117,77.52,180315,,,A"));

	/* Speed conversion: 1 knot = 514.444 mm/s, rounded. */
	feed(&fix, "GPRMC,171926.00,A,4404.1,N,12118.8,W,1,,180315,,,A");
	CHECK_EQ(fix.speed_mmps, 514);
	CHECK(none(&fix, NMEA_FIX_HAVE_COURSE));	/* empty course */
	feed(&fix, "GPRMC,171926.00,A,4404.1,N,12118.8,W,0.001,0,180315,,,A");
	CHECK_EQ(fix.speed_mmps, 1);			/* 0.514 */
	CHECK_EQ(fix.course_cdeg, 0);
	feed(&fix, "GPRMC,171926.00,A,4404.1,N,12118.8,W,0.000972,359.995,"
		   "180315,,,A");
	CHECK_EQ(fix.speed_mmps, 1);			/* 0.50004 */
	CHECK_EQ(fix.course_cdeg, 36000);
	feed(&fix, "GPRMC,171926.00,A,4404.1,N,12118.8,W,999999999.9,360.01,"
		   "180315,,,A");
	CHECK(none(&fix, NMEA_FIX_HAVE_SPEED));	/* > 4e9 mm/s */
	CHECK(none(&fix, NMEA_FIX_HAVE_COURSE));
	feed(&fix, "GPRMC,171926.00,A,4404.1,N,12118.8,W,8348748.5,0,180315");
	CHECK_EQ(fix.speed_mmps, 4294967284U);
	feed(&fix, "GPRMC,171926.00,A,4404.1,N,12118.8,W,8348749,0,180315");
	CHECK(none(&fix, NMEA_FIX_HAVE_SPEED));

	/* Empty fields: unknown; fields not carried: kept. */
	memset(&fix, 0, sizeof(fix));
	feed(&fix, "GPGGA,120000,4404.1,N,12118.8,W,2,08,0.9,545.4,M,,M,,");
	feed(&fix, "GPRMC,120000,A,4404.1,N,12118.8,W,,,,,,A");
	CHECK(none(&fix, NMEA_FIX_HAVE_SPEED));
	CHECK(none(&fix, NMEA_FIX_HAVE_COURSE));
	CHECK(none(&fix, NMEA_FIX_HAVE_DATE));
	CHECK(have(&fix, POSBITS | NMEA_FIX_HAVE_SATS | NMEA_FIX_HAVE_HDOP));
	CHECK_EQ(fix.quality, 2);
	feed(&fix, "GPGGA,120001,4404.1,N,12118.8,W,2,,,,M,,M,,");
	CHECK(none(&fix, NMEA_FIX_HAVE_SATS));
	CHECK(none(&fix, NMEA_FIX_HAVE_HDOP));
	CHECK(none(&fix, NMEA_FIX_HAVE_ALT));
	CHECK(have(&fix, NMEA_FIX_HAVE_POS));
	CHECK_EQ(fix.mode, 2);			/* no altitude: 2D */
	/* Altitude in a unit other than metres is not taken. */
	feed(&fix, "GPGGA,120001,4404.1,N,12118.8,W,2,08,0.9,545.4,F,,M,,");
	CHECK(none(&fix, NMEA_FIX_HAVE_ALT));
	feed(&fix, "GPGGA,120001,4404.1,N,12118.8,W,2,08,0.9,-12.3456,M,,M,,");
	CHECK_EQ(fix.alt_mm, -12346);
	feed(&fix, "GPGGA,120001,4404.1,N,12118.8,W,2,08,99.99,-0.0004,,,,,");
	CHECK_EQ(fix.alt_mm, 0);
	CHECK(have(&fix, NMEA_FIX_HAVE_ALT));
	CHECK(none(&fix, NMEA_FIX_HAVE_HDOP));	/* 99.99: unknown */
	/* A sentence cut short: the missing fields are empty ones. */
	feed(&fix, "GPGGA,120002,4404.1,N,12118.8,W,1");
	CHECK(have(&fix, NMEA_FIX_HAVE_POS));
	CHECK(none(&fix, NMEA_FIX_HAVE_ALT | NMEA_FIX_HAVE_SATS));

	/* RMC V: no position, speed or course; mode 1; time still read. */
	memset(&fix, 0, sizeof(fix));
	feed(&fix, "GPGGA,120000,4404.1,N,12118.8,W,1,08,0.9,545.4,M,,M,,");
	feed(&fix, "GPRMC,120000,A,4404.1,N,12118.8,W,1.0,10.0,010203,,,A");
	CHECK(have(&fix, MOTION | POSBITS));
	CHECK(feed(&fix, "GPRMC,120001,V,4404.1,N,12118.8,W,1.0,10.0,010203,,,"
			 "N"));
	CHECK(none(&fix, NMEA_FIX_HAVE_POS));
	CHECK(none(&fix, NMEA_FIX_HAVE_SPEED));
	CHECK(none(&fix, NMEA_FIX_HAVE_COURSE));
	CHECK(none(&fix, NMEA_FIX_HAVE_ALT));	/* GGA's, but no fix */
	CHECK(have(&fix, NMEA_FIX_HAVE_SATS | NMEA_FIX_HAVE_QUALITY));
	CHECK_EQ(fix.mode, NMEA_FIX_MODE_NONE);
	CHECK_EQ(fix.sec_ms, 1000);
	/* RMC A with FAA mode N is not valid either. */
	feed(&fix, "GPRMC,120002,A,4404.1,N,12118.8,W,1.0,10.0,010203,,,N");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS));
	/* RMC A without position: no fix. */
	feed(&fix, "GPRMC,120002,A,,,,,1.0,10.0,010203,,,A");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS | NMEA_FIX_HAVE_SPEED));
	CHECK_EQ(fix.mode, 1);
	/* RMC with status D (differential) is valid. */
	feed(&fix, "GPRMC,120002,D,4404.1,N,12118.8,W,1.0,10.0,010203");
	CHECK(have(&fix, NMEA_FIX_HAVE_POS | MOTION));
	CHECK_EQ(fix.mode, 2);			/* altitude unknown */
	feed(&fix, "GPGGA,120002,4404.1,N,12118.8,W,1,08,0.9,545.4,M,,M,,");
	CHECK_EQ(fix.mode, 3);

	/* GGA quality 0: no position, altitude, speed, course; mode 1. */
	CHECK(feed(&fix, "GPGGA,120003,4404.1,N,12118.8,W,0,03,9.9,545.4,M,,M,"
			 ","));
	CHECK(none(&fix, NMEA_FIX_HAVE_POS));
	CHECK(none(&fix, NMEA_FIX_HAVE_ALT));
	CHECK(none(&fix, NMEA_FIX_HAVE_SPEED));
	CHECK(none(&fix, NMEA_FIX_HAVE_COURSE));
	CHECK(have(&fix, NMEA_FIX_HAVE_SATS | NMEA_FIX_HAVE_HDOP));
	CHECK_EQ(fix.quality, 0);
	CHECK_EQ(fix.mode, 1);
	/* RMC A after it, without altitude: 2D. */
	feed(&fix, "GPRMC,120004,A,4404.1,N,12118.8,W,1.0,10.0,010203,,,A");
	CHECK_EQ(fix.mode, 2);
	/* Empty quality: unknown, and no fix. */
	feed(&fix, "GPGGA,120005,4404.1,N,12118.8,W,,08,0.9,545.4,M,,M,,");
	CHECK(none(&fix, NMEA_FIX_HAVE_QUALITY | NMEA_FIX_HAVE_POS));
	CHECK_EQ(fix.mode, 1);

	/* GNS: mode letters per constellation, 'N' = none. */
	memset(&fix, 0, sizeof(fix));
	feed(&fix, "GNGNS,053232.438,3114.8789,N,12135.2442,E,ANNA,07,1.2,"
		   "153.8,8.3,,0000");
	CHECK(have(&fix, POSBITS | NMEA_FIX_HAVE_SATS | NMEA_FIX_HAVE_HDOP));
	CHECK(none(&fix, NMEA_FIX_HAVE_QUALITY));
	CHECK_EQ(fix.lat_e7, 312479817);
	CHECK_EQ(fix.lon_e7, 1215874033);
	CHECK_EQ(fix.alt_mm, 153800);
	CHECK_EQ(fix.mode, 3);
	feed(&fix, "GNGNS,053233.438,,,,,NNNN,00,,,0.0,,0000");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS | NMEA_FIX_HAVE_ALT));
	CHECK(none(&fix, NMEA_FIX_HAVE_HDOP));
	CHECK_EQ(fix.sats_used, 0);
	CHECK_EQ(fix.mode, 1);
	feed(&fix, "GNGNS,053233.438,3114.8789,N,12135.2442,E,AA,07,1.2,"
		   "153.8,8.3,,0000");
	CHECK(have(&fix, NMEA_FIX_HAVE_POS));
	feed(&fix, "GNGNS,053233.438,3114.8789,N,12135.2442,E,NN,07,1.2,"
		   "153.8,8.3,,0000");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS | NMEA_FIX_HAVE_ALT));
	CHECK_EQ(fix.mode, 1);
	feed(&fix, "GNGNS,053233.438,3114.8789,N,12135.2442,E,,07,1.2,"
		   "153.8,8.3,,0000");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS));
	/* NMEA 4.1 navigational status V: not valid. */
	feed(&fix, "GNGNS,053234.438,3114.8789,N,12135.2442,E,AA,07,1.2,"
		   "153.8,8.3,,,V");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS));
	feed(&fix, "GNGNS,053234.438,3114.8789,N,12135.2442,E,AA,07,1.2,"
		   "153.8,8.3,,,S");
	CHECK(have(&fix, NMEA_FIX_HAVE_POS));

	/* GSA: its mode wins over the derived one, unless it says 1. */
	memset(&fix, 0, sizeof(fix));
	CHECK(feed(&fix, "GPGSA,A,2,01,02,03,,,,,,,,,,2.0,1.0,1.7"));
	CHECK_EQ(fix.mode, 2);
	CHECK(!strcmp(fix.talker, "GP"));
	feed(&fix, "GPGGA,120000,4404.1,N,12118.8,W,1,08,0.9,545.4,M,,M,,");
	CHECK_EQ(fix.mode, 2);			/* GSA said 2D */
	feed(&fix, "GPGSA,A,3,01,02,03,04,,,,,,,,,2.0,1.0,1.7");
	CHECK_EQ(fix.mode, 3);
	feed(&fix, "GPRMC,120001,V,,,,,,,010203,,,N");
	CHECK_EQ(fix.mode, 1);			/* no fix beats GSA */
	feed(&fix, "GPGSA,A,1,,,,,,,,,,,,,,,");
	CHECK_EQ(fix.mode, 1);
	feed(&fix, "GPRMC,120002,A,4404.1,N,12118.8,W,1.0,10.0,010203,,,A");
	CHECK_EQ(fix.mode, 2);			/* derived: no altitude */
	feed(&fix, "GPGGA,120002,4404.1,N,12118.8,W,1,08,0.9,545.4,M,,M,,");
	CHECK_EQ(fix.mode, 3);			/* derived: altitude */
	feed(&fix, "GPGSA,A,1,,,,,,,,,,,,,,,");
	CHECK_EQ(fix.mode, 1);			/* GSA says so */
	CHECK(have(&fix, POSBITS));		/* but changes nothing else */
	/* A GSA without a mode is not used at all. */
	memcpy(&keep, &fix, sizeof(fix));
	CHECK(!feed(&fix, "GPGSA,A,,,,,,,,,,,,,,,,"));
	CHECK(!feed(&fix, "GPGSA,A,4,,,,,,,,,,,,,,,"));
	CHECK(!memcmp(&keep, &fix, sizeof(fix)));

	/* Ignored: other sentences, proprietary ones, bad addresses. */
	CHECK(!feed(&fix, "GPGSV,1,1,01,05,00,000,27"));
	CHECK(!feed(&fix, "GPGLL,4404.2,N,12118.8,W,120003,A,A"));
	CHECK(!feed(&fix, "PGRMC,120003,A,4404.2,N,12118.8,W,1.0,10.0,"));
	CHECK(!feed(&fix, "gpRMC,120003,A,4404.2,N,12118.8,W,1.0,10.0,"));
	CHECK(!feed(&fix, "GPRMCX,120003,A,4404.2,N,12118.8,W,1.0,10.0,"));
	CHECK(!feed(&fix, "GPRM"));
	CHECK(!raw(&fix, "!AIVDM,1,1,,A,1*00\r\n", 0));
	CHECK(!memcmp(&keep, &fix, sizeof(fix)));
	/* Any talker is fine. */
	CHECK(feed(&fix, "BDRMC,120003,A,4404.2,N,12118.8,W,1.0,10.0,,,,A"));
	CHECK(!strcmp(fix.talker, "BD"));
	/* No checksum (allowed by the framer's allow_no_checksum). */
	CHECK(raw(&fix, "$GARMC,120004,A,4404.3,N,12118.8,W,1,"
			      "10,010203\r\n", 7));
	CHECK(!strcmp(fix.talker, "GA"));
	CHECK_EQ(fix.updated_ns, 7);
	CHECK_EQ(fix.sec_ms, 4000);
	CHECK_EQ(fix.lat_e7, 440716667);
}

static void test_sats(void)
{
	struct nmea_fix fix = { 0 };

	/* SiRFstarV: one GGA per constellation and epoch, summed. */
	feed(&fix, "GPGGA,020935.000,4404.1351,N,12118.8556,W,1,08,0.9,"
		   "1123.9,M,-19.6,M,,0000");
	CHECK_EQ(fix.sats_used, 8);
	feed(&fix, "GLGGA,020935.000,4404.1351,N,12118.8556,W,1,02,0.9,"
		   "1123.9,M,-19.6,M,,0000");
	CHECK_EQ(fix.sats_used, 10);
	/* The same constellation again replaces (a repeated sentence). */
	feed(&fix, "GLGGA,020935.000,4404.1351,N,12118.8556,W,1,02,0.9,"
		   "1123.9,M,-19.6,M,,0000");
	CHECK_EQ(fix.sats_used, 2);
	/* The next epoch starts over. */
	feed(&fix, "GPGGA,020936.000,4404.1351,N,12118.8556,W,1,09,0.9,"
		   "1123.9,M,-19.6,M,,0000");
	CHECK_EQ(fix.sats_used, 9);
	/* A combined count (GN) replaces. */
	feed(&fix, "GNGNS,020936.000,4404.1351,N,12118.8556,W,AA,11,0.9,"
		   "1123.9,-19.6,,");
	CHECK_EQ(fix.sats_used, 11);
	feed(&fix, "GAGGA,020936.000,4404.1351,N,12118.8556,W,1,03,0.9,"
		   "1123.9,M,-19.6,M,,0000");
	CHECK_EQ(fix.sats_used, 3);
	/* Without a time there is no epoch to sum in. */
	feed(&fix, "GPGGA,,4404.1351,N,12118.8556,W,1,04,0.9,,M,,M,,");
	feed(&fix, "GLGGA,,4404.1351,N,12118.8556,W,1,05,0.9,,M,,M,,");
	CHECK_EQ(fix.sats_used, 5);
	/* Clamped, and malformed counts are unknown. */
	feed(&fix, "GPGGA,020937.000,,,,,0,200,,,M,,M,,");
	feed(&fix, "GLGGA,020937.000,,,,,0,200,,,M,,M,,");
	CHECK_EQ(fix.sats_used, 255);
	feed(&fix, "GLGGA,020937.000,,,,,0,256,,,M,,M,,");
	CHECK(none(&fix, NMEA_FIX_HAVE_SATS));
	feed(&fix, "GLGGA,020937.000,,,,,0,1a,,,M,,M,,");
	CHECK(none(&fix, NMEA_FIX_HAVE_SATS));
}

static void test_format(void)
{
	static const char full[] =
		"2015-03-18T17:19:47.000Z lat 44.0689850 lon -121.3142282 "
		"alt 1139.600 m fix 3D q1 sats 12 hdop 1.05 speed 0.030 m/s "
		"course 0.00 age_ms 123\n";
	static const char empty[] =
		"- lat - lon - alt - m fix - q- sats - hdop - speed - m/s "
		"course - age_ms -\n";
	struct nmea_fix fix = { 0 };
	char buf[NMEA_FIX_FORMAT_MAX];
	char small[16];
	int n;

	n = nmea_fix_format(&fix, buf, sizeof(buf), 0);
	CHECK(!strcmp(buf, empty));
	CHECK_EQ(n, strlen(empty));

	raw(&fix, "$GNRMC,171947.00,A,4404.13910,N,12118.85369,W,"
			"0.058,0.00,180315,,,A*00\r\n", 1000000000);
	raw(&fix, "$GNGGA,171947.00,4404.13910,N,12118.85369,W,1,12,"
			"1.05,1139.6,M,-21.3,M,,*00\r\n", 1000000000);
	n = nmea_fix_format(&fix, buf, sizeof(buf), 1123999999);
	CHECK(!strcmp(buf, full));
	if (strcmp(buf, full))
		printf("# got %s", buf);
	CHECK_EQ(n, strlen(full));

	/* Cut short like scnprintf(): NUL-terminated, length written. */
	n = nmea_fix_format(&fix, small, sizeof(small), 1123999999);
	CHECK_EQ(n, sizeof(small) - 1);
	CHECK(!memcmp(small, full, sizeof(small) - 1) && !small[15]);
	n = nmea_fix_format(&fix, small, 1, 0);
	CHECK(n == 0 && !small[0]);
	CHECK_EQ(nmea_fix_format(&fix, NULL, 0, 0), 0);

	/* Small negative values, time without date, 2D, no quality. */
	memset(&fix, 0, sizeof(fix));
	raw(&fix, "$GPGNS,000102.5,0000.0060,S,00000.0006,W,A,03,"
			"12.5,-0.5,,,*00\r\n", 5);
	raw(&fix, "$GPGSA,A,2,,,,,,,,,,,,,,,*00\r\n", 5);
	n = nmea_fix_format(&fix, buf, sizeof(buf), 0);
	CHECK(!strcmp(buf, "T00:01:02.500Z lat -0.0001000 lon -0.0000100 "
		      "alt -0.500 m fix 2D q- sats 3 hdop 12.50 speed - m/s "
		      "course - age_ms 0\n"));
	/* Extreme values fit NMEA_FIX_FORMAT_MAX. */
	memset(&fix, 0xff, sizeof(fix));
	fix.lat_e7 = -900000000;
	fix.lon_e7 = -1800000000;
	fix.alt_mm = -2147483647 - 1;
	fix.year = 65535;
	n = nmea_fix_format(&fix, buf, sizeof(buf), 0);
	CHECK(n > 0 && n < NMEA_FIX_FORMAT_MAX - 1);
	CHECK(buf[n - 1] == '\n');
}

/*
 * Every prefix of every corpus sentence, in an exact-size buffer, and
 * every sentence with one byte changed (ASan/UBSan watch).
 */
static void test_robust(void)
{
	struct corpus_log *logs;
	struct nmea_fix fix = { 0 };
	size_t n, i, len;
	const char *p, *e, *end;
	char *copy;
	u32 k;

	n = corpus_load(&logs);
	REQUIRE(n > 0);
	for (i = 0; i < n; i++) {
		end = logs[i].expect + logs[i].expect_len;
		for (p = logs[i].expect; p < end; p = e + 1) {
			e = memchr(p, '\n', end - p);
			if (!e)
				break;
			len = e + 1 - p;
			for (k = 0; k <= len; k++) {
				copy = malloc(k ? k : 1);
				REQUIRE(copy);
				memcpy(copy, p, k);
				nmea_fix_update(&fix, copy, k, k);
				free(copy);
			}
			/* Each byte replaced by a comma, a dot, a digit. */
			copy = malloc(len);
			REQUIRE(copy);
			for (k = 1; k < len; k++) {
				memcpy(copy, p, len);
				copy[k] = ',';
				nmea_fix_update(&fix, copy, len, k);
				copy[k] = '.';
				nmea_fix_update(&fix, copy, len, k);
				copy[k] = '9';
				nmea_fix_update(&fix, copy, len, k);
			}
			free(copy);
		}
	}
	corpus_free(logs, n);
	/* Long and weird input. */
	copy = malloc(4000);
	REQUIRE(copy);
	memset(copy, ',', 4000);
	memcpy(copy, "$GPGGA,", 7);
	memset(&fix, 0, sizeof(fix));
	CHECK(!nmea_fix_update(&fix, copy, 4000, 0));	/* too long */
	CHECK(nmea_fix_update(&fix, copy, 255, 0));	/* 250 fields */
	CHECK_EQ(fix.valid, NMEA_FIX_HAVE_MODE);
	memset(copy + 7, '9', 3993);
	nmea_fix_update(&fix, copy, 255, 0);
	CHECK_EQ(fix.valid, NMEA_FIX_HAVE_MODE);
	free(copy);
	CHECK(!feed(&fix, "GPRMC"));
	feed(&fix, "GPRMC,999999999999999999999,A,99999999999999.99999,N,"
		   "99999999.999,E,999999999999999.9,99999999999999999,99");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS | NMEA_FIX_HAVE_TIME));
	feed(&fix, "GPGGA,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,"
		   "20,21,22,23,24,25");
	CHECK(none(&fix, NMEA_FIX_HAVE_POS | NMEA_FIX_HAVE_TIME));
}

/*
 * gpsd's reading of the corpus.
 *
 * Each .chk file is the log with gpsd's JSON reports after the sentences
 * that made them. A TPV sums up a window: the sentences since the previous
 * TPV. gpsd merges the sentences of a cycle, so a TPV is compared only in
 * what the RMC, GGA and GNS of its window carry (their fields are read
 * here independently of nmea_fix.c), with these rules:
 *
 * 1. A window without RMC/GGA/GNS is not compared (TPVs after GSV, GSA,
 *    ZDA, GST, PMTK..., or a second TPV for the same cycle).
 * 2. A TPV reports one epoch: an RMC/GGA/GNS with a new time field starts
 *    the window afresh. (beidou-gb.log: RMC of 05:32:32 then GGA and GNS
 *    of 05:32:33; gpsd's TPV for :33 has its own speed, computed from the
 *    positions, not the :32 RMC's.)
 * 3. lat/lon: when the last RMC/GGA/GNS says "fix" (RMC A/D, GGA quality
 *    > 0, GNS mode not all N) gpsd must have lat/lon, and ours must agree
 *    within 0.51e-7 degree (gpsd prints 1e-9: our correct rounding plus
 *    gpsd's); when it says "no fix", we must have no position. A GLL with
 *    status V after it is gpsd's last word (garmin-geko201.log: RMC V,
 *    GGA quality 8, GLL V, and gpsd reports mode 1 without position):
 *    position and altitude are then not compared.
 * 4. time: when gpsd prints one and a sentence of the window carried a
 *    time, to the millisecond. gpsd prints no time until an RMC (A) or
 *    ZDA gave it a date. The date may differ by exactly 1024 weeks: gpsd
 *    "corrects" dates it takes for a GPS week rollover (neo-m8n.log, from
 *    2015, comes out as 2034).
 * 5. altMSL: when a GGA/GNS had a fix and an altitude, within 1 mm. A TPV
 *    after an RMC carries the altitude of an earlier GGA: not compared.
 * 6. speed and track: when an RMC with a fix carried them, within 1 mm/s
 *    and 0.01 degree; when the RMC had a fix and no course, neither gpsd
 *    nor we may have a track.
 * 7. A "no fix" sentence ends what earlier ones carried (we clear the
 *    position, altitude, speed and course then, and so does gpsd).
 * 8. mode: see mode_comparable().
 * 9. A GLL with status A after them gives gpsd its position and time (it
 *    reads GLL, we do not): when its position or time is not theirs,
 *    position and time are then not compared; when
 *    the GLL has a time of its own, gpsd reports on its epoch alone, and
 *    altitude, speed and course are not compared either
 *    (bundg_zeus_9.log).
 * 10. gpsd's GGA decides the fix by the satellite count, not the quality
 *    field: fewer than 3 satellites (an empty field is 0) is no fix even
 *    with quality 1 (hemi.log: quality 1, 00 satellites), and quality 0
 *    with a position is a fix (tr737A+.log). We follow the quality field:
 *    position, altitude, speed, course and mode are then not compared.
 * 11. gpsd takes no time from an RMC without fix (it keeps an earlier
 *    ZDA's, ublox-lea-4h.log); we take the receiver's: time not compared
 *    when the last RMC/GGA/GNS is such an RMC.
 * 12. Without a date (gpsd has one from a ZDA, which we do not read:
 *    mr-350p.log) the time of day is compared.
 * 13. A sentence without a date whose time is before the previous one's
 *    moves gpsd's date on a day; ours only when it is more than 12 hours
 *    before (Documentation/fix.rst): in a window without a dated RMC the
 *    date may be one day (or 1024 weeks and a day) later in gpsd
 *    (bt451.log jumps back 52 minutes).
 * 15. gpsd reads VTG, we do not: a VTG after them whose speed or course
 *    is not the RMC's gives gpsd its speed and course, which are then not
 *    compared (bundg_zeus_9.log's VTG differs from its RMC).
 * 14. gpsd reads Garmin's $PGRMZ altitude, we do not: once a log has given
 *    one, the mode derived after an RMC or GLL (3D with an altitude) is
 *    not compared unless a GSA sets it (foretrex-201.log).
 *
 * Each log's line says how many TPVs each of these rules left out.
 */
struct window {
	int sentences;		/* RMC/GGA/GNS in the window */
	int pos;		/* last one's fix: 1 yes, 0 no, -1 none */
	bool time, alt, speed, track;
	bool rmc;		/* an RMC with a fix */
	int sats;		/* GGA/GNS satellites used, -1 if none */
	char epoch[32];		/* their time field */
	char mode_last[8];	/* last of RMC/GGA/GNS/GSA/GLL-A/GLL-V */
	bool gll;		/* a GLL with status A came after them (9) */
	bool gga_sats;		/* a GGA's quality and satellites disagree (10) */
	bool rmc_v;		/* the last one is an RMC without fix (11) */
	bool gll_epoch;		/* ... and that GLL has another time (9) */
	bool dated;		/* an RMC with a date (13) */
	bool pgrmz;		/* the log gave an altitude in $PGRMZ (14) */
	bool vtg;		/* a VTG with speed or course after them (15) */
	double rmc_knots, rmc_course;	/* the RMC's, -1 if empty */
	char latlon[48];	/* the last one's lat,N,lon,E fields */
};

static void window_reset(struct window *w)
{
	bool pgrmz = w->pgrmz;

	memset(w, 0, sizeof(*w));
	w->pgrmz = pgrmz;
	w->pos = -1;
	w->sats = -1;
}

/* Field @i of a sentence (0: the address), into @out. */
static void field(const char *s, int i, char *out, size_t size)
{
	const char *p = s + 1;
	size_t n = 0;

	while (i && *p && *p != '*') {
		if (*p++ == ',')
			i--;
	}
	if (!i)
		while (p[n] && p[n] != ',' && p[n] != '*' && n + 1 < size)
			n++;
	memcpy(out, p, i ? 0 : n);
	out[i ? 0 : n] = '\0';
}

/* Fields @i..@i+3 (lat, N/S, lon, E/W) of a sentence, comma-joined. */
static void latlon(const char *s, int i, char *out, size_t size)
{
	char f[4][16];
	int k;

	for (k = 0; k < 4; k++)
		field(s, i + k, f[k], sizeof(f[k]));
	snprintf(out, size, "%s,%s,%s,%s", f[0], f[1], f[2], f[3]);
}

/* What one sentence carries, by reading its fields independently. */
static void window_add(struct window *w, const char *s)
{
	char type[8], f[32];
	bool fix = false;
	int i;

	field(s, 0, type, sizeof(type));
	if (!strcmp(type, "PGRMZ")) {
		field(s, 1, f, sizeof(f));
		w->pgrmz |= *f;
	}
	if (strlen(type) != 5 || type[0] == 'P')
		return;
	if (!strcmp(type + 2, "GSA"))
		strcpy(w->mode_last, type + 2);
	if (!strcmp(type + 2, "VTG") && w->sentences) {
		field(s, 1, f, sizeof(f));
		w->vtg |= *f && (!w->rmc || atof(f) != w->rmc_course);
		field(s, 5, f, sizeof(f));
		w->vtg |= *f && (!w->rmc || atof(f) != w->rmc_knots);
		return;
	}
	if (!strcmp(type + 2, "GLL")) {
		field(s, 6, f, sizeof(f));
		strcpy(w->mode_last, strcmp(f, "A") ? "GLL-V" : "GLL-A");
	}
	if (!strcmp(type + 2, "GLL") && w->sentences) {
		field(s, 6, f, sizeof(f));
		if (strcmp(f, "A")) {
			/* gpsd's last word: no fix (rule 3). */
			w->pos = -1;
			w->alt = false;
		} else {
			char ll[48];

			latlon(s, 1, ll, sizeof(ll));
			field(s, 5, f, sizeof(f));
			w->gll |= strcmp(ll, w->latlon) || strcmp(f, w->epoch);
			w->gll_epoch |= strcmp(f, w->epoch) != 0;
		}
		return;
	}
	if (strcmp(type + 2, "RMC") && strcmp(type + 2, "GGA") &&
	    strcmp(type + 2, "GNS"))
		return;
	field(s, 1, f, sizeof(f));
	if (*f && strcmp(f, w->epoch)) {
		/* A new epoch: gpsd reports on it alone (rule 2). */
		window_reset(w);
		snprintf(w->epoch, sizeof(w->epoch), "%s", f);
	}
	w->time |= *f;
	w->sentences++;
	latlon(s, !strcmp(type + 2, "RMC") ? 3 : 2, w->latlon,
	       sizeof(w->latlon));
	strcpy(w->mode_last, type + 2);
	w->rmc_v = false;
	if (!strcmp(type + 2, "RMC")) {
		field(s, 2, f, sizeof(f));
		fix = !strcmp(f, "A") || !strcmp(f, "D");
		field(s, 7, f, sizeof(f));
		w->speed = fix && *f;
		w->rmc_knots = *f ? atof(f) : -1;
		field(s, 8, f, sizeof(f));
		w->track = fix && *f;
		w->rmc_course = *f ? atof(f) : -1;
		w->rmc = fix;
		w->rmc_v = !fix;
		field(s, 9, f, sizeof(f));
		w->dated |= *f;
	} else {
		field(s, 6, f, sizeof(f));
		if (!strcmp(type + 2, "GGA"))
			fix = *f && strcmp(f, "0");
		for (i = 0; type[2] == 'G' && type[3] == 'N' && f[i]; i++)
			fix |= f[i] != 'N';
		field(s, 9, f, sizeof(f));
		w->alt = fix && *f;
		field(s, 7, f, sizeof(f));
		w->sats = *f ? atoi(f) : -1;
		if (!strcmp(type + 2, "GGA")) {
			char lat[32];

			field(s, 2, lat, sizeof(lat));
			if (fix ? atoi(f) < 3 : *lat != '\0')
				w->gga_sats = true;
		}
	}
	w->pos = fix;
	if (!fix) {
		/* No fix: nothing of an earlier sentence is left (7). */
		w->alt = false;
		w->speed = false;
		w->track = false;
		w->rmc = false;
	}
}

/* Value of "key" in a one-line JSON object, or NULL. */
static const char *json_val(const char *obj, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(obj, pat);
	return p ? p + strlen(pat) : NULL;
}

/* A JSON number as an integer of 1e-9 units, parsed exactly. */
static bool json_e9(const char *obj, const char *key, long long *out)
{
	const char *p = json_val(obj, key);
	long long v = 0;
	bool neg = false;
	int dec = -1;

	if (!p)
		return false;
	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
		if (*p == '.') {
			dec = 0;
			continue;
		}
		if (dec >= 9)
			continue;
		v = v * 10 + (*p - '0');
		if (dec >= 0)
			dec++;
	}
	for (dec = dec < 0 ? 0 : dec; dec < 9; dec++)
		v *= 10;
	*out = neg ? -v : v;
	return true;
}

static long long days_from_civil(long long y, unsigned int m, unsigned int d)
{
	long long era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct log_stats {
	unsigned int tpv, compared, pos, nopos, time, alt, speed, track, mode;
	unsigned int rollover, bad;
	/* TPVs a rule left something out of: 9-12, GSA 2D, 13-15 */
	unsigned int gll, gga_sats, rmc_v, tod, gsa2d, midnight, pgrmz, vtg;
	/*
	 * sentences: ours gpsd's lexer drops, gpsd's from comments, joined,
	 * gpsd's without checksum that break a numeric type's layout
	 */
	unsigned int ours_only, from_comment, joined, pashr, layout;
	unsigned int fix_sentences;	/* RMC/GGA/GNS gpsd and we had */
};

static bool verbose;

#define MISMATCH(st, l, fmt, ...)					\
	do {								\
		(st)->bad++;						\
		if (verbose || (st)->bad <= 3)				\
			printf("# %s:%u: " fmt "\n", (l)->name, lineno,	\
			       ##__VA_ARGS__);				\
	} while (0)

/*
 * Is gpsd's mode comparable with ours after this window? gpsd works the
 * mode out in ways we deliberately do not follow:
 *
 * - after a GGA/GNS it takes the satellite count as a 3D test (< 4: 2D,
 *   < 3: no fix): wrong for SiRFstarV's per-constellation GLGGA (2
 *   satellites of a 10-satellite 3D fix);
 * - GLL sets it, and we do not read GLL: status V makes it 1 (see the
 *   position rule). Status A makes it 3D if gpsd knows an altitude, 2D if
 *   not, which is what we have too in the corpus (with or without GSA):
 *   compared.
 *
 * So the mode is compared when the last of the window's sentences that
 * set gpsd's mode (RMC, GGA, GNS, GSA, GLL) is not a GLL with status V,
 * nor a GGA/GNS with fewer than 4 satellites.
 */
static bool mode_comparable(const struct window *w)
{
	if (!strcmp(w->mode_last, "GLL-V"))
		return false;
	if (!strcmp(w->mode_last, "GGA") || !strcmp(w->mode_last, "GNS"))
		return w->sats >= 4;
	return true;
}

static void compare_tpv(const struct corpus_log *l, unsigned int lineno,
			const char *tpv, const struct window *w,
			const struct nmea_fix *fix,
			struct log_stats *st)
{
	long long lat, lon, v, days;
	bool tlat, tlon;
	int y, mo, d, h, mi, s, ms;
	const char *t;

	st->tpv++;
	if (!w->sentences)
		return;
	st->compared++;

	tlat = json_e9(tpv, "lat", &lat);
	tlon = json_e9(tpv, "lon", &lon);
	st->gll += w->gll;
	st->gga_sats += w->gga_sats;
	if (w->gll || w->gga_sats) {
		/* rules 9 and 10 */
	} else if (w->pos > 0) {
		st->pos++;
		if (!tlat || !tlon || !(fix->valid & NMEA_FIX_HAVE_POS))
			MISMATCH(st, l, "position: gpsd %d%d ours %d", tlat,
				 tlon, !!(fix->valid & NMEA_FIX_HAVE_POS));
		else if (llabs(fix->lat_e7 * 100LL - lat) > 51 ||
			 llabs(fix->lon_e7 * 100LL - lon) > 51)
			MISMATCH(st, l, "lat/lon %d %d, gpsd %lld %lld",
				 fix->lat_e7, fix->lon_e7, lat, lon);
	} else if (!w->pos) {
		st->nopos++;
		if (fix->valid & NMEA_FIX_HAVE_POS)
			MISMATCH(st, l, "position where RMC/GGA/GNS has none");
	}

	t = json_val(tpv, "time");
	st->rmc_v += t && w->time && w->rmc_v && !w->gll;
	if (t && w->time && !w->gll && !w->rmc_v) {
		st->time++;
		if (sscanf(t, "\"%d-%d-%dT%d:%d:%d.%dZ\"", &y, &mo, &d, &h, &mi,
			   &s, &ms) != 7) {
			MISMATCH(st, l, "unreadable time %.30s", t);
		} else if (!(fix->valid & NMEA_FIX_HAVE_TIME)) {
			MISMATCH(st, l, "no time, gpsd has %.26s", t);
		} else if (!(fix->valid & NMEA_FIX_HAVE_DATE)) {
			/* rule 12 */
			st->tod++;
			if (h != fix->hour || mi != fix->min ||
			    s * 1000 + ms != (int)fix->sec_ms)
				MISMATCH(st, l,
					 "time %02u:%02u:%02u.%03u, gpsd %.26s",
					 fix->hour, fix->min, fix->sec_ms / 1000,
					 fix->sec_ms % 1000, t);
		} else {
			days = days_from_civil(y, mo, d) -
			       days_from_civil(fix->year, fix->month,
					       fix->day);
			if (!w->dated && (days == 1 || days == 1024 * 7 + 1)) {
				st->midnight++;	/* rule 13 */
				days--;
			}
			if (days == 1024 * 7)
				st->rollover++;
			if ((days && days != 1024 * 7) || h != fix->hour ||
			    mi != fix->min ||
			    s * 1000 + ms != (int)fix->sec_ms)
				MISMATCH(st, l,
					 "time %04u-%02u-%02uT%02u:%02u:%02u.%03u, gpsd %.26s",
					 fix->year, fix->month, fix->day,
					 fix->hour, fix->min, fix->sec_ms / 1000,
					 fix->sec_ms % 1000, t);
		}
	}

	if (w->alt && !w->gga_sats && !w->gll_epoch) {
		st->alt++;
		if (!json_e9(tpv, "altMSL", &v) && !json_e9(tpv, "alt", &v))
			MISMATCH(st, l, "gpsd has no altitude");
		else if (!(fix->valid & NMEA_FIX_HAVE_ALT) ||
			 llabs(fix->alt_mm * 1000000LL - v) > 1000000)
			MISMATCH(st, l, "alt %d mm, gpsd %lld e-9 m",
				 fix->alt_mm, v);
	}

	st->vtg += w->vtg;
	if (w->speed && !w->gga_sats && !w->gll_epoch && !w->vtg) {
		st->speed++;
		if (!json_e9(tpv, "speed", &v))
			MISMATCH(st, l, "gpsd has no speed");
		else if (!(fix->valid & NMEA_FIX_HAVE_SPEED) ||
			 llabs(fix->speed_mmps * 1000000LL - v) > 1000000)
			MISMATCH(st, l, "speed %u mm/s, gpsd %lld e-9 m/s",
				 fix->speed_mmps, v);
	}

	if (w->track && !w->gga_sats && !w->gll_epoch && !w->vtg) {
		st->track++;
		if (!json_e9(tpv, "track", &v))
			MISMATCH(st, l, "gpsd has no track");
		else if (!(fix->valid & NMEA_FIX_HAVE_COURSE) ||
			 llabs(fix->course_cdeg * 10000000LL - v) > 10000000)
			MISMATCH(st, l, "course %u cdeg, gpsd %lld e-9 deg",
				 fix->course_cdeg, v);
	} else if (w->rmc && !w->gga_sats && !w->gll_epoch && !w->vtg) {
		st->track++;
		if (json_val(tpv, "track") ||
		    (fix->valid & NMEA_FIX_HAVE_COURSE))
			MISMATCH(st, l, "a track, the RMC had none");
	}

	t = json_val(tpv, "mode");
	if (t && !w->gga_sats && mode_comparable(w) &&
	    fix->gsa_mode == NMEA_FIX_MODE_2D)
		st->gsa2d++;
	else if (t && !w->gga_sats && mode_comparable(w) && w->pgrmz &&
		 fix->gsa_mode < NMEA_FIX_MODE_2D &&
		 (!strcmp(w->mode_last, "RMC") || !strcmp(w->mode_last, "GLL-A")))
		st->pgrmz++;
	else if (t && !w->gga_sats && mode_comparable(w)) {
		st->mode++;
		if (!(fix->valid & NMEA_FIX_HAVE_MODE) || atoi(t) != fix->mode)
			MISMATCH(st, l, "mode %u, gpsd %d", fix->mode,
				 atoi(t));
	}
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long size;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc(size + 1);
	if (data && fread(data, 1, size, f) != (size_t)size) {
		free(data);
		data = NULL;
	}
	fclose(f);
	if (data)
		data[size] = '\0';
	*len = data ? (size_t)size : 0;
	return data;
}

/*
 * Would gpsd's packet lexer (gpsd/packet.c, NMEA_DOLLAR and NMEA_BANG
 * states) take a sentence with this address? It knows a fixed list of
 * talkers; the framer passes any.
 */
static bool gpsd_lexes(const char *s)
{
	static const char *const dollar[] = {
		"GP", "GN", "GL", "GA", "GB", "BD", "II", "IN", "WI", "HC",
		"TI", "Ac", "AI", "EC", "SD", "ST", "YX", "QZ", "C", "O",
	};
	static const char *const bang[] = {
		"AB", "AD", "AI", "AN", "AR", "AS", "AT", "AX", "BS", "SA",
	};
	size_t i;

	if (s[0] == '$' && s[1] == 'P')
		return isalpha((unsigned char)s[2]);
	for (i = 0; s[0] == '$' && i < ARRAY_SIZE(dollar); i++)
		if (!strncmp(s + 1, dollar[i], strlen(dollar[i])))
			return true;
	for (i = 0; s[0] == '!' && i < ARRAY_SIZE(bang); i++)
		if (!strncmp(s + 1, bang[i], 2))
			return true;
	return false;
}

/* The line of @log[0..n) at @p: its length without CR/LF; @next after it. */
static size_t log_line(const char *log, size_t n, const char *p,
		       const char **next)
{
	const char *nl = memchr(p, '\n', log + n - p);
	size_t len = nl ? (size_t)(nl - p) : (size_t)(log + n - p);

	*next = nl ? nl + 1 : log + n;
	while (len && p[len - 1] == '\r')
		len--;
	return len;
}

/*
 * Is s[0..len) in a comment line of @log[0..n)? Its last byte may be the
 * next line's: gpsd reads comments with CRLF byte by byte (packet.c
 * COMMENT_BODY stops at the CR), and its stash may end such a sentence
 * with the '#' of the next comment (quectel.log "$GPGGA and #").
 */
static bool in_comment(const char *log, size_t n, const char *s, size_t len)
{
	const char *p, *next;
	size_t ll;

	for (p = log; p < log + n; p = next) {
		ll = log_line(log, n, p, &next);
		if (*p == '#' && ll >= len - 1 && memmem(p, ll, s, len - 1))
			return true;
	}
	return false;
}

/*
 * Is s[0..len) a line of @log cut off by a '$' inside it and continued by
 * the next line, as gpsd's stash joins them (packet.c STASH_RECOGNIZED)?
 */
static bool joined(const char *log, size_t n, const char *s, size_t len)
{
	const char *p, *next, *q, *next2, *cut;
	size_t ll, l2;

	for (p = log; p < log + n; p = next) {
		ll = log_line(log, n, p, &next);
		cut = ll > 1 ? memchr(p + 1, '$', ll - 1) : NULL;
		if (!cut || next >= log + n ||
		    memcmp(p, s, cut - p < (long)len ? cut - p : (long)len))
			continue;
		q = next;
		l2 = log_line(log, n, q, &next2);
		if ((size_t)(cut - p) + l2 == len &&
		    !memcmp(s, p, cut - p) && !memcmp(s + (cut - p), q, l2))
			return true;
	}
	return false;
}

/* A packet of gpsd's $PASHR binary state: no checksum, any bytes. */
static bool pashr_binary(const char *s, size_t len)
{
	size_t i;

	if (len < 7 || memcmp(s, "$PASHR,", 7))
		return false;
	for (i = 0; i < len; i++)
		if ((u8)s[i] < 0x20 || (u8)s[i] > 0x7e)
			return true;
	return false;
}

/*
 * Is s[0..len) a sentence without checksum of a numeric type whose fields
 * break its layout ("$GPVTG,,T,,M,2C", a line cut short)? gpsd takes it;
 * the framer drops it (charset).
 */
static bool layout_broken(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	const char *t = nmea_ref_template(u, len);

	return t && !memchr(s, '*', len) && nmea_ref_layout_error(u, len, t);
}

/*
 * The .chk echoes the sentences gpsd took. They are ours (the line rules
 * with allow_no_checksum=1: gpsd takes sentences without checksum too)
 * but for: sentences gpsd found in the log's comment lines, which a
 * receiver never sends; sentences gpsd's stash joined from two lines
 * (isync.log; the framer drops both parts); sentences without checksum
 * that break a numeric type's layout; and ours with an address gpsd's
 * lexer does not know (it never sees them). Anything else is a difference
 * and fails.
 */
static void run_chk(const struct corpus_log *l, const char *dir,
		    struct log_stats *st)
{
	struct nmea_fix fix = { 0 };
	struct window w = { 0 };
	char path[600], last[300] = "";
	const char *exp = l->expect_all, *end = exp + l->expect_all_len, *e;
	char *chk, *log, *p, *nl;
	unsigned int lineno = 0, other = 0;
	size_t len, elen, log_len, chk_len;
	bool binary = false;

	window_reset(&w);
	snprintf(path, sizeof(path), "%s/%s", dir, l->name);
	log = read_file(path, &log_len);
	snprintf(path, sizeof(path), "%s/%s.chk", dir, l->name);
	chk = read_file(path, &chk_len);
	if (!chk || !log) {
		test_fail(__FILE__, __LINE__, "cannot read %s", path);
		free(chk);
		free(log);
		return;
	}
	for (p = chk; p < chk + chk_len; p = nl + 1) {
		lineno++;
		nl = memchr(p, '\n', chk + chk_len - p);
		if (!nl)
			nl = chk + chk_len - 1;
		len = nl + 1 - p;
		while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
			len--;
		if (!len || *p == '#')
			continue;
		if (*p == '{') {
			if (!strncmp(p, "{\"class\":\"TPV\"", 14)) {
				p[len] = '\0';
				compare_tpv(l, lineno, p, &w, &fix, st);
				window_reset(&w);
			}
			continue;
		}
		/* gpsd's $PASHR binary packets, LFs in them included */
		if (pashr_binary(p, len) ||
		    (binary && *p != '$' && *p != '!')) {
			binary = true;
			st->pashr++;
			continue;
		}
		binary = false;
		/* Ours that gpsd never saw: decoded, as the module would. */
		for (;;) {
			e = memchr(exp, '\n', end - exp);
			elen = e ? (size_t)(e - 1 - exp) : 0;
			if (!e || (elen == len && !memcmp(exp, p, len)) ||
			    gpsd_lexes(exp))
				break;
			nmea_fix_update(&fix, exp, (u32)(elen + 2), lineno);
			st->ours_only++;
			exp = e + 1;
		}
		if (e && elen == len && !memcmp(exp, p, len)) {
			nmea_fix_update(&fix, exp, (u32)(elen + 2), lineno);
			exp = e + 1;
			if (len < sizeof(last)) {
				int before = w.sentences;

				memcpy(last, p, len);
				last[len] = '\0';
				window_add(&w, last);
				st->fix_sentences += w.sentences != before;
			}
		} else if (in_comment(log, log_len, p, len)) {
			st->from_comment++;
		} else if (joined(log, log_len, p, len)) {
			st->joined++;
		} else if (layout_broken(p, len)) {
			st->layout++;
		} else {
			if (other++ < 3)
				printf("# %s.chk:%u: gpsd has %.*s\n", l->name,
				       lineno, (int)len, p);
			st->bad++;
		}
	}
	for (; exp < end; exp = e + 1) {
		e = memchr(exp, '\n', end - exp);
		if (!gpsd_lexes(exp)) {
			st->ours_only++;
			continue;
		}
		if (other++ < 3)
			printf("# %s: gpsd lacks %.*s\n", l->name,
			       (int)(e - 1 - exp), exp);
		st->bad++;
	}
	free(chk);
	free(log);
}

static void test_gpsd(void)
{
	const char *dir = getenv("GPSNMEA_CORPUS");
	struct log_stats st, total = { 0 };
	struct corpus_log *logs;
	size_t n, i;

	verbose = getenv("GPSNMEA_FIX_VERBOSE");
	if (!dir || !*dir)
		dir = CORPUS_DIR;
	n = corpus_load(&logs);
	REQUIRE(n > 0);
	for (i = 0; i < n; i++) {
		memset(&st, 0, sizeof(st));
		run_chk(&logs[i], dir, &st);
		printf("# %-24s TPV %3u compared %3u: pos %3u nopos %2u time %3u"
		       " alt %3u speed %3u track %3u mode %3u%s%s\n",
		       logs[i].name, st.tpv, st.compared, st.pos, st.nopos,
		       st.time, st.alt, st.speed, st.track, st.mode,
		       st.rollover ? " (1024-week date)" : "",
		       st.bad ? " MISMATCHES" : "");
		if (st.gll + st.gga_sats + st.rmc_v + st.tod + st.gsa2d +
		    st.midnight + st.pgrmz + st.vtg)
			printf("# %-24s   TPVs under rule 9 (GLL) %u, 10 (GGA satellites) %u, 11 (RMC V time) %u, 12 (time of day) %u, 13 (midnight) %u, 14 (PGRMZ) %u, 15 (VTG) %u; mode under a GSA 2D %u\n",
			       "", st.gll, st.gga_sats, st.rmc_v, st.tod,
			       st.midnight, st.pgrmz, st.vtg, st.gsa2d);
		if (st.ours_only + st.from_comment + st.joined + st.pashr +
		    st.layout)
			printf("# %-24s   sentences: %u ours gpsd's lexer drops, %u gpsd's from comment lines, %u joined by gpsd's stash, %u lines of gpsd's $PASHR binary packets, %u gpsd's without checksum off their type's layout\n",
			       "", st.ours_only, st.from_comment, st.joined,
			       st.pashr, st.layout);
		if (st.bad)
			test_fail(__FILE__, __LINE__, "%s: %u mismatches",
				  logs[i].name, st.bad);
		/*
		 * A log with RMC/GGA/GNS has TPVs to compare; the others
		 * (AIS, depth sounder, compass, $STI) say so.
		 */
		if (!st.fix_sentences)
			printf("# %-24s   no RMC, GGA or GNS: no fix to compare\n",
			       "");
		else if (!st.compared)
			test_fail(__FILE__, __LINE__, "%s: no TPV compared",
				  logs[i].name);
		total.compared += st.compared;
	}
	printf("# %u TPVs compared in %zu logs\n", total.compared, n);
	corpus_free(logs, n);
}

const struct test fix_tests[] = {
	{ "fix_latlon", test_latlon },
	{ "fix_time_date", test_time_date },
	{ "fix_rules", test_rules },
	{ "fix_sats", test_sats },
	{ "fix_format", test_format },
	{ "fix_robust", test_robust },
	{ "fix_gpsd", test_gpsd },
	TEST_END
};
