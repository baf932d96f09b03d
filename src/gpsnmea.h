/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpsnmea - NMEA 0183 source from a GPS receiver wired to one GPIO line.
 *
 * Private definitions shared by the driver's files. The data path is:
 *
 *   hard IRQ (gpsnmea_main.c)  timestamp + level -> edge kfifo
 *   bottom half (gpsnmea_bh.c)  edge kfifo -> UART decoder -> NMEA framer
 *                               -> sentence ring (gpsnmea_chardev.c)
 *   read()/poll()               sentence ring -> each reader at its own pace
 */
#ifndef _GPSNMEA_H
#define _GPSNMEA_H

#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
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

/* Level value of an in-band marker: edges were lost just before this one. */
#define GPSNMEA_EDGE_GAP	0xff

/**
 * struct gpsnmea_edge - one entry of the top half's kfifo
 * @t_ns: CLOCK_MONOTONIC time at which the hard IRQ ran
 * @level: line level read in the hard IRQ (0 or 1), or GPSNMEA_EDGE_GAP
 */
struct gpsnmea_edge {
	u64 t_ns;
	u32 level;
};

/**
 * struct gpsnmea_bh_ops - one bottom-half mechanism
 * @name: the value of the bh= parameter and of the bh sysfs attribute
 * @needs: what the running kernel lacks for this mechanism, or NULL when
 *	it is available
 * @start: allocate what the mechanism needs; may sleep. Returns 0 or -errno
 *	(-EOPNOTSUPP when the running kernel lacks the mechanism).
 * @schedule: request a run of gpsnmea_bh_process(); called from hard IRQ
 *	context (the top half and the idle hrtimer). Returns what the top half
 *	returns: IRQ_WAKE_THREAD for the threaded IRQ, IRQ_HANDLED otherwise.
 * @quiesce: wait until no run is in progress and none is pending; the
 *	caller has already made sure that nothing calls @schedule any more.
 * @stop: release what @start allocated; called after @quiesce.
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
	void (*stop)(struct gpsnmea *gn);
};

/**
 * struct gpsnmea_stats - counters published by the bottom half
 * @uart: the UART decoder's counters
 * @sentences: valid sentences delivered
 * @no_checksum: of those, accepted without a checksum (allow_no_checksum)
 * @drops: lines dropped, by reason (enum nmea_drop)
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
 * The bottom half keeps its own working copy and publishes it here under
 * &gpsnmea.stats_lock at the end of each run, so that sysfs readers get a
 * consistent snapshot on 32-bit machines too.
 */
struct gpsnmea_stats {
	struct uart_dec_stats uart;
	u64 sentences;
	u64 no_checksum;
	u64 drops[NMEA_DROP_NR];
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
 * @edges: top half -> bottom half. Single producer (the hard IRQ handler,
 *	which never runs concurrently with itself), single consumer
 *	(gpsnmea_bh_process()): no lock.
 * @edge_gap: written by the top half only: edges were dropped and the next
 *	queued entry must be a GPSNMEA_EDGE_GAP marker
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
 *	its kfifo put; the idle flush waits for it
 * @irq_time_ns: CPU time of the top half, from its timestamp to its return;
 *	accounted only with the irq_time module parameter (benchmarks)
 * @bh: active bottom half; read locklessly by the top half and the idle
 *	timer, written under @switch_lock
 * @switch_lock: serialises bottom-half changes with each other
 * @stopping: set once at teardown; the idle timer stops kicking
 * @tasklet: used by the tasklet mechanism
 * @work: used by the bh_wq and wq mechanisms
 * @wq: the wq mechanism's own workqueue
 * @idle_timer: fires when the UART decoder's frame in progress is due, so
 *	the last byte of a burst comes out without waiting for another edge
 * @dec: UART decoder; bottom half only
 * @framer: NMEA framer; bottom half only
 * @fix: position fix decoded from RMC/GGA/GNS/GSA; bottom half only
 * @work_stats: bottom half's working counters
 * @stats_lock: protects @stats
 * @stats: snapshot for sysfs
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

	DECLARE_KFIFO_PTR(edges, struct gpsnmea_edge);
	bool edge_gap;
	atomic64_t overruns;
	atomic_t in_flight;
	u32 storm_budget;
	u64 storm_window;
	u32 storm_edges;
	bool storm_off;
	atomic64_t storms;
	atomic64_t gpio_errors;
	struct delayed_work storm_work;
	atomic64_t irq_time_ns;

	const struct gpsnmea_bh_ops *bh;
	struct mutex switch_lock;	/* serialises bottom-half changes */
	bool stopping;
	struct tasklet_struct tasklet;
	struct work_struct work;
	struct workqueue_struct *wq;
	struct hrtimer idle_timer;

	struct uart_dec dec;
	struct nmea_framer framer;
	struct nmea_fix fix;
	struct gpsnmea_stats work_stats;
	spinlock_t stats_lock;		/* protects @stats */
	struct gpsnmea_stats stats;
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
