// SPDX-License-Identifier: GPL-2.0
/* NMEA framer: corpus round trip and every drop reason, counted exactly. */
#include <ctype.h>
#include <stdlib.h>

#include <gpsnmea/nmea_framer.h>

#include "corpus.h"
#include "../tools/nmea_ref.h"
#include "test.h"

/* Sentences out of one framer, concatenated. */
struct out {
	char text[8192];
	size_t len;
	unsigned int count;
	u64 start[64];		/* start_ns of the first sentences */
};

static void framer_setup(struct nmea_framer *f, u32 max_len, bool no_sum)
{
	struct nmea_framer_config cfg = {
		.max_len = max_len, .allow_no_checksum = no_sum,
	};

	nmea_framer_init(f, &cfg);
}

/* Feed @len bytes; byte i gets start_ns @t0 + i. */
static void feed(struct nmea_framer *f, struct out *o, const char *s,
		 size_t len, u64 t0)
{
	size_t i;
	u32 n;

	for (i = 0; i < len; i++) {
		n = nmea_framer_push(f, s[i], t0 + i, 0);
		if (!n)
			continue;
		CHECK_EQ(strlen(nmea_framer_sentence(f)), n);
		CHECK(n >= 3 && !memcmp(f->buf + n - 2, "\r\n", 2));
		if (o->len + n < sizeof(o->text)) {
			memcpy(o->text + o->len, nmea_framer_sentence(f), n);
			o->len += n;
			o->text[o->len] = '\0';
		}
		if (o->count < 64)
			o->start[o->count] = nmea_framer_start_ns(f);
		o->count++;
	}
}

static void feed_str(struct nmea_framer *f, struct out *o, const char *s)
{
	feed(f, o, s, strlen(s), 0);
}

/* "$" body "*HH" with the right checksum (or @delta added to it). */
static char *sentence(char *buf, const char *body, int delta)
{
	u8 sum = 0;
	const char *p;

	for (p = body + 1; *p; p++)
		sum ^= *p;
	sprintf(buf, "%s*%02X", body, (u8)(sum + delta));
	return buf;
}

static void check_drops(const struct nmea_framer *f, const u64 *want)
{
	int i;

	for (i = 0; i < NMEA_DROP_NR; i++)
		if (f->drops[i] != want[i])
			test_fail(__FILE__, __LINE__,
				  "drops[%d] == %llu, expected %llu", i,
				  (unsigned long long)f->drops[i],
				  (unsigned long long)want[i]);
}

#define GGA "$GPGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*76"
#define RMC "$GPRMC,092750.000,A,5321.6802,N,00630.3372,W,0.02,31.66,280511,,,A*43"

static void test_good_crlf_and_lf(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 none[NMEA_DROP_NR] = { 0 };

	framer_setup(&f, 0, false);
	CHECK_EQ(f.cfg.max_len, NMEA_MAX_LEN_DEFAULT);
	feed_str(&f, &o, GGA "\r\n" RMC "\n");
	CHECK_EQ(o.count, 2);
	CHECK(!strcmp(o.text, GGA "\r\n" RMC "\r\n"));
	CHECK_EQ(o.start[0], 0);
	CHECK_EQ(o.start[1], strlen(GGA) + 2);
	CHECK_EQ(f.sentences, 2);
	check_drops(&f, none);
}

static void test_bad_checksum(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = { [NMEA_DROP_CHECKSUM] = 2 };
	char a[128], b[128];

	framer_setup(&f, 0, false);
	feed_str(&f, &o, sentence(a, "$GPGSA,A,3,04,05,,09,12", 1));
	feed_str(&f, &o, "\r\n");
	feed_str(&f, &o, sentence(b, "$GPGSA,A,3,04,05,,09,12", 0x10));
	feed_str(&f, &o, "\n" GGA "\r\n");
	CHECK_EQ(o.count, 1);
	CHECK(!strcmp(o.text, GGA "\r\n"));
	check_drops(&f, want);
}

static void test_lowercase_hex(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 none[NMEA_DROP_NR] = { 0 };
	const char *lc = "$GPGLL,5321.6802,N,00630.3372,W,092750.000,A,A*4b";

	/* Make sure the test data is what it claims to be. */
	char ref[128];

	sentence(ref, "$GPGLL,5321.6802,N,00630.3372,W,092750.000,A,A", 0);
	CHECK(!strcmp(ref, "$GPGLL,5321.6802,N,00630.3372,W,092750.000,A,A*4B"));
	framer_setup(&f, 0, false);
	feed_str(&f, &o, lc);
	feed_str(&f, &o, "\r\n");
	CHECK_EQ(o.count, 1);
	/* Passed on unchanged, lower case kept. */
	CHECK(!strncmp(o.text, lc, strlen(lc)));
	check_drops(&f, none);
}

static void test_missing_checksum(void)
{
	static const char *const malformed[] = {
		"$GPBOD,,T,,M,,*\r\n",
		"$GPBOD,,T,,M,,*4\r\n",
		"$GPBOD,,T,,M,,*4G\r\n",
		"$GPBOD,,T,,M,,*G4\r\n",
		"$GPBOD,,T,,M,,*47X\r\n",
		"$GPBOD,,T,,M,,*47*47\r\n",
	};
	struct nmea_framer f;
	struct out o;
	size_t i;
	int allow;

	for (allow = 0; allow < 2; allow++) {
		u64 want[NMEA_DROP_NR] = {
			[NMEA_DROP_NO_CHECKSUM] = 6 + !allow,
		};

		memset(&o, 0, sizeof(o));
		framer_setup(&f, 0, allow);
		feed_str(&f, &o, "$GPBOD,,T,,M,,\r\n");
		for (i = 0; i < 6; i++)
			feed_str(&f, &o, malformed[i]);
		CHECK_EQ(o.count, allow);
		if (allow)
			CHECK(!strcmp(o.text, "$GPBOD,,T,,M,,\r\n"));
		check_drops(&f, want);
		/* A correct checksum is still checked when it is optional. */
		feed_str(&f, &o, "$GPBOD,,T,,M,,*46\r\n");
		CHECK_EQ(f.drops[NMEA_DROP_CHECKSUM], 1);
		feed_str(&f, &o, "$GPBOD,,T,,M,,*47\r\n");
		CHECK_EQ(o.count, allow + 1);
	}
}

static void test_too_long(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = { [NMEA_DROP_TOO_LONG] = 1 };
	char body[300], line[300];

	/* 251 characters from '$' through the checksum: one too many. */
	memset(body, 'A', sizeof(body));
	memcpy(body, "$GPTXT,", 7);
	body[NMEA_MAX_LEN_LIMIT - 2] = '\0';
	sentence(line, body, 0);
	CHECK_EQ(strlen(line), NMEA_MAX_LEN_LIMIT + 1);
	framer_setup(&f, 0, false);
	feed_str(&f, &o, line);
	feed_str(&f, &o, "\r\n" GGA "\r\n");
	CHECK_EQ(o.count, 1);
	CHECK(!strcmp(o.text, GGA "\r\n"));
	check_drops(&f, want);	/* once, and no garbage for the rest */

	/* A line of 200 fits when max_len allows 200 exactly ... */
	body[197] = '\0';
	sentence(line, body, 0);
	CHECK_EQ(strlen(line), 200);
	memset(&o, 0, sizeof(o));
	framer_setup(&f, 200, false);
	feed_str(&f, &o, line);
	feed_str(&f, &o, "\r\n");
	CHECK_EQ(o.count, 1);
	CHECK_EQ(o.len, 202);
	/* ... but not at 199. */
	framer_setup(&f, 199, false);
	feed_str(&f, &o, line);
	feed_str(&f, &o, "\r\n");
	CHECK_EQ(o.count, 1);
	check_drops(&f, want);
}

/*
 * The default takes what gpsd's lexer takes from real receivers: Quectel
 * LC79D's $PGLOR (132, quectelLC79D.log) and MediaTek's $PMTKCHN (203,
 * mtk-3301.log), both longer than gpsd's NMEA_MAX of 102 with CRLF.
 */
static void test_long_real_sentences(void)
{
	static const char *const real[] = {
		"$PGLOR,4,PWR,mA,29.9,RFTm,1000,OscTm,1000,MeasTm,1000,UTC,115033.00,GNSSmA,29.9,CPUTm,359,COPTm,111,SrchTm,66,TrkTm,615,RpcTm,161*01\r\n",
		"$PMTKCHN,14001,29001,23001,02001,21001,11001,16001,28001,05001,20001,22001,18001,06001,19001,07001,09001,25001,08001,13001,30001,10001,03001,04001,27001,26001,01001,24001,15001,31001,17001,12001,32001*46\r\n",
	};
	struct nmea_framer f;
	struct out o = { 0 };
	u64 none[NMEA_DROP_NR] = { 0 };

	CHECK_EQ(strlen(real[0]), 134);
	CHECK_EQ(strlen(real[1]), 205);
	framer_setup(&f, 0, false);
	feed_str(&f, &o, real[0]);
	feed_str(&f, &o, real[1]);
	CHECK_EQ(o.count, 2);
	CHECK_EQ(o.len, 134 + 205);
	check_drops(&f, none);
}

/* max_len is kept within its documented bounds. */
static void test_max_len_bounds(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	char body[300], line[300];

	framer_setup(&f, 3, false);
	CHECK_EQ(f.cfg.max_len, NMEA_MAX_LEN_MIN);
	framer_setup(&f, 100000, false);
	CHECK_EQ(f.cfg.max_len, NMEA_MAX_LEN_LIMIT);
	memset(body, 'B', sizeof(body));
	body[0] = '$';
	body[NMEA_MAX_LEN_LIMIT - 3] = '\0';
	sentence(line, body, 0);
	feed_str(&f, &o, line);
	feed_str(&f, &o, "\r\n");
	CHECK_EQ(o.count, 1);
	CHECK_EQ(o.len, NMEA_MAX_LEN_LIMIT + 2);
	CHECK(o.len + 1 <= NMEA_SENTENCE_BUF);
}

static void test_garbage(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = { [NMEA_DROP_GARBAGE] = 9 };

	framer_setup(&f, 0, false);
	feed_str(&f, &o, "\r\n\r\nxyz\r\n" GGA "\r\n\n\n\r\x01\xff" "abc ");
	feed_str(&f, &o, RMC "\r\n");
	CHECK_EQ(o.count, 2);
	CHECK(!strcmp(o.text, GGA "\r\n" RMC "\r\n"));
	check_drops(&f, want);
}

static void test_start_mid_sentence(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = { [NMEA_DROP_TRUNCATED] = 2 };

	framer_setup(&f, 0, false);
	feed_str(&f, &o, "$GPGGA,0927" RMC "\r\n");
	feed_str(&f, &o, "!AIVDM,1,1,,A,1" GGA "\r\n");
	CHECK_EQ(o.count, 2);
	CHECK(!strcmp(o.text, RMC "\r\n" GGA "\r\n"));
	CHECK_EQ(o.start[0], 11);
	check_drops(&f, want);
}

static void test_ais_bang(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	const char *ais = "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0*5C\r\n";

	framer_setup(&f, 0, false);
	feed_str(&f, &o, ais);
	CHECK_EQ(o.count, 1);
	CHECK(!strcmp(o.text, ais));
}

static void test_nonprintable(void)
{
	static const char bad[] = { 0x00, 0x07, 0x09, 0x1f, 0x7f, (char)0x80,
				    (char)0xe4 };
	struct nmea_framer f;
	struct out o;
	char line[128];
	size_t i;

	for (i = 0; i < sizeof(bad); i++) {
		u64 want[NMEA_DROP_NR] = { [NMEA_DROP_CHARSET] = 1 };

		memset(&o, 0, sizeof(o));
		framer_setup(&f, 0, false);
		strcpy(line, GGA);
		line[20] = bad[i];
		feed(&f, &o, line, strlen(GGA), 0);
		/* The rest of that line is skipped, not counted as garbage. */
		feed_str(&f, &o, "\r\n" RMC "\r\n");
		CHECK_EQ(o.count, 1);
		CHECK(!strcmp(o.text, RMC "\r\n"));
		check_drops(&f, want);
	}
}

/*
 * A line ends in LF after any number of CRs, as gpsd's lexer takes it (the
 * Telit PLS83-W and the Jackson Labs Firefly-1a send CR CR LF); a CR
 * anywhere else is CHARSET.
 */
static void test_cr_handling(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = { [NMEA_DROP_CHARSET] = 3 };

	framer_setup(&f, 0, false);
	feed_str(&f, &o, GGA "\r\r\n");			/* CR CR LF */
	feed_str(&f, &o, RMC "\r\r\r\n");		/* CR CR CR LF */
	feed_str(&f, &o, GGA "\r" RMC "\r\n");		/* bare CR, then '$' */
	feed_str(&f, &o, "$GPGGA,09\r2750*11\r\n");	/* CR mid-sentence */
	feed_str(&f, &o, "$GPGGA,09\r\r2750*11\r\n");	/* two of them */
	feed_str(&f, &o, GGA "\r\n");
	CHECK_EQ(o.count, 4);
	CHECK(!strcmp(o.text, GGA "\r\n" RMC "\r\n" RMC "\r\n" GGA "\r\n"));
	check_drops(&f, want);
}

/*
 * A start character followed at once by another one, or by the line end,
 * is one garbage byte, not a truncated sentence: a receiver that starts
 * every line with "$$" loses nothing (gpsd discards the first '$' the same
 * way) and counts one garbage byte a line.
 */
static void test_double_dollar(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = { [NMEA_DROP_GARBAGE] = 7 };
	int i;

	framer_setup(&f, 0, true);
	for (i = 0; i < 3; i++)
		feed_str(&f, &o, "$" GGA "\r\n");
	feed_str(&f, &o, "$$" RMC "\r\n");		/* 2 garbage */
	feed_str(&f, &o, "$\r\n!\n");			/* 2, even when allowed */
	CHECK_EQ(o.count, 4);
	CHECK(!strcmp(o.text, GGA "\r\n" GGA "\r\n" GGA "\r\n" RMC "\r\n"));
	CHECK_EQ(o.start[0], 1);
	CHECK_EQ(f.sentences, 4);
	check_drops(&f, want);
	/* A CR between two start characters is not a sentence either. */
	feed_str(&f, &o, "$\r" GGA "\r\n");
	CHECK_EQ(o.count, 5);
	CHECK_EQ(f.drops[NMEA_DROP_GARBAGE], 8);
	CHECK_EQ(f.drops[NMEA_DROP_CHARSET], 0);
}

/* Every counter at once, and the sentence count. */
static void test_counters_exact(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = {
		[NMEA_DROP_CHECKSUM] = 1,
		[NMEA_DROP_NO_CHECKSUM] = 2,
		[NMEA_DROP_TOO_LONG] = 1,
		[NMEA_DROP_CHARSET] = 1,
		[NMEA_DROP_TRUNCATED] = 1,
		[NMEA_DROP_GARBAGE] = 5,
	};
	char longline[300];

	memset(longline, 'X', sizeof(longline));
	longline[0] = '$';
	memcpy(longline + NMEA_MAX_LEN_LIMIT + 1, "\r\n", 3);
	framer_setup(&f, 0, false);
	feed_str(&f, &o, "junk\n");			/* 4 garbage */
	feed_str(&f, &o, GGA "\r\n");			/* ok */
	feed_str(&f, &o, "$GPGSA,A,3*00\r\n");		/* checksum */
	feed_str(&f, &o, "$GPGSA,A,3\r\n");		/* no checksum */
	feed_str(&f, &o, "$GPGSA,A,3*\r\n");		/* malformed */
	feed_str(&f, &o, longline);			/* too long */
	feed_str(&f, &o, "$GP\tGSA*00\r\n");		/* charset */
	feed_str(&f, &o, "$GPGS");			/* truncated */
	feed_str(&f, &o, RMC "\r\n");			/* ok */
	feed_str(&f, &o, "?");				/* 1 garbage */
	CHECK_EQ(o.count, 2);
	CHECK_EQ(f.sentences, 2);
	check_drops(&f, want);
}

/* Feed @s with @flags on its byte @at (all bytes if @at < 0). */
static u32 feed_flagged(struct nmea_framer *f, const char *s, int at,
			u32 flags)
{
	u32 n = 0, i;

	for (i = 0; s[i]; i++)
		n += nmea_framer_push(f, s[i], i,
				      at < 0 || (u32)at == i ? flags : 0);
	return n;
}

/*
 * A doubtful byte, or a gap after the start character, drops a sentence
 * that is otherwise valid (counted in doubtful); a gap right before the
 * start character does not; a sentence dropped for another reason is
 * counted under that one.
 */
static void test_doubtful(void)
{
	static const char gga[] = GGA "\r\n";
	struct nmea_framer f;
	u64 want[NMEA_DROP_NR] = { [NMEA_DROP_CHECKSUM] = 1 };
	size_t last = strlen(gga) - 1;

	framer_setup(&f, 0, false);
	CHECK(feed_flagged(&f, gga, 10, NMEA_BYTE_DOUBTFUL) == 0);
	CHECK(feed_flagged(&f, gga, 0, NMEA_BYTE_DOUBTFUL) == 0);
	CHECK(feed_flagged(&f, gga, last, NMEA_BYTE_DOUBTFUL) == 0);
	CHECK(feed_flagged(&f, gga, 10, NMEA_BYTE_GAP) == 0);
	CHECK(feed_flagged(&f, gga, last, NMEA_BYTE_GAP) == 0);
	CHECK_EQ(f.doubtful, 5);
	CHECK_EQ(f.sentences, 0);
	/* A gap before the '$': the sentence is whole. */
	CHECK(feed_flagged(&f, gga, 0, NMEA_BYTE_GAP) == sizeof(gga) - 1);
	/* Flags on bytes between sentences spoil nothing. */
	CHECK(feed_flagged(&f, "\r\n", -1, NMEA_BYTE_DOUBTFUL) == 0);
	CHECK(feed_flagged(&f, gga, -1, 0) == sizeof(gga) - 1);
	CHECK_EQ(f.sentences, 2);
	/* Wrong checksum and doubtful: a checksum error. */
	CHECK(feed_flagged(&f, "$GPGSA,A,3*00\r\n", 4,
			   NMEA_BYTE_DOUBTFUL) == 0);
	CHECK_EQ(f.doubtful, 5);
	check_drops(&f, want);
}

/* The talker, and the characters of the numeric types. */
static void test_numeric_types(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 want[NMEA_DROP_NR] = {
		[NMEA_DROP_CHECKSUM] = 1,
		[NMEA_DROP_CHARSET] = 7,
	};

	framer_setup(&f, 0, true);
	feed_str(&f, &o, "$GPRMC,1,a\r\n");		/* lower case */
	feed_str(&f, &o, "$GPGGA,1(2\r\n");		/* '(' */
	feed_str(&f, &o, "$GNGSV,1 2\r\n");		/* space */
	feed_str(&f, &o, "$G1GSA,1\r\n");		/* talker digit */
	feed_str(&f, &o, "$gpvtg,1\r\n");		/* lower-case talker */
	feed_str(&f, &o, "!0,1\r\n");			/* no talker */
	feed_str(&f, &o, "$GPRMC,120000,A,+1.5,N,-2*00\r\n"); /* ok but checksum */
	feed_str(&f, &o, "$PGRMC,1,a\r\n");		/* proprietary */
	feed_str(&f, &o, "$GPTXT,Hello (a)\r\n");	/* not numeric */
	feed_str(&f, &o, "$GPRMCX,a\r\n");		/* type RMC: numeric */
	feed_str(&f, &o, "$GPRM,a\r\n");			/* address too short */
	CHECK_EQ(f.sentences, 3);
	check_drops(&f, want);
	CHECK(strstr(o.text, "$PGRMC,1,a\r\n") && strstr(o.text, "(a)") &&
	      strstr(o.text, "$GPRM,a\r\n"));
}

/* A line, and whether the framer takes it (if not, it is a charset drop). */
struct verdict {
	const char *line;
	bool taken;
};

static void check_verdicts(const struct verdict *v, size_t n)
{
	struct nmea_framer f;
	static struct out o;
	u64 sentences, charset;
	size_t i;

	framer_setup(&f, 0, true);
	for (i = 0; i < n; i++) {
		sentences = f.sentences;
		charset = f.drops[NMEA_DROP_CHARSET];
		feed_str(&f, &o, v[i].line);
		if (f.sentences - sentences != v[i].taken ||
		    f.drops[NMEA_DROP_CHARSET] - charset != !v[i].taken)
			test_fail(__FILE__, __LINE__, "%s %s", v[i].line,
				  v[i].taken ? "not taken" : "taken");
	}
}

/*
 * The start character is outside the checksum: '!' only for the
 * encapsulation types (AIS VDM/VDO, ABM, BBM), '$' not for them, and not
 * '!' for a numeric type. A flip between the two ('!' 0x21, '$' 0x24) was
 * seen in the bench at 460800 baud, and so was "!SDM," (bytes lost, the
 * checksum right by chance): after '!' the address is always five long.
 */
static void test_start_char(void)
{
	static const struct verdict v[] = {
		{ "!AIVDM,1,1,,B,13aGv5HP00PHQd:N@h:>4?vL2>`<,0*4E\r\n", true },
		{ "$AIVDM,1,1,,B,13aGv5HP00PHQd:N@h:>4?vL2>`<,0*4E\r\n", false },
		{ "$BSVDO,1\r\n", false },
		{ "!GPGGA,1\r\n", false },
		{ "!GNRMC,1\r\n", false },
		{ "!PXXXX,1\r\n", true },	/* proprietary: either */
		{ "$GPTXT,1\r\n", true },	/* neither list */
		{ "!GPTXT,1\r\n", true },
		{ "$GPGGA,123519\r\n", true },
		/* after '!', a talker and a type of three: "!AIVDM," less "AIV" */
		{ "!SDM,1,1,9,A,13ss<gPP00R37tPI?irt2gvTR>`<,0*67\r\n", false },
		{ "!AI*00\r\n", false },
		{ "!AIVD,1\r\n", false },
		{ "$STI,1\r\n", true },
	};

	check_verdicts(v, ARRAY_SIZE(v));
}

/*
 * The address holds A-Z and 0-9 only, so that a misread byte such as the
 * ']' of "$GPR]C" drops the sentence even when a second one cancels it in
 * the checksum; it may end early at ',' or '*' ("$STI,", "$PSTI,").
 */
static void test_type_chars(void)
{
	static const struct verdict v[] = {
		{ "$GPR]C,1\r\n", false },
		{ "$GPrMC,1\r\n", false },
		{ "$GPGG ,1\r\n", false },
		{ "$PG-A,1\r\n", false },
		{ "$PGRM.,1\r\n", false },
		{ "$STI,IC,error=4\r\n", true },
		{ "$PSTI,030\r\n", true },
		{ "$PMTK001,604,3\r\n", true },
		{ "$LOG108,1\r\n", true },
		{ "$GPTXT,a b]\r\n", true },
		{ "$PSRFTXTTOW: 1\r\n", true },
	};

	check_verdicts(v, ARRAY_SIZE(v));
}

/*
 * A time of day (GGA, GLL, GNS, RMC, ZDA, GBS, GRS, GST) is empty or hhmmss
 * up to 23:59:60 with an optional fraction: a digit misread there, its
 * checksum error cancelled by another, leaves that range (a "325035.93"
 * came through the host's noise test at 460800 baud).
 */
static void test_time_of_day(void)
{
	static const struct verdict v[] = {
		{ "$GPGGA,235960.999,4808.9993,N,01135.0798,E,1,04,1.4,459.9,M,46.2,M,,\r\n", true },
		{ "$GPGGA,000000,4808.9993,N,01135.0798,E,1,04,1.4,459.9,M,46.2,M,,\r\n", true },
		{ "$GPRMC,195959.,V,,,,,,,181207,0,N\r\n", true },
		{ "$GPGLL,3728.0549,N,12213.8639,W,014413.076,A\r\n", true },
		{ "$GPGLL,3728.0549,N,12213.8639,W,,V\r\n", true },
		{ "$GPZDA,201530.00,04,07,2002,00,00\r\n", true },
		{ "$GPGST,172814.0,0.006,0.023,0.020,273.6,0.023,0.020,0.031\r\n", true },
		{ "$GAGGA,325035.93,8703.16279,N,36747.02759,E,1,12,1.33,573.2,M,10.9,M,,\r\n", false },
		{ "$GPGGA,240000,4808.9993,N,01135.0798,E,1,04,1.4,459.9,M,46.2,M,,\r\n", false },
		{ "$GPRMC,126007.891,V,,,,,,,181207,0,N\r\n", false },
		{ "$GPRMC,120061.891,V,,,,,,,181207,0,N\r\n", false },
		{ "$GPGLL,3728.0549,N,12213.8639,W,01441,A\r\n", false },
		{ "$GPGNS,0144130,3114.8943,N,12135.2444,E,ANNA,07,1.1\r\n", false },
		{ "$GPZDA,2015.30.00,04,07,2002,00,00\r\n", false },
		{ "$GPGBS,20153A.00,1.0,1.0,2.0,03,0.1,1.0,1.0\r\n", false },
		{ "$GPGRS,-01530.00,1,0.1\r\n", false },
	};

	check_verdicts(v, ARRAY_SIZE(v));
}

/*
 * The fields of the numeric types: empty, a word of A-Z or a number with
 * at most one '.' (none in integers), and NMEA's indicators where every
 * receiver of the corpus has them; AIS sentences of six fields, the
 * payload six-bit armored; names (waypoints, routes) anything. Misread bytes whose checksum errors cancel
 * mostly break that. The lines taken are from the corpus.
 */
static void test_layouts(void)
{
	static const struct verdict v[] = {
		{ "$GPGGA,000345.03,4808.9993,N,01135.0798,E,1,04,01.4,00459.9,M,0046.2,M,,*53\r\n", true },
		{ "$GPGGA,130722,5012.792600,N,00806.879600,W,2,,,,,,,*66\r\n", true },
		{ "$GNGGA,074159.799,3114.8943,N,12135.2444,E,1,07,1.1,196.4,M,8.3,M,,0000,1.8*75\r\n", true },
		{ "$GNGNS,074159.799,3114.8943,N,12135.2444,E,ANNA,07,1.1,196.4,8.3,,0000*54\r\n", true },
		{ "$GPVTG,86.03,T,,,2.20,N,4.07,K,A*4E\r\n", true },
		{ "$GPRMC,212607.891,V,,,,,,,181207,0,N*5C\r\n", true },
		{ "$GPRMC,000231.099,A,4829.0005,N,00022.0015,E,0.15,212.28,2208-1,,,A*73\r\n", true },
		{ "$GPGLL,3728.0549,N,12213.8639,W,014413.076,N,V*50\r\n", true },
		{ "$GPGSA,A,1,,,,*32\r\n", true },
		{ "$GPGSV,1,1,01,05,40,083,46,1\r\n", true },
		/* '.' read as ',': the N/S indicator moves */
		{ "$GPGGA,000345,03,4808.9993,N,01135.0798,E,1,04,01.4,00459.9,M,0046.2,M,,*53\r\n", false },
		/* ',' read as '.' */
		{ "$GPGGA,000345.03,4808.9993,N,01135.0798,E,1,04,01.4.00459.9,M,0046.2,M,,*53\r\n", false },
		{ "$GPGSV,3,1,12,20,76.058,40\r\n", false },
		/* an indicator misread */
		{ "$GPVTG,000.0,T,357.0,M,000.1,L,0000.1,K,A*12\r\n", false },
		{ "$GPGGA,1,2,NS\r\n", false },
		{ "$GPGSA,A,3,2O,,\r\n", false },	/* letter in a number */
		{ "$GPGGAL,1\r\n", false },		/* longer address */
		{ "$GPZDA,1.2.3\r\n", false },	/* last field, no '*' */
		/* a type one bit off a numeric one, and real ones that are */
		{ "$GNGWA,A,3\r\n", false },
		{ "$GPFSV,1\r\n", false },
		{ "$GPTTG,1\r\n", false },
		{ "$GPRMB,V,,,,,,,,,,,,A,S*0E\r\n", true },
		{ "$GPGFA,1\r\n", true },
		{ "$GPXTE,A,A,0.67,L,N*6F\r\n", true },
		{ "$PGRMT,1\r\n", true },
		/* waypoint navigation: names may hold anything */
		{ "$GPRTE,1,1,c,0*07\r\n", true },
		{ "$GPRTE,2,1,w,Route a,home,Dock 2\r\n", true },
		{ "$GPBWC,125106,,,,,,T,,M,,N,,S*68\r\n", true },
		{ "$GPBOD,,T,,M,,*47\r\n", true },
		{ "$GPXTE,V,V,,,N,S*43\r\n", true },
		{ "$GPAAM,,,,N,*38\r\n", true },
		{ "$GPAPB,,,,,,,,,,,,,,,N*26\r\n", true },
		/* ... read at 460800 baud in the bench (',' as 'l', '1' as 'q') */
		{ "$GPRMB,V,,,,,l,,,,,lA,S*0E\r\n", false },
		{ "$GPRTE,1lq,c,*37\r\n", false },
		{ "$GPRTElq,1,c,*37\r\n", false },
		{ "$GPBWC,1251r4,,l,,,T,,M,,N,,S*68\r\n", false },
		{ "$GPXTE,V,V,l,NlS*43\r\n", false },
		/* ... and in names, where only the count of fields shows it */
		{ "$GPRMB,V,,,ll,,,,,,,A,S*0E\r\n", false },
		{ "$GPRMB,V,,,,,,,,,,,,A*71\r\n", true },
		{ "$GPRMB,V,,,,,,,,,,,,A,S,*22\r\n", false },
		{ "$GPBWC,125106,,,,,,T,,M,,N,*17\r\n", true },
		{ "$GPBWC,125106,,,,,,T,,M,,N*3B\r\n", false },
		{ "$GPAPB,,,,,,,,,,,,,,*44\r\n", true },
		{ "$GPAPB,,,,,,,,,,,,,*68\r\n", false },
		{ "$GPBOD,,T,,M,*6B\r\n", false },
		{ "$GPAAM,,,,N,,*14\r\n", false },
		{ "$GPWPL,,,,,a,b*5F\r\n", false },
		{ "$GPXTE,A,A,0.67,L,N,S,*3C\r\n", false },
		/* AIS: six fields, the payload armored */
		{ "!AIVDM,1,1,,2,13aG,0\r\n", true },
		{ "!AIVDM,1,1llA,13AA0F001lQ5H<POmB?9IoR>0>`<,0*31\r\n", false },
		{ "!AIVDM,2,2,9,A,p0000000000l2*2D\r\n", false },
		{ "!AIVDM,1,1,,B,13aG,0,1\r\n", false },
		{ "!AIVDM,1,1,,C,13aG,0\r\n", false },
		{ "!AIVDM,1,1,,B,13a{G,0\r\n", false },
		/* the bench's '1,1,,' read as '4,4,,': a message of 4 needs its id */
		{ "!AIVDM,4,4,,B,13`kBfwP00PFfk4Mv?riD?vL2>`<,0*0E\r\n", false },
		{ "!AIVDM,2,1,3,B,13`kBfwP00PFfk4Mv?riD?vL2>`<,0*3E\r\n", true },
		{ "!AIVDM,2,3,3,B,13`kBfwP00PFfk4Mv?riD?vL2>`<,0*3C\r\n", false },
		{ "!AIVDM,0,0,,B,13`kBfwP00PFfk4Mv?riD?vL2>`<,0*0E\r\n", false },
		{ "!AIVDM,1,1,7,B,13`kBfwP00PFfk4Mv?riD?vL2>`<,0*39\r\n", true },
	};

	check_verdicts(v, ARRAY_SIZE(v));
}

/* Reset forgets a partial sentence without counting it. */
static void test_reset(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	u64 none[NMEA_DROP_NR] = { 0 };

	framer_setup(&f, 0, false);
	feed_str(&f, &o, "$GPGGA,0927");
	nmea_framer_reset(&f);
	feed_str(&f, &o, GGA "\r\n");
	CHECK_EQ(o.count, 1);
	check_drops(&f, none);
}

/*
 * allow_no_checksum: off, a sentence without "*hh" is dropped and counted;
 * on, it is delivered and counted in no_checksum as well as in sentences.
 */
static void test_no_checksum_counter(void)
{
	static const char *const input =
		"$GPBOD,,T,,M,,\r\n" GGA "\r\n" "$PGRMZ,246,f,3\r\n"
		"!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0\r\n";
	struct nmea_framer f;
	struct out o;
	int allow;

	for (allow = 0; allow < 2; allow++) {
		memset(&o, 0, sizeof(o));
		framer_setup(&f, 0, allow);
		feed_str(&f, &o, input);
		CHECK_EQ(o.count, allow ? 4 : 1);
		CHECK_EQ(f.sentences, allow ? 4 : 1);
		CHECK_EQ(f.no_checksum, allow ? 3 : 0);
		CHECK_EQ(f.drops[NMEA_DROP_NO_CHECKSUM], allow ? 0 : 3);
		if (allow)
			CHECK(!strcmp(o.text, "$GPBOD,,T,,M,,\r\n" GGA "\r\n"
				      "$PGRMZ,246,f,3\r\n"
				      "!AIVDM,1,1,,B,177KQJ5000G?tO`K>RA1wUbN0TKH,0\r\n"));
		else
			CHECK(!strcmp(o.text, GGA "\r\n"));
	}
}

/* Proprietary sentences ($P + maker + type) pass like any other. */
static void test_proprietary(void)
{
	static const char *const good[] = {
		"$PGRME,15.0,M,45.0,M,25.0,M*1C\r\n",
		"$PMTK001,604,3*32\r\n",
		"$PUBX,00,081350.00,4717.113210,N,00833.915187,E,546.589,G3,2.1,2.0,0.007,77.52,0.007,,0.92,1.19,0.77,9,0,0*5F\r\n",
		"$PSRFEPE,100542.000,A,0.7,6.82,10.07,0.3,180.0*2F\r\n",
	};
	struct nmea_framer f;
	struct out o = { 0 };
	u64 none[NMEA_DROP_NR] = { 0 };
	char all[512] = "";
	size_t i;

	framer_setup(&f, 0, false);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		feed_str(&f, &o, good[i]);
		strcat(all, good[i]);
	}
	CHECK_EQ(o.count, sizeof(good) / sizeof(good[0]));
	CHECK(!strcmp(o.text, all));
	check_drops(&f, none);
	CHECK_EQ(f.types.n, 4);
	CHECK(!strcmp(f.types.t[0].name, "PGRME"));
	CHECK(!strcmp(f.types.t[1].name, "PMTK001"));
	CHECK(!strcmp(f.types.t[2].name, "PUBX"));
	CHECK(!strcmp(f.types.t[3].name, "PSRFEPE"));
}

static u64 type_count(const struct nmea_framer *f, const char *name)
{
	u32 i;

	for (i = 0; i < f->types.n; i++)
		if (!strcmp(f->types.t[i].name, name))
			return f->types.t[i].count;
	return 0;
}

/*
 * Sentence types: counted by address in first-seen order, only valid
 * sentences; odd addresses and those beyond the table go to "other".
 */
static void test_sentence_types(void)
{
	struct nmea_framer f;
	struct out o = { 0 };
	char buf[128], body[64];
	int i;

	framer_setup(&f, 0, true);
	feed_str(&f, &o, GGA "\r\n" RMC "\r\n" GGA "\r\n");
	feed_str(&f, &o, "$GPGGA,,BAD*00\r\n");		/* dropped: not counted */
	feed_str(&f, &o, "!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*26\r\n");
	feed_str(&f, &o, "$GPBOD,,T,,M,,\r\n");		/* no checksum, allowed */
	feed_str(&f, &o, "$GPTXT\r\n");			/* address alone */
	feed_str(&f, &o, "$PABCDEFGHIJKLMN,1\r\n");	/* 15 characters: counted */
	feed_str(&f, &o, "$PABCDEFGHIJKLMNO,1\r\n");	/* 16: other */
	feed_str(&f, &o, "$PGRMZc,1\r\n");		/* lower case: other */
	feed_str(&f, &o, "$PGRMZ-X,1\r\n");		/* a '-': other */
	feed_str(&f, &o, "$PGRMZ W\r\n");			/* a space: other */
	/* No talker: dropped (CHARSET), not counted. */
	feed_str(&f, &o, "$gprmc,1\r\n$,1\r\n$*00\r\n");
	CHECK_EQ(f.sentences, 11);
	CHECK_EQ(f.drops[NMEA_DROP_CHECKSUM], 1);
	CHECK_EQ(f.drops[NMEA_DROP_CHARSET], 3);
	CHECK_EQ(f.types.n, 6);
	CHECK(!strcmp(f.types.t[0].name, "GPGGA"));
	CHECK(!strcmp(f.types.t[1].name, "GPRMC"));
	CHECK(!strcmp(f.types.t[2].name, "AIVDM"));
	CHECK_EQ(type_count(&f, "GPGGA"), 2);
	CHECK_EQ(type_count(&f, "GPRMC"), 1);
	CHECK_EQ(type_count(&f, "AIVDM"), 1);
	CHECK_EQ(type_count(&f, "GPBOD"), 1);
	CHECK_EQ(type_count(&f, "GPTXT"), 1);
	CHECK_EQ(type_count(&f, "PABCDEFGHIJKLMN"), 1);
	CHECK_EQ(f.types.other, 4);

	/*
	 * Fill the table: 26 more types fit, then the rest is "other". (QAA
	 * to QDB: no type one bit off a numeric one, which is dropped.)
	 */
	for (i = 0; i < 30; i++) {
		snprintf(body, sizeof(body), "$GPQ%c%c,%d", 'A' + i % 26,
			 'A' + i / 26, i);
		feed_str(&f, &o, sentence(buf, body, 0));
		feed_str(&f, &o, "\r\n");
	}
	feed_str(&f, &o, RMC "\r\n");
	CHECK_EQ(f.types.n, NMEA_TYPES_MAX);
	CHECK_EQ(f.types.other, 4 + 30 - (NMEA_TYPES_MAX - 6));
	CHECK_EQ(type_count(&f, "GPRMC"), 2);
	CHECK_EQ(type_count(&f, "GPQZA"), 1);
	CHECK_EQ(type_count(&f, "GPQAB"), 0);

	/* Reset keeps the counters. */
	nmea_framer_reset(&f);
	CHECK_EQ(type_count(&f, "GPGGA"), 2);
}

static u32 rnd_state = 12345;

static u32 rnd(u32 n)
{
	rnd_state = rnd_state * 1103515245 + 12345;
	return (rnd_state >> 8) % n;
}

/* A random line: often a sentence, then bent a little. */
static size_t random_line(char *buf, u32 max_len)
{
	static const char alphabet[] = "$!*,GPRMC0129aFf\r\x07\x80 ";
	static const char numeric[2][4] = { "GGA", "VTG" };
	size_t n = 0, i, len = rnd(max_len + 8);
	u8 sum = 0;

	if (rnd(4)) {
		buf[n++] = rnd(8) ? '$' : '!';
		/* Now and then a numeric type: digits and indicators. */
		for (i = 0; i < len; i++) {
			if (i < 5 || rnd(3))
				buf[n] = 'A' + rnd(26);
			else
				buf[n] = "0123456789,.+-"[rnd(14)];
			if (i >= 2 && i < 5 && len > 5 && len % 3)
				buf[n] = numeric[len & 1][i - 2];
			sum ^= buf[n++];
		}
		n += sprintf(buf + n, rnd(2) ? "*%02X" : "*%02x", sum);
	}
	for (i = rnd(4); i; i--) {
		if (n && rnd(2))
			buf[rnd(n)] = alphabet[rnd(sizeof(alphabet) - 1)];
		else
			buf[n++] = alphabet[rnd(sizeof(alphabet) - 1)];
	}
	for (i = rnd(5) ? 1 : rnd(4); i; i--)
		buf[n++] = '\r';
	return n;
}

/*
 * The streaming framer and the line rules of tests/tools/nmea_ref.h agree
 * on random lines, line by line: the same sentence, the same drops.
 */
static void test_matches_reference(void)
{
	struct nmea_ref_line r;
	struct nmea_framer f;
	u64 before[NMEA_DROP_NR];
	char line[400];
	size_t n, i, bad = 0, sentences = 0, drops[NMEA_DROP_NR] = { 0 };
	int line_no, k, allow = 0;
	u32 len, got, max_len = 0;

	for (line_no = 0; line_no < 200000; line_no++) {
		if (line_no % 1000 == 0) {
			max_len = NMEA_MAX_LEN_MIN + rnd(40);
			allow = rnd(2);
			framer_setup(&f, max_len, allow);
		}
		n = random_line(line, max_len);
		nmea_ref_line((const unsigned char *)line, n, true, max_len,
			      allow, &r);
		memcpy(before, f.drops, sizeof(before));
		got = 0;
		for (i = 0; i < n; i++)
			CHECK_EQ(nmea_framer_push(&f, line[i], i, 0), 0);
		len = nmea_framer_push(&f, '\n', n, 0);
		if (len)
			got = len - 2;
		if (got != r.len || (got && memcmp(f.buf, r.s, got)))
			bad++;
		sentences += !!got;
		for (k = 0; k < NMEA_DROP_NR; k++) {
			if (f.drops[k] - before[k] != r.drops[k])
				bad++;
			drops[k] += r.drops[k];
		}
		if (bad && bad < 5) {
			line[n] = '\0';
			test_fail(__FILE__, __LINE__,
				  "max_len %u: line \"%s\" differs", max_len,
				  line);
		}
	}
	printf("# %d random lines: %zu sentences; drops", line_no, sentences);
	for (k = 0; k < NMEA_DROP_NR; k++)
		printf(" %s %zu", nmea_ref_names[k], drops[k]);
	printf("\n");
	CHECK_EQ(bad, 0);
}

/*
 * How many of the sentences in @text (CRLF-separated) the type table of
 * struct nmea_types counts as "other": the address (up to ',' or '*') is
 * not 1..NMEA_TYPE_LEN of A-Z and 0-9, or NMEA_TYPES_MAX others came first.
 */
static u64 expected_other(const char *text, size_t len)
{
	char names[NMEA_TYPES_MAX][NMEA_TYPE_LEN + 1];
	const char *p = text, *end = text + len, *e;
	u32 n = 0, i;
	u64 other = 0;
	size_t a;

	for (; p < end; p = e + 2) {
		e = memchr(p, '\r', end - p);
		a = strcspn(p + 1, ",*\r");
		for (i = 0; i < a; i++)
			if (!isupper((unsigned char)p[1 + i]) &&
			    !isdigit((unsigned char)p[1 + i]))
				break;
		if (!a || a > NMEA_TYPE_LEN || i < a) {
			other++;
			continue;
		}
		for (i = 0; i < n; i++)
			if (strlen(names[i]) == a && !memcmp(names[i], p + 1, a))
				break;
		if (i < n)
			continue;
		if (n == NMEA_TYPES_MAX) {
			other++;
			continue;
		}
		memcpy(names[n], p + 1, a);
		names[n++][a] = '\0';
	}
	return other;
}

/*
 * Every gpsd log: the framer delivers exactly the sentences the line rules
 * of tests/tools/nmea_ref.h give, and counts exactly their drops.
 */
static void test_corpus(void)
{
	struct corpus_log *logs;
	struct nmea_framer f;
	size_t n, i, j, k, outlen, dropped = 0, sentences = 0;
	char *out;
	u32 len;
	u64 sum;

	n = corpus_load(&logs);
	REQUIRE(n >= 10);
	for (i = 0; i < n; i++) {
		const struct corpus_log *l = &logs[i];

		out = malloc(l->expect_len + NMEA_SENTENCE_BUF);
		REQUIRE(out);
		outlen = 0;
		framer_setup(&f, 0, false);
		for (j = 0; j < l->wire_len; j++) {
			len = nmea_framer_push(&f, l->wire[j], j, 0);
			if (!len)
				continue;
			/* start_ns is that of the sentence's first byte. */
			k = nmea_framer_start_ns(&f);
			CHECK(k < l->wire_len && l->wire[k] == f.buf[0]);
			if (outlen + len <= l->expect_len)
				memcpy(out + outlen, f.buf, len);
			outlen += len;
		}
		CHECK_EQ(outlen, l->expect_len);
		if (outlen == l->expect_len &&
		    memcmp(out, l->expect, outlen))
			test_fail(__FILE__, __LINE__, "%s: output differs",
				  l->name);
		CHECK_EQ(f.sentences, l->sentences);
		for (k = 0; k < NMEA_DROP_NR; k++)
			if (f.drops[k] != l->drops[k])
				test_fail(__FILE__, __LINE__,
					  "%s: drops[%zu] %llu, rules say %zu",
					  l->name, k,
					  (unsigned long long)f.drops[k],
					  l->drops[k]);
		/* Every sentence is counted once: by address or as other. */
		for (k = 0, sum = 0; k < f.types.n; k++)
			sum += f.types.t[k].count;
		CHECK_EQ(sum + f.types.other, f.sentences);
		CHECK_EQ(f.types.other, expected_other(l->expect, l->expect_len));
		CHECK_EQ(f.no_checksum, 0);
		sentences += l->sentences;
		dropped += l->nfindings;
		free(out);
	}
	printf("# %zu logs: %zu sentences delivered, %zu lines drop something (Documentation/corpus.rst)\n",
	       n, sentences, dropped);
	corpus_free(logs, n);
}

const struct test framer_tests[] = {
	{ "framer_good_crlf_and_bare_lf", test_good_crlf_and_lf },
	{ "framer_bad_checksum", test_bad_checksum },
	{ "framer_lowercase_hex", test_lowercase_hex },
	{ "framer_missing_checksum", test_missing_checksum },
	{ "framer_too_long", test_too_long },
	{ "framer_long_real_sentences", test_long_real_sentences },
	{ "framer_max_len_bounds", test_max_len_bounds },
	{ "framer_garbage", test_garbage },
	{ "framer_start_mid_sentence", test_start_mid_sentence },
	{ "framer_ais_bang", test_ais_bang },
	{ "framer_nonprintable", test_nonprintable },
	{ "framer_cr_handling", test_cr_handling },
	{ "framer_double_dollar", test_double_dollar },
	{ "framer_counters_exact", test_counters_exact },
	{ "framer_doubtful", test_doubtful },
	{ "framer_numeric_types", test_numeric_types },
	{ "framer_start_char_fits_type", test_start_char },
	{ "framer_type_chars", test_type_chars },
	{ "framer_layouts", test_layouts },
	{ "framer_time_of_day", test_time_of_day },
	{ "framer_reset", test_reset },
	{ "framer_no_checksum_counted", test_no_checksum_counter },
	{ "framer_proprietary", test_proprietary },
	{ "framer_sentence_types", test_sentence_types },
	{ "framer_matches_line_rules", test_matches_reference },
	{ "framer_corpus_round_trip", test_corpus },
	TEST_END
};
