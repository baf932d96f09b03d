// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark: edges per second through the UART decoder and the NMEA
 * framer on one host core. Not a test: "make -C tests/unit bench".
 * With a file name argument it also writes the byte error rate as a
 * function of timestamp jitter there (scripts/bench plots it).
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

static void sink_emit(void *ctx, u8 byte, u64 start_ns, u32 flags)
{
	struct sink *k = ctx;

	k->bytes++;
	k->sentences += nmea_framer_push(&k->f, byte, start_ns, flags) != 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define SWEEP_BYTES	50000
#define SWEEP_BAUD	115200
#define SWEEP_GLITCH	15	/* the driver's default glitch_pct */
#define SWEEP_MAX_PCT	60
#define SWEEP_STEP_PCT	2

/*
 * NMEA-like traffic (70-byte lines in bursts of 10, idle in between) with
 * timestamps spread over +-@jitter_pct % of a bit: the fraction of bytes
 * lost, wrong or spurious (see wave_errors()).
 */
static double sweep_point(struct wave *w, struct rx *rx,
			  enum jitter_model m, int jitter_pct)
{
	struct uart_dec_config dcfg = {
		.baud = SWEEP_BAUD, .glitch_pct = SWEEP_GLITCH,
	};
	struct uart_dec d;
	u64 rng = 3;
	size_t i;

	wave_reinit(w, SWEEP_BAUD, 0, jitter_pct, m, 11 + jitter_pct);
	rx->n = 0;
	for (i = 0; i < SWEEP_BYTES; i++) {
		if (i % 700 == 0)
			wave_hold(w, true, 200 + 50 * rng_unit(&rng));
		wave_byte(w, i % 70 == 0 ? '$' : 0x20 + rng_next(&rng) % 95);
	}
	wave_hold(w, true, 20);
	uart_dec_init(&d, &dcfg, rx_emit, rx);
	if (!wave_feed(&d, w, 0, w->n, false) || !dec_flush(&d))
		return 1.0;
	return (double)wave_errors(w, rx) / SWEEP_BYTES;
}

static int jitter_sweep(const char *path)
{
	FILE *f = fopen(path, "w");
	struct rx rx = { 0 };
	struct wave w;
	int j;

	if (!f) {
		perror(path);
		return 1;
	}
	wave_init(&w, SWEEP_BAUD, 0, 0, JITTER_UNIFORM, 1);
	fprintf(f, "# %d bytes of NMEA-like bursts at %d baud, glitch filter %d %%\n",
		SWEEP_BYTES, SWEEP_BAUD, SWEEP_GLITCH);
	fprintf(f, "# jitter(+-fraction of a bit) byte_error_rate(uniform) byte_error_rate(tail)\n");
	for (j = 0; j <= SWEEP_MAX_PCT; j += SWEEP_STEP_PCT)
		fprintf(f, "%.2f %.6f %.6f\n", j / 100.0,
			sweep_point(&w, &rx, JITTER_UNIFORM, j),
			sweep_point(&w, &rx, JITTER_TAIL, j));
	wave_free(&w);
	rx_free(&rx);
	return fclose(f) ? 1 : 0;
}

int main(int argc, char **argv)
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
	return argc > 1 ? jitter_sweep(argv[1]) : 0;
}
