/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UART 8N1 receiver working from edge timestamps.
 *
 * Pure logic: no locking, no allocation, no kernel-only calls. The caller
 * serialises all calls for one decoder (in the driver: the bottom half).
 */
#ifndef _GPSNMEA_UART_DECODER_H
#define _GPSNMEA_UART_DECODER_H

#include "portable.h"

/* Flags of an emitted byte (see uart_dec_emit_t). */
#define UART_DEC_DOUBTFUL	0x1
#define UART_DEC_GAP		0x2

/**
 * typedef uart_dec_emit_t - receives one decoded byte
 * @ctx: the context pointer given to uart_dec_init()
 * @byte: the data byte
 * @start_ns: timestamp of the byte's start-bit edge, in the caller's clock
 * @flags: UART_DEC_DOUBTFUL: the byte may be wrong (its edges did not fit
 *	the grid); UART_DEC_GAP: frames may have been lost since the byte
 *	before (a framing or order error, a reset)
 */
typedef void (*uart_dec_emit_t)(void *ctx, u8 byte, u64 start_ns, u32 flags);

/**
 * struct uart_dec_config - settings of one decoder
 * @baud: bit rate, 50..1000000 (clamped to that range)
 * @invert: the line idles low (an inverting level shifter in front of it)
 * @glitch_pct: pulses shorter than this percentage of a bit time are noise:
 *	they are ignored and counted (0 disables the filter, at most 50).
 *	Jitter makes real pulses look shorter too: a one-bit pulse can look
 *	1 - 2 * jitter - clock error bit long, so for +-40 % jitter keep the
 *	filter under 16 %.
 */
struct uart_dec_config {
	u32 baud;
	bool invert;
	u32 glitch_pct;
};

/**
 * struct uart_dec_stats - what the decoder saw, for sysfs and tests
 * @edges: edges fed in (including glitches)
 * @late_edges: edges seen more than half a bit late (a latency spike) and
 *	placed one grid position back
 * @bytes: bytes emitted
 * @framing_errors: frames whose stop bit was not at the idle level
 * @glitches: pulses dropped by the glitch filter
 * @order_errors: edges whose timestamp went backwards, or that repeated the
 *	level already in force (a lost edge); the decoder resynchronises
 */
struct uart_dec_stats {
	u64 edges;
	u64 late_edges;
	u64 bytes;
	u64 framing_errors;
	u64 glitches;
	u64 order_errors;
};

/* Bits of one burst's drift history the bit time correction weighs. */
#define UART_DEC_DRIFT_HISTORY	65536

/*
 * Everything below the comment line is private to uart_decoder.c; callers
 * use the functions only.
 */
struct uart_dec {
	struct uart_dec_config cfg;
	struct uart_dec_stats stats;
	uart_dec_emit_t emit;
	void *ctx;
	/* --- private --- (times suffixed _q are in 1/16 ns) */
	u32 bit_ns;		/* nominal bit time, ns */
	u32 glitch_ns;		/* pulses shorter than this are noise */
	bool level;		/* logical line level in force (true = mark) */
	bool level_valid;	/* @level is known (false after a reset) */
	bool in_frame;		/* between a start edge and its stop bit */
	bool grid_valid;	/* a start edge may continue the last frame */
	u64 last_t;		/* timestamp of the latest edge fed in */
	/* the frame */
	u64 start_t;		/* timestamp of its start edge */
	u64 edge_t;		/* timestamp of its latest edge */
	u32 bit_pos;		/* grid position of that edge, 0..9 */
	u32 prev_pos;		/* ... and of the edge before it */
	struct {		/* the grid before that edge refined it */
		s64 phase, drift, mean, lo, hi, floor, skew;
		s64 frame_lo, frame_hi;
		u32 edges, floor_edges;
	} undo;
	u32 shift;		/* bits sampled so far, bit n = position n */
	bool doubt;		/* the frame may be wrong (UART_DEC_DOUBTFUL) */
	bool gap;		/* frames lost since the last byte emitted */
	/* the grid */
	u64 frame_start;	/* origin of the frame's grid, ns */
	s64 phase;		/* centre of bit 0 after frame_start, _q */
	u32 period;		/* bit time in use, _q */
	u64 inverse;		/* 2^48 / @period */
	s64 lo, hi;		/* range of edge offsets from the centre, _q */
	s64 mean;		/* average edge offset from the centre, _q */
	s64 floor;		/* earliest edge offset from the centre, _q, */
	u32 floor_edges;	/* ... over this many edges (up to 32) */
	u32 spikes;		/* edges taken as late in a row */
	u32 edges;		/* edges in that average so far */
	s64 frame_lo, frame_hi;	/* range of offsets in this frame, _q */
	u32 base;		/* bit time when the burst began, _q, ... */
	u32 base_weight;	/* ... and its weight, bits */
	s64 drift;		/* drift of the grid from @base since, _q, ... */
	u32 drift_bits;		/* ... over this many bits (0: first frame) */
	/* a start edge off its grid position: late, or after a short gap? */
	bool alt;		/* undecided: it may begin a grid of its own */
	bool alt_late;		/* if it is late: counted so */
	u32 alt_votes[2];	/* edges that fit the old grid, its own grid */
	s64 alt_score;		/* by how much its own one fits better, _q */
	u32 alt_held;		/* edges placed on the old grid meanwhile */
	u64 alt_t[2];		/* ... their times and levels, to place them */
	bool alt_level[2];	/* again on its own grid */
	u64 alt_dt;		/* start to start, for the bit time (0: none) */
	u64 alt_late_edges;	/* @stats.late_edges and ... */
	s64 alt_skew;		/* ... @skew before the frame */
	/* a frame's edges, to decide it again when the next start edge is in */
	u64 fr_t[10];		/* times of the edges inside the frame */
	u32 fr_n;		/* ... how many */
	u64 g0_start;		/* the frame's grid as its start edge left it: */
	s64 g0_phase;		/* @frame_start, @phase, ... */
	s64 g0_lo, g0_hi;	/* ... @lo, @hi, @mean, @drift, ... */
	s64 g0_mean, g0_drift;
	u32 g0_period;		/* ... @period */
	bool g0_valid;		/* that grid was locked (no burst's first edges) */
	u32 burst_frames;	/* frames of this grid's burst, ... */
	u32 wide_frames;	/* ... those whose offsets spread over 1/4 bit */
	bool held;		/* a byte waits for the next start edge */
	bool held_good;		/* ... as decoded: stop bit at mark ... */
	u32 held_shift;		/* ... its bits ... */
	u32 held_alt;		/* ... its bits on the grid kept, latency >= 0 */
	u32 held_flags;		/* ... its UART_DEC_* flags */
	u32 held_moved;		/* ... edges that would be late on that grid */
	u64 held_start_t;	/* ... its start edge */
	u64 held_until;		/* ... until then, ns */
	/* learnt across bursts */
	u32 spread;		/* latency spread (peak to peak), _q */
	s64 skew;		/* average offset minus middle of range, _q */
	u32 rate;		/* bit time: @rate_t / @rate_bits, _q */
	u32 rate_bits;
	u64 rate_t;
	/* glitch filter */
	u64 pending_t;		/* edge held back */
	bool pending_level;
	bool pending;
};

void uart_dec_init(struct uart_dec *d, const struct uart_dec_config *cfg,
		   uart_dec_emit_t emit, void *ctx);

/*
 * Forget any partial frame and the line level (edges were lost, e.g. a fifo
 * overrun or a masked edge storm); the next falling edge is a start edge.
 */
void uart_dec_reset(struct uart_dec *d);

/**
 * uart_dec_forget - the line carried no UART for a while (an edge storm)
 * @d: decoder
 *
 * As uart_dec_reset(), and what was learnt from the line is dropped too:
 * the bit time and the latency spread start again from the nominal bit
 * time and zero, as after uart_dec_init(). Noise that passed for frames
 * (a storm's edges up to the driver's budget, stamped ever later while
 * the CPU cannot keep up) teaches a wrong bit time and a spread of half a
 * bit, which would cost the sentences after it. The statistics are kept.
 */
void uart_dec_forget(struct uart_dec *d);

/**
 * uart_dec_edge - feed one edge
 * @d: decoder
 * @t_ns: timestamp of the edge (non-decreasing)
 * @level: raw line level after the edge, as read from the pin (true = high);
 *	the decoder applies @cfg.invert itself
 *
 * Calls the emit callback for every byte this edge completes.
 */
void uart_dec_edge(struct uart_dec *d, u64 t_ns, bool level);

/**
 * uart_dec_idle - tell the decoder that no edge came up to @now_ns
 * @d: decoder
 * @now_ns: current time in the edges' clock
 *
 * Completes (emits or counts as a framing error) a frame whose remaining
 * bits all lie before @now_ns. The driver calls this from its idle timer so
 * that the last byte of a burst is delivered without waiting for the next
 * edge or for a read().
 */
void uart_dec_idle(struct uart_dec *d, u64 now_ns);

/**
 * uart_dec_deadline - when uart_dec_idle() next has work to do
 * @d: decoder
 *
 * That is late in the stop bit of the frame in progress (or of the frame a
 * held-back start edge begins), late enough for an edge rising into the
 * stop bit to have been seen even if its interrupt came most of a bit
 * late; then uart_dec_idle() can take an edge the glitch filter holds and
 * complete the frame: one timer per frame, not one per edge. Ask again
 * after every uart_dec_edge() and uart_dec_idle(): after
 * uart_dec_idle(@now) the answer is later than @now, or 0.
 *
 * Return: that time, or 0 when there is nothing to wait for.
 */
u64 uart_dec_deadline(const struct uart_dec *d);

#endif /* _GPSNMEA_UART_DECODER_H */
