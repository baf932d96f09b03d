// SPDX-License-Identifier: GPL-2.0
/*
 * A sentence arrives exact or is counted as dropped, never altered.
 *
 * Generated NMEA sentences go through decoder and framer under heavy
 * interrupt noise, modelled as scripts/bench's noise loads are made in the
 * VM (Documentation/performance.rst): interrupts-off sections at Poisson
 * times, most 1-3 us long with a tail of 10-30 us; an edge that comes
 * during one is timestamped when it ends, the edges queued behind it
 * 0.5 us apart. At 115200 to 460800 baud a tail section delays edges by
 * 1 to 14 bits. NMEA's 8-bit XOR checksum alone passes about 1 in 200 of
 * the sentences such delays corrupt; the decoder's flags (doubtful bytes,
 * gaps) and the framer's character and field rules (talker, layouts) must
 * catch the rest: every sentence that comes out at 115200 and 230400 baud
 * must be one that was sent. Documentation/decoder.rst has the numbers.
 */
#include <math.h>
#include <stdlib.h>

#include <gpsnmea/nmea_framer.h>

#include "test.h"
#include "wave.h"

#define EXACT_SENTENCES	2000	/* per point */
#define PER_BURST	8	/* sentences sent back to back */
#define SECTION_STEP_NS	500	/* edges queued behind a section */

struct noise {
	const char *name;
	double hz;		/* sections per second */
	double lo, hi;		/* their length, ns */
	double tail;		/* fraction from the tail */
	double tail_lo, tail_hi;
};

static const struct noise noises[] = {
	{ "noise1", 5000, 1000, 3000, 0.001, 10000, 30000 },
	{ "noise2", 20000, 1000, 3000, 0.001, 10000, 30000 },
	{ "noise3", 50000, 1000, 3000, 0.01, 10000, 30000 },
};

struct exact_rx {
	struct nmea_framer f;
	char (*got)[NMEA_SENTENCE_BUF];
	size_t n, cap;
	bool no_flags;		/* pass no flags to the framer */
};

static void exact_emit(void *ctx, u8 byte, u64 start_ns, u32 flags)
{
	struct exact_rx *r = ctx;
	u32 n = nmea_framer_push(&r->f, byte, start_ns,
				 r->no_flags ? 0 : flags);

	if (!n)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->got = realloc(r->got, r->cap * sizeof(*r->got));
		if (!r->got)
			abort();
	}
	memcpy(r->got[r->n++], nmea_framer_sentence(&r->f), n + 1);
}

static void add_num(char **p, u64 *rng, int digits, int decimals)
{
	int i;

	for (i = 0; i < digits; i++)
		*(*p)++ = '0' + rng_next(rng) % 10;
	if (decimals) {
		*(*p)++ = '.';
		for (i = 0; i < decimals; i++)
			*(*p)++ = '0' + rng_next(rng) % 10;
	}
}

/* A time of day, hhmmss.ss, as a receiver sends it. */
static void add_time(char **p, u64 *rng)
{
	u32 t = rng_next(rng) % (24 * 3600);

	*p += sprintf(*p, "%02u%02u%02u", t / 3600, t / 60 % 60, t % 60);
	add_num(p, rng, 0, 2);
}

/* One sentence like a receiver's, with CRLF and its checksum. */
static void make_sentence(char *s, u64 *rng)
{
	static const char *const talkers[] = { "GP", "GN", "GL", "GA" };
	char *p = s;
	u8 sum = 0;
	int i, n;

	p += sprintf(p, "$%s", talkers[rng_next(rng) % 4]);
	switch (rng_next(rng) % 5) {
	case 0:
		p += sprintf(p, "GGA,");
		add_time(&p, rng);
		*p++ = ',';
		add_num(&p, rng, 4, 5);
		p += sprintf(p, ",%c,", rng_next(rng) & 1 ? 'N' : 'S');
		add_num(&p, rng, 5, 5);
		p += sprintf(p, ",%c,1,", rng_next(rng) & 1 ? 'E' : 'W');
		add_num(&p, rng, 2, 0);
		*p++ = ',';
		add_num(&p, rng, 1, 2);
		*p++ = ',';
		add_num(&p, rng, 3, 1);
		p += sprintf(p, ",M,");
		add_num(&p, rng, 2, 1);
		p += sprintf(p, ",M,,");
		break;
	case 1:
		p += sprintf(p, "RMC,");
		add_time(&p, rng);
		p += sprintf(p, ",A,");
		add_num(&p, rng, 4, 5);
		p += sprintf(p, ",N,");
		add_num(&p, rng, 5, 5);
		p += sprintf(p, ",E,");
		add_num(&p, rng, 1, 3);
		*p++ = ',';
		add_num(&p, rng, 3, 2);
		*p++ = ',';
		add_num(&p, rng, 6, 0);
		p += sprintf(p, ",,,A");
		break;
	case 2:
		p += sprintf(p, "GSV,3,%d,", (int)(rng_next(rng) % 3) + 1);
		add_num(&p, rng, 2, 0);
		for (i = 0; i < 4; i++) {
			*p++ = ',';
			add_num(&p, rng, 2, 0);
			*p++ = ',';
			add_num(&p, rng, 2, 0);
			*p++ = ',';
			add_num(&p, rng, 3, 0);
			*p++ = ',';
			if (rng_next(rng) % 4)
				add_num(&p, rng, 2, 0);
		}
		break;
	case 3:
		p += sprintf(p, "GSA,A,3");
		n = 12;
		for (i = 0; i < n; i++) {
			*p++ = ',';
			if (rng_next(rng) % 3)
				add_num(&p, rng, 2, 0);
		}
		for (i = 0; i < 3; i++) {
			*p++ = ',';
			add_num(&p, rng, 1, 2);
		}
		break;
	default:
		p += sprintf(p, "VTG,");
		add_num(&p, rng, 3, 2);
		p += sprintf(p, ",T,,M,");
		add_num(&p, rng, 2, 3);
		p += sprintf(p, ",N,");
		add_num(&p, rng, 2, 3);
		p += sprintf(p, ",K,A");
		break;
	}
	for (i = 1; s + i < p; i++)
		sum ^= s[i];
	sprintf(p, "*%02X\r\n", sum);
}

/*
 * Delay the edges of @w as interrupts-off sections would: Poisson
 * arrivals, a section that would start less than 2 us after the last one
 * ends follows it at once (as a pending interrupt runs as soon as
 * interrupts are back on).
 */
static void add_noise(struct wave *w, const struct noise *nz, u64 seed)
{
	u64 rng = seed;
	double s = 0, e = 0, len;
	size_t i, queued = 0;
	u64 last = 0, t;

	for (i = 0; i < w->n; i++) {
		t = w->e[i].t;
		while (e <= t) {
			s += -log(1.0 - rng_unit(&rng)) * 1e9 / nz->hz;
			if (s < e + 2000)
				s = e;
			len = rng_unit(&rng) < nz->tail ?
			      nz->tail_lo + (nz->tail_hi - nz->tail_lo) *
					    rng_unit(&rng) :
			      nz->lo + (nz->hi - nz->lo) * rng_unit(&rng);
			e = s + len;
			queued = 0;
		}
		if (t >= s)
			t = (u64)e + SECTION_STEP_NS * queued++;
		if (t <= last)
			t = last + 1;
		wave_delay(w, i, (double)((s64)(t - w->e[i].t)) / w->bit);
		w->e[i].t = t;
		last = t;
	}
	w->last = last;
}

static int cmp_sentence(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Print @got and the sent sentence of its length nearest to it. */
static void print_altered(const char *got, char (*sent)[NMEA_SENTENCE_BUF],
			  size_t count)
{
	size_t i, k, n = strlen(got), diff, best = n + 1, at = 0;

	for (i = 0; i < count; i++) {
		if (strlen(sent[i]) != n)
			continue;
		for (diff = 0, k = 0; k < n; k++)
			diff += got[k] != sent[i][k];
		if (diff < best) {
			best = diff;
			at = i;
		}
	}
	printf("#   altered: %.*s\n", (int)n - 2, got);
	if (best <= n)
		printf("#   sent:    %.*s\n", (int)n - 2, sent[at]);
}

struct exact_result {
	size_t exact, altered, dropped;
	u64 framing, doubtful, charset, checksum;
};

static struct exact_result exact_point(u32 baud, const struct noise *nz,
				       size_t count, u64 seed, bool verbose,
				       bool no_flags)
{
	struct nmea_framer_config fcfg = { .max_len = NMEA_MAX_LEN_DEFAULT };
	/* Base latency up to 1 us, mostly short; the driver's glitch filter. */
	double jitter = 50.0 * 1000 / (1e9 / baud);
	struct uart_dec_config dcfg = { .baud = baud, .glitch_pct = 15 };
	struct exact_result res = { 0 };
	char (*sent)[NMEA_SENTENCE_BUF];
	struct exact_rx r = { .no_flags = no_flags };
	struct uart_dec d;
	struct wave w;
	size_t i;
	u64 rng = seed;
	const char *c;

	sent = malloc(count * sizeof(*sent));
	if (!sent)
		abort();
	wave_init(&w, baud, 0.3, jitter, JITTER_TAIL, seed);
	wave_hold(&w, true, 100);
	for (i = 0; i < count; i++) {
		make_sentence(sent[i], &rng);
		for (c = sent[i]; *c; c++)
			wave_byte(&w, *c);
		if ((i + 1) % PER_BURST == 0)
			wave_hold(&w, true, 200 + 2000 * rng_unit(&rng));
	}
	wave_hold(&w, true, 20);
	add_noise(&w, nz, seed ^ 0x9015e);

	nmea_framer_init(&r.f, &fcfg);
	uart_dec_init(&d, &dcfg, exact_emit, &r);
	CHECK(wave_feed(&d, &w, 0, w.n, false));
	CHECK(dec_flush(&d));

	/* Every sentence delivered must be one that was sent. */
	qsort(sent, count, sizeof(*sent), cmp_sentence);
	for (i = 0; i < r.n; i++) {
		if (bsearch(r.got[i], sent, count, sizeof(*sent),
			    cmp_sentence)) {
			res.exact++;
			continue;
		}
		res.altered++;
		if (verbose)
			print_altered(r.got[i], sent, count);
	}
	res.dropped = count - res.exact;
	res.framing = d.stats.framing_errors;
	res.doubtful = r.f.doubtful;
	res.charset = r.f.drops[NMEA_DROP_CHARSET];
	res.checksum = r.f.drops[NMEA_DROP_CHECKSUM];
	free(sent);
	free(r.got);
	wave_free(&w);
	return res;
}

/*
 * EXACT_SENTENCES=N sets the sentences per point, EXACT_VERBOSE=1 prints
 * the altered ones, EXACT_NO_FLAGS=1 keeps the decoder's flags from the
 * framer (what the checksum and the character rules catch alone).
 */
static void test_exact_or_dropped(void)
{
	static const u32 bauds[] = { 115200, 230400, 460800 };
	const char *env = getenv("EXACT_SENTENCES");
	size_t count = env ? strtoul(env, NULL, 0) : EXACT_SENTENCES;
	bool verbose = getenv("EXACT_VERBOSE");
	bool no_flags = getenv("EXACT_NO_FLAGS");
	struct exact_result res;
	size_t b, k, altered = 0, fast_altered = 0, fast_dropped = 0;

	printf("# %zu sentences per point: exact / dropped / altered; drops: doubtful, charset, checksum; framing errors\n",
	       count);
	for (k = 0; k < sizeof(noises) / sizeof(noises[0]); k++) {
		for (b = 0; b < sizeof(bauds) / sizeof(bauds[0]); b++) {
			res = exact_point(bauds[b], &noises[k], count,
					  0xe8ac7 + 31 * b + k, verbose,
					  no_flags);
			printf("# %-6s %6u baud: %5zu / %5zu / %3zu; %5llu %5llu %5llu; %6llu\n",
			       noises[k].name, bauds[b], res.exact,
			       res.dropped, res.altered,
			       (unsigned long long)res.doubtful,
			       (unsigned long long)res.charset,
			       (unsigned long long)res.checksum,
			       (unsigned long long)res.framing);
			if (bauds[b] < 460800) {
				altered += res.altered;
			} else {
				fast_altered += res.altered;
				fast_dropped += res.dropped;
			}
		}
	}
	CHECK_EQ(altered, 0);
	/*
	 * At 460800 baud a 1-3 us section is 0.5-1.4 bit: most sentences
	 * are lost, and an edge that comes one bit late looks like an edge
	 * on time. Two such flips that cancel in the checksum and leave
	 * valid characters (a digit for a digit, '.' for ',') cannot be
	 * told: at most one altered sentence per 500 dropped.
	 */
	if (fast_altered * 500 > fast_dropped)
		test_fail(__FILE__, __LINE__,
			  "460800 baud: %zu altered for %zu dropped",
			  fast_altered, fast_dropped);
}

const struct test exact_tests[] = {
	{ "exact_or_dropped_under_noise", test_exact_or_dropped },
	TEST_END
};
