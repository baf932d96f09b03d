/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helper: builds the edge list a GPS receiver's TX line would produce
 * (8N1, optional sender clock error, timestamp jitter), feeds it to a
 * decoder the way the driver does (edges plus idle-timer calls) and
 * collects what comes out.
 */
#ifndef GPSNMEA_WAVE_H
#define GPSNMEA_WAVE_H

#include <gpsnmea/uart_decoder.h>

struct edge {
	u64 t;		/* observed timestamp, ns */
	bool level;	/* raw pin level after the edge */
};

enum jitter_model {
	JITTER_UNIFORM,	/* spread evenly over +-jitter */
	JITTER_TAIL,	/* interrupt latency: mostly short, rare long ones */
	JITTER_SPIKES,	/* short (< 5 % bit), and 1 in 128 near the peak */
};

/* One frame on the line: its start-edge timestamp and its value. */
struct frame {
	u64 start;
	u8 byte;
	u32 flags;		/* the decoder's UART_DEC_* (received only) */
	double true_start;	/* sender's time of the start edge (wave only) */
	size_t edge;		/* index of the start edge (wave only) */
};

struct wave {
	double bit;		/* sender's bit time, ns */
	double spread;		/* peak-to-peak timestamp error, ns */
	enum jitter_model model;
	bool invert;
	u64 rng;
	double now;		/* sender's time, ns */
	bool mark;		/* logical line level at @now */
	u64 last;		/* latest observed timestamp */
	struct edge *e;
	size_t n, cap;
	struct frame *sent;	/* frames sent, in order */
	size_t frames, frames_cap;
};

/*
 * @clock_pct: sender clock error in percent (positive = fast);
 * @jitter_pct: timestamps spread over +-@jitter_pct percent of a bit.
 */
void wave_init(struct wave *w, u32 baud, double clock_pct, double jitter_pct,
	       enum jitter_model model, u64 seed);
/* The same, keeping the buffers of a wave that was set up before. */
void wave_reinit(struct wave *w, u32 baud, double clock_pct,
		 double jitter_pct, enum jitter_model model, u64 seed);
void wave_free(struct wave *w);
/* Drive the line to @mark (an edge if it changes) and hold it @bits. */
void wave_hold(struct wave *w, bool mark, double bits);
/* Send one 8N1 frame with a stop bit at @stop_mark. */
void wave_frame(struct wave *w, u8 byte, bool stop_mark);
static inline void wave_byte(struct wave *w, u8 byte)
{
	wave_frame(w, byte, true);
}
/* Add an edge at an exact observed time (for hand-made cases). */
void wave_edge(struct wave *w, u64 t, bool raw_level);
/*
 * Delay edge @i by @bits bit times (keeping the frames' start times in
 * step); the caller keeps the timestamps increasing.
 */
void wave_delay(struct wave *w, size_t i, double bits);

u64 rng_next(u64 *state);
/* Uniform in [0, 1). */
double rng_unit(u64 *state);

/* Bytes (and start times) a decoder emitted. */
struct rx {
	struct frame *got;
	size_t n, cap;
};

void rx_emit(void *ctx, u8 byte, u64 start_ns, u32 flags);
void rx_free(struct rx *rx);

/*
 * Feed edges [from, to) of @w to @d. Before each edge, fire the idle
 * timer at uart_dec_deadline() if that comes first (as the driver does),
 * unless @no_timer. Return false if the deadline failed to make progress.
 */
bool wave_feed(struct uart_dec *d, const struct wave *w, size_t from,
	       size_t to, bool no_timer);
/* The line stays idle for good: run the idle timer until nothing is left. */
/* Fire the idle timer at each uart_dec_deadline() up to @t; false if stuck. */
bool dec_timers(struct uart_dec *d, u64 t);
bool dec_flush(struct uart_dec *d);

/*
 * Compare what was sent with what was received: a sent frame counts as
 * received when a byte with the same start time and value came out. Return
 * the frames missed or wrong plus the bytes that match nothing sent.
 */
size_t wave_errors(const struct wave *w, const struct rx *rx);
/* The same from frame @from on, not counting frames marked in @skip. */
size_t wave_errors_from(const struct wave *w, const struct rx *rx,
			size_t from, const bool *skip);

#endif /* GPSNMEA_WAVE_H */
