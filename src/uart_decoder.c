// SPDX-License-Identifier: GPL-2.0
/*
 * UART 8N1 receiver working from edge timestamps (simple version: every
 * frame is anchored on its start edge and sampled at the bit centres).
 */
#include <gpsnmea/uart_decoder.h>

#define FRAME_BITS	10	/* start, 8 data, stop */
#define STOP_BIT	9

static void dec_abort(struct uart_dec *d)
{
	d->in_frame = false;
	d->pending = false;
}

void uart_dec_init(struct uart_dec *d, const struct uart_dec_config *cfg,
		   uart_dec_emit_t emit, void *ctx)
{
	u32 baud = cfg->baud;

	memset(d, 0, sizeof(*d));
	if (baud < 50)
		baud = 50;
	if (baud > 1000000)
		baud = 1000000;
	d->cfg = *cfg;
	d->cfg.baud = baud;
	if (d->cfg.glitch_pct > 50)
		d->cfg.glitch_pct = 50;
	d->emit = emit;
	d->ctx = ctx;
	d->bit_ns = div_u64(1000000000ULL + baud / 2, baud);
	d->glitch_ns = div_u64(d->bit_ns * d->cfg.glitch_pct, 100);
	d->level = true;
	d->level_valid = true;
}

void uart_dec_reset(struct uart_dec *d)
{
	dec_abort(d);
	d->level_valid = false;
}

/* Sample every bit centre at or before @t with the level in force. */
static void dec_advance(struct uart_dec *d, u64 t)
{
	u32 n, mask;
	u64 span;

	if (!d->in_frame || t < d->frame_start)
		return;
	span = t - d->frame_start;
	if (span >= STOP_BIT * d->bit_ns + d->bit_ns / 2)
		n = FRAME_BITS;
	else
		n = div_u64(2 * span + d->bit_ns, 2 * d->bit_ns);
	if (n <= d->bit_pos)
		return;
	mask = (1U << n) - (1U << d->bit_pos);
	if (d->level)
		d->shift |= mask;
	d->bit_pos = n;
	if (n < FRAME_BITS)
		return;

	d->in_frame = false;
	if (d->shift & (1U << STOP_BIT)) {
		d->stats.bytes++;
		d->emit(d->ctx, (d->shift >> 1) & 0xff, d->frame_start);
	} else {
		d->stats.framing_errors++;
	}
}

/* An edge that survived the glitch filter. */
static void dec_commit(struct uart_dec *d, u64 t, bool level)
{
	dec_advance(d, t);
	d->level = level;
	d->level_since = t;
	if (!level && !d->in_frame && d->level_valid) {
		d->in_frame = true;
		d->frame_start = t;
		d->bit_pos = 1;
		d->shift = 0;
	}
	d->level_valid = true;
}

void uart_dec_edge(struct uart_dec *d, u64 t_ns, bool level)
{
	bool mark = level != d->cfg.invert;
	bool cur = d->pending ? d->pending_level : d->level;

	d->stats.edges++;
	if (t_ns < d->last_t || (mark == cur && d->level_valid)) {
		d->stats.order_errors++;
		dec_abort(d);
		d->level = mark;
		d->level_since = t_ns;
		d->last_t = t_ns;
		return;
	}
	d->last_t = t_ns;

	if (!d->glitch_ns) {
		dec_commit(d, t_ns, mark);
		return;
	}
	if (d->pending) {
		d->pending = false;
		if (t_ns - d->pending_t < d->glitch_ns) {
			/* A short pulse: forget both of its edges. */
			d->stats.glitches++;
			dec_advance(d, t_ns);
			return;
		}
		dec_commit(d, d->pending_t, d->pending_level);
	}
	dec_advance(d, t_ns);
	d->pending = true;
	d->pending_t = t_ns;
	d->pending_level = mark;
}

void uart_dec_idle(struct uart_dec *d, u64 now_ns)
{
	if (d->pending) {
		if (now_ns - d->pending_t < d->glitch_ns || now_ns < d->pending_t)
			return;
		d->pending = false;
		dec_commit(d, d->pending_t, d->pending_level);
	}
	dec_advance(d, now_ns);
}

u64 uart_dec_deadline(const struct uart_dec *d)
{
	u64 stop = d->frame_start + STOP_BIT * d->bit_ns + d->bit_ns / 2;

	if (d->pending) {
		if (d->in_frame && stop > d->pending_t + d->glitch_ns)
			return stop;
		if (!d->in_frame && !d->pending_level)
			return d->pending_t + STOP_BIT * d->bit_ns +
			       d->bit_ns / 2;
		return d->pending_t + d->glitch_ns;
	}
	return d->in_frame ? stop : 0;
}
