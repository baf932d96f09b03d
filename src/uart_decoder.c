// SPDX-License-Identifier: GPL-2.0
/*
 * UART 8N1 receiver working from edge timestamps.
 *
 * The timestamps come late by a varying interrupt latency, up to most of a
 * bit time, so the gap between two edges is a poor measure of the number
 * of bits between them. Instead the decoder keeps a grid of bit boundaries
 * across each burst of back-to-back frames: a bit time, and for each frame
 * the time at which the edges of its bit 0 are seen, on average. Each edge
 * is placed at the nearest grid position after the previous edge's, and
 * the bits in between take the level in force, which is sampling at the
 * bit centres of the grid. The placed edge then refines the grid:
 *
 * - Phase. The offsets of the edges from the grid spread over the latency
 *   range. The centre of the grid is kept in the middle of the lowest and
 *   highest offset seen, which for latency spread evenly converges much
 *   faster than an average; that range may be no wider than the latency
 *   spread learnt over many frames, so a new extreme on one side pulls the
 *   other one in and the grid follows a drift at once. While a burst's
 *   range is still narrower than that spread, the centre goes where the
 *   average offset says (corrected by how far average and middle usually
 *   lie apart: latency tends to be short with rare long ones), as far as
 *   the range allows. Once the burst's floor is known (see Spikes), the
 *   centre moves later by at most 1/32 bit an edge: an edge later than
 *   the others may be one late edge, an earlier one cannot.
 * - Bit time. It is learnt over all frames received (time between start
 *   edges over bits between them, some 30000 bits of history), so a
 *   sender whose clock is off is learnt once and kept across idle gaps;
 *   within a burst, how far its grid has drifted refines it further.
 *
 * - Spikes. Latency is never negative: an edge that would come well before
 *   the earliest offset the burst has shown (its floor) is one that came
 *   more than half a bit late. It goes one position back and is not
 *   tracked (dec_spike()). An edge a bit or more late looks on time one
 *   position on; the next edge, nearest to that same position, tells
 *   (dec_back()).
 * - Before the floor is known, where latency has been tight, a frame whose
 *   edges fit the grid its start edge left only with some of them more
 *   than half a bit late waits for the next start edge: on time on that
 *   grid, it says the grid did not move and the edges were late
 *   (dec_hold(), dec_release()).
 *
 * Each byte goes out with flags: doubtful when its frame's edges did not
 * fit the grid as latency leaves them (a pulse the glitch filter dropped,
 * an edge forced onto the next position), a gap when frames may have been
 * lost before it (framing or order error, reset). The framer drops the
 * sentences that hold such bytes.
 *
 * A start edge at the position right after a good stop bit continues the
 * grid; any other one begins a new grid on itself. The first frame of a
 * burst is thus decoded from its own edges only, and tolerates less jitter
 * than the ones after it (see Documentation/decoder.rst). A start edge
 * well after that position may be late, or come after an idle gap of a
 * fraction of a bit: the frame's next edges decide (dec_alt()).
 *
 * All work is O(1) per edge, with few branches that depend on the data;
 * the (64-bit, div_u64()/div_s64()) divisions are per frame.
 */
#include <gpsnmea/uart_decoder.h>

#define FRAC		4	/* bit times and offsets are in 1/16 ns */
#define FRAME_BITS	10	/* start, 8 data, stop */
#define STOP_BIT	9
#define BEYOND		11	/* any position after the next frame's start */
#define RANGE_DECAY	10	/* the range of offsets forgets 1/1024 an edge */
#define RANGE_SLACK	5	/* range allowed beyond the spread: 1/32 bit */
#define EARLY_SLACK	3	/* earlier than the floor by 1/8 bit: a spike */
#define SETTLE_BITS	1536	/* bit time history before spikes are told */
#define LATE_SHIFT	5	/* a later edge moves the grid 1/32 bit at most */
#define COLD_LATE_SHIFT	3	/* ... 1/8 bit before the floor is known */
#define SPIKES_IN_A_ROW	2	/* more and the grid is off, not the edges */
#define MEAN_EDGES	32	/* the average offset is over about this many */
#define MEAN_SHIFT	5	/* log2(MEAN_EDGES) */
#define SKEW_DECAY	8	/* how fast the usual skew is learnt */
#define SPREAD_DECAY	8	/* the spread forgets 1/256 a frame */
#define RATE_PRIOR	64	/* weight of the nominal bit time, bits */
#define RATE_HISTORY	32768	/* bits of bit time history kept */
#define RATE_TRUST	1024	/* most weight of that history in a burst */

#define INVERSE_SHIFT	48	/* @inverse is 2^48 / @period */

#define S64_LARGE	((s64)(~0ULL >> 1))

static void dec_abort(struct uart_dec *d)
{
	d->in_frame = false;
	d->grid_valid = false;
	d->pending = false;
	d->alt = false;
}

/* Use bit time @p (1/16 ns) from now on. */
static void dec_set_period(struct uart_dec *d, u32 p)
{
	d->period = p;
	d->inverse = div_u64(1ULL << INVERSE_SHIFT, p);
}

/* What is learnt across bursts, as before the first edge. */
static void dec_unlearn(struct uart_dec *d)
{
	u32 baud = d->cfg.baud;

	d->rate = div_u64((1000000000ULL << FRAC) + baud / 2, baud);
	dec_set_period(d, d->rate);
	d->base = d->rate;
	d->rate_bits = RATE_PRIOR;
	d->rate_t = (u64)RATE_PRIOR * d->rate;
	d->spread = 0;
	d->skew = 0;
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
	d->glitch_ns = d->bit_ns / 100 * d->cfg.glitch_pct +
		       d->bit_ns % 100 * d->cfg.glitch_pct / 100;
	dec_unlearn(d);
	d->level = true;
	d->level_valid = true;
}

static void dec_release(struct uart_dec *d, bool start, u64 t);

void uart_dec_reset(struct uart_dec *d)
{
	if (d->held)
		dec_release(d, false, 0);
	dec_abort(d);
	d->gap = true;
	d->level_valid = false;
}

void uart_dec_forget(struct uart_dec *d)
{
	uart_dec_reset(d);
	dec_unlearn(d);
}

/*
 * dec_locate - grid position of an edge at @t in the current frame
 * @u: set to the edge's offset from the centre of bit 0, 1/16 ns
 *
 * Return: the nearest position after the previous edge's, or BEYOND.
 */
static inline u32 dec_locate(const struct uart_dec *d, u64 t, s64 *u)
{
	s64 x = (s64)(t - d->frame_start);
	s64 p = d->period, b;
	u32 k;

	*u = S64_LARGE;
	if (x > (s64)d->bit_ns * 2 * FRAME_BITS)
		return BEYOND;
	*u = x * (1 << FRAC) - d->phase;
	/*
	 * The nearest position, (u + p / 2) / p, by the reciprocal (which can
	 * come out one low), with as few branches as can be: edge positions
	 * are as good as random.
	 */
	b = *u + p / 2;
	b = b < 0 ? 0 : b;
	k = ((u64)b * d->inverse) >> INVERSE_SHIFT;
	k += *u >= (s64)k * p + p / 2;
	k = max_t(u32, k, d->bit_pos + 1);
	return min_t(u32, k, BEYOND);
}

/*
 * A bit time learnt from enough bits that the grid does not drift off by
 * itself: from then on, the burst's edges show its floor.
 */
static bool dec_settled(const struct uart_dec *d)
{
	return d->rate_bits >= SETTLE_BITS;
}

/*
 * A burst whose first frames have shown its latency tight, before its
 * floor is known: from its fifth frame and 16th edge on, the latency
 * spread learnt under a quarter bit.
 */
static bool dec_cold_tight(const struct uart_dec *d)
{
	return d->edges >= MEAN_EDGES / 2 && d->burst_frames >= 4 &&
	       d->spread < d->period / 4;
}

/*
 * The lowest offset the burst's edges have shown: its floor once known,
 * before that the low end of its range of offsets.
 */
static s64 dec_least(const struct uart_dec *d)
{
	return d->floor_edges < MEAN_EDGES ? d->lo : d->floor;
}

/*
 * dec_track - refine the grid with an edge placed at position @k
 * @u: the edge's offset from the centre of bit 0, 1/16 ns
 */
static void dec_track(struct uart_dec *d, s64 u, u32 k)
{
	s64 r, lo = d->lo, hi = d->hi, c, min, max;
	s64 w = (s64)d->spread + (d->period >> RANGE_SLACK);

	/* Forced to the next free position: not a sample of the latency. */
	u -= (s64)k * d->period;
	if (u < -(s64)(d->period / 2))
		return;
	r = u;
	u += d->phase;
	d->frame_lo = min_t(s64, u, d->frame_lo);
	d->frame_hi = max_t(s64, u, d->frame_hi);

	if (d->floor_edges < MEAN_EDGES)
		d->floor_edges += dec_settled(d);
	/* Down by 1/32 bit an edge at most: one misplaced edge is no news. */
	if (r < d->floor && d->floor_edges)
		d->floor = max_t(s64, r, d->floor - (d->period >> RANGE_SLACK));
	if (r > hi) {
		hi = r;
		if (lo < hi - w)
			lo = hi - w;
	} else if (r < lo) {
		lo = r;
		if (hi > lo + w)
			hi = lo + w;
	}
	if (d->edges < MEAN_EDGES) {
		d->edges++;
		d->mean += div_s64(r - d->mean, d->edges);
	} else {
		d->mean += (r - d->mean) >> MEAN_SHIFT;
	}
	c = lo + (hi - lo) / 2;

	/* Range narrower than the spread: where does the centre lie in it? */
	min = hi - (s64)(d->spread / 2);
	max = lo + (s64)(d->spread / 2);
	if (min < max) {
		c = d->mean - d->skew;
		if (c < min)
			c = min;
		if (c > max)
			c = max;
	} else if (d->edges == MEAN_EDGES) {
		d->skew += (d->mean - lo - (hi - lo) / 2 - d->skew) >>
			   SKEW_DECAY;
	}
	/*
	 * Latency only delays: once the floor is known, or a burst's first
	 * frames have shown its latency tight, an edge later than the rest
	 * moves the grid later by little (it may be one late edge), an
	 * earlier one moves it at once.
	 */
	if (d->floor_edges >= MEAN_EDGES)
		c = min_t(s64, c, d->period >> LATE_SHIFT);
	else if (dec_cold_tight(d))
		c = min_t(s64, c, d->period >> COLD_LATE_SHIFT);

	d->phase += c;
	d->drift += c;
	d->mean -= c;
	lo -= c;
	hi -= c;
	d->lo = lo - (lo >> RANGE_DECAY);
	d->hi = hi - (hi >> RANGE_DECAY);
	/* Offsets are at least -p / 2 from the nearest position. */
	if (d->floor_edges)
		d->floor = clamp_t(s64, d->floor - c, -(s64)(d->period / 2), 0);
	d->floor -= d->floor >> RANGE_DECAY;
}

/*
 * dec_spike - tell an edge that a latency spike delayed
 * @k: its nearest grid position, moved one back if need be
 * @u: its offset from the centre of bit 0, 1/16 ns
 * @mark: its level
 *
 * Latency only ever delays an edge. Once a burst has shown how early its
 * edges come (@floor), one that would be well before that at its nearest
 * position is a long interrupt latency, and belongs one position back,
 * more than half a bit late. Spread evenly, latency never gets here: the
 * floor is then near minus half a bit. The stop bit's edge can only rise.
 * Spikes are rare: after two in a row, the grid is off instead, and the
 * next edge stays where it is to pull the grid back.
 *
 * Before the floor is known, the low end of the burst's range stands in
 * for it in one case only: a frame left undecided by a late start edge
 * (dec_alt()) in a burst whose latency has been tight. Its edges are
 * placed on the old grid meanwhile, and the one after a start edge 0.3 bit
 * late may be later still (0.6 bit): half a bit early at the next position.
 *
 * Return: true if the edge was moved; it then says nothing of the grid.
 */
static bool dec_spike(struct uart_dec *d, u32 *k, s64 u, bool mark)
{
	s64 r = u - (s64)*k * d->period;

	/* The first test nearly always fails, and is the one to predict. */
	if (r >= dec_least(d) - (s64)(d->period >> EARLY_SLACK) ||
	    (d->floor_edges < MEAN_EDGES && !(d->alt && dec_cold_tight(d))) ||
	    d->spikes >= SPIKES_IN_A_ROW ||
	    *k <= d->bit_pos + 1 || *k > FRAME_BITS ||
	    (*k == FRAME_BITS && !mark)) {
		d->spikes = 0;
		return false;
	}
	(*k)--;
	d->stats.late_edges++;
	d->spikes++;
	return true;
}

/*
 * The latency spread is learnt from the offsets of each frame's edges
 * (from the one after its start edge to the next frame's start edge), not
 * held in by the limit above: the widest range of those, forgotten slowly.
 * A burst's first frame is left out, its grid is too rough.
 */
static void dec_spread(struct uart_dec *d)
{
	s64 e, grow;
	bool seen = d->frame_hi >= d->frame_lo;

	e = seen ? d->frame_hi - d->frame_lo : 0;
	/* Counted to tell tight latency (dec_hold()); a burst is short. */
	if (seen && d->burst_frames < (1U << 28)) {
		d->burst_frames++;
		d->wide_frames += e >= d->period / 4;
	}
	grow = d->period >> 5;
	d->frame_lo = S64_LARGE;
	d->frame_hi = -S64_LARGE;
	if (!seen || !d->grid_valid || !d->drift_bits)
		return;
	d->spread -= d->spread >> SPREAD_DECAY;
	/* Grow by 1/32 bit a frame at most: one misplaced edge is no news. */
	if (e > d->spread + grow)
		e = d->spread + grow;
	if (e > d->spread)
		d->spread = e;
}

/* A bit time within 1/8 of the nominal one. */
static u32 dec_clamp(const struct uart_dec *d, s64 p)
{
	s64 nominal = (s64)d->bit_ns << FRAC;

	if (p < nominal - nominal / 8)
		return nominal - nominal / 8;
	if (p > nominal + nominal / 8)
		return nominal + nominal / 8;
	return p;
}

/*
 * Add @bits bit times that took @dt ns to the bit time history, unless
 * they are no bit times of this baud rate (noise that looked like a frame).
 */
static void dec_rate(struct uart_dec *d, u64 dt, u32 bits)
{
	u64 nominal = (u64)d->bit_ns * bits;

	if (dt < nominal - nominal / 8 || dt > nominal + nominal / 8)
		return;
	d->rate_bits += bits;
	d->rate_t += dt << FRAC;
	while (d->rate_bits > RATE_HISTORY) {
		d->rate_bits /= 2;
		d->rate_t /= 2;
	}
	d->rate = dec_clamp(d, div_u64(d->rate_t, d->rate_bits));
}

/*
 * dec_late_alt - the frame's bits on the grid its start edge left, with
 * every edge at the position it would be at least that late from (latency
 * is never negative: no edge comes more than 1/8 bit before the lowest
 * offset the burst has shown), its stop bit's edge up to a bit more
 * @alt: set to those bits, positions 0..9
 * @moved: set to how many edges that takes more than half a bit late
 *
 * Return: false if the edges make no frame (start and stop bit) that way.
 */
static bool dec_late_alt(const struct uart_dec *d, u32 *alt, u32 *moved)
{
	s64 p = d->g0_period, e = d->g0_lo - (p >> EARLY_SLACK), x;
	u32 i, prev = 0, shift = 0, n = 0;
	bool level = false;
	u64 k;

	for (i = 0; i < d->fr_n; i++) {
		if (d->fr_t[i] - d->g0_start > (u64)d->bit_ns * 2 * FRAME_BITS)
			return false;
		x = (s64)(d->fr_t[i] - d->g0_start) * (1 << FRAC) - d->g0_phase;
		if (x < e)
			return false;
		k = div_u64(x - e, p);
		/*
		 * The frame's last edge rising just after position 10: a stop
		 * bit's edge more than a bit late (the start edge after it
		 * must be on time, see dec_release()).
		 */
		if (k == FRAME_BITS && !level && i == d->fr_n - 1)
			k = STOP_BIT;
		if (k <= prev || k > STOP_BIT)
			return false;
		shift |= ((1U << k) - (1U << prev)) & -(u32)level;
		n += x - (s64)k * p > p / 2;
		level = !level;
		prev = k;
	}
	if (!level)
		return false;
	*alt = shift | ((1U << FRAME_BITS) - (1U << prev));
	*moved = n;
	return true;
}

static void dec_emit(struct uart_dec *d, u32 shift, u64 start_t, u32 flags)
{
	d->stats.bytes++;
	d->emit(d->ctx, (shift >> 1) & 0xff, start_t, flags);
}

/*
 * dec_release - decide the byte held by dec_complete()
 * @start: the next frame's start edge is at @t
 *
 * If that start edge sits where the held frame's grid puts position 10,
 * the grid did not move during the frame: the edges that made it look so
 * were late, and the byte is the one dec_late_alt() made, on that grid,
 * which goes on. Otherwise the byte is what the frame decoded to.
 */
static void dec_release(struct uart_dec *d, bool start, u64 t)
{
	s64 p = d->g0_period, u;

	d->held = false;
	start = start && t >= d->g0_start &&
		t - d->g0_start <= (u64)d->bit_ns * 2 * FRAME_BITS;
	u = start ? (s64)(t - d->g0_start) * (1 << FRAC) - d->g0_phase -
		    FRAME_BITS * p : 0;
	/*
	 * On time there: not earlier than the burst's earliest edges (1/16
	 * bit of slack; a start edge earlier than that says the grid is off,
	 * be it a fast sender's drift or a late start edge that moved it, and
	 * the edges were not late), nor over 1/4 bit later than its latest.
	 */
	if (start && u >= d->g0_lo - (p >> 4) && u <= d->g0_hi + p / 4) {
		d->frame_start = d->g0_start;
		d->phase = d->g0_phase;
		dec_set_period(d, d->g0_period);
		d->lo = d->g0_lo;
		d->hi = d->g0_hi;
		d->mean = d->g0_mean;
		d->drift = d->g0_drift;
		d->grid_valid = true;
		d->bit_pos = STOP_BIT;
		d->stats.late_edges += d->held_moved;
		dec_emit(d, d->held_alt, d->held_start_t, d->held_flags);
		return;
	}
	if (!d->held_good) {
		d->stats.framing_errors++;
		d->gap = true;
		return;
	}
	dec_emit(d, d->held_shift, d->held_start_t, d->held_flags);
}

/*
 * dec_hold - hold the byte just completed until the next start edge
 *
 * Until the burst's floor is known (see dec_spike()), a run of edges more
 * than half a bit late looks like the grid moving, and the frame decodes
 * wrong. Where the burst's latency is tight, and the frame's edges fit the
 * grid its start edge left with latency only (dec_late_alt()) but to
 * another byte, the next start edge decides (dec_release()).
 *
 * Return: true if the byte is held.
 */
static bool dec_hold(struct uart_dec *d, bool good)
{
	u32 alt, moved;

	if (!d->g0_valid || d->alt || !dec_late_alt(d, &alt, &moved) ||
	    (good && alt == (d->shift & ((1U << FRAME_BITS) - 1))))
		return false;
	/*
	 * Every edge a position back: the frame's edges agree with each
	 * other, the kept grid is off (a late start edge moved it).
	 */
	if (good && moved == d->fr_n)
		return false;
	d->held = true;
	d->held_good = good;
	d->held_shift = d->shift & ((1U << FRAME_BITS) - 1);
	d->held_alt = alt;
	d->held_moved = moved;
	d->held_start_t = d->start_t;
	d->held_flags = (d->doubt ? UART_DEC_DOUBTFUL : 0) |
			(d->gap ? UART_DEC_GAP : 0);
	d->gap = false;
	d->held_until = d->g0_start +
			((d->g0_phase + FRAME_BITS * (s64)d->g0_period +
			  d->g0_hi + d->g0_period / 4) >> FRAC) + 1;
	return true;
}

static void dec_complete(struct uart_dec *d)
{
	bool good = d->shift & (1U << STOP_BIT);
	u32 flags;

	/* A burst's first frame: its own edges measure the bit time. */
	if (good && !d->drift_bits && d->bit_pos)
		dec_rate(d, d->edge_t - d->start_t, d->bit_pos);
	d->in_frame = false;
	d->grid_valid = good;
	d->bit_pos = STOP_BIT;
	if (dec_hold(d, good))
		return;
	if (!good) {
		d->stats.framing_errors++;
		d->gap = true;
		return;
	}
	flags = (d->doubt ? UART_DEC_DOUBTFUL : 0) | (d->gap ? UART_DEC_GAP : 0);
	d->gap = false;
	dec_emit(d, d->shift, d->start_t, flags);
}

/* Bits up to position @k (exclusive) have the level in force. */
static void dec_sample(struct uart_dec *d, u32 k)
{
	u32 n = min_t(u32, k, FRAME_BITS);

	/* Without a branch: the level is as good as random. */
	d->shift |= ((1U << n) - (1U << d->bit_pos)) & -(u32)d->level;
	if (k < FRAME_BITS) {
		d->prev_pos = d->bit_pos;
		d->bit_pos = k;
	} else {
		dec_complete(d);
	}
}

/*
 * The next frame of a burst: move the grid on by a frame, and refine the
 * burst's bit time from how far its centre has drifted from the bit time
 * the burst began with (weighed against that one's history).
 */
static void dec_next_frame(struct uart_dec *d)
{
	s64 next = d->phase + FRAME_BITS * (s64)d->period;

	d->frame_start += next >> FRAC;
	d->phase = next & ((1 << FRAC) - 1);
	if (!d->drift_bits) {
		/* The first frame only found the phase: measure from here. */
		d->drift = 0;
		d->drift_bits = 1;
		return;
	}
	d->drift += FRAME_BITS * ((s64)d->period - d->base);
	d->drift_bits += FRAME_BITS;
	/*
	 * Keep the last 32768..65536 bits of it (as dec_rate() does): the
	 * same correction, the divisor below fits s32 and the drift stays
	 * small, in a burst of any length.
	 */
	while (d->drift_bits > UART_DEC_DRIFT_HISTORY) {
		d->drift_bits /= 2;
		d->drift /= 2;
	}
	dec_set_period(d, dec_clamp(d, d->base +
				    div_s64(d->drift,
					    d->base_weight + d->drift_bits)));
}

/* Begin a grid of its own on the start edge at @t, as after a long gap. */
static void dec_new_grid(struct uart_dec *d, u64 t)
{
	d->frame_start = t;
	d->phase = 0;
	d->lo = 0;
	d->hi = 0;
	d->floor = 0;
	d->floor_edges = 0;
	d->burst_frames = 0;
	d->wide_frames = 0;
	d->spikes = 0;
	d->mean = 0;
	d->edges = 1;
	d->base = d->rate;
	d->base_weight = min_t(u32, d->rate_bits, RATE_TRUST);
	dec_set_period(d, d->base);
	d->drift_bits = 0;
}

/*
 * dec_start - a start edge
 * @t: its time
 * @k: its grid position in the last frame
 * @u: its offset from the centre of that frame's bit 0, 1/16 ns
 *
 * Right after a good stop bit, the grid goes on: at position 10, or one
 * position later for a start edge late by up to 3/4 bit (or, once the
 * floor is known, by more than the floor allows; see dec_spike(); before
 * that, where latency is tight, by up to 7/8 bit, the frame undecided as
 * below). Otherwise the start edge begins a new grid on itself.
 *
 * A start edge more than 1/4 bit after position 10 may also come after
 * an idle gap of a fraction of a bit: legal 8N1 (a stop bit may be
 * longer than one bit), and the grid would then be that far off for the
 * whole frame. Where the latency is tight enough for edges to tell (the
 * spread learnt, and the range of the last frame's offsets, under 1/4
 * bit), the frame continues the old grid undecided, and its next edges
 * choose (dec_alt()).
 */
/* Latency tight enough for a frame's edges to tell two grids apart. */
static bool dec_tight(const struct uart_dec *d)
{
	s64 p = d->period;

	return d->spread < p / 4 &&
	       (d->frame_hi < d->frame_lo || d->frame_hi - d->frame_lo < p / 4);
}

static void dec_start(struct uart_dec *d, u64 t, u32 k, s64 u)
{
	s64 p = d->period, lo = d->lo, phase = d->phase;
	bool go_on = false, late = false;
	u64 dt = 0;

	if (d->grid_valid && k == FRAME_BITS + 1 &&
	    d->floor_edges >= MEAN_EDGES &&
	    u - k * p < d->floor - (p >> EARLY_SLACK)) {
		go_on = true;
		late = true;
	} else if (d->grid_valid && (k == FRAME_BITS ||
				     (k == FRAME_BITS + 1 &&
				      u < FRAME_BITS * p + 3 * p / 4) ||
				     (k == FRAME_BITS + 1 && dec_tight(d) &&
				      d->floor_edges < MEAN_EDGES &&
				      u < FRAME_BITS * p + 7 * p / 8))) {
		go_on = true;
		dt = t - d->start_t;
		/*
		 * More than half a bit late says little of the grid, unless
		 * the latency spread is that wide.
		 */
		late = k != FRAME_BITS && d->spread <= d->period / 2;
	}

	if (go_on && u - FRAME_BITS * p > p / 4 && dec_tight(d)) {
		dec_spread(d);
		d->alt = true;
		d->alt_late = late;
		d->alt_dt = dt;
		d->alt_votes[0] = 0;
		d->alt_votes[1] = 0;
		d->alt_score = 0;
		d->alt_held = 0;
		d->alt_late_edges = d->stats.late_edges;
		d->alt_skew = d->skew;
		dec_next_frame(d);
	} else if (go_on) {
		if (dt)
			dec_rate(d, dt, FRAME_BITS);
		if (late)
			d->stats.late_edges++;
		else
			dec_track(d, u, FRAME_BITS);
		/*
		 * A start edge later than the range pulls its low end up: the
		 * lowest offset shown is the old one, where the grid moved it.
		 */
		lo = min_t(s64, d->lo, lo - (d->phase - phase));
		dec_spread(d);
		dec_next_frame(d);
	} else {
		dec_spread(d);
		dec_new_grid(d, t);
	}
	d->in_frame = true;
	d->start_t = t;
	d->edge_t = t;
	d->bit_pos = 0;
	d->prev_pos = 0;
	d->shift = 0;
	/*
	 * The grid as this start edge leaves it, for dec_hold(): one that went
	 * on over a burst's first edges, before the floor is known, where
	 * latency is tight (in at most one frame of the burst's eight, plus
	 * one from the eighth frame on, were the edges' offsets spread over a
	 * quarter bit: a process starting may delay edges of two frames close
	 * together, and they do not close the door on the next).
	 */
	d->fr_n = 0;
	d->g0_valid = go_on && !d->alt && d->edges >= MEAN_EDGES / 2 &&
		      d->floor_edges < MEAN_EDGES && d->burst_frames >= 2 &&
		      d->wide_frames * 8 <= d->burst_frames +
					     (d->burst_frames >= 8 ? 8 : 0);
	d->g0_start = d->frame_start;
	d->g0_phase = d->phase;
	d->g0_period = d->period;
	d->g0_lo = go_on ? lo : d->lo;
	d->g0_hi = d->hi;
	d->g0_mean = d->mean;
	d->g0_drift = d->drift;
}

/* Keep the grid as it is before an edge of the frame refines it. */
static void dec_save(struct uart_dec *d)
{
	d->undo.phase = d->phase;
	d->undo.drift = d->drift;
	d->undo.mean = d->mean;
	d->undo.lo = d->lo;
	d->undo.hi = d->hi;
	d->undo.floor = d->floor;
	d->undo.skew = d->skew;
	d->undo.frame_lo = d->frame_lo;
	d->undo.frame_hi = d->frame_hi;
	d->undo.edges = d->edges;
	d->undo.floor_edges = d->floor_edges;
}

/* Take back what the frame's latest edge did to the grid. */
static void dec_undo(struct uart_dec *d)
{
	d->phase = d->undo.phase;
	d->drift = d->undo.drift;
	d->mean = d->undo.mean;
	d->lo = d->undo.lo;
	d->hi = d->undo.hi;
	d->floor = d->undo.floor;
	d->skew = d->undo.skew;
	d->frame_lo = d->undo.frame_lo;
	d->frame_hi = d->undo.frame_hi;
	d->edges = d->undo.edges;
	d->floor_edges = d->undo.floor_edges;
}

/*
 * dec_back - an edge nearest to the position of the edge before it
 * @u: its offset from the centre of bit 0, 1/16 ns
 *
 * Latency only delays, so the edge belongs at that position (or earlier),
 * and the edge before it there came a bit late or more: it looked on time
 * one position on. Where the frame has room, and this edge is no earlier
 * there than the burst's floor allows (before the floor is known: the low
 * end of its range of offsets), that edge goes one position back (the bit
 * it leaves takes its level) and this one takes its place.
 *
 * Return: true if the edge before moved; it is then counted as late.
 */
static bool dec_back(struct uart_dec *d, s64 u)
{
	u32 q = d->bit_pos;
	s64 r = u - (s64)q * d->period;

	if (d->alt || q < 2 || q - 1 <= d->prev_pos ||
	    r < -(s64)(d->period / 2) ||
	    r < dec_least(d) - (s64)(d->period >> EARLY_SLACK))
		return false;
	/* It was no sample of the latency either. */
	dec_undo(d);
	d->shift = (d->shift & ~(1U << (q - 1))) | ((u32)d->level << (q - 1));
	d->bit_pos = q - 1;
	d->stats.late_edges++;
	return true;
}

/*
 * An edge at @t inside the frame, at position @k, offset @u; it refines
 * the grid unless it is a spike or the frame is undecided (dec_alt()).
 */
static inline void dec_frame_edge(struct uart_dec *d, u64 t, bool mark,
				  u32 k, s64 u)
{
	bool spike;

	/* An edge of the frame, not the next frame's start edge. */
	if (d->fr_n < FRAME_BITS && (k < FRAME_BITS || mark || !d->level))
		d->fr_t[d->fr_n++] = t;
	spike = dec_spike(d, &k, u, mark);

	/*
	 * Forced onto the position after the last edge's: two edges nearer
	 * than the grid allows, one of them late (as edges queued behind an
	 * interrupts-off section come together).
	 */
	if (!spike && k < BEYOND &&
	    u - (s64)k * d->period < -(s64)(d->period / 2)) {
		spike = dec_back(d, u);
		if (spike)
			k = d->bit_pos + 1;
		else
			d->doubt = true;
	}
	dec_sample(d, k);
	if (d->in_frame) {
		dec_save(d);
		if (!spike && !d->alt)
			dec_track(d, u, k);
		d->edge_t = t;
	}
}

/* The undecided start edge was late: as dec_start() would have had it. */
static void dec_alt_keep(struct uart_dec *d)
{
	d->alt = false;
	if (d->alt_dt)
		dec_rate(d, d->alt_dt, FRAME_BITS);
	d->stats.late_edges += d->alt_late;
}

/*
 * The undecided start edge came after a gap: the frame begins a grid of
 * its own, and the edges held so far are placed again on it.
 */
static void dec_alt_move(struct uart_dec *d)
{
	u32 i, k;
	s64 u;

	d->alt = false;
	d->stats.late_edges = d->alt_late_edges;
	d->skew = d->alt_skew;
	dec_new_grid(d, d->start_t);
	d->frame_lo = S64_LARGE;
	d->frame_hi = -S64_LARGE;
	d->edge_t = d->start_t;
	d->bit_pos = 0;
	d->prev_pos = 0;
	d->shift = 0;
	d->level = false;
	for (i = 0; i < d->alt_held; i++) {
		k = dec_locate(d, d->alt_t[i], &u);
		dec_frame_edge(d, d->alt_t[i], d->alt_level[i], k, u);
		d->level = d->alt_level[i];
	}
}

/* Decide an undecided frame by its votes; true if it moved. */
static bool dec_alt_decide(struct uart_dec *d)
{
	u32 keep = d->alt_votes[0], move = d->alt_votes[1];

	if (move > keep || (move == keep && d->alt_score > 0)) {
		dec_alt_move(d);
		return true;
	}
	dec_alt_keep(d);
	return false;
}

static s64 dec_abs(s64 v)
{
	return v < 0 ? -v : v;
}

/*
 * dec_alt - weigh an edge of an undecided frame (see dec_start())
 * @t: its time
 * @mark: its level
 * @k: its grid position on the old grid (dec_locate())
 * @u: its offset from the centre of bit 0 there, 1/16 ns
 *
 * On the old grid, the edges after a late start edge sit where edges
 * usually do, near the average offset of the burst's edges; after a gap
 * they are all off by the gap, and sit near the positions of a grid on
 * the start edge itself. Each edge votes for the grid it fits better; two
 * votes decide. So one edge as late as the start edge before it (two late
 * edges in a row) does not move the frame, nor does one edge whose own
 * latency puts it nearer the old grid keep it. An edge the old grid would
 * end the frame with, and the idle timer, decide at once (a tie by how
 * much better the edges fit); a frame has an edge before its stop bit, so
 * there is always one vote.
 *
 * Return: true if the frame moved; @k and @u are then stale.
 */
static bool dec_alt(struct uart_dec *d, u64 t, bool mark, u32 k, s64 u)
{
	s64 p = d->period, x, m;
	u64 kb;

	if (k != BEYOND) {
		/* The nearest position on the start edge's grid but 0. */
		x = t - d->start_t;
		x *= 1 << FRAC;
		kb = ((u64)(x + p / 2) * d->inverse) >> INVERSE_SHIFT;
		kb += x >= (s64)kb * p + p / 2;
		kb = max_t(u64, kb, 1);
		m = dec_abs(u - (s64)k * p - d->mean) -
		    dec_abs(x - (s64)kb * p);
		d->alt_votes[m > 0]++;
		d->alt_score += m;
		if (k < FRAME_BITS && d->alt_votes[0] < 2 &&
		    d->alt_votes[1] < 2) {
			d->alt_t[d->alt_held] = t;
			d->alt_level[d->alt_held++] = mark;
			return false;
		}
	}
	return dec_alt_decide(d);
}

/* An edge that passed the glitch filter. */
static void dec_commit(struct uart_dec *d, u64 t, bool mark)
{
	/* A fall from an unknown level: the line was at mark before it. */
	bool was_mark = d->level || !d->level_valid;
	u32 k = BEYOND;
	s64 u = 0;

	/* A held byte: the next frame's start edge decides it (dec_hold()). */
	if (d->held)
		dec_release(d, was_mark && !mark, t);
	if (d->in_frame || d->grid_valid)
		k = dec_locate(d, t, &u);
	/* Only a frame in progress is undecided. */
	if (d->alt && dec_alt(d, t, mark, k, u))
		k = dec_locate(d, t, &u);
	if (d->in_frame)
		dec_frame_edge(d, t, mark, k, u);
	d->level = mark;
	d->level_valid = true;
	if (!d->in_frame && was_mark && !mark) {
		/* The start edge that completed the frame decides it. */
		if (d->held) {
			dec_release(d, true, t);
			k = d->grid_valid ? dec_locate(d, t, &u) : BEYOND;
		}
		d->doubt = false;
		dec_start(d, t, k, u);
	}
}

/*
 * When the frame in progress has its stop bit sampled: as late as an edge
 * that rises into the stop bit could still be seen (see dec_spike()).
 */
static u64 dec_frame_deadline(const struct uart_dec *d)
{
	s64 p = d->period;
	s64 v = FRAME_BITS * p - (p >> EARLY_SLACK);

	/* Undecided (dec_alt()): the later grid, on the start edge. */
	if (d->alt)
		return d->start_t + ((v + (1 << FRAC) - 1) >> FRAC);
	v += d->phase;
	return d->frame_start + ((v + (1 << FRAC) - 1) >> FRAC);
}

/* The frame's stop bit is due: decide the frame if need be, sample it. */
static void dec_finish(struct uart_dec *d)
{
	if (d->alt)
		dec_alt_decide(d);
	dec_sample(d, BEYOND);
}

void uart_dec_edge(struct uart_dec *d, u64 t_ns, bool level)
{
	bool mark = level != d->cfg.invert;
	bool cur = d->pending ? d->pending_level : d->level;

	d->stats.edges++;
	if (t_ns < d->last_t || (mark == cur && d->level_valid)) {
		/* Lost edge or time going back: start over from here. */
		if (d->held)
			dec_release(d, false, 0);
		d->stats.order_errors++;
		d->gap = true;
		dec_abort(d);
		d->level = mark;
		d->level_valid = true;
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
			/*
			 * A short pulse: forget both of its edges. Inside a
			 * frame the byte is doubtful, outside one a frame may
			 * be lost: it may have been two real edges that came
			 * together late.
			 */
			d->stats.glitches++;
			/* After the stop bit's sampling point, as idle would. */
			if (d->in_frame &&
			    d->pending_t >= dec_frame_deadline(d))
				dec_finish(d);
			if (d->in_frame)
				d->doubt = true;
			else
				d->gap = true;
			return;
		}
		dec_commit(d, d->pending_t, d->pending_level);
	}
	d->pending = true;
	d->pending_t = t_ns;
	d->pending_level = mark;
}

void uart_dec_idle(struct uart_dec *d, u64 now_ns)
{
	if (d->pending) {
		if (now_ns < d->pending_t ||
		    now_ns - d->pending_t < d->glitch_ns) {
			/*
			 * The glitch filter holds the edge, but a held byte
			 * whose time is up goes now if the edge cannot
			 * decide it: a rise (no start edge), or one after
			 * held_until (too late to be on time, dec_release()).
			 * Else uart_dec_deadline() would name a time already
			 * past.
			 */
			if (d->held && now_ns >= d->held_until &&
			    (d->pending_level || d->pending_t >= d->held_until))
				dec_release(d, false, 0);
			return;
		}
		d->pending = false;
		dec_commit(d, d->pending_t, d->pending_level);
	}
	if (d->in_frame && now_ns >= dec_frame_deadline(d))
		dec_finish(d);
	if (d->held && now_ns >= d->held_until)
		dec_release(d, false, 0);
}

u64 uart_dec_deadline(const struct uart_dec *d)
{
	u64 frame = d->in_frame ? dec_frame_deadline(d) : 0;

	/* A held byte (dec_hold()) waits until its next start edge is due. */
	if (d->held && (!frame || d->held_until < frame))
		frame = d->held_until;
	if (!d->pending || (!d->in_frame && d->pending_level))
		return frame;
	/*
	 * A held-back edge inside a frame, or a held start edge, need not be
	 * taken as soon as the glitch filter would let it go: nothing
	 * depends on it before the frame's stop bit, and uart_dec_idle()
	 * takes it before it samples the frame. Waiting until then saves a
	 * timer per edge. Taking the edge refines the grid and may move the
	 * stop bit's sampling point a little: a quarter bit of slack keeps
	 * that to one timer per frame (held edges are taken before the
	 * frame is sampled, so sampling later changes nothing). For a held
	 * start edge, the sampling point is estimated from the nominal bit
	 * time; if that is early, the next call tells.
	 */
	if (!d->in_frame)
		frame = d->pending_t + d->bit_ns * FRAME_BITS -
			(d->bit_ns >> EARLY_SLACK);
	frame += d->bit_ns / 4;
	return max_t(u64, frame, d->pending_t + d->glitch_ns);
}
