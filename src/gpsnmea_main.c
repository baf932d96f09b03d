// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea - NMEA 0183 source from a GPS receiver wired to one GPIO line.
 *
 * This file holds the platform driver, its module parameters and the top
 * half: the hard IRQ handler that timestamps each edge of the RX line.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/machine.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/static_key.h>

#include "gpsnmea.h"
#include "gpsnmea_trace.h"
#include "compat.h"

static char *gpio_chip;
module_param(gpio_chip, charp, 0444);
MODULE_PARM_DESC(gpio_chip,
		 "Label of the GPIO chip holding the RX line, for boards without device tree (e.g. pinctrl-bcm2711)");

static unsigned int gpio_line;
module_param(gpio_line, uint, 0444);
MODULE_PARM_DESC(gpio_line, "Offset of the RX line on gpio_chip");

static unsigned int baud = 9600;
module_param(baud, uint, 0444);
MODULE_PARM_DESC(baud, "Bit rate, 8N1 (default 9600; device tree: current-speed)");

static bool invert;
module_param(invert, bool, 0444);
MODULE_PARM_DESC(invert, "The line idles low (inverting level shifter), for boards without device tree (device tree: GPIO_ACTIVE_LOW in rx-gpios)");

static unsigned int max_len = NMEA_MAX_LEN_DEFAULT;
module_param(max_len, uint, 0444);
MODULE_PARM_DESC(max_len, "Longest sentence accepted, '$' to checksum, "
		 __stringify(NMEA_MAX_LEN_MIN) ".." __stringify(NMEA_MAX_LEN_LIMIT)
		 " (default " __stringify(NMEA_MAX_LEN_DEFAULT) ")");

static unsigned int glitch_pct = 15;
module_param(glitch_pct, uint, 0444);
MODULE_PARM_DESC(glitch_pct, "Ignore pulses shorter than this % of a bit (default 15, 0 = off)");

static bool allow_no_checksum;
module_param(allow_no_checksum, bool, 0444);
MODULE_PARM_DESC(allow_no_checksum,
		 "Accept sentences without a *hh checksum (default off: dropped and counted)");

static char *bh;
module_param(bh, charp, 0444);
MODULE_PARM_DESC(bh, "Bottom half: tasklet, bh_wq (6.9+), wq or thread (default: bh_wq where available, else tasklet)");

static bool gnss;
module_param(gnss, bool, 0444);
MODULE_PARM_DESC(gnss, "Also register with the GNSS subsystem as /dev/gnssN, type NMEA (default off; device tree: linux,gnss)");

static bool irq_time;
module_param(irq_time, bool, 0444);
MODULE_PARM_DESC(irq_time, "Account the top half's CPU time in statistics/irq_time_ns (one more clock read per edge; for benchmarks)");

/* Patched in at load by irq_time=1: the top half stays one timestamp otherwise. */
static DEFINE_STATIC_KEY_FALSE(gpsnmea_irq_time);

#define GPSNMEA_BAUD_MIN	50
#define GPSNMEA_BAUD_MAX	1000000

static DEFINE_IDA(gpsnmea_ida);

/*
 * Is this edge one too many? A floating, noisy or wrong line can make far
 * more edges than any UART: past the budget of a window the IRQ is masked
 * (from inside its handler: disable_irq_nosync()), the edges after the
 * last one queued are marked as a gap, and storm_work unmasks it after
 * the holdoff. A storm that goes on is masked again at once.
 */
static bool gpsnmea_storm(struct gpsnmea *gn, u64 now)
{
	if (now - gn->storm_window >= GPSNMEA_STORM_WINDOW_NS) {
		gn->storm_window = now;
		gn->storm_edges = 0;
	}
	if (likely(++gn->storm_edges <= gn->storm_budget) ||
	    READ_ONCE(gn->storm_off))
		return false;
	disable_irq_nosync(gn->irq);
	atomic64_inc(&gn->storms);
	gn->edge_gap = true;
	gn->edge_storm = true;
	schedule_delayed_work(&gn->storm_work,
			      msecs_to_jiffies(GPSNMEA_STORM_HOLDOFF_MS));
	return true;
}

static void gpsnmea_storm_work(struct work_struct *work)
{
	struct gpsnmea *gn = container_of(to_delayed_work(work),
					  struct gpsnmea, storm_work);

	dev_warn_ratelimited(gn->dev,
			     "edge storm: more than %u edges in %u ms, IRQ masked for %u ms (%lld storms)\n",
			     gn->storm_budget,
			     (u32)(GPSNMEA_STORM_WINDOW_NS / NSEC_PER_MSEC),
			     GPSNMEA_STORM_HOLDOFF_MS,
			     (s64)atomic64_read(&gn->storms));
	/* The handler is not running: its IRQ is masked. */
	gn->storm_window = 0;
	gn->storm_edges = 0;
	enable_irq(gn->irq);
}

/*
 * Release the IRQ: no storm masks it any more, the unmask still pending is
 * either done or cancelled (free_irq() is fine with a masked IRQ).
 */
static void gpsnmea_free_irq(struct gpsnmea *gn)
{
	WRITE_ONCE(gn->storm_off, true);
	synchronize_irq(gn->irq);
	cancel_delayed_work_sync(&gn->storm_work);
	free_irq(gn->irq, gn);
}

/*
 * Batching: does this edge ask for a run of the bottom half? The first edge
 * queued since the last run started arms the timer at its own timestamp
 * plus @batch_ns; the edges after it only count, and the one that makes a
 * batch of GPSNMEA_BATCH_EDGES kicks at once. Called after the put, with a
 * full barrier in between: either the run that cleared @kick_armed drains
 * this edge, or this edge sees @kick_armed clear and arms (see
 * gpsnmea_bh_process()).
 */
static irqreturn_t gpsnmea_batch(struct gpsnmea *gn, u64 t_ns)
{
	if (!READ_ONCE(gn->kick_armed)) {
		WRITE_ONCE(gn->kick_armed, true);
		gn->batch_edges = 1;
		hrtimer_start(&gn->idle_timer, ns_to_ktime(t_ns + gn->batch_ns),
			      HRTIMER_MODE_ABS);
		return IRQ_HANDLED;
	}
	if (++gn->batch_edges != GPSNMEA_BATCH_EDGES)
		return IRQ_HANDLED;
	return READ_ONCE(gn->bh)->schedule(gn);
}

/*
 * The top half. It runs for every edge of the RX line, so it does the least
 * it can: a timestamp first (its error is the decoder's jitter), the level
 * the edge left behind, one ring put, and, once per batch, a timer start or
 * a kick of the bottom half. The ring needs no lock: this handler is its
 * only producer and never runs concurrently with itself.
 *
 * From before the timestamp until after the put, @in_flight says that an
 * edge is on its way: the idle flush on another CPU must not complete a
 * frame in between (see gpsnmea_bh_process()). The full barrier makes the
 * increment visible before the clock is read.
 */
static irqreturn_t gpsnmea_hardirq(int irq, void *data)
{
	struct gpsnmea *gn = data;
	struct gpsnmea_edge edge;
	irqreturn_t ret;
	int level;

	atomic_inc(&gn->in_flight);
	smp_mb__after_atomic();	/* in flight before the clock is read */
	edge.t_ns = ktime_get_ns();
	if (unlikely(gpsnmea_storm(gn, edge.t_ns)))
		goto kick;
	level = gpiod_get_value(gn->rx);

	if (unlikely(level < 0)) {
		/* Not an edge the decoder can use: a gap, like a lost one. */
		atomic64_inc(&gn->gpio_errors);
		gn->edge_gap = true;
		goto kick;
	}
	edge.level = level;
	trace_gpsnmea_edge(gn->id, edge.t_ns, edge.level);

	if (unlikely(gn->edge_gap)) {
		struct gpsnmea_edge gap = {
			.t_ns = edge.t_ns,
			.level = gn->edge_storm ? GPSNMEA_EDGE_STORM :
						  GPSNMEA_EDGE_GAP,
		};

		if (gpsnmea_ring_room(&gn->edges) < 2) {
			atomic64_inc(&gn->overruns);
			goto kick;
		}
		gpsnmea_ring_push(&gn->edges, &gap);
		gn->edge_gap = false;
		gn->edge_storm = false;
	}
	if (gpsnmea_ring_room(&gn->edges)) {
		gpsnmea_ring_push(&gn->edges, &edge);
	} else {
		atomic64_inc(&gn->overruns);
		gn->edge_gap = true;
	}
kick:
	/* The put is visible before the edge stops being in flight. */
	smp_mb__before_atomic();
	atomic_dec(&gn->in_flight);
	/* ... and before @kick_armed is read: pairs with the bottom half's. */
	smp_mb__after_atomic();
	ret = gpsnmea_batch(gn, edge.t_ns);
	if (static_branch_unlikely(&gpsnmea_irq_time))
		atomic64_add(ktime_get_ns() - edge.t_ns, &gn->irq_time_ns);
	return ret;
}

/* The threaded handler: active only when bh=thread returns IRQ_WAKE_THREAD. */
static irqreturn_t gpsnmea_irq_thread(int irq, void *data)
{
	gpsnmea_bh_process(data);
	return IRQ_HANDLED;
}

static void gpsnmea_release(struct kref *ref)
{
	struct gpsnmea *gn = container_of(ref, struct gpsnmea, ref);

	kvfree(gn->ring);
	kfree(gn->edges.buf);
	kfree(gn);
}

/**
 * gpsnmea_put - drop a reference to a receiver
 * @gn: receiver
 *
 * The bound device holds one reference and every open file another, so
 * the sentence ring outlives an unbind for as long as a reader has it open.
 */
void gpsnmea_put(struct gpsnmea *gn)
{
	kref_put(&gn->ref, gpsnmea_release);
}

/*
 * Module parameters are checked once at load, so that a bad value fails
 * insmod with a message instead of leaving an unbound device behind.
 */
static int __init gpsnmea_check_params(void)
{
	if (baud < GPSNMEA_BAUD_MIN || baud > GPSNMEA_BAUD_MAX) {
		pr_err("baud=%u out of range %u..%u\n", baud,
		       GPSNMEA_BAUD_MIN, GPSNMEA_BAUD_MAX);
		return -EINVAL;
	}
	if (max_len < NMEA_MAX_LEN_MIN || max_len > NMEA_MAX_LEN_LIMIT) {
		pr_err("max_len=%u out of range %u..%u\n", max_len,
		       NMEA_MAX_LEN_MIN, NMEA_MAX_LEN_LIMIT);
		return -EINVAL;
	}
	if (glitch_pct > 50) {
		pr_err("glitch_pct=%u above 50\n", glitch_pct);
		return -EINVAL;
	}
	/* The lookup table's chip_hwnum is a u16. */
	if (gpio_chip && gpio_line > U16_MAX) {
		pr_err("gpio_line=%u out of range 0..%u\n", gpio_line, U16_MAX);
		return -EINVAL;
	}
	if (gnss && !IS_ENABLED(CONFIG_GNSS)) {
		pr_err("gnss=1: this kernel has no GNSS subsystem (CONFIG_GNSS)\n");
		return -EOPNOTSUPP;
	}
	return bh ? gpsnmea_bh_check(bh) : 0;
}

static int gpsnmea_read_settings(struct gpsnmea *gn)
{
	const char *mode = bh;
	int ret;

	gn->baud = baud;
	device_property_read_u32(gn->dev, "current-speed", &gn->baud);
	if (gn->baud < GPSNMEA_BAUD_MIN || gn->baud > GPSNMEA_BAUD_MAX)
		return dev_err_probe(gn->dev, -EINVAL,
				     "current-speed %u out of range %u..%u\n",
				     gn->baud, GPSNMEA_BAUD_MIN,
				     GPSNMEA_BAUD_MAX);
	/*
	 * An inverted line is gpiolib's active-low flag (GPIO_ACTIVE_LOW in
	 * rx-gpios, or invert= in the lookup table), which gpiod_get_value()
	 * applies: the levels the decoder sees are never inverted again.
	 */
	if (device_property_present(gn->dev, "rx-inverted"))
		return dev_err_probe(gn->dev, -EINVAL,
				     "rx-inverted is not supported: flag rx-gpios GPIO_ACTIVE_LOW instead\n");
	gn->max_len = max_len;
	gn->glitch_pct = glitch_pct;
	gn->allow_no_checksum = allow_no_checksum;

	device_property_read_string(gn->dev, "linux,bottom-half", &mode);
	if (!mode) {
		gn->bh = gpsnmea_bh_default();
		return 0;
	}
	ret = gpsnmea_bh_check(mode);
	if (ret)
		return ret;
	gn->bh = gpsnmea_bh_find(mode);
	return 0;
}

static struct gpsnmea *gpsnmea_alloc(struct device *dev)
{
	struct gpsnmea *gn;
	int ret;

	gn = kzalloc(sizeof(*gn), GFP_KERNEL);
	if (!gn)
		return ERR_PTR(-ENOMEM);

	ret = ida_alloc(&gpsnmea_ida, GFP_KERNEL);
	if (ret < 0)
		goto err_free;
	gn->id = ret;

	gn->edges.buf = kmalloc_array(GPSNMEA_EDGE_FIFO, sizeof(*gn->edges.buf),
				      GFP_KERNEL);
	if (!gn->edges.buf) {
		ret = -ENOMEM;
		goto err_ida;
	}

	ret = gpsnmea_chardev_init(gn);
	if (ret)
		goto err_edges;

	kref_init(&gn->ref);
	gn->dev = dev;
	atomic64_set(&gn->overruns, 0);
	atomic_set(&gn->in_flight, 0);
	atomic64_set(&gn->storms, 0);
	atomic64_set(&gn->gpio_errors, 0);
	INIT_DELAYED_WORK(&gn->storm_work, gpsnmea_storm_work);
	atomic64_set(&gn->irq_time_ns, 0);
	atomic64_set(&gn->timer_expiries, 0);
	mutex_init(&gn->switch_lock);
	seqcount_init(&gn->stats_seq);
	spin_lock_init(&gn->stats_lock);
	return gn;

err_edges:
	kfree(gn->edges.buf);
err_ida:
	ida_free(&gpsnmea_ida, gn->id);
err_free:
	kfree(gn);
	return ERR_PTR(ret);
}

static int gpsnmea_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct gpsnmea *gn;
	int ret;

	gn = gpsnmea_alloc(dev);
	if (IS_ERR(gn))
		return PTR_ERR(gn);

	ret = gpsnmea_read_settings(gn);
	if (ret)
		goto err_put;

	gn->rx = devm_gpiod_get(dev, "rx", GPIOD_IN);
	if (IS_ERR(gn->rx)) {
		ret = dev_err_probe(dev, PTR_ERR(gn->rx), "no RX GPIO\n");
		goto err_put;
	}
	gn->invert = gpiod_is_active_low(gn->rx);
	if (gpiod_cansleep(gn->rx)) {
		ret = dev_err_probe(dev, -EINVAL,
				    "RX GPIO is on a sleeping controller; edge timestamps need a memory-mapped one\n");
		goto err_put;
	}
	gn->irq = gpiod_to_irq(gn->rx);
	if (gn->irq < 0) {
		ret = dev_err_probe(dev, gn->irq, "RX GPIO has no interrupt\n");
		goto err_put;
	}

	if (gnss || device_property_read_bool(dev, "linux,gnss")) {
		ret = gpsnmea_gnss_register(gn);
		if (ret) {
			dev_err_probe(dev, ret, "cannot register a GNSS device\n");
			goto err_put;
		}
	}

	ret = gpsnmea_bh_init(gn, gn->bh);
	if (ret)
		goto err_gnss;

	gn->storm_budget = gn->baud / 50 + 32;
	gn->batch_ns = min_t(u64, GPSNMEA_BATCH_MAX_NS,
			     div_u64(GPSNMEA_BATCH_FRAMES * 10 * (u64)NSEC_PER_SEC,
				     gn->baud));

	/*
	 * IRQF_NO_THREAD: the timestamp is the measurement, so the top half
	 * stays in hard IRQ context under threadirqs and PREEMPT_RT too; a
	 * forced thread would stamp edges with the scheduler's latency, let
	 * them coalesce, and make irq_wake_thread() (the idle kick of
	 * bh=thread) run the top half again, inventing an edge.
	 * No IRQF_ONESHOT: the line stays unmasked while the thread runs
	 * (bh=thread), so no edge is missed; the hard handler only queues.
	 */
	ret = request_threaded_irq(gn->irq, gpsnmea_hardirq, gpsnmea_irq_thread,
				   IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING |
				   IRQF_NO_THREAD,
				   dev_name(dev), gn);
	if (ret) {
		dev_err_probe(dev, ret, "cannot request IRQ %d\n", gn->irq);
		goto err_bh;
	}

	platform_set_drvdata(pdev, gn);

	ret = gpsnmea_chardev_register(gn);
	if (ret)
		goto err_irq;

	dev_info(dev, "/dev/%s: GPIO IRQ %d, %u baud%s, bottom half %s\n",
		 gn->name, gn->irq, gn->baud, gn->invert ? " inverted" : "",
		 gn->bh->name);
	return 0;

err_irq:
	platform_set_drvdata(pdev, NULL);
	gpsnmea_free_irq(gn);
err_bh:
	gpsnmea_bh_exit(gn);
err_gnss:
	gpsnmea_gnss_unregister(gn);
err_put:
	ida_free(&gpsnmea_ida, gn->id);
	gpsnmea_put(gn);
	return ret;
}

/*
 * Teardown in the order that makes it safe: no more edges (free_irq waits
 * for a running hard handler and thread), then the bottom half and its
 * timer, so that nothing publishes any more; then /dev/gnssN and
 * /dev/gpsnmea go and their readers are told, and the instance number is
 * free for the next device. The memory goes with the last reference, which
 * may be an open file.
 */
static void gpsnmea_remove(struct platform_device *pdev)
{
	struct gpsnmea *gn = platform_get_drvdata(pdev);

	gpsnmea_free_irq(gn);
	gpsnmea_bh_exit(gn);
	gpsnmea_gnss_unregister(gn);
	gpsnmea_chardev_unregister(gn);
	/* The name is free again: a rebind gets it, open files or not. */
	ida_free(&gpsnmea_ida, gn->id);
	gpsnmea_put(gn);
}

GPSNMEA_DEFINE_REMOVE_COMPAT(gpsnmea_remove);

static const struct of_device_id gpsnmea_of_match[] = {
	{ .compatible = "gpsnmea,gpio-nmea" },
	{ }
};
MODULE_DEVICE_TABLE(of, gpsnmea_of_match);

static struct platform_driver gpsnmea_driver = {
	.probe = gpsnmea_probe,
	.remove = GPSNMEA_PLATFORM_REMOVE(gpsnmea_remove),
	.driver = {
		.name = KBUILD_MODNAME,
		.of_match_table = gpsnmea_of_match,
		.dev_groups = gpsnmea_groups,
	},
};

/*
 * Boards without device tree: gpio_chip= and gpio_line= name the RX line,
 * and the module itself provides the platform device and a GPIO lookup
 * table that maps its "rx" GPIO to that line.
 */
static struct gpiod_lookup_table gpsnmea_lookup = {
	.dev_id = KBUILD_MODNAME,
	.table = {
		GPIO_LOOKUP(NULL, 0, "rx", GPIO_ACTIVE_HIGH),
		{ }
	},
};

static struct platform_device *gpsnmea_pdev;

static int __init gpsnmea_init(void)
{
	int ret;

	ret = gpsnmea_check_params();
	if (ret)
		return ret;
	if (irq_time)
		static_branch_enable(&gpsnmea_irq_time);

	ret = platform_driver_register(&gpsnmea_driver);
	if (ret || !gpio_chip)
		return ret;

	gpsnmea_lookup.table[0].key = gpio_chip;
	gpsnmea_lookup.table[0].chip_hwnum = gpio_line;
	if (invert)
		gpsnmea_lookup.table[0].flags = GPIO_ACTIVE_LOW;
	gpiod_add_lookup_table(&gpsnmea_lookup);

	gpsnmea_pdev = platform_device_register_simple(KBUILD_MODNAME,
						       PLATFORM_DEVID_NONE,
						       NULL, 0);
	if (IS_ERR(gpsnmea_pdev)) {
		ret = PTR_ERR(gpsnmea_pdev);
		goto err_lookup;
	}
	/* Probing is synchronous: a device that did not bind fails the load. */
	if (!gpsnmea_pdev->dev.driver) {
		pr_err("no usable RX line %u on GPIO chip '%s'\n", gpio_line,
		       gpio_chip);
		ret = -ENODEV;
		goto err_pdev;
	}
	return 0;

err_pdev:
	platform_device_unregister(gpsnmea_pdev);
err_lookup:
	gpiod_remove_lookup_table(&gpsnmea_lookup);
	platform_driver_unregister(&gpsnmea_driver);
	return ret;
}
module_init(gpsnmea_init);

static void __exit gpsnmea_exit(void)
{
	if (gpsnmea_pdev) {
		platform_device_unregister(gpsnmea_pdev);
		gpiod_remove_lookup_table(&gpsnmea_lookup);
	}
	platform_driver_unregister(&gpsnmea_driver);
}
module_exit(gpsnmea_exit);

MODULE_DESCRIPTION("NMEA 0183 GPS receiver on a GPIO line (software UART)");
MODULE_AUTHOR("The gpsnmea developers");
MODULE_LICENSE("GPL");
