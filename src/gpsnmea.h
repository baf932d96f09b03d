/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpsnmea - NMEA 0183 source from a GPS receiver wired to one GPIO line.
 *
 * Private definitions shared by the driver's files. The data path is:
 *
 *   hard IRQ (gpsnmea_main.c)  timestamp + level -> edge ring
 *   bottom half (gpsnmea_bh.c)  edge ring -> UART decoder -> NMEA framer
 *                               -> sentence ring (gpsnmea_chardev.c)
 *   read()/poll()               sentence ring -> each reader at its own pace
 */
#ifndef _GPSNMEA_H
#define _GPSNMEA_H

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <gpsnmea/nmea_fix.h>
#include <gpsnmea/nmea_framer.h>
#include <gpsnmea/uart_decoder.h>

struct gnss_device;
struct gpio_desc;
struct gpsnmea;

/* Edges the top half can queue before the bottom half must have run. */
#define GPSNMEA_EDGE_FIFO	4096
/*
 * Batching: the bottom half runs at most GPSNMEA_BATCH_MAX_NS (or
 * GPSNMEA_BATCH_FRAMES frame times, when shorter) after the first edge
 * queued since its last run, or as soon as GPSNMEA_BATCH_EDGES are queued.
 */
#define GPSNMEA_BATCH_MAX_NS	(1 * NSEC_PER_MSEC)
#define GPSNMEA_BATCH_FRAMES	16
#define GPSNMEA_BATCH_EDGES	256
/* Sentences kept for readers that fall behind; a power of two. */
#define GPSNMEA_RING_SLOTS	512
/* Log2 buckets of the bottom-half latency histogram (1 ns .. 2^31 ns). */
#define GPSNMEA_LAT_BUCKETS	32

/*
 * Edge storm bound: more than the budget of edges in one window of
 * GPSNMEA_STORM_WINDOW_NS masks the IRQ for GPSNMEA_STORM_HOLDOFF_MS.
 */
#define GPSNMEA_STORM_WINDOW_NS		(10 * NSEC_PER_MSEC)
#define GPSNMEA_STORM_HOLDOFF_MS	100

/*
 * Level values of in-band markers: edges were lost just before this one;
 * with GPSNMEA_EDGE_STORM, to an edge storm (the decoder forgets what it
 * learnt from the noise, see uart_dec_forget()).
 */
#define GPSNMEA_EDGE_GAP	0xff
#define GPSNMEA_EDGE_STORM	0xfe

/**
 * struct gpsnmea_edge - one entry of the edge ring
 * @t_ns: CLOCK_MONOTONIC time at which the hard IRQ ran
 * @level: line level read in the hard IRQ (0 or 1), GPSNMEA_EDGE_GAP or
 *	GPSNMEA_EDGE_STORM
 */
struct gpsnmea_edge {
	u64 t_ns;
	u32 level;
};

/**
 * struct gpsnmea_ring - the edges, from the top half to the bottom half
 * @buf: GPSNMEA_EDGE_FIFO entries
 * @head: entries ever put; written by the producer only
 * @tail: entries ever taken; written by the consumer only
 *
 * A lockless single-producer, single-consumer ring: the producer is the
 * hard IRQ handler (never concurrent with itself), the consumer is
 * gpsnmea_bh_process() (one run at a time). The ordering:
 *
 * - The producer writes a slot, then smp_store_release(@head). The
 *   consumer's smp_load_acquire(@head) makes every slot below that head
 *   visible: the slots themselves are plain accesses, never concurrent.
 * - The consumer reads its slots, then smp_store_release(@tail) once per
 *   batch. The producer's smp_load_acquire(@tail) orders those reads
 *   before its overwrite of the slots freed.
 * - Each side reads its own index with a plain load (nobody else writes
 *   it) and the other's with an acquire, or with READ_ONCE() where only a
 *   count or emptiness is wanted.
 *
 * Indices are free-running u32s; the ring size is a power of two.
 */
struct gpsnmea_ring {
	struct gpsnmea_edge *buf;
	u32 head;
	u32 tail;
};

/* Producer: free slots. */
static inline u32 gpsnmea_ring_room(const struct gpsnmea_ring *r)
{
	/* acquire: the consumer is done with the slots it freed */
	return GPSNMEA_EDGE_FIFO - (r->head - smp_load_acquire(&r->tail));
}

/* Producer: put @e into a free slot (gpsnmea_ring_room() said there is one). */
static inline void gpsnmea_ring_push(struct gpsnmea_ring *r,
				     const struct gpsnmea_edge *e)
{
	u32 head = r->head;

	r->buf[head & (GPSNMEA_EDGE_FIFO - 1)] = *e;
	/* release: the slot is written before the consumer may see it */
	smp_store_release(&r->head, head + 1);
}

/* Consumer: is nothing queued? */
static inline bool gpsnmea_ring_empty(const struct gpsnmea_ring *r)
{
	return READ_ONCE(r->head) == r->tail;
}

/**
 * struct gpsnmea_bh_ops - one bottom-half mechanism
 * @name: the value of the bh= parameter and of the bh sysfs attribute
 * @needs: what the running kernel lacks for this mechanism, or NULL when
 *	it is available
 * @start: allocate what the mechanism needs, kept until gpsnmea_bh_exit()
 *	(a switch frees nothing); may sleep. Returns 0 or -errno
 *	(-EOPNOTSUPP when the running kernel lacks the mechanism).
 * @schedule: request a run of gpsnmea_bh_process(); called from hard IRQ
 *	context (the top half and the idle hrtimer). Returns what the top half
 *	returns: IRQ_WAKE_THREAD for the threaded IRQ, IRQ_HANDLED otherwise.
 * @quiesce: wait until no run is in progress and none is pending; the
 *	caller has already made sure that nothing calls @schedule any more.
 *
 * Exactly one mechanism is active at a time, so gpsnmea_bh_process() never
 * runs concurrently with itself.
 */
struct gpsnmea_bh_ops {
	const char *name;
	const char *needs;
	int (*start)(struct gpsnmea *gn);
	irqreturn_t (*schedule)(struct gpsnmea *gn);
	void (*quiesce)(struct gpsnmea *gn);
};

/**
 * struct gpsnmea_stats - counters published by the bottom half
 * @uart: the UART decoder's counters
 * @sentences: valid sentences delivered
 * @no_checksum: of those, accepted without a checksum (allow_no_checksum)
 * @drops: lines dropped, by reason (enum nmea_drop)
 * @doubtful: sentences valid but for a byte the decoder doubted, dropped
 * @gaps: gap markers met: edges lost before them
 * @bh_runs: bottom-half runs
 * @bh_edges_max: most edges handled by one run
 * @bh_edges_total: edges handled by all runs
 * @fifo_high_water: most edges found queued at the start of a run
 * @lat_max_ns: longest time from an edge's timestamp to the run taking it
 * @lat_hist: log2 histogram of that latency, one count per run
 * @gnss_drops: sentences /dev/gnssN had no room for
 * @bh_time_ns: CPU time of the runs: from a run's start to its accounting
 *
 * Written by the bottom half only, once per run, in place, inside a
 * &gpsnmea.stats_seq write section; sysfs readers copy it in a
 * read_seqcount_begin()/read_seqcount_retry() loop, so they get one run's
 * consistent state (on 32-bit machines too) and the writer never waits.
 */
struct gpsnmea_stats {
	struct uart_dec_stats uart;
	u64 sentences;
	u64 no_checksum;
	u64 drops[NMEA_DROP_NR];
	u64 doubtful;
	u64 gaps;
	u64 bh_runs;
	u64 bh_edges_max;
	u64 bh_edges_total;
	u64 fifo_high_water;
	u64 lat_max_ns;
	u64 lat_hist[GPSNMEA_LAT_BUCKETS];
	u64 gnss_drops;
	u64 bh_time_ns;
};

/**
 * struct gpsnmea_slot - one sentence in the reader ring
 * @mono_ns: CLOCK_MONOTONIC time of the start bit of the leading '$' or '!'
 * @real_ns: the same instant in CLOCK_REALTIME
 * @len: bytes in @text, CRLF included
 * @text: the sentence
 */
struct gpsnmea_slot {
	u64 mono_ns;
	u64 real_ns;
	u32 len;
	char text[NMEA_SENTENCE_BUF];
};

/**
 * struct gpsnmea - one receiver
 * @ref: held by the bound device and by each open file
 * @dev: the platform device (valid while bound)
 * @rx: the RX line
 * @irq: its interrupt
 * @id: instance number; 0 is /dev/gpsnmea, N is /dev/gpsnmeaN. Held from
 *	probe to remove, not by open files.
 * @baud: bit rate in force
 * @invert: the line idles low: its GPIO is active-low, which
 *	gpiod_get_value() applies, so the decoder never inverts
 * @max_len: longest sentence accepted
 * @glitch_pct: pulses shorter than this percentage of a bit are noise
 * @allow_no_checksum: sentences without "*hh" are accepted
 * @edges: top half -> bottom half, lockless (see struct gpsnmea_ring)
 * @edge_gap: written by the top half only: edges were dropped and the next
 *	queued entry must be a GPSNMEA_EDGE_GAP marker
 * @edge_storm: written by the top half only: ... to a storm, the marker is
 *	GPSNMEA_EDGE_STORM
 * @overruns: edges dropped because @edges was full (top half writes)
 * @storm_budget: edges allowed per GPSNMEA_STORM_WINDOW_NS: twice the most
 *	a UART at @baud makes (one per bit), plus 32 for glitches
 * @storm_window: start of the current window (top half only)
 * @storm_edges: edges in it (top half only)
 * @storm_off: teardown: the top half masks no more
 * @storms: times the IRQ was masked for a storm
 * @gpio_errors: edges whose level could not be read (gpiod_get_value() < 0)
 * @storm_work: unmasks the IRQ after the holdoff, and logs
 * @in_flight: non-zero while the top half is between its timestamp and
 *	its ring put; the idle flush waits for it
 * @kick_armed: a run is due for the edges queued since the last run
 *	started: the top half has armed @idle_timer for it. Set by the top
 *	half (WRITE_ONCE), cleared by the bottom half at the start of a run
 *	(WRITE_ONCE, then smp_mb()); see gpsnmea_bh_process()
 * @batch_edges: edges queued since @kick_armed was set (top half only)
 * @batch_ns: how long the first edge of a batch may wait for its run
 * @timer_expiries: expiries of @idle_timer
 * @irq_time_ns: CPU time of the top half, from its timestamp to its return;
 *	accounted only with the irq_time module parameter (benchmarks)
 * @bh: active bottom half; read locklessly by the top half and the idle
 *	timer, written under @switch_lock
 * @switch_lock: serialises bottom-half changes with each other
 * @stopping: set once at teardown; the idle timer stops kicking
 * @tasklet: used by the tasklet mechanism
 * @bh_work: the bh_wq mechanism's work item
 * @work: the wq mechanism's work item
 * @wq: the wq mechanism's own workqueue
 * @idle_timer: runs the bottom half: armed by the top half at the batch
 *	deadline, and by the bottom half when the UART decoder's frame in
 *	progress is due, so the last byte of a burst comes out without
 *	waiting for another edge
 * @dec: UART decoder; bottom half only
 * @framer: NMEA framer; bottom half only
 * @fix: position fix decoded from RMC/GGA/GNS/GSA; bottom half only
 * @gaps: gap markers met (bottom half only; published in @stats)
 * @gnss_drops: sentences /dev/gnssN had no room for (likewise)
 * @stats_seq: write section of the bottom half's update of @stats
 * @stats: counters for sysfs
 * @stats_lock: protects @fix_snap and @types_snap
 * @fix_snap: snapshot of @fix for sysfs, under @stats_lock
 * @types_snap: snapshot of the framer's per-address counts, under
 *	@stats_lock; refreshed by the runs that completed a sentence
 * @ring_lock: protects @ring, @ring_head and @disconnected
 * @ring: the last GPSNMEA_RING_SLOTS sentences
 * @ring_head: sequence number of the next sentence to be stored
 * @disconnected: the device is gone; readers get -ENODEV
 * @readq: readers wait here for new sentences or @disconnected
 * @misc: the character device
 * @name: its name
 * @gnss: the GNSS device (/dev/gnssN), or NULL without gnss=1
 * @gnss_lock: orders the bottom half's inserts with @gnss_open changes
 * @gnss_open: /dev/gnssN is open; the GNSS core takes data only then
 */
struct gpsnmea {
	struct kref ref;
	struct device *dev;
	struct gpio_desc *rx;
	int irq;
	int id;

	u32 baud;
	bool invert;
	u32 max_len;
	u32 glitch_pct;
	bool allow_no_checksum;

	struct gpsnmea_ring edges;
	bool edge_gap;
	bool edge_storm;
	atomic64_t overruns;
	atomic_t in_flight;
	bool kick_armed;
	u32 batch_edges;
	u64 batch_ns;
	u32 storm_budget;
	u64 storm_window;
	u32 storm_edges;
	bool storm_off;
	atomic64_t storms;
	atomic64_t gpio_errors;
	struct delayed_work storm_work;
	atomic64_t irq_time_ns;
	atomic64_t timer_expiries;

	const struct gpsnmea_bh_ops *bh;
	struct mutex switch_lock;	/* serialises bottom-half changes */
	bool stopping;
	struct tasklet_struct tasklet;
	struct work_struct bh_work;
	struct work_struct work;
	struct workqueue_struct *wq;
	struct hrtimer idle_timer;

	struct uart_dec dec;
	struct nmea_framer framer;
	struct nmea_fix fix;
	u64 gaps;
	u64 gnss_drops;
	seqcount_t stats_seq;
	struct gpsnmea_stats stats;
	spinlock_t stats_lock;		/* protects fix_snap, types_snap */
	struct nmea_fix fix_snap;
	struct nmea_types types_snap;

	spinlock_t ring_lock;		/* protects ring, head, disconnected */
	struct gpsnmea_slot *ring;
	u64 ring_head;
	bool disconnected;
	wait_queue_head_t readq;

	struct miscdevice misc;
	char name[16];

	struct gnss_device *gnss;
	spinlock_t gnss_lock;		/* protects @gnss_open */
	bool gnss_open;
};

/* gpsnmea_bh.c */
extern const struct gpsnmea_bh_ops *const gpsnmea_bh_all[];
const struct gpsnmea_bh_ops *gpsnmea_bh_find(const char *name);
int gpsnmea_bh_check(const char *name);
const struct gpsnmea_bh_ops *gpsnmea_bh_default(void);
int gpsnmea_bh_init(struct gpsnmea *gn, const struct gpsnmea_bh_ops *ops);
int gpsnmea_bh_switch(struct gpsnmea *gn, const struct gpsnmea_bh_ops *ops);
void gpsnmea_bh_exit(struct gpsnmea *gn);
void gpsnmea_bh_process(struct gpsnmea *gn);

/* gpsnmea_chardev.c */
int gpsnmea_chardev_init(struct gpsnmea *gn);
void gpsnmea_chardev_publish(struct gpsnmea *gn, const char *text, u32 len,
			     u64 start_ns);
void gpsnmea_chardev_wake(struct gpsnmea *gn);
int gpsnmea_chardev_register(struct gpsnmea *gn);
void gpsnmea_chardev_unregister(struct gpsnmea *gn);

/* gpsnmea_gnss.c: only with CONFIG_GNSS (see there) */
#if IS_ENABLED(CONFIG_GNSS)
int gpsnmea_gnss_register(struct gpsnmea *gn);
void gpsnmea_gnss_unregister(struct gpsnmea *gn);
void gpsnmea_gnss_publish(struct gpsnmea *gn, const char *text, u32 len);
#else
static inline int gpsnmea_gnss_register(struct gpsnmea *gn)
{
	return -EOPNOTSUPP;
}

static inline void gpsnmea_gnss_unregister(struct gpsnmea *gn)
{
}

static inline void gpsnmea_gnss_publish(struct gpsnmea *gn, const char *text,
					u32 len)
{
}
#endif

/* gpsnmea_main.c */
void gpsnmea_put(struct gpsnmea *gn);

/* gpsnmea_sysfs.c */
extern const struct attribute_group *gpsnmea_groups[];

#endif /* _GPSNMEA_H */
