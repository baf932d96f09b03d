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

/**
 * typedef uart_dec_emit_t - receives one decoded byte
 * @ctx: the context pointer given to uart_dec_init()
 * @byte: the data byte
 * @start_ns: timestamp of the byte's start-bit edge, in the caller's clock
 */
typedef void (*uart_dec_emit_t)(void *ctx, u8 byte, u64 start_ns);

/**
 * struct uart_dec_config - settings of one decoder
 * @baud: bit rate, 50..1000000
 * @invert: the line idles low (an inverting level shifter in front of it)
 * @glitch_pct: pulses shorter than this percentage of a bit time are noise:
 *	they are ignored and counted (0 disables the filter)
 */
struct uart_dec_config {
	u32 baud;
	bool invert;
	u32 glitch_pct;
};

/**
 * struct uart_dec_stats - what the decoder saw, for sysfs and tests
 * @edges: edges fed in (including glitches)
 * @bytes: bytes emitted
 * @framing_errors: frames whose stop bit was not at the idle level
 * @glitches: pulses dropped by the glitch filter
 * @order_errors: edges whose timestamp went backwards, or that repeated the
 *	level already in force (a lost edge); the decoder resynchronises
 */
struct uart_dec_stats {
	u64 edges;
	u64 bytes;
	u64 framing_errors;
	u64 glitches;
	u64 order_errors;
};

/*
 * Everything below the comment line is private to uart_decoder.c; callers
 * use the functions only.
 */
struct uart_dec {
	struct uart_dec_config cfg;
	struct uart_dec_stats stats;
	uart_dec_emit_t emit;
	void *ctx;
	/* --- private --- */
	u64 bit_ns;		/* nominal bit time */
	u64 glitch_ns;		/* pulses shorter than this are noise */
	bool level;		/* logical line level in force (true = mark) */
	bool level_valid;	/* @level is known (false after a reset) */
	u64 last_t;		/* timestamp of the latest edge fed in */
	u64 level_since;	/* timestamp of the edge that set @level */
	bool in_frame;		/* a start bit has been seen */
	u64 frame_start;	/* (estimated) time of the start edge */
	u32 bit_pos;		/* next bit index to sample, 1..9 */
	u32 shift;		/* data bits gathered so far */
	u64 grid_bit_ns;	/* tracked bit time (grid decoders) */
	s64 grid_phase_ns;	/* tracked phase correction (grid decoders) */
	u32 burst_frames;	/* frames since the line was last idle */
	u64 pending_t;		/* glitch filter: edge held back */
	bool pending_level;
	bool pending;
};

void uart_dec_init(struct uart_dec *d, const struct uart_dec_config *cfg,
		   uart_dec_emit_t emit, void *ctx);

/* Forget any partial frame (line state unknown, e.g. after a fifo overrun). */
void uart_dec_reset(struct uart_dec *d);

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
 * Return: the earliest time at which uart_dec_idle() would complete the
 * frame in progress, or 0 when no frame is in progress.
 */
u64 uart_dec_deadline(const struct uart_dec *d);

#endif /* _GPSNMEA_UART_DECODER_H */
