// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea - the bottom half.
 *
 * One processing function, gpsnmea_bh_process(), drains the edge ring
 * through the UART decoder and the NMEA framer. Four mechanisms can run
 * it; each is a small ops table that only schedules, waits and cleans up.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/workqueue.h>

#include "gpsnmea.h"
#include "gpsnmea_trace.h"
#include "compat.h"

/* --- tasklet: softirq context, the classic bottom half --- */

static void gpsnmea_tasklet_fn(struct tasklet_struct *t)
{
	struct gpsnmea *gn = from_tasklet(gn, t, tasklet);

	gpsnmea_bh_process(gn);
}

static int gpsnmea_tasklet_start(struct gpsnmea *gn)
{
	tasklet_setup(&gn->tasklet, gpsnmea_tasklet_fn);
	return 0;
}

static irqreturn_t gpsnmea_tasklet_schedule(struct gpsnmea *gn)
{
	tasklet_schedule(&gn->tasklet);
	return IRQ_HANDLED;
}

static void gpsnmea_tasklet_quiesce(struct gpsnmea *gn)
{
	tasklet_kill(&gn->tasklet);
}

static const struct gpsnmea_bh_ops gpsnmea_bh_tasklet = {
	.name = "tasklet",
	.start = gpsnmea_tasklet_start,
	.schedule = gpsnmea_tasklet_schedule,
	.quiesce = gpsnmea_tasklet_quiesce,
};

/* --- work items: bh_wq (softirq context) and wq (a kworker thread) --- */

/*
 * Each mechanism has a work item of its own: lockdep gives a work item's
 * completion one class, and a WQ_BH worker runs it in softirq context, a
 * kworker in process context with softirqs on. One item switched between
 * the two would look like inconsistent lock usage.
 */
static void gpsnmea_bh_work_fn(struct work_struct *work)
{
	gpsnmea_bh_process(container_of(work, struct gpsnmea, bh_work));
}

static void gpsnmea_work_fn(struct work_struct *work)
{
	gpsnmea_bh_process(container_of(work, struct gpsnmea, work));
}

static void gpsnmea_bh_work_quiesce(struct gpsnmea *gn)
{
	cancel_work_sync(&gn->bh_work);
}

static void gpsnmea_work_quiesce(struct gpsnmea *gn)
{
	cancel_work_sync(&gn->work);
}

static int gpsnmea_bh_wq_start(struct gpsnmea *gn)
{
	return GPSNMEA_HAVE_WQ_BH ? 0 : -EOPNOTSUPP;
}

static irqreturn_t gpsnmea_bh_wq_schedule(struct gpsnmea *gn)
{
	queue_work(GPSNMEA_SYSTEM_BH_WQ, &gn->bh_work);
	return IRQ_HANDLED;
}

static const struct gpsnmea_bh_ops gpsnmea_bh_bh_wq = {
	.name = "bh_wq",
#if !GPSNMEA_HAVE_WQ_BH
	.needs = "Linux 6.9 or later (WQ_BH workqueues)",
#endif
	.start = gpsnmea_bh_wq_start,
	.schedule = gpsnmea_bh_wq_schedule,
	.quiesce = gpsnmea_bh_work_quiesce,
};

/*
 * The workqueue is allocated at the first start and kept until
 * gpsnmea_bh_exit(), not destroyed at each switch away from wq: on a
 * lockdep kernel destroy_workqueue() unregisters the queue's lock class
 * key, which walks every lock class and dependency with interrupts off,
 * for longer than half a bit at 1200 baud on 6.12-debug-a. The top half
 * cannot run meanwhile: its timestamps would be that late.
 */
static int gpsnmea_wq_start(struct gpsnmea *gn)
{
	if (!gn->wq)
		gn->wq = alloc_workqueue("gpsnmea%d", WQ_HIGHPRI, 0, gn->id);
	return gn->wq ? 0 : -ENOMEM;
}

static irqreturn_t gpsnmea_wq_schedule(struct gpsnmea *gn)
{
	queue_work(gn->wq, &gn->work);
	return IRQ_HANDLED;
}

static const struct gpsnmea_bh_ops gpsnmea_bh_wq = {
	.name = "wq",
	.start = gpsnmea_wq_start,
	.schedule = gpsnmea_wq_schedule,
	.quiesce = gpsnmea_work_quiesce,
};

/* --- threaded IRQ: the IRQ's own kernel thread, gpsnmea_irq_thread() --- */

static int gpsnmea_thread_start(struct gpsnmea *gn)
{
	return 0;
}

static irqreturn_t gpsnmea_thread_schedule(struct gpsnmea *gn)
{
	return IRQ_WAKE_THREAD;
}

/* Waits for a running thread and for a wake-up not yet served. */
static void gpsnmea_thread_quiesce(struct gpsnmea *gn)
{
	synchronize_irq(gn->irq);
}

static const struct gpsnmea_bh_ops gpsnmea_bh_thread = {
	.name = "thread",
	.start = gpsnmea_thread_start,
	.schedule = gpsnmea_thread_schedule,
	.quiesce = gpsnmea_thread_quiesce,
};

/*
 * Parked: in force while the mechanism is being switched. Edges wait in
 * the kfifo and are handed to the new mechanism.
 */
static irqreturn_t gpsnmea_parked_schedule(struct gpsnmea *gn)
{
	return IRQ_HANDLED;
}

static const struct gpsnmea_bh_ops gpsnmea_bh_parked = {
	.name = "parked",
	.schedule = gpsnmea_parked_schedule,
};

const struct gpsnmea_bh_ops *const gpsnmea_bh_all[] = {
	&gpsnmea_bh_tasklet,
	&gpsnmea_bh_bh_wq,
	&gpsnmea_bh_wq,
	&gpsnmea_bh_thread,
	NULL
};

const struct gpsnmea_bh_ops *gpsnmea_bh_find(const char *name)
{
	const struct gpsnmea_bh_ops *const *ops;

	for (ops = gpsnmea_bh_all; *ops; ops++)
		if (sysfs_streq((*ops)->name, name))
			return *ops;
	return NULL;
}

/**
 * gpsnmea_bh_check - can the running kernel run this bottom half?
 * @name: a mechanism's name
 *
 * Return: 0, -EINVAL for an unknown name, -EOPNOTSUPP for a mechanism the
 * running kernel lacks. Both are logged with what to do instead.
 */
int gpsnmea_bh_check(const char *name)
{
	const struct gpsnmea_bh_ops *ops = gpsnmea_bh_find(name);

	if (!ops) {
		pr_err("bh=%s: unknown bottom half; choose tasklet, bh_wq, wq or thread\n",
		       name);
		return -EINVAL;
	}
	if (ops->needs) {
		pr_err("bh=%s needs %s; this kernel is %s\n", ops->name,
		       ops->needs, init_utsname()->release);
		return -EOPNOTSUPP;
	}
	return 0;
}

/**
 * gpsnmea_bh_default - the bottom half used when none is chosen
 *
 * bh_wq where the kernel has it, tasklet before 6.9: both run in softirq
 * right after the hard IRQ, with the lowest latency and no thread to wake;
 * the decoder's work per run is short and never sleeps. bh_wq is the
 * kernel's replacement for tasklets.
 *
 * Return: the default mechanism.
 */
const struct gpsnmea_bh_ops *gpsnmea_bh_default(void)
{
	return GPSNMEA_HAVE_WQ_BH ? &gpsnmea_bh_bh_wq : &gpsnmea_bh_tasklet;
}

/* Request a run from any context but hard IRQ return (timer, switch). */
static void gpsnmea_bh_kick(struct gpsnmea *gn)
{
	if (READ_ONCE(gn->bh)->schedule(gn) == IRQ_WAKE_THREAD)
		irq_wake_thread(gn->irq, gn);
}

static enum hrtimer_restart gpsnmea_idle_timer_fn(struct hrtimer *t)
{
	struct gpsnmea *gn = container_of(t, struct gpsnmea, idle_timer);

	atomic64_inc(&gn->timer_expiries);
	if (!READ_ONCE(gn->stopping))
		gpsnmea_bh_kick(gn);
	return HRTIMER_NORESTART;
}

static void gpsnmea_bh_emit(void *ctx, u8 byte, u64 start_ns, u32 flags)
{
	struct gpsnmea *gn = ctx;
	u32 len = nmea_framer_push(&gn->framer, byte, start_ns,
				   (flags & UART_DEC_DOUBTFUL ?
				    NMEA_BYTE_DOUBTFUL : 0) |
				   (flags & UART_DEC_GAP ? NMEA_BYTE_GAP : 0));

	if (len) {
		const char *text = nmea_framer_sentence(&gn->framer);
		u64 start = nmea_framer_start_ns(&gn->framer);

		gpsnmea_chardev_publish(gn, text, len, start);
		if (gn->gnss)
			gpsnmea_gnss_publish(gn, text, len);
		trace_gpsnmea_sentence(gn->id, text, len);
		nmea_fix_update(&gn->fix, text, len, start);
	}
}

/*
 * Publish this run: the run's own figures are added in place, the decoder's
 * and framer's counters copied; the fix and sentence-type tables only when
 * the run completed a sentence. The write section is short and never waits;
 * preemption is off for it (wq and thread run in tasks) so that a reader
 * never spins on a preempted writer, and so are softirqs: bh_wq and tasklet
 * write it in softirq context, and lockdep wants one context for a
 * seqcount's writers whichever mechanism runs.
 */
static void gpsnmea_bh_account(struct gpsnmea *gn, u64 latency_ns,
			       unsigned int queued, unsigned int handled,
			       u64 run_ns, bool new_sentences)
{
	struct gpsnmea_stats *st = &gn->stats;
	unsigned int bucket = latency_ns ? min(fls64(latency_ns),
					       GPSNMEA_LAT_BUCKETS - 1) : 0;

	local_bh_disable();
	preempt_disable();
	write_seqcount_begin(&gn->stats_seq);
	st->bh_runs++;
	st->bh_time_ns += run_ns;
	st->bh_edges_max = max_t(u64, st->bh_edges_max, handled);
	st->bh_edges_total += handled;
	st->fifo_high_water = max_t(u64, st->fifo_high_water, queued);
	if (queued) {
		st->lat_max_ns = max(st->lat_max_ns, latency_ns);
		st->lat_hist[bucket]++;
	}
	st->uart = gn->dec.stats;
	st->sentences = gn->framer.sentences;
	st->no_checksum = gn->framer.no_checksum;
	memcpy(st->drops, gn->framer.drops, sizeof(st->drops));
	st->doubtful = gn->framer.doubtful;
	st->gaps = gn->gaps;
	st->gnss_drops = gn->gnss_drops;
	write_seqcount_end(&gn->stats_seq);
	preempt_enable();
	local_bh_enable();

	if (new_sentences) {
		spin_lock_bh(&gn->stats_lock);
		gn->fix_snap = gn->fix;
		gn->types_snap = gn->framer.types;
		spin_unlock_bh(&gn->stats_lock);
	}
}

/*
 * May the idle flush complete the frame at @now, taken before the ring
 * was drained? Not while a top half is between its timestamp and its put
 * (on another CPU; the stamp may be earlier than @now), nor when one has
 * put an edge since the drain. If @in_flight reads 0 before the top half's
 * increment, that increment was not yet visible, so its timestamp (read
 * after it, see gpsnmea_hardirq()) is later than this read and than @now.
 * If it reads 0 after the decrement, the put is visible to the check of
 * the ring that follows.
 */
static bool gpsnmea_bh_idle_ok(struct gpsnmea *gn)
{
	smp_mb();	/* orders the drain and @now before the reads below */
	if (atomic_read_acquire(&gn->in_flight))
		return false;
	return gpsnmea_ring_empty(&gn->edges);
}

/**
 * gpsnmea_bh_process - the bottom half's work, whatever runs it
 * @gn: receiver
 *
 * Drains the edge ring into the decoder, completes a frame whose time is
 * up, publishes counters, wakes readers, and arms the idle timer for a frame
 * still in progress. Never sleeps, so every mechanism can run it. Runs are
 * serialised by construction: one mechanism is active at a time and none of
 * them runs its callback concurrently with itself.
 *
 * The run first clears @kick_armed, then (after a full barrier) takes the
 * ring's head. A top half puts its edge, then (after a full barrier) reads
 * @kick_armed. So either this run sees the edge, or the top half sees the
 * flag clear and arms the timer for a later run: no edge is left waiting
 * without a run due.
 */
void gpsnmea_bh_process(struct gpsnmea *gn)
{
	struct gpsnmea_ring *r = &gn->edges;
	u64 sentences = gn->framer.sentences;
	u64 latency = 0, deadline, run_ns, now;
	bool wait_top = false;
	unsigned int n, queued;
	u32 head, tail;

	WRITE_ONCE(gn->kick_armed, false);
	smp_mb();	/* pairs with the top half's, see above */
	/*
	 * Taken before draining. An edge stamped before @now is in the ring
	 * when it is drained, or, on another CPU, still between its timestamp
	 * and its put: see gpsnmea_bh_idle_ok().
	 */
	now = ktime_get_ns();
	head = smp_load_acquire(&r->head);	/* the slots below it are written */
	tail = r->tail;
	queued = head - tail;
	if (queued)
		latency = now - min(now, r->buf[tail & (GPSNMEA_EDGE_FIFO - 1)].t_ns);

	for (n = 0; tail != head; tail++, n++) {
		const struct gpsnmea_edge *e = &r->buf[tail & (GPSNMEA_EDGE_FIFO - 1)];

		if (unlikely(e->level >= GPSNMEA_EDGE_STORM)) {
			gn->gaps++;
			if (e->level == GPSNMEA_EDGE_STORM)
				uart_dec_forget(&gn->dec);
			else
				uart_dec_reset(&gn->dec);
			nmea_framer_reset(&gn->framer);
			dev_warn_ratelimited(gn->dev,
					     "edges lost: %lld overruns (bottom half too slow), %lld storms, %lld GPIO read errors so far\n",
					     (s64)atomic64_read(&gn->overruns),
					     (s64)atomic64_read(&gn->storms),
					     (s64)atomic64_read(&gn->gpio_errors));
			continue;
		}
		uart_dec_edge(&gn->dec, e->t_ns, e->level);
	}
	/* The slots are read: the top half may reuse them. */
	smp_store_release(&r->tail, tail);

	deadline = uart_dec_deadline(&gn->dec);
	/*
	 * An edge stamped before @now still in the ring would come after the
	 * idle call completed its frame: gpsnmea_bh_idle_ok() checks.
	 */
	if (deadline && deadline <= now) {
		wait_top = !gpsnmea_bh_idle_ok(gn);
		if (!wait_top) {
			/* Afterwards the deadline is later than @now, or 0. */
			uart_dec_idle(&gn->dec, now);
			deadline = uart_dec_deadline(&gn->dec);
		}
	}

	run_ns = ktime_get_ns() - now;
	gpsnmea_bh_account(gn, latency, queued, n, run_ns,
			   gn->framer.sentences != sentences);
	trace_gpsnmea_bh_run(gn->id, READ_ONCE(gn->bh)->name, n, latency,
			     run_ns);
	if (gn->framer.sentences != sentences)
		gpsnmea_chardev_wake(gn);

	if (READ_ONCE(gn->stopping))
		return;
	/*
	 * Edges queued since this run started have armed the timer (a top
	 * half in flight arms it once its edge is queued): that run will see
	 * the frame in progress. Otherwise the timer is set for the frame's
	 * deadline. Should a top half arm it in between, this replaces its
	 * expiry by the deadline, which runs the bottom half just as well.
	 */
	if (deadline && !wait_top && !READ_ONCE(gn->kick_armed))
		hrtimer_start(&gn->idle_timer, ns_to_ktime(deadline),
			      HRTIMER_MODE_ABS);
}

/**
 * gpsnmea_bh_init - set up the decoding core and start a bottom half
 * @gn: receiver, with its settings read
 * @ops: the mechanism to start
 *
 * Return: 0 or -errno from the mechanism's start.
 */
int gpsnmea_bh_init(struct gpsnmea *gn, const struct gpsnmea_bh_ops *ops)
{
	struct uart_dec_config ucfg = {
		.baud = gn->baud,
		/* gpiod_get_value() has applied the line's active-low flag */
		.invert = false,
		.glitch_pct = gn->glitch_pct,
	};
	struct nmea_framer_config fcfg = {
		.max_len = gn->max_len,
		.allow_no_checksum = gn->allow_no_checksum,
	};

	uart_dec_init(&gn->dec, &ucfg, gpsnmea_bh_emit, gn);
	nmea_framer_init(&gn->framer, &fcfg);
	INIT_WORK(&gn->bh_work, gpsnmea_bh_work_fn);
	INIT_WORK(&gn->work, gpsnmea_work_fn);
	gpsnmea_hrtimer_setup(&gn->idle_timer, gpsnmea_idle_timer_fn,
			      CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	gn->bh = ops;
	return ops->start(gn);
}

/**
 * gpsnmea_bh_switch - replace the running bottom half
 * @gn: receiver
 * @ops: the new mechanism
 *
 * The top half keeps queueing edges throughout; they wait in the kfifo
 * while no mechanism is active and the new one starts with them.
 *
 * Return: 0, -EOPNOTSUPP if the kernel lacks @ops, or -errno from its start.
 */
int gpsnmea_bh_switch(struct gpsnmea *gn, const struct gpsnmea_bh_ops *ops)
{
	const struct gpsnmea_bh_ops *old;
	int ret = 0;

	if (ops->needs)
		return -EOPNOTSUPP;

	mutex_lock(&gn->switch_lock);
	old = gn->bh;
	if (old == ops || READ_ONCE(gn->stopping))
		goto out;
	ret = ops->start(gn);
	if (ret)
		goto out;

	/* Nothing calls the old mechanism's schedule once these return. */
	WRITE_ONCE(gn->bh, &gpsnmea_bh_parked);
	synchronize_irq(gn->irq);
	hrtimer_cancel(&gn->idle_timer);
	old->quiesce(gn);
	/* A run that raced with the cancel may have armed the timer again. */
	hrtimer_cancel(&gn->idle_timer);

	WRITE_ONCE(gn->bh, ops);
	gpsnmea_bh_kick(gn);
	dev_dbg(gn->dev, "bottom half %s -> %s\n", old->name, ops->name);
out:
	mutex_unlock(&gn->switch_lock);
	return ret;
}

/**
 * gpsnmea_bh_exit - stop the bottom half for good
 * @gn: receiver whose IRQ has been freed
 */
void gpsnmea_bh_exit(struct gpsnmea *gn)
{
	mutex_lock(&gn->switch_lock);
	WRITE_ONCE(gn->stopping, true);
	hrtimer_cancel(&gn->idle_timer);
	gn->bh->quiesce(gn);
	hrtimer_cancel(&gn->idle_timer);
	/* wq's, kept across switches (see gpsnmea_wq_start()) */
	if (gn->wq) {
		destroy_workqueue(gn->wq);
		gn->wq = NULL;
	}
	mutex_unlock(&gn->switch_lock);
}
