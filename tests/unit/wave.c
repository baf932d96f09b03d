// SPDX-License-Identifier: GPL-2.0
/* Test helper: waveform generator and decoder feeding (see wave.h). */
#include <math.h>
#include <stdlib.h>

#include "wave.h"

#define GROW(ptr, cap, n)						\
	do {								\
		if ((n) == (cap)) {					\
			(cap) = (cap) ? 2 * (cap) : 1024;		\
			(ptr) = realloc((ptr), (cap) * sizeof(*(ptr)));	\
			if (!(ptr))					\
				abort();				\
		}							\
	} while (0)

u64 rng_next(u64 *state)
{
	/* splitmix64 */
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double rng_unit(u64 *state)
{
	return (rng_next(state) >> 11) * (1.0 / 9007199254740992.0);
}

void wave_init(struct wave *w, u32 baud, double clock_pct, double jitter_pct,
	       enum jitter_model model, u64 seed)
{
	memset(w, 0, sizeof(*w));
	wave_reinit(w, baud, clock_pct, jitter_pct, model, seed);
}

void wave_reinit(struct wave *w, u32 baud, double clock_pct,
		 double jitter_pct, enum jitter_model model, u64 seed)
{
	w->n = 0;
	w->frames = 0;
	w->invert = false;
	w->last = 0;
	w->bit = 1e9 / baud / (1.0 + clock_pct / 100.0);
	w->spread = 2.0 * jitter_pct / 100.0 * (1e9 / baud);
	w->model = model;
	w->rng = seed;
	w->mark = true;
	/* Start well away from 0 so that no timestamp is ever near it. */
	w->now = 1e9;
}

void wave_free(struct wave *w)
{
	free(w->e);
	free(w->sent);
	memset(w, 0, sizeof(*w));
}

void wave_edge(struct wave *w, u64 t, bool raw_level)
{
	GROW(w->e, w->cap, w->n);
	w->e[w->n].t = t;
	w->e[w->n].level = raw_level;
	w->n++;
	w->last = t;
}

/* A level change at the sender's @now, seen with some latency. */
static void wave_change(struct wave *w, bool mark)
{
	double u = rng_unit(&w->rng), lat;
	u64 t;

	if (w->model == JITTER_TAIL)
		lat = w->spread * u * u * u;
	else if (w->model == JITTER_SPIKES)
		lat = u < 1.0 / 128 ? w->spread * (0.75 + 32 * u) :
				      w->bit * 0.05 * u;
	else
		lat = w->spread * u;
	t = (u64)llround(w->now + lat);
	/* Timestamps come from one interrupt handler: they never go back. */
	if (w->n && t <= w->last)
		t = w->last + 1;
	wave_edge(w, t, mark != w->invert);
	w->mark = mark;
}

void wave_hold(struct wave *w, bool mark, double bits)
{
	if (mark != w->mark)
		wave_change(w, mark);
	w->now += bits * w->bit;
}

void wave_frame(struct wave *w, u8 byte, bool stop_mark)
{
	int i;

	GROW(w->sent, w->frames_cap, w->frames);
	w->sent[w->frames].true_start = w->now;
	wave_hold(w, false, 1);
	w->sent[w->frames].start = w->last;
	w->sent[w->frames].edge = w->n - 1;
	w->sent[w->frames].byte = byte;
	w->frames++;
	for (i = 0; i < 8; i++)
		wave_hold(w, byte >> i & 1, 1);
	wave_hold(w, stop_mark, 1);
}

void wave_delay(struct wave *w, size_t i, double bits)
{
	size_t lo = 0, hi = w->frames, m;

	w->e[i].t += (u64)llround(bits * w->bit);
	/* The frame whose start edge this is, if any. */
	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (w->sent[m].edge < i)
			lo = m + 1;
		else
			hi = m;
	}
	if (lo < w->frames && w->sent[lo].edge == i)
		w->sent[lo].start = w->e[i].t;
	if (i + 1 == w->n)
		w->last = w->e[i].t;
}

void rx_emit(void *ctx, u8 byte, u64 start_ns, u32 flags)
{
	struct rx *rx = ctx;

	GROW(rx->got, rx->cap, rx->n);
	rx->got[rx->n].start = start_ns;
	rx->got[rx->n].byte = byte;
	rx->got[rx->n].flags = flags;
	rx->n++;
}

void rx_free(struct rx *rx)
{
	free(rx->got);
	memset(rx, 0, sizeof(*rx));
}

/* Fire the idle timer for every deadline before @t; false if stuck. */
bool dec_timers(struct uart_dec *d, u64 t)
{
	unsigned int guard = 0;
	u64 dl, prev = 0;

	while ((dl = uart_dec_deadline(d)) && dl <= t) {
		if (dl == prev && ++guard > 2)
			return false;
		prev = dl;
		uart_dec_idle(d, dl);
	}
	return true;
}

bool wave_feed(struct uart_dec *d, const struct wave *w, size_t from,
	       size_t to, bool no_timer)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (!no_timer && !dec_timers(d, w->e[i].t - 1))
			return false;
		uart_dec_edge(d, w->e[i].t, w->e[i].level);
	}
	return true;
}

bool dec_flush(struct uart_dec *d)
{
	return dec_timers(d, ~0ULL >> 1) && !uart_dec_deadline(d);
}

size_t wave_errors(const struct wave *w, const struct rx *rx)
{
	return wave_errors_from(w, rx, 0, NULL);
}

size_t wave_errors_from(const struct wave *w, const struct rx *rx,
			size_t from, const bool *skip)
{
	size_t i = from, j = 0, errors = 0;
	u64 t0 = from < w->frames ? w->sent[from].start : ~0ULL;

	while (j < rx->n && rx->got[j].start < t0)
		j++;
	while (i < w->frames || j < rx->n) {
		if (j == rx->n ||
		    (i < w->frames && w->sent[i].start < rx->got[j].start)) {
			/* sent, never received */
			errors += !(skip && skip[i]);
			i++;
		} else if (i == w->frames ||
			   rx->got[j].start < w->sent[i].start) {
			/* received, never sent: blame the frame before */
			errors += !(skip && i && skip[i - 1]);
			j++;
		} else {
			/* A doubtful byte costs its sentence: an error too. */
			if (rx->got[j].byte != w->sent[i].byte ||
			    rx->got[j].flags & UART_DEC_DOUBTFUL)
				errors += !(skip && skip[i]);
			i++;
			j++;
		}
	}
	return errors;
}
