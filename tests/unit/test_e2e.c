// SPDX-License-Identifier: GPL-2.0
/*
 * Decoder and framer together: every gpsd log sent as a waveform (a burst
 * of back-to-back sentences every few lines, clock error and jitter) must
 * come out byte-exact, and then as exactly the sentences of the log.
 */
#include <stdlib.h>

#include <gpsnmea/nmea_framer.h>

#include "corpus.h"
#include "test.h"
#include "wave.h"

struct e2e {
	struct nmea_framer f;
	char *bytes;		/* what the decoder emitted */
	size_t nbytes;
	char *out;		/* what the framer delivered */
	size_t nout, cap;
};

static void e2e_emit(void *ctx, u8 byte, u64 start_ns, u32 flags)
{
	struct e2e *e = ctx;
	u32 n;

	e->bytes[e->nbytes++] = byte;
	n = nmea_framer_push(&e->f, byte, start_ns, flags);
	if (n && e->nout + n <= e->cap)
		memcpy(e->out + e->nout, nmea_framer_sentence(&e->f), n);
	e->nout += n;
}

struct line_setup {
	u32 baud;
	double clock_pct, jitter_pct;
	enum jitter_model model;
	u32 glitch_pct;
	unsigned int lines_per_burst;
};

static void run_log(const struct corpus_log *l, const struct line_setup *s)
{
	struct nmea_framer_config fcfg = { .max_len = NMEA_MAX_LEN_DEFAULT };
	struct uart_dec_config dcfg = {
		.baud = s->baud, .glitch_pct = s->glitch_pct,
	};
	struct uart_dec d;
	struct wave w;
	struct e2e e = { 0 };
	unsigned int lines = 0;
	size_t i;

	e.bytes = malloc(l->wire_len + 1);
	e.cap = l->expect_len;
	e.out = malloc(e.cap + 1);
	REQUIRE(e.bytes && e.out);
	nmea_framer_init(&e.f, &fcfg);

	wave_init(&w, s->baud, s->clock_pct, s->jitter_pct, s->model, 42);
	wave_hold(&w, true, 100);
	for (i = 0; i < l->wire_len; i++) {
		wave_byte(&w, l->wire[i]);
		/* A GPS sends a burst of sentences, then pauses. */
		if (l->wire[i] == '\n' && ++lines % s->lines_per_burst == 0)
			wave_hold(&w, true, 0.1 * s->baud);
	}
	wave_hold(&w, true, 20);

	uart_dec_init(&d, &dcfg, e2e_emit, &e);
	CHECK(wave_feed(&d, &w, 0, w.n, false));
	CHECK(dec_flush(&d));

	CHECK_EQ(e.nbytes, l->wire_len);
	if (e.nbytes == l->wire_len && memcmp(e.bytes, l->wire, e.nbytes))
		test_fail(__FILE__, __LINE__, "%s at %u baud: bytes differ",
			  l->name, s->baud);
	CHECK_EQ(d.stats.framing_errors, 0);
	CHECK_EQ(d.stats.glitches, 0);
	CHECK_EQ(d.stats.order_errors, 0);
	CHECK_EQ(e.nout, l->expect_len);
	if (e.nout == l->expect_len && memcmp(e.out, l->expect, e.nout))
		test_fail(__FILE__, __LINE__, "%s at %u baud: sentences differ",
			  l->name, s->baud);
	CHECK_EQ(e.f.sentences, l->sentences);
	free(e.bytes);
	free(e.out);
	wave_free(&w);
}

static void run_corpus(const struct line_setup *s)
{
	struct corpus_log *logs;
	size_t n, i;

	n = corpus_load(&logs);
	REQUIRE(n >= 10);
	for (i = 0; i < n; i++)
		run_log(&logs[i], s);
	corpus_free(logs, n);
}

/* 9600 baud, sender 2 % fast, +-20 % jitter, the driver's glitch filter. */
static void test_corpus_9600(void)
{
	static const struct line_setup s = {
		9600, 2, 20, JITTER_UNIFORM, 25, 8,
	};

	run_corpus(&s);
}

/* 4800 baud, sender 3 % slow, latency mostly short, up to 0.4 bit. */
static void test_corpus_4800_latency(void)
{
	static const struct line_setup s = {
		4800, -3, 20, JITTER_TAIL, 0, 5,
	};

	run_corpus(&s);
}

/* 115200 baud, the whole log in one burst, +-25 % jitter. */
static void test_corpus_115200_stream(void)
{
	static const struct line_setup s = {
		115200, -1, 25, JITTER_UNIFORM, 0, 100000,
	};

	run_corpus(&s);
}

const struct test e2e_tests[] = {
	{ "e2e_corpus_9600_jitter20_glitch_filter", test_corpus_9600 },
	{ "e2e_corpus_4800_latency", test_corpus_4800_latency },
	{ "e2e_corpus_115200_stream", test_corpus_115200_stream },
	TEST_END
};
