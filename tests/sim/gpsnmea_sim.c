// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea_sim - a simulated GPS receiver TX line (test fixture for gpsnmea)
 *
 * Registers a non-sleeping, input-only gpio_chip "gpsnmea-sim" with 1..4
 * lines and its own edge-triggered IRQ chip (through GPIOLIB_IRQCHIP).
 * Bytes written to debugfs (gpsnmea-sim/line<N>/tx) are played out on the
 * line as an 8N1 UART waveform: an ABS_HARD hrtimer fires at every edge,
 * sets the new line level and then raises the edge IRQ in hard-IRQ context,
 * like a GPIO controller would. Fault injection (bad stop bits, glitches,
 * swallowed IRQs, timer jitter) and a sender clock error are available.
 *
 * See Documentation/simulator.rst for the debugfs interface.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/gpio/driver.h>
#include <linux/hrtimer.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/kernel.h>
#include <linux/kfifo.h>
#include <linux/log2.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/swait.h>
#include <linux/uaccess.h>
#include <linux/version.h>

/* ---- kernel version differences ---------------------------------------- */

#ifndef CONFIG_GPIOLIB_IRQCHIP
#error "gpsnmea_sim needs CONFIG_GPIOLIB_IRQCHIP (y on Debian 6.1 and 6.12)"
#endif

#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
static void sim_hrtimer_setup(struct hrtimer *timer,
			      enum hrtimer_restart (*fn)(struct hrtimer *))
{
	hrtimer_setup(timer, fn, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
}
#else
static void sim_hrtimer_setup(struct hrtimer *timer,
			      enum hrtimer_restart (*fn)(struct hrtimer *))
{
	hrtimer_init(timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	timer->function = fn;
}
#endif

/* ---- constants ---------------------------------------------------------- */

#define SIM_NAME		"gpsnmea-sim"
#define SIM_MAX_LINES		4
#define SIM_FIFO_SIZE		SZ_64K		/* power of two */
#define SIM_STARTS		4096		/* start timestamps kept */
#define SIM_STARTS_CHUNK	64		/* copied per lock hold */
#define SIM_RAISED		32768		/* raised edges kept */
#define SIM_BAUD_MIN		50
#define SIM_BAUD_MAX		2000000
#define SIM_BAUD_DEFAULT	9600
#define SIM_PPM_LIMIT		500000		/* |clock_ppm| <= 50 % */
#define SIM_FRAME_HALVES	20		/* 10 bits (8N1) in half bits */
#define SIM_MAX_EVENTS		16		/* 10 bits + glitch pair + end */
#define SIM_RNG_SEED		0x9e3779b97f4a7c15ULL
#define SIM_LOAD_HZ_MAX		100000
#define SIM_LOAD_NS_MAX		100000
/* random irq_load defaults: 1-3 us, 1000 ppm of them 10-30 us */
#define SIM_LOAD_LO_NS		1000
#define SIM_LOAD_HI_NS		3000
#define SIM_LOAD_TAIL_PPM	1000
#define SIM_LOAD_TAIL_LO_NS	10000
#define SIM_LOAD_TAIL_HI_NS	30000
/*
 * A random irq_load arrival less than this after the end of the previous
 * section joins it (a pending interrupt runs as soon as interrupts are on
 * again), so that the hrtimer interrupt does not loop on our expiries.
 */
#define SIM_LOAD_MERGE_NS	2000
/* at most this many merged sections per callback; later arrivals skipped */
#define SIM_LOAD_MERGE_MAX	8
/* largest slow-stop fault: the ->get of a stop-bit edge waits 10 ms */
#define SIM_SLOW_GET_MAX_NS	(10 * NSEC_PER_MSEC)
/* longest flood: 60 s; shortest half period: 100 ns */
#define SIM_FLOOD_MAX_MS	60000
#define SIM_FLOOD_MIN_NS	100
/* largest jitter fault: a second per expiry */
#define SIM_JITTER_MAX_NS	NSEC_PER_SEC
/* a spike's timer fires this much early and waits (up to 8 us, irqs off) */
#define SIM_SPIKE_LEAD_NS	8000

/* timer lateness histogram: SIM_LATE_BUCKETS of SIM_LATE_STEP_NS, last open */
#define SIM_LATE_BUCKETS	80
#define SIM_LATE_STEP_NS	100
/* idle time between a write to an idle line and its first start bit */
#define SIM_START_LEAD_NS	(20 * NSEC_PER_USEC)

/* ns * 1e6 (ppm scale): half-bit time = SIM_NS_PPM / (2 * baud * (1e6 + ppm)) */
#define SIM_NS_PPM		(NSEC_PER_SEC * 1000000ULL)

/* logical (non-inverted) UART levels */
#define SIM_SPACE		0
#define SIM_MARK		1
/* sim_event.level value marking the end of a frame (no level change) */
#define SIM_EV_FRAME_END	2

static unsigned int lines = 1;
module_param(lines, uint, 0444);
MODULE_PARM_DESC(lines, "number of simulated GPIO lines (1..4, default 1)");

/* one scheduled change of the line, at an absolute CLOCK_MONOTONIC time */
struct sim_event {
	u64 t_ns;
	u8 level;		/* SIM_SPACE, SIM_MARK or SIM_EV_FRAME_END */
};

/*
 * struct sim_line - one simulated GPIO line and its UART transmitter
 *
 * Fields marked [L] are protected by @lock (a raw spinlock: it is taken
 * from the hard-IRQ hrtimer callback, from the irq_chip callbacks under the
 * irq_desc raw lock, and from gpio_chip.get, which consumers call from hard
 * IRQ context). The hrtimer callback is the only reader of @fifo and reads it
 * under @lock; writers of @fifo are serialized by @tx_mutex and do not take
 * @lock for the copy (kfifo is safe for one reader and one writer).
 */
struct sim_line {
	struct gpsnmea_sim *sim;
	unsigned int offset;
	struct hrtimer timer;		/* armed at each edge while @active */
	struct hrtimer flood_timer;	/* the flood fault's edges */
	raw_spinlock_t lock;		/* protects the [L] fields */

	/* configuration [L]; baud and invert change only while !@active */
	u32 baud;
	bool invert;
	s32 clock_ppm;

	/* line and IRQ state [L] */
	u8 level;			/* logical level, SIM_MARK when idle */
	bool irq_requested;		/* between irq request/release_resources */
	bool irq_unmasked;
	unsigned int irq_type;		/* IRQ_TYPE_EDGE_* bits */

	/* transmitter state [L] */
	bool active;			/* @timer is running a burst */
	bool on_wire;			/* a frame is being sent */
	bool dying;			/* teardown started: no new bursts */
	u64 burst_start_ns;		/* time of half bit 0 of this burst */
	u64 frame_half;			/* half-bit index of the current frame */
	u64 half_denom;			/* 2 * baud * (1e6 + ppm), latched */
	struct sim_event ev[SIM_MAX_EVENTS];
	unsigned int ev_idx;		/* next event for @timer */

	/* fault injection [L] */
	u32 f_stopbit;			/* frames left with a space stop bit */
	u32 f_glitch;			/* frames left with a glitch */
	u32 f_glitch_ns;		/* glitch width */
	u32 f_drop_edge;		/* IRQs left to swallow */
	u32 f_jitter_ns;		/* max random extra timer delay, 0 = off */
	u32 f_spike_every;		/* 1 expiry in this many is late, ... */
	u32 f_spike_ns;			/* ... by this much (0 = off), ... */
	u32 f_spike_after;		/* ... after this many more expiries */
	u64 spike_ns;			/* the next expiry is a spike: when */
	u32 f_slow_stop_ns;		/* ->get of a stop-bit edge waits so long */
	unsigned int stop_ev;		/* index of the stop-bit edge in @ev */
	u32 slow_get_ns;		/* the next ->get waits so long */
	u32 f_flood_ns;			/* flood: half period or mean gap */
	bool f_flood_random;		/* flood: random gaps 1..2 * f_flood_ns */
	u64 flood_end_ns;		/* flood: until then, 0 = off */
	bool flood_paused;		/* flood: IRQ masked, timer stopped */
	u32 glitch_seq;			/* picks the glitched data bit */
	u64 rng;			/* xorshift64 state for the jitter */

	/* statistics [L] */
	u64 bytes_sent;
	u64 edges;
	u64 irqs_raised;
	u64 faults;

	/* edge timer lateness (expiry to callback) [L], see the late file */
	u64 late_max;
	u64 late_hist[SIM_LATE_BUCKETS];

	/* start bit timestamps [L]: ring of SIM_STARTS, @starts_count total */
	u64 *starts;
	u64 starts_count;
	unsigned int starts_gen;	/* incremented by starts_reset */
	/*
	 * edges raised as IRQs [L]: ring of SIM_RAISED, @raised_count total,
	 * the time in ns with the pin's value after the edge in bit 0
	 */
	u64 *raised;
	u64 raised_count;

	DECLARE_KFIFO_PTR(fifo, u8);	/* bytes to send, see above */
	struct mutex tx_mutex;		/* serializes tx writers */
	struct swait_queue_head tx_wait;	/* tx writer waits for room */
};

/*
 * struct sim_load - a second interrupt source for benchmarks
 *
 * An ABS_HARD hrtimer that busy-waits in hard IRQ context (interrupts off)
 * at each expiry, like another device's interrupt handler: it delays the
 * simulated GPS's edge IRQs and every other hrtimer on the CPU alike.
 * Fixed mode (@random false): @hz times a second, @work_ns each. Random
 * mode: Poisson arrivals at @hz on average, each section @lo_ns..@hi_ns
 * long, or with probability @tail_ppm / 1e6 @tail_lo_ns..@tail_hi_ns,
 * drawn from a xorshift64 seeded with @seed (struct sim_load_cfg). @cfg,
 * @rng, @period_ns and @next_ns change only under @mutex with the timer
 * stopped, or in the timer callback; the statistics are atomics, read
 * while the timer runs.
 */
struct sim_load_cfg {
	bool random;
	u32 hz;
	u32 work_ns;
	u32 lo_ns, hi_ns;
	u32 tail_ppm;
	u32 tail_lo_ns, tail_hi_ns;
	u32 tail_threshold;		/* tail_ppm scaled to 2^32 */
	u64 seed;
};

struct sim_load {
	struct hrtimer timer;
	struct mutex mutex;		/* serializes writers of irq_load */
	struct sim_load_cfg cfg;
	u64 rng;
	u64 period_ns;
	u64 next_ns;			/* random: the next arrival */
	atomic64_t fires;
	atomic64_t busy_ns;
	atomic64_t max_ns;
	atomic64_t tails;
};

struct gpsnmea_sim {
	struct gpio_chip gc;
	struct dentry *dbg_dir;
	struct sim_load load;
	unsigned int nlines;
	struct sim_line line[];
};

static struct platform_device *sim_pdev;

/* ---- waveform ----------------------------------------------------------- */

static u64 sim_half_time(const struct sim_line *l, u64 half)
{
	lockdep_assert_held(&l->lock);
	return l->burst_start_ns +
	       mul_u64_u64_div_u64(l->frame_half + half, SIM_NS_PPM,
				   l->half_denom);
}

/* xorshift64: a reproducible sequence per seed, cheap in hard IRQ */
static u32 sim_xorshift(u64 *state)
{
	u64 x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return x >> 32;
}

static u32 sim_rand(struct sim_line *l)
{
	return sim_xorshift(&l->rng);
}

/* Extra delay of the next timer expiry: the jitter fault. */
static u32 sim_jitter(struct sim_line *l)
{
	if (!l->f_jitter_ns)
		return 0;
	/* 0..f_jitter_ns: no division in hard IRQ context */
	return ((u64)sim_rand(l) * (l->f_jitter_ns + 1ULL)) >> 32;
}

/*
 * The spike fault: is the next expiry one? A spike is to be exactly as
 * late as asked, not that plus whatever the guest adds: its timer is armed
 * SIM_SPIKE_LEAD_NS early and the callback waits for the time (see
 * sim_tx_timer()).
 */
static bool sim_spike(struct sim_line *l)
{
	if (!l->f_spike_ns)
		return false;
	if (l->f_spike_after) {
		l->f_spike_after--;
		return false;
	}
	return sim_rand(l) % l->f_spike_every == 0;
}

/*
 * Apply a logical level to the line. Returns true when the caller must raise
 * the line's IRQ (after dropping @lock): the IRQ is requested and unmasked,
 * the edge matches its trigger type and no drop-edge fault swallows it.
 */
static bool sim_set_level(struct sim_line *l, u8 level)
{
	unsigned int want;

	lockdep_assert_held(&l->lock);
	if (level == l->level)
		return false;
	l->level = level;
	l->edges++;

	want = (level ^ l->invert) ? IRQ_TYPE_EDGE_RISING : IRQ_TYPE_EDGE_FALLING;
	if (!l->irq_requested || !l->irq_unmasked || !(l->irq_type & want))
		return false;
	if (l->f_drop_edge) {
		l->f_drop_edge--;
		l->faults++;
		return false;
	}
	l->irqs_raised++;
	return true;
}

static void sim_add_event(struct sim_line *l, unsigned int *n, u64 t_ns,
			  u8 level)
{
	if (WARN_ON_ONCE(*n >= SIM_MAX_EVENTS))
		return;
	l->ev[*n].t_ns = t_ns;
	l->ev[*n].level = level;
	(*n)++;
}

/*
 * Build the event list of one 8N1 frame starting at half bit @frame_half.
 * Only level changes become events (equal consecutive bits make no edge);
 * every list ends with a SIM_EV_FRAME_END event at the end of the stop bit.
 */
static void sim_build_frame(struct sim_line *l, u8 byte)
{
	unsigned int glitch_bit = UINT_MAX;
	unsigned int i, n = 0;
	u8 bits[10], prev = l->level;
	u64 width = 0;

	lockdep_assert_held(&l->lock);

	bits[0] = SIM_SPACE;
	for (i = 0; i < 8; i++)
		bits[1 + i] = (byte >> i) & 1;
	bits[9] = SIM_MARK;

	if (l->f_stopbit) {
		l->f_stopbit--;
		l->faults++;
		bits[9] = SIM_SPACE;
	}
	if (l->f_glitch) {
		u64 half_bit = sim_half_time(l, 1) - sim_half_time(l, 0);

		l->f_glitch--;
		l->faults++;
		glitch_bit = 1 + l->glitch_seq++ % 8;
		/* keep the pulse inside the bit: at most a half bit wide */
		width = clamp_t(u64, l->f_glitch_ns, 1, max_t(u64, half_bit, 1));
	}

	l->stop_ev = UINT_MAX;
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (i == 9 && bits[i] != prev)
			l->stop_ev = n;
		if (bits[i] != prev)
			sim_add_event(l, &n, sim_half_time(l, 2 * i), bits[i]);
		prev = bits[i];
		if (i == glitch_bit) {
			u64 t = sim_half_time(l, 2 * i + 1) - width / 2;

			sim_add_event(l, &n, t, !bits[i]);
			sim_add_event(l, &n, t + width, bits[i]);
		}
	}
	sim_add_event(l, &n, sim_half_time(l, SIM_FRAME_HALVES),
		      SIM_EV_FRAME_END);
	l->ev_idx = 0;
}

static void sim_record_start(struct sim_line *l)
{
	lockdep_assert_held(&l->lock);
	l->starts[l->starts_count % SIM_STARTS] = ktime_get_ns();
	l->starts_count++;
}

/*
 * The IRQ is raised right after this, so the time is the driver's
 * timestamp of the edge give or take a fixed path of instructions.
 */
static void sim_record_raised(struct sim_line *l)
{
	lockdep_assert_held(&l->lock);
	l->raised[l->raised_count % SIM_RAISED] =
		(ktime_get_ns() & ~1ULL) | (l->level ^ l->invert);
	l->raised_count++;
}

static enum hrtimer_restart sim_tx_timer(struct hrtimer *timer)
{
	struct sim_line *l = container_of(timer, struct sim_line, timer);
	enum hrtimer_restart ret = HRTIMER_RESTART;
	bool raise = false, started = false;
	const struct sim_event *ev;
	unsigned long flags;
	u64 late, spike;
	int err;

	late = ktime_get_ns() - ktime_to_ns(hrtimer_get_expires(timer));
	spike = READ_ONCE(l->spike_ns);
	/* Armed early; irqs are off here, so only this can delay us. */
	while (spike && ktime_get_ns() < spike)
		cpu_relax();
	raw_spin_lock_irqsave(&l->lock, flags);
	if (spike) {
		l->spike_ns = 0;
	} else {
		l->late_max = max(l->late_max, late);
		l->late_hist[min_t(u64, div_u64(late, SIM_LATE_STEP_NS),
				   SIM_LATE_BUCKETS - 1)]++;
	}
	ev = &l->ev[l->ev_idx];

	if (ev->level == SIM_EV_FRAME_END) {
		u64 boundary = ev->t_ns;
		u8 byte;

		if (l->on_wire) {
			l->on_wire = false;
			l->bytes_sent++;
			l->frame_half += SIM_FRAME_HALVES;
		}
		if (!l->dying && kfifo_get(&l->fifo, &byte)) {
			l->on_wire = true;
			started = true;
			sim_build_frame(l, byte);
			ev = &l->ev[0];
			/* no falling edge if the line is still at space */
			if (ev->t_ns != boundary)
				ev = NULL;
		} else {
			/* end of burst, back to mark after a space stop bit */
			l->active = false;
			ret = HRTIMER_NORESTART;
			raise = sim_set_level(l, SIM_MARK);
			ev = NULL;
		}
	}

	if (ev) {
		raise = sim_set_level(l, ev->level);
		if (raise && l->ev_idx == l->stop_ev && l->f_slow_stop_ns) {
			l->slow_get_ns = l->f_slow_stop_ns;
			l->faults++;
		}
		l->ev_idx++;
	}
	if (raise)
		sim_record_raised(l);
	if (started)
		sim_record_start(l);
	if (ret == HRTIMER_RESTART) {
		u64 t = l->ev[l->ev_idx].t_ns + sim_jitter(l);

		if (sim_spike(l)) {
			l->spike_ns = t + l->f_spike_ns;
			t = l->spike_ns - SIM_SPIKE_LEAD_NS;
		}

		hrtimer_set_expires(timer, ns_to_ktime(t));
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);

	if (raise) {
		err = generic_handle_domain_irq(l->sim->gc.irq.domain, l->offset);
		if (err)
			pr_warn_once("line %u: raising IRQ failed: %d\n",
				     l->offset, err);
	}
	if (started && swq_has_sleeper(&l->tx_wait))
		swake_up_one(&l->tx_wait);
	return ret;
}

/*
 * The flood fault: the line toggles every f_flood_ns (a square wave) or
 * after random gaps, as a floating or noisy input does, until
 * flood_end_ns, then rests at mark. Edges nobody can see cost a real line
 * nothing, so while the IRQ is masked the timer stops (flood_paused) and
 * sim_irq_unmask() restarts it (it wakes up at the end regardless).
 */
static void sim_tx_kick(struct sim_line *l);

static enum hrtimer_restart sim_flood_timer(struct hrtimer *timer)
{
	struct sim_line *l = container_of(timer, struct sim_line, flood_timer);
	enum hrtimer_restart ret = HRTIMER_RESTART;
	u64 now = ktime_get_ns(), gap;
	unsigned long flags;
	bool raise;

	raw_spin_lock_irqsave(&l->lock, flags);
	if (!l->flood_end_ns || now >= l->flood_end_ns || l->dying) {
		l->flood_end_ns = 0;
		raise = sim_set_level(l, SIM_MARK);
		ret = HRTIMER_NORESTART;
	} else if (!l->irq_unmasked) {
		/* wakes up at the end, unless an unmask restarts it earlier */
		l->flood_paused = true;
		raise = false;
		hrtimer_set_expires(timer, ns_to_ktime(l->flood_end_ns));
	} else {
		raise = sim_set_level(l, !l->level);
		gap = l->f_flood_ns;
		if (l->f_flood_random)
			gap = 1 + (((u64)sim_rand(l) * 2 * gap) >> 32);
		hrtimer_set_expires(timer, ns_to_ktime(now + gap));
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);

	if (raise)
		generic_handle_domain_irq(l->sim->gc.irq.domain, l->offset);
	if (ret == HRTIMER_NORESTART)
		sim_tx_kick(l);		/* bytes written during the flood */
	return ret;
}

/* Start a burst if the line is idle and data is queued. */
static void sim_tx_kick(struct sim_line *l)
{
	unsigned long flags;
	u64 start;

	raw_spin_lock_irqsave(&l->lock, flags);
	if (!l->active && !l->dying && !l->flood_end_ns &&
	    !kfifo_is_empty(&l->fifo)) {
		/* arm in the future so the first start edge is on time too */
		start = ktime_get_ns() + SIM_START_LEAD_NS;
		l->active = true;
		l->burst_start_ns = start;
		l->frame_half = 0;
		l->half_denom = 2ULL * l->baud * (1000000LL + l->clock_ppm);
		l->ev[0].t_ns = start;
		l->ev[0].level = SIM_EV_FRAME_END;
		l->ev_idx = 0;
		hrtimer_start(&l->timer, ns_to_ktime(start),
			      HRTIMER_MODE_ABS_HARD);
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
}

/* ---- gpio_chip and irq_chip --------------------------------------------- */

static struct sim_line *sim_gc_line(struct gpio_chip *gc, unsigned int offset)
{
	struct gpsnmea_sim *sim = gpiochip_get_data(gc);

	return &sim->line[offset];
}

static int sim_gpio_get(struct gpio_chip *gc, unsigned int offset)
{
	struct sim_line *l = sim_gc_line(gc, offset);
	unsigned long flags;
	u64 t0 = ktime_get_ns();
	u32 wait;
	int val;

	raw_spin_lock_irqsave(&l->lock, flags);
	val = l->level ^ l->invert;
	wait = l->slow_get_ns;
	l->slow_get_ns = 0;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	/* the slow-stop fault: a slow read between timestamp and queueing */
	while (wait && ktime_get_ns() - t0 < wait)
		cpu_relax();
	return val;
}

static int sim_gpio_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	return GPIO_LINE_DIRECTION_IN;
}

static int sim_gpio_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	return 0;
}

static void sim_irq_mask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);
	struct sim_line *l = sim_gc_line(gc, hwirq);
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	l->irq_unmasked = false;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	gpiochip_disable_irq(gc, hwirq);
}

static void sim_irq_unmask(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);
	struct sim_line *l = sim_gc_line(gc, hwirq);
	unsigned long flags;
	bool no_type;

	gpiochip_enable_irq(gc, hwirq);
	raw_spin_lock_irqsave(&l->lock, flags);
	l->irq_unmasked = true;
	no_type = !(l->irq_type & IRQ_TYPE_EDGE_BOTH);
	if (l->flood_paused) {
		l->flood_paused = false;
		hrtimer_start(&l->flood_timer,
			      ns_to_ktime(ktime_get_ns() + l->f_flood_ns),
			      HRTIMER_MODE_ABS_HARD);
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
	if (no_type)
		pr_warn_once("line %lu: IRQ unmasked without an edge trigger type, it will never fire\n",
			     hwirq);
}

static int sim_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	struct sim_line *l = sim_gc_line(gc, irqd_to_hwirq(d));
	unsigned long flags;

	type &= IRQ_TYPE_SENSE_MASK;
	if (type & ~IRQ_TYPE_EDGE_BOTH)
		return -EINVAL;		/* no level triggers */

	raw_spin_lock_irqsave(&l->lock, flags);
	l->irq_type = type;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return 0;
}

static int sim_irq_reqres(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);
	struct sim_line *l = sim_gc_line(gc, hwirq);
	unsigned long flags;
	int ret;

	ret = gpiochip_reqres_irq(gc, hwirq);
	if (ret)
		return ret;
	raw_spin_lock_irqsave(&l->lock, flags);
	l->irq_requested = true;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return 0;
}

static void sim_irq_relres(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	irq_hw_number_t hwirq = irqd_to_hwirq(d);
	struct sim_line *l = sim_gc_line(gc, hwirq);
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	l->irq_requested = false;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	gpiochip_relres_irq(gc, hwirq);
}

static const struct irq_chip sim_irq_chip = {
	.name			= SIM_NAME,
	.irq_mask		= sim_irq_mask,
	.irq_unmask		= sim_irq_unmask,
	.irq_set_type		= sim_irq_set_type,
	.irq_request_resources	= sim_irq_reqres,
	.irq_release_resources	= sim_irq_relres,
	.flags			= IRQCHIP_IMMUTABLE | IRQCHIP_SKIP_SET_WAKE,
};

/* ---- debugfs ------------------------------------------------------------ */

static struct sim_line *sim_file_line(struct file *file)
{
	struct seq_file *m = file->private_data;

	return m->private;
}

/* read through seq_file (one consistent snapshot per open), custom write */
#define SIM_DEBUGFS_FOPS(name, mode_write)				\
static int name##_open(struct inode *inode, struct file *file)		\
{									\
	return single_open(file, name##_show, inode->i_private);	\
}									\
static const struct file_operations name##_fops = {			\
	.owner		= THIS_MODULE,					\
	.open		= name##_open,					\
	.read		= seq_read,					\
	.write		= mode_write,					\
	.llseek		= seq_lseek,					\
	.release	= single_release,				\
}

static int sim_baud_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;

	seq_printf(m, "%u\n", READ_ONCE(l->baud));
	return 0;
}

static ssize_t sim_baud_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct sim_line *l = sim_file_line(file);
	unsigned long flags;
	int ret;
	u32 val;

	ret = kstrtou32_from_user(buf, count, 0, &val);
	if (ret)
		return ret;
	if (val < SIM_BAUD_MIN || val > SIM_BAUD_MAX)
		return -ERANGE;

	raw_spin_lock_irqsave(&l->lock, flags);
	if (l->active) {
		ret = -EBUSY;
	} else {
		l->baud = val;
		l->late_max = 0;
		memset(l->late_hist, 0, sizeof(l->late_hist));
	}
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return ret ?: count;
}

SIM_DEBUGFS_FOPS(sim_baud, sim_baud_write);

static int sim_invert_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;

	seq_printf(m, "%d\n", READ_ONCE(l->invert));
	return 0;
}

static ssize_t sim_invert_write(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct sim_line *l = sim_file_line(file);
	unsigned long flags;
	bool val;
	int ret;

	ret = kstrtobool_from_user(buf, count, &val);
	if (ret)
		return ret;

	raw_spin_lock_irqsave(&l->lock, flags);
	if (l->active)
		ret = -EBUSY;
	else
		l->invert = val;	/* level flips without an IRQ */
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return ret ?: count;
}

SIM_DEBUGFS_FOPS(sim_invert, sim_invert_write);

static int sim_clock_ppm_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;

	seq_printf(m, "%d\n", READ_ONCE(l->clock_ppm));
	return 0;
}

static ssize_t sim_clock_ppm_write(struct file *file, const char __user *buf,
				   size_t count, loff_t *ppos)
{
	struct sim_line *l = sim_file_line(file);
	unsigned long flags;
	int ret;
	s32 val;

	ret = kstrtos32_from_user(buf, count, 0, &val);
	if (ret)
		return ret;
	if (val < -SIM_PPM_LIMIT || val > SIM_PPM_LIMIT)
		return -ERANGE;

	/* latched at the start of each burst */
	raw_spin_lock_irqsave(&l->lock, flags);
	l->clock_ppm = val;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return count;
}

SIM_DEBUGFS_FOPS(sim_clock_ppm, sim_clock_ppm_write);

static int sim_pending_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;
	unsigned long flags;
	unsigned int n;

	raw_spin_lock_irqsave(&l->lock, flags);
	n = kfifo_len(&l->fifo) + l->on_wire + !!l->flood_end_ns;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	seq_printf(m, "%u\n", n);
	return 0;
}

SIM_DEBUGFS_FOPS(sim_pending, NULL);

static int sim_level_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;
	unsigned long flags;
	int val;

	raw_spin_lock_irqsave(&l->lock, flags);
	val = l->level ^ l->invert;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	seq_printf(m, "%d\n", val);
	return 0;
}

SIM_DEBUGFS_FOPS(sim_level, NULL);

static int sim_stats_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;
	u64 bytes, edges, irqs, faults;
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	bytes = l->bytes_sent;
	edges = l->edges;
	irqs = l->irqs_raised;
	faults = l->faults;
	raw_spin_unlock_irqrestore(&l->lock, flags);

	seq_printf(m, "bytes_sent %llu\nedges %llu\nirqs_raised %llu\nfaults %llu\n",
		   bytes, edges, irqs, faults);
	return 0;
}

SIM_DEBUGFS_FOPS(sim_stats, NULL);

static int sim_fault_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;
	u32 stopbit, glitch, glitch_ns, drop, jitter, every, spike, after;
	u32 slow_stop;
	u64 flood_ms;
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	stopbit = l->f_stopbit;
	glitch = l->f_glitch;
	glitch_ns = l->f_glitch_ns;
	drop = l->f_drop_edge;
	jitter = l->f_jitter_ns;
	every = l->f_spike_every;
	spike = l->f_spike_ns;
	after = l->f_spike_after;
	slow_stop = l->f_slow_stop_ns;
	flood_ms = l->flood_end_ns > ktime_get_ns() ?
		   div_u64(l->flood_end_ns - ktime_get_ns(), NSEC_PER_MSEC) : 0;
	raw_spin_unlock_irqrestore(&l->lock, flags);

	seq_printf(m, "stopbit %u\nglitch %u %u\ndrop-edge %u\njitter %u\nspike %u %u %u\nslow-stop %u\nflood_ms_left %llu\n",
		   stopbit, glitch, glitch_ns, drop, jitter, every, spike, after,
		   slow_stop, flood_ms);
	return 0;
}

static ssize_t sim_fault_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct sim_line *l = sim_file_line(file);
	char kbuf[64], cmd[16], junk;
	unsigned long flags;
	ssize_t ret = count;
	u32 a = 0, b = 0, c = 0;
	int n;

	if (count >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, buf, count))
		return -EFAULT;
	kbuf[count] = '\0';

	n = sscanf(kbuf, "%15s %u %u %u %c", cmd, &a, &b, &c, &junk);
	if (n < 1)
		return -EINVAL;

	raw_spin_lock_irqsave(&l->lock, flags);
	if (!strcmp(cmd, "clear") && n == 1) {
		l->f_stopbit = 0;
		l->f_glitch = 0;
		l->f_glitch_ns = 0;
		l->f_drop_edge = 0;
		l->f_jitter_ns = 0;
		l->f_spike_every = 0;
		l->f_spike_ns = 0;
		l->f_spike_after = 0;
		l->f_slow_stop_ns = 0;
	} else if (!strcmp(cmd, "stopbit") && n == 2) {
		l->f_stopbit = a;
	} else if (!strcmp(cmd, "glitch") && n == 3 && b > 0) {
		l->f_glitch = a;
		l->f_glitch_ns = b;
		l->glitch_seq = 0;
	} else if ((!strcmp(cmd, "flood") || !strcmp(cmd, "flood-random")) &&
		   n == 3) {
		if (a < SIM_FLOOD_MIN_NS || b < 1 || b > SIM_FLOOD_MAX_MS) {
			ret = -ERANGE;
			goto out;
		}
		if (l->active || l->flood_end_ns) {
			ret = -EBUSY;
			goto out;
		}
		l->f_flood_ns = a;
		l->f_flood_random = cmd[5] == '-';
		l->flood_end_ns = ktime_get_ns() + b * NSEC_PER_MSEC;
		l->flood_paused = false;
		l->rng = SIM_RNG_SEED;
		hrtimer_start(&l->flood_timer,
			      ns_to_ktime(ktime_get_ns() + a),
			      HRTIMER_MODE_ABS_HARD);
	} else if (!strcmp(cmd, "slow-stop") && n == 2) {
		if (a > SIM_SLOW_GET_MAX_NS) {
			ret = -ERANGE;
			goto out;
		}
		l->f_slow_stop_ns = a;
	} else if (!strcmp(cmd, "drop-edge") && n == 2) {
		l->f_drop_edge = a;
	} else if (!strcmp(cmd, "jitter") && n == 2) {
		if (a > SIM_JITTER_MAX_NS) {
			ret = -ERANGE;
			goto out;
		}
		l->f_jitter_ns = a;
		l->rng = SIM_RNG_SEED;
	} else if (!strcmp(cmd, "spike") && (n == 3 || n == 4) && a > 0) {
		l->f_spike_every = a;
		l->f_spike_ns = b;
		l->f_spike_after = c;
		l->rng = SIM_RNG_SEED;
	} else {
		ret = -EINVAL;
	}
out:
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return ret;
}

SIM_DEBUGFS_FOPS(sim_fault, sim_fault_write);

/*
 * Copy a ring (@ring of @size entries, @count written) in small pieces so
 * that reading it does not keep interrupts off long enough to delay the
 * line's own edges. An entry copied while a new one overwrote its slot is
 * detected from the count afterwards and left out; a reset in between
 * makes the copy start over. Each entry is printed as "index ns" or, with
 * @level, "index ns level" (the level in the time's bit 0). @size is a
 * power of two (no 64-bit division on 32-bit ARM).
 */
static int sim_ring_show(struct seq_file *m, struct sim_line *l,
			 const u64 *ring, const u64 *count, u64 size,
			 bool level)
{
	u64 i, first, total, end, *snap;
	unsigned int gen, tries = 0;
	unsigned long flags;

	BUILD_BUG_ON(!is_power_of_2(SIM_STARTS) || !is_power_of_2(SIM_RAISED));
	snap = kvmalloc_array(size, sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;

retry:
	raw_spin_lock_irqsave(&l->lock, flags);
	total = *count;
	gen = l->starts_gen;
	raw_spin_unlock_irqrestore(&l->lock, flags);

	first = total > size ? total - size : 0;
	for (i = first; i < total; i = end) {
		end = min_t(u64, i + SIM_STARTS_CHUNK, total);
		raw_spin_lock_irqsave(&l->lock, flags);
		for (; i < end; i++)
			snap[i & (size - 1)] = ring[i & (size - 1)];
		raw_spin_unlock_irqrestore(&l->lock, flags);
	}

	raw_spin_lock_irqsave(&l->lock, flags);
	if (l->starts_gen != gen) {
		raw_spin_unlock_irqrestore(&l->lock, flags);
		if (++tries < 3)
			goto retry;
		kvfree(snap);
		return -EAGAIN;
	}
	if (*count > first + size)
		first = *count - size;
	raw_spin_unlock_irqrestore(&l->lock, flags);

	for (i = first; i < total; i++) {
		u64 v = snap[i & (size - 1)];

		if (level)
			seq_printf(m, "%llu %llu %llu\n", i, v & ~1ULL, v & 1);
		else
			seq_printf(m, "%llu %llu\n", i, v);
	}
	kvfree(snap);
	return 0;
}

static int sim_starts_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;

	return sim_ring_show(m, l, l->starts, &l->starts_count, SIM_STARTS,
			     false);
}

static int sim_starts_open(struct inode *inode, struct file *file)
{
	/* "index ns\n": at most 2 * 20 + 2 characters a line */
	return single_open_size(file, sim_starts_show, inode->i_private,
				SIM_STARTS * 42 + 1);
}

static const struct file_operations sim_starts_fops = {
	.owner		= THIS_MODULE,
	.open		= sim_starts_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int sim_raised_show(struct seq_file *m, void *v)
{
	struct sim_line *l = m->private;

	return sim_ring_show(m, l, l->raised, &l->raised_count, SIM_RAISED,
			     true);
}

static int sim_raised_open(struct inode *inode, struct file *file)
{
	/* "index ns level\n": at most 3 * 20 + 3 characters a line */
	return single_open_size(file, sim_raised_show, inode->i_private,
				SIM_RAISED * 63 + 1);
}

static const struct file_operations sim_raised_fops = {
	.owner		= THIS_MODULE,
	.open		= sim_raised_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/*
 * How late the edge timer ran: "count N", "p50_ns N", "p99_ns N",
 * "p999_ns N" (upper bounds of SIM_LATE_STEP_NS buckets) and "max_ns N".
 */
static int sim_late_show(struct seq_file *m, void *v)
{
	static const unsigned int per_mille[] = { 500, 990, 999 };
	static const char *const names[] = { "p50_ns", "p99_ns", "p999_ns" };
	struct sim_line *l = m->private;
	u64 *hist, total = 0, seen = 0, max;
	unsigned long flags;
	unsigned int b, p = 0;

	hist = kcalloc(SIM_LATE_BUCKETS, sizeof(*hist), GFP_KERNEL);
	if (!hist)
		return -ENOMEM;
	raw_spin_lock_irqsave(&l->lock, flags);
	memcpy(hist, l->late_hist, sizeof(l->late_hist));
	max = l->late_max;
	raw_spin_unlock_irqrestore(&l->lock, flags);

	for (b = 0; b < SIM_LATE_BUCKETS; b++)
		total += hist[b];
	seq_printf(m, "count %llu\n", total);
	for (b = 0; b < SIM_LATE_BUCKETS && p < ARRAY_SIZE(per_mille); b++) {
		seen += hist[b];
		while (p < ARRAY_SIZE(per_mille) &&
		       seen * 1000 >= total * per_mille[p])
			seq_printf(m, "%s %llu\n", names[p++],
				   min_t(u64, (b + 1) * SIM_LATE_STEP_NS, max));
	}
	seq_printf(m, "max_ns %llu\n", max);
	kfree(hist);
	return 0;
}

/* Any write clears the lateness figures. */
static ssize_t sim_late_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct sim_line *l = sim_file_line(file);
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	l->late_max = 0;
	memset(l->late_hist, 0, sizeof(l->late_hist));
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return count;
}

SIM_DEBUGFS_FOPS(sim_late, sim_late_write);

static ssize_t sim_starts_reset_write(struct file *file,
				      const char __user *buf, size_t count,
				      loff_t *ppos)
{
	struct sim_line *l = file->private_data;
	unsigned long flags;

	raw_spin_lock_irqsave(&l->lock, flags);
	l->starts_count = 0;
	l->raised_count = 0;
	l->starts_gen++;
	raw_spin_unlock_irqrestore(&l->lock, flags);
	return count;
}

static const struct file_operations sim_starts_reset_fops = {
	.owner		= THIS_MODULE,
	.open		= simple_open,
	.write		= sim_starts_reset_write,
};

static ssize_t sim_tx_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct sim_line *l = file->private_data;
	size_t done = 0;
	int ret = 0;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&l->tx_mutex))
		return -ERESTARTSYS;

	while (done < count) {
		size_t len = min_t(size_t, count - done, SIM_FIFO_SIZE);
		unsigned int copied;

		if (READ_ONCE(l->dying)) {
			ret = -ENODEV;
			break;
		}
		ret = kfifo_from_user(&l->fifo, buf + done, len, &copied);
		if (ret)
			break;
		if (copied) {
			done += copied;
			sim_tx_kick(l);
			continue;
		}
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		ret = swait_event_interruptible_exclusive(l->tx_wait,
							  !kfifo_is_full(&l->fifo) ||
							  READ_ONCE(l->dying));
		if (ret)
			break;
	}
	mutex_unlock(&l->tx_mutex);
	return done ? done : ret;
}

static const struct file_operations sim_tx_fops = {
	.owner		= THIS_MODULE,
	.open		= simple_open,
	.write		= sim_tx_write,
};

static u32 sim_load_rand(struct sim_load *ld)
{
	return sim_xorshift(&ld->rng);
}

/* lo..hi (hi >= lo) from one draw, without a division */
static u32 sim_load_uniform(struct sim_load *ld, u32 lo, u32 hi)
{
	return lo + (u32)(((u64)sim_load_rand(ld) * (hi - lo + 1ULL)) >> 32);
}

/**
 * sim_exp_q16() - an exponentially distributed number of mean 1, in Q16
 * @u: a uniform 32-bit random number
 *
 * Return: -ln((@u + 1) / 2^32) * 65536. log2 of the mantissa m in [1, 2)
 * is taken as x + 0.3466 x (1 - x) with x = m - 1 (within 0.008), so
 * there is neither a division nor a table; 0 .. 22.2 * 65536.
 */
static u32 sim_exp_q16(u32 u)
{
	u64 v = (u64)u + 1;
	unsigned int k = fls64(v) - 1;
	u32 x = (u32)(v << (32 - k)) >> 16;
	u32 log2_q16;

	log2_q16 = (k << 16) + x +
		   (u32)(((u64)x * (65536 - x) * 22713) >> 32);
	/* ln 2 = 45426 / 65536 */
	return ((u64)((32 << 16) - log2_q16) * 45426) >> 16;
}

/* One random interrupts-off section's length. */
static u32 sim_load_len(struct sim_load *ld)
{
	const struct sim_load_cfg *c = &ld->cfg;

	if (c->tail_threshold && sim_load_rand(ld) < c->tail_threshold) {
		atomic64_inc(&ld->tails);
		return sim_load_uniform(ld, c->tail_lo_ns, c->tail_hi_ns);
	}
	return sim_load_uniform(ld, c->lo_ns, c->hi_ns);
}

static u64 sim_load_gap(struct sim_load *ld)
{
	return (ld->period_ns * sim_exp_q16(sim_load_rand(ld))) >> 16;
}

/* Busy-wait from @start for @len ns; returns the time it ended. */
static u64 sim_load_busy(struct sim_load *ld, u64 start, u32 len)
{
	u64 end = start + len, now;

	while ((now = ktime_get_ns()) < end)
		cpu_relax();
	atomic64_inc(&ld->fires);
	atomic64_add(len, &ld->busy_ns);
	return now;
}

static enum hrtimer_restart sim_load_timer(struct hrtimer *timer)
{
	struct sim_load *ld = container_of(timer, struct sim_load, timer);
	u64 start = ktime_get_ns(), now = start;
	unsigned int n;

	if (!ld->cfg.random) {
		sim_load_busy(ld, now, ld->cfg.work_ns);
		hrtimer_forward_now(timer, ns_to_ktime(ld->period_ns));
		return HRTIMER_RESTART;
	}

	for (n = 1; ; n++) {
		now = sim_load_busy(ld, now, sim_load_len(ld));
		ld->next_ns += sim_load_gap(ld);
		if (ld->next_ns >= now + SIM_LOAD_MERGE_NS)
			break;
		if (n == SIM_LOAD_MERGE_MAX) {
			while (ld->next_ns < now + SIM_LOAD_MERGE_NS)
				ld->next_ns += sim_load_gap(ld);
			break;
		}
	}
	if (now - start > (u64)atomic64_read(&ld->max_ns))
		atomic64_set(&ld->max_ns, now - start);
	hrtimer_set_expires(timer, ns_to_ktime(ld->next_ns));
	return HRTIMER_RESTART;
}

static int sim_irq_load_show(struct seq_file *m, void *v)
{
	struct sim_load *ld = m->private;
	const struct sim_load_cfg *c = &ld->cfg;

	mutex_lock(&ld->mutex);
	if (c->random)
		seq_printf(m, "random %u %u %u %u %u %u %llu\n"
			   "fires %llu\nbusy_ns %llu\nmax_ns %llu\ntails %llu\n",
			   c->hz, c->lo_ns, c->hi_ns, c->tail_ppm,
			   c->tail_lo_ns, c->tail_hi_ns, c->seed,
			   (u64)atomic64_read(&ld->fires),
			   (u64)atomic64_read(&ld->busy_ns),
			   (u64)atomic64_read(&ld->max_ns),
			   (u64)atomic64_read(&ld->tails));
	else
		seq_printf(m, "%u %u %llu\n", c->hz, c->work_ns,
			   (u64)atomic64_read(&ld->fires));
	mutex_unlock(&ld->mutex);
	return 0;
}

/* splitmix64: spreads a small seed over the state; never 0 for xorshift */
static u64 sim_load_seed(u64 seed)
{
	u64 z = seed + SIM_RNG_SEED;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : SIM_RNG_SEED;
}

/*
 * Parse the arguments of "random HZ [LO_NS HI_NS TAIL_PPM TAIL_LO_NS
 * TAIL_HI_NS [SEED]]" into @cfg.
 */
static int sim_irq_load_parse_random(struct sim_load_cfg *cfg,
				     const char *args)
{
	u32 hz, lo = SIM_LOAD_LO_NS, hi = SIM_LOAD_HI_NS;
	u32 ppm = SIM_LOAD_TAIL_PPM, tlo = SIM_LOAD_TAIL_LO_NS;
	u32 thi = SIM_LOAD_TAIL_HI_NS;
	unsigned long long seed = 0;
	int n;

	n = sscanf(args, "%u %u %u %u %u %u %llu", &hz, &lo, &hi, &ppm, &tlo,
		   &thi, &seed);
	if (n != 1 && n != 6 && n != 7)
		return -EINVAL;
	if (!hz || hz > SIM_LOAD_HZ_MAX || lo > hi || hi > SIM_LOAD_NS_MAX ||
	    ppm > 1000000 || tlo > thi || thi > SIM_LOAD_NS_MAX)
		return -ERANGE;
	/* mean busy time per second below half a second */
	if ((u64)hz * ((1000000ULL - ppm) * (lo + hi) + (u64)ppm * (tlo + thi)) >=
	    1000000ULL * NSEC_PER_SEC)
		return -ERANGE;

	cfg->random = true;
	cfg->hz = hz;
	cfg->work_ns = 0;
	cfg->lo_ns = lo;
	cfg->hi_ns = hi;
	cfg->tail_ppm = ppm;
	cfg->tail_lo_ns = tlo;
	cfg->tail_hi_ns = thi;
	cfg->tail_threshold = div_u64((u64)ppm << 32, 1000000);
	if (ppm == 1000000)
		cfg->tail_threshold = U32_MAX;
	cfg->seed = seed;
	return 0;
}

/*
 * "HZ WORK_NS" starts the fixed load, "random ..." the random one (see
 * sim_irq_load_parse_random()), both counting from 0; "0" stops it.
 */
static ssize_t sim_irq_load_write(struct file *file, const char __user *buf,
				  size_t count, loff_t *ppos)
{
	struct sim_load *ld = ((struct seq_file *)file->private_data)->private;
	struct sim_load_cfg cfg = { };
	u32 hz, work_ns = 0;
	char *kbuf;
	int n, ret = 0;

	kbuf = memdup_user_nul(buf, min_t(size_t, count, 128));
	if (IS_ERR(kbuf))
		return PTR_ERR(kbuf);
	if (!strncmp(kbuf, "random ", 7)) {
		ret = sim_irq_load_parse_random(&cfg, kbuf + 7);
	} else {
		n = sscanf(kbuf, "%u %u", &hz, &work_ns);
		if (n < 1 || (hz && n != 2))
			ret = -EINVAL;
		else if (hz > SIM_LOAD_HZ_MAX || work_ns > SIM_LOAD_NS_MAX ||
			 (hz && (u64)hz * work_ns >= NSEC_PER_SEC / 2))
			ret = -ERANGE;
		cfg.hz = hz;
		cfg.work_ns = work_ns;
	}
	kfree(kbuf);
	if (ret)
		return ret;

	mutex_lock(&ld->mutex);
	hrtimer_cancel(&ld->timer);
	ld->cfg = cfg;
	ld->rng = sim_load_seed(cfg.seed);
	if (ld->cfg.hz) {
		ld->period_ns = div_u64(NSEC_PER_SEC, ld->cfg.hz);
		atomic64_set(&ld->fires, 0);
		atomic64_set(&ld->busy_ns, 0);
		atomic64_set(&ld->max_ns, 0);
		atomic64_set(&ld->tails, 0);
		ld->next_ns = ktime_get_ns() + ld->period_ns;
		if (ld->cfg.random)
			ld->next_ns = ktime_get_ns() + sim_load_gap(ld);
		hrtimer_start(&ld->timer, ns_to_ktime(ld->next_ns),
			      HRTIMER_MODE_ABS_HARD);
	}
	mutex_unlock(&ld->mutex);
	return count;
}

SIM_DEBUGFS_FOPS(sim_irq_load, sim_irq_load_write);

static void sim_debugfs_init(struct gpsnmea_sim *sim)
{
	unsigned int i;

	debugfs_create_file("irq_load", 0600, sim->dbg_dir, &sim->load,
			    &sim_irq_load_fops);

	for (i = 0; i < sim->nlines; i++) {
		struct sim_line *l = &sim->line[i];
		struct dentry *dir;
		char name[16];

		snprintf(name, sizeof(name), "line%u", i);
		dir = debugfs_create_dir(name, sim->dbg_dir);
		debugfs_create_file("tx", 0200, dir, l, &sim_tx_fops);
		debugfs_create_file("baud", 0644, dir, l, &sim_baud_fops);
		debugfs_create_file("invert", 0644, dir, l, &sim_invert_fops);
		debugfs_create_file("clock_ppm", 0644, dir, l,
				    &sim_clock_ppm_fops);
		debugfs_create_file("pending", 0444, dir, l, &sim_pending_fops);
		debugfs_create_file("level", 0444, dir, l, &sim_level_fops);
		debugfs_create_file("stats", 0444, dir, l, &sim_stats_fops);
		debugfs_create_file("late", 0644, dir, l, &sim_late_fops);
		debugfs_create_file("fault", 0600, dir, l, &sim_fault_fops);
		debugfs_create_file("starts", 0444, dir, l, &sim_starts_fops);
		debugfs_create_file("raised", 0444, dir, l, &sim_raised_fops);
		debugfs_create_file("starts_reset", 0200, dir, l,
				    &sim_starts_reset_fops);
	}
}

/* ---- platform driver ---------------------------------------------------- */

/* devm action, runs before the gpio_chip (and its IRQ domain) goes away */
static void sim_teardown(void *data)
{
	struct gpsnmea_sim *sim = data;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < sim->nlines; i++) {
		struct sim_line *l = &sim->line[i];

		raw_spin_lock_irqsave(&l->lock, flags);
		l->dying = true;
		raw_spin_unlock_irqrestore(&l->lock, flags);
		swake_up_all(&l->tx_wait);
	}
	/* waits for file operations in progress; none can start afterwards */
	debugfs_remove_recursive(sim->dbg_dir);
	for (i = 0; i < sim->nlines; i++) {
		hrtimer_cancel(&sim->line[i].timer);
		hrtimer_cancel(&sim->line[i].flood_timer);
	}
	hrtimer_cancel(&sim->load.timer);
}

static void sim_kvfree(void *p)
{
	kvfree(p);
}

static int sim_line_init(struct device *dev, struct gpsnmea_sim *sim,
			 unsigned int offset)
{
	struct sim_line *l = &sim->line[offset];
	u8 *buf;
	int ret;

	l->sim = sim;
	l->offset = offset;
	raw_spin_lock_init(&l->lock);
	mutex_init(&l->tx_mutex);
	init_swait_queue_head(&l->tx_wait);
	sim_hrtimer_setup(&l->timer, sim_tx_timer);
	sim_hrtimer_setup(&l->flood_timer, sim_flood_timer);
	l->baud = SIM_BAUD_DEFAULT;
	l->level = SIM_MARK;
	l->rng = SIM_RNG_SEED;

	buf = kvzalloc(SIM_FIFO_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = devm_add_action_or_reset(dev, sim_kvfree, buf);
	if (ret)
		return ret;
	ret = kfifo_init(&l->fifo, buf, SIM_FIFO_SIZE);
	if (ret)
		return ret;

	l->starts = devm_kcalloc(dev, SIM_STARTS, sizeof(*l->starts),
				 GFP_KERNEL);
	if (!l->starts)
		return -ENOMEM;
	l->raised = devm_kcalloc(dev, SIM_RAISED, sizeof(*l->raised),
				 GFP_KERNEL);
	if (!l->raised)
		return -ENOMEM;
	return 0;
}

static int sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gpsnmea_sim *sim;
	struct gpio_irq_chip *girq;
	unsigned int i;
	int ret;

	sim = devm_kzalloc(dev, struct_size(sim, line, lines), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	sim->nlines = lines;
	mutex_init(&sim->load.mutex);
	sim_hrtimer_setup(&sim->load.timer, sim_load_timer);

	for (i = 0; i < sim->nlines; i++) {
		ret = sim_line_init(dev, sim, i);
		if (ret)
			return ret;
	}

	sim->gc.label = SIM_NAME;
	sim->gc.parent = dev;
	sim->gc.owner = THIS_MODULE;
	sim->gc.base = -1;
	sim->gc.ngpio = sim->nlines;
	sim->gc.can_sleep = false;
	sim->gc.get = sim_gpio_get;
	sim->gc.get_direction = sim_gpio_get_direction;
	sim->gc.direction_input = sim_gpio_direction_input;

	girq = &sim->gc.irq;
	gpio_irq_chip_set_chip(girq, &sim_irq_chip);
	girq->handler = handle_simple_irq;
	girq->default_type = IRQ_TYPE_NONE;

	ret = devm_gpiochip_add_data(dev, &sim->gc, sim);
	if (ret)
		return dev_err_probe(dev, ret, "adding gpio_chip failed\n");

	sim->dbg_dir = debugfs_create_dir(SIM_NAME, NULL);
	if (IS_ERR(sim->dbg_dir))
		return dev_err_probe(dev, PTR_ERR(sim->dbg_dir),
				     "creating debugfs directory failed\n");
	ret = devm_add_action_or_reset(dev, sim_teardown, sim);
	if (ret)
		return ret;
	sim_debugfs_init(sim);

	platform_set_drvdata(pdev, sim);
	return 0;
}

/*
 * A device tree node of this compatible (test-only, no binding) makes the
 * simulator bind to it, so its gpio_chip has that node and a
 * gpsnmea,gpio-nmea node's rx-gpios can point at it (the arm64 VM,
 * Documentation/simulator.rst). Without one the module provides its own
 * platform device, named by the line lookup key "gpsnmea-sim".
 */
static const struct of_device_id sim_of_match[] = {
	{ .compatible = "gpsnmea,sim" },
	{ }
};
MODULE_DEVICE_TABLE(of, sim_of_match);

static struct platform_driver sim_driver = {
	.probe = sim_probe,
	.driver = {
		.name = SIM_NAME,
		.of_match_table = sim_of_match,
	},
};

static int __init sim_init(void)
{
	struct platform_device *pdev;
	struct device_node *np;
	bool bound;
	int ret;

	if (lines < 1 || lines > SIM_MAX_LINES) {
		pr_err("lines=%u out of range 1..%d\n", lines, SIM_MAX_LINES);
		return -EINVAL;
	}
	ret = platform_driver_register(&sim_driver);
	if (ret)
		return ret;

	np = of_find_matching_node(NULL, sim_of_match);
	if (np) {
		pdev = of_find_device_by_node(np);
		of_node_put(np);
	} else {
		sim_pdev = platform_device_register_simple(SIM_NAME,
							   PLATFORM_DEVID_NONE,
							   NULL, 0);
		if (IS_ERR(sim_pdev)) {
			ret = PTR_ERR(sim_pdev);
			sim_pdev = NULL;
			goto err_driver;
		}
		pdev = sim_pdev;
		get_device(&pdev->dev);
	}
	/* Probing is synchronous: a device that did not bind fails the load. */
	bound = pdev && pdev->dev.driver == &sim_driver.driver;
	if (pdev)
		put_device(&pdev->dev);
	if (bound)
		return 0;
	pr_err("no simulated GPS device bound (%s)\n",
	       np ? "gpsnmea,sim device tree node" : SIM_NAME);
	ret = -ENODEV;
	platform_device_unregister(sim_pdev);
	sim_pdev = NULL;
err_driver:
	platform_driver_unregister(&sim_driver);
	return ret;
}
module_init(sim_init);

static void __exit sim_exit(void)
{
	platform_device_unregister(sim_pdev);
	platform_driver_unregister(&sim_driver);
}
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated GPS TX line: GPIO + IRQ chip playing UART bytes");
MODULE_LICENSE("GPL");
