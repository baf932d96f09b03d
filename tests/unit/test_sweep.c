// SPDX-License-Identifier: GPL-2.0
/*
 * UART decoder tolerance: random bytes under sender clock error and
 * timestamp jitter, in three kinds of traffic. Asserts zero errors inside
 * the required region and prints the whole curve.
 */
#include <stdlib.h>

#include "test.h"
#include "wave.h"

#define SWEEP_BYTES	20000
#define SWEEP_BAUD	9600

struct traffic {
	const char *name;
	unsigned int min, max;	/* bytes per burst */
};

static const struct traffic traffics[] = {
	{ "isolated", 1, 1 },
	{ "bursts of 3-8", 3, 8 },
	{ "bursts of 60-600", 60, 600 },
};

static const int clocks[] = { -6, -4, -2, 0, 2, 4, 6 };
#define NCLOCKS (sizeof(clocks) / sizeof(clocks[0]))
#define JSTEP	5
#define NJIT	15	/* 0..70 % */

/* Byte errors in SWEEP_BYTES random bytes at one point of the sweep. */
static size_t sweep_point(const struct traffic *tr, enum jitter_model m,
			  int clock, int jitter, u64 seed)
{
	struct uart_dec_config cfg = { .baud = SWEEP_BAUD };
	struct uart_dec d;
	struct wave w;
	struct rx rx = { 0 };
	size_t sent = 0, burst, errors;
	u64 rng = seed;

	wave_init(&w, SWEEP_BAUD, clock, jitter, m, seed ^ 0x5eed);
	while (sent < SWEEP_BYTES) {
		/* Idle of 2..40 bits, not a whole number of bits. */
		wave_hold(&w, true, 2 + 38 * rng_unit(&rng));
		burst = tr->min + rng_next(&rng) % (tr->max - tr->min + 1);
		for (; burst && sent < SWEEP_BYTES; burst--, sent++)
			wave_byte(&w, rng_next(&rng));
	}
	wave_hold(&w, true, 20);
	uart_dec_init(&d, &cfg, rx_emit, &rx);
	if (!wave_feed(&d, &w, 0, w.n, false) || !dec_flush(&d))
		test_fail(__FILE__, __LINE__, "idle timer stuck");
	errors = wave_errors(&w, &rx);
	rx_free(&rx);
	wave_free(&w);
	return errors;
}

/* Zero errors are required up to this jitter (percent) at |clock| <= 4 %. */
static void sweep(const struct traffic *tr, enum jitter_model m,
		  const int *required)
{
	size_t c, j, e;
	char line[256];
	int n;

	printf("# %s, %s jitter: byte errors per %d bytes at %d baud\n",
	       tr->name, m == JITTER_TAIL ? "tail-latency" : "uniform",
	       SWEEP_BYTES, SWEEP_BAUD);
	n = snprintf(line, sizeof(line), "#  clock \\ +-jitter%%:");
	for (j = 0; j < NJIT; j++)
		n += snprintf(line + n, sizeof(line) - n, "%6zu", j * JSTEP);
	printf("%s\n", line);
	for (c = 0; c < NCLOCKS; c++) {
		n = snprintf(line, sizeof(line), "#  %+4d%%             ",
			     clocks[c]);
		for (j = 0; j < NJIT; j++) {
			e = sweep_point(tr, m, clocks[c], j * JSTEP,
					1000 * c + j + 1);
			n += snprintf(line + n, sizeof(line) - n, "%6zu", e);
			if (e && abs(clocks[c]) <= 4 &&
			    (int)(j * JSTEP) <= required[m])
				test_fail(__FILE__, __LINE__,
					  "%s: %zu errors at clock %+d%% jitter +-%zu%%",
					  tr->name, e, clocks[c], j * JSTEP);
		}
		printf("%s\n", line);
	}
}

static const int req_isolated[] = { 0, 0 };
static const int req_short[] = { 0, 0 };
static const int req_long[] = { 0, 0 };

static void test_isolated_uniform(void)
{
	sweep(&traffics[0], JITTER_UNIFORM, req_isolated);
}

static void test_isolated_tail(void)
{
	sweep(&traffics[0], JITTER_TAIL, req_isolated);
}

static void test_short_uniform(void)
{
	sweep(&traffics[1], JITTER_UNIFORM, req_short);
}

static void test_short_tail(void)
{
	sweep(&traffics[1], JITTER_TAIL, req_short);
}

static void test_long_uniform(void)
{
	sweep(&traffics[2], JITTER_UNIFORM, req_long);
}

static void test_long_tail(void)
{
	sweep(&traffics[2], JITTER_TAIL, req_long);
}

const struct test sweep_tests[] = {
	{ "sweep_isolated_uniform", test_isolated_uniform },
	{ "sweep_isolated_tail", test_isolated_tail },
	{ "sweep_bursts_3_8_uniform", test_short_uniform },
	{ "sweep_bursts_3_8_tail", test_short_tail },
	{ "sweep_bursts_60_600_uniform", test_long_uniform },
	{ "sweep_bursts_60_600_tail", test_long_tail },
	TEST_END
};
