// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark: edges per second through the UART decoder and the NMEA
 * framer on one host core. Not a test: "make -C tests/unit bench".
 *
 * The input is NMEA-like text (printable bytes, CRLF every 70) at 115200
 * baud, sent in bursts of 10 lines, with +-25 % timestamp jitter, decoded
 * the way the driver does it: edges, and the idle timer when due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gpsnmea/nmea_framer.h>

#include "wave.h"

#define BENCH_BYTES	200000
#define BENCH_SECONDS	2.0

struct sink {
	struct nmea_framer f;
	u64 bytes, sentences;
};

static void sink_emit(void *ctx, u8 byte, u64 start_ns)
{
	struct sink *k = ctx;

	k->bytes++;
	k->sentences += nmea_framer_push(&k->f, byte, start_ns) != 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void)
{
	struct nmea_framer_config fcfg = { .max_len = NMEA_MAX_LEN_DEFAULT };
	struct uart_dec_config dcfg = { .baud = 115200, .glitch_pct = 25 };
	struct uart_dec d;
	struct sink k;
	struct wave w;
	u64 rng = 1, edges = 0, bytes = 0, dl;
	double t0, t;
	size_t i;
	int passes = 0;

	wave_init(&w, 115200, 1, 25, JITTER_UNIFORM, 7);
	for (i = 0; i < BENCH_BYTES; i++) {
		if (i % 70 == 0) {
			if (i % 700 == 0)
				wave_hold(&w, true, 2000);
			wave_byte(&w, '$');
		} else if (i % 70 == 68) {
			wave_byte(&w, '\r');
		} else if (i % 70 == 69) {
			wave_byte(&w, '\n');
		} else {
			wave_byte(&w, 0x20 + rng_next(&rng) % 95);
		}
	}
	wave_hold(&w, true, 20);

	t0 = now();
	do {
		memset(&k, 0, sizeof(k));
		nmea_framer_init(&k.f, &fcfg);
		uart_dec_init(&d, &dcfg, sink_emit, &k);
		for (i = 0; i < w.n; i++) {
			/* The driver looks at the deadline once per batch. */
			if (!(i & 15)) {
				dl = uart_dec_deadline(&d);
				if (dl && dl < w.e[i].t)
					uart_dec_idle(&d, dl);
			}
			uart_dec_edge(&d, w.e[i].t, w.e[i].level);
		}
		while ((dl = uart_dec_deadline(&d)))
			uart_dec_idle(&d, dl);
		edges += w.n;
		bytes += k.bytes;
		passes++;
		t = now() - t0;
	} while (t < BENCH_SECONDS);

	if (k.bytes != BENCH_BYTES)
		printf("warning: %llu of %d bytes decoded\n",
		       (unsigned long long)k.bytes, BENCH_BYTES);
	printf("decoder+framer: %.1f million edges/s (%.1f ns/edge), %.1f million bytes/s, %d passes of %zu edges\n",
	       edges / t / 1e6, t / edges * 1e9, bytes / t / 1e6, passes, w.n);
	wave_free(&w);
	return 0;
}
