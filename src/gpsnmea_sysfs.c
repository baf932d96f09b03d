// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea - sysfs attributes of the platform device.
 *
 * Settings sit in the device's directory, counters in statistics/. They are
 * documented in Documentation/ABI/testing/sysfs-driver-gpsnmea.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "gpsnmea.h"

static ssize_t baud_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", gn->baud);
}
static DEVICE_ATTR_RO(baud);

static ssize_t invert_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", gn->invert);
}
static DEVICE_ATTR_RO(invert);

static ssize_t max_len_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", gn->max_len);
}
static DEVICE_ATTR_RO(max_len);

static ssize_t glitch_pct_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", gn->glitch_pct);
}
static DEVICE_ATTR_RO(glitch_pct);

static ssize_t allow_no_checksum_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", gn->allow_no_checksum);
}
static DEVICE_ATTR_RO(allow_no_checksum);

static ssize_t bh_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);
	const char *name;

	mutex_lock(&gn->switch_lock);
	name = gn->bh->name;
	mutex_unlock(&gn->switch_lock);
	return sysfs_emit(buf, "%s\n", name);
}

/* Writing a mechanism's name switches to it; no edge is lost meanwhile. */
static ssize_t bh_store(struct device *dev, struct device_attribute *attr,
			const char *buf, size_t count)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);
	const struct gpsnmea_bh_ops *ops = gpsnmea_bh_find(buf);
	int ret;

	if (!ops)
		return -EINVAL;
	ret = gpsnmea_bh_switch(gn, ops);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(bh);

static ssize_t bh_available_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	const struct gpsnmea_bh_ops *const *ops;
	int len = 0;

	for (ops = gpsnmea_bh_all; *ops; ops++)
		if (!(*ops)->needs)
			len += sysfs_emit_at(buf, len, "%s%s",
					     len ? " " : "", (*ops)->name);
	return len + sysfs_emit_at(buf, len, "\n");
}
static DEVICE_ATTR_RO(bh_available);

/* The position fix decoded from the sentences, one line (see fix.rst). */
static ssize_t fix_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);
	struct nmea_fix fix;

	spin_lock_bh(&gn->stats_lock);
	fix = gn->fix_snap;
	spin_unlock_bh(&gn->stats_lock);
	return nmea_fix_format(&fix, buf, PAGE_SIZE, ktime_get_ns());
}

/* Where the receiver is: personal data, root's only. */
static DEVICE_ATTR_ADMIN_RO(fix);

static struct attribute *gpsnmea_attrs[] = {
	&dev_attr_baud.attr,
	&dev_attr_invert.attr,
	&dev_attr_max_len.attr,
	&dev_attr_glitch_pct.attr,
	&dev_attr_allow_no_checksum.attr,
	&dev_attr_bh.attr,
	&dev_attr_bh_available.attr,
	&dev_attr_fix.attr,
	NULL
};

static const struct attribute_group gpsnmea_group = {
	.attrs = gpsnmea_attrs,
};

/* One run's counters, consistent with each other: see struct gpsnmea_stats. */
static void gpsnmea_stats_get(struct gpsnmea *gn, struct gpsnmea_stats *st)
{
	unsigned int seq;

	do {
		seq = read_seqcount_begin(&gn->stats_seq);
		*st = gn->stats;
	} while (read_seqcount_retry(&gn->stats_seq, seq));
}

/**
 * struct gpsnmea_stat_attr - a read-only counter of struct gpsnmea_stats
 * @attr: the sysfs attribute
 * @offset: offset of the u64 counter in struct gpsnmea_stats
 */
struct gpsnmea_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t gpsnmea_stat_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct gpsnmea_stat_attr *sa = container_of(attr,
						    struct gpsnmea_stat_attr,
						    attr);
	struct gpsnmea_stats st;

	gpsnmea_stats_get(dev_get_drvdata(dev), &st);
	return sysfs_emit(buf, "%llu\n", *(u64 *)((char *)&st + sa->offset));
}

#define GPSNMEA_STAT_ATTR(_name, _field)				\
	static struct gpsnmea_stat_attr gpsnmea_stat_##_name = {	\
		.attr = __ATTR(_name, 0444, gpsnmea_stat_show, NULL),	\
		.offset = offsetof(struct gpsnmea_stats, _field),	\
	}

GPSNMEA_STAT_ATTR(edges, uart.edges);
GPSNMEA_STAT_ATTR(bytes, uart.bytes);
GPSNMEA_STAT_ATTR(framing_errors, uart.framing_errors);
GPSNMEA_STAT_ATTR(glitches, uart.glitches);
GPSNMEA_STAT_ATTR(late_edges, uart.late_edges);
GPSNMEA_STAT_ATTR(order_errors, uart.order_errors);
GPSNMEA_STAT_ATTR(sentences, sentences);
GPSNMEA_STAT_ATTR(no_checksum_sentences, no_checksum);
GPSNMEA_STAT_ATTR(checksum_errors, drops[NMEA_DROP_CHECKSUM]);
GPSNMEA_STAT_ATTR(no_checksum_errors, drops[NMEA_DROP_NO_CHECKSUM]);
GPSNMEA_STAT_ATTR(length_errors, drops[NMEA_DROP_TOO_LONG]);
GPSNMEA_STAT_ATTR(charset_errors, drops[NMEA_DROP_CHARSET]);
GPSNMEA_STAT_ATTR(truncated_sentences, drops[NMEA_DROP_TRUNCATED]);
GPSNMEA_STAT_ATTR(garbage_bytes, drops[NMEA_DROP_GARBAGE]);
GPSNMEA_STAT_ATTR(doubtful_sentences, doubtful);
GPSNMEA_STAT_ATTR(gaps, gaps);
GPSNMEA_STAT_ATTR(bh_runs, bh_runs);
GPSNMEA_STAT_ATTR(bh_edges_max, bh_edges_max);
GPSNMEA_STAT_ATTR(bh_edges_total, bh_edges_total);
GPSNMEA_STAT_ATTR(fifo_high_water, fifo_high_water);
GPSNMEA_STAT_ATTR(bh_latency_max_ns, lat_max_ns);
GPSNMEA_STAT_ATTR(gnss_drops, gnss_drops);

/* Mean edges per run, with two decimals (no floating point here). */
static ssize_t bh_edges_mean_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct gpsnmea_stats st;
	u64 mean = 0;
	u32 hundredths;

	gpsnmea_stats_get(dev_get_drvdata(dev), &st);
	if (st.bh_runs)
		mean = div64_u64(st.bh_edges_total * 100 + st.bh_runs / 2,
				 st.bh_runs);
	hundredths = do_div(mean, 100);
	return sysfs_emit(buf, "%llu.%02u\n", mean, hundredths);
}
static DEVICE_ATTR_RO(bh_edges_mean);
GPSNMEA_STAT_ATTR(bh_time_ns, bh_time_ns);

static ssize_t overruns_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n", (s64)atomic64_read(&gn->overruns));
}
static DEVICE_ATTR_RO(overruns);

static ssize_t storms_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n", (s64)atomic64_read(&gn->storms));
}
static DEVICE_ATTR_RO(storms);

static ssize_t gpio_errors_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n", (s64)atomic64_read(&gn->gpio_errors));
}
static DEVICE_ATTR_RO(gpio_errors);

static ssize_t irq_time_ns_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n", (s64)atomic64_read(&gn->irq_time_ns));
}
static DEVICE_ATTR_RO(irq_time_ns);

static ssize_t timer_expiries_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n",
			  (s64)atomic64_read(&gn->timer_expiries));
}
static DEVICE_ATTR_RO(timer_expiries);

/* Upper bound, in ns, of the histogram bucket holding the @pct percentile. */
static u64 gpsnmea_lat_percentile(const struct gpsnmea_stats *st,
				  unsigned int pct)
{
	u64 total = 0, seen = 0;
	unsigned int b;

	for (b = 0; b < GPSNMEA_LAT_BUCKETS; b++)
		total += st->lat_hist[b];
	if (!total)
		return 0;
	for (b = 0; b < GPSNMEA_LAT_BUCKETS; b++) {
		seen += st->lat_hist[b];
		if (seen * 100 >= total * pct)
			break;
	}
	return min(1ULL << b, st->lat_max_ns);
}

/**
 * struct gpsnmea_pct_attr - a percentile of the bottom-half latency
 * @attr: the sysfs attribute
 * @pct: which percentile
 */
struct gpsnmea_pct_attr {
	struct device_attribute attr;
	unsigned int pct;
};

static ssize_t gpsnmea_pct_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct gpsnmea_pct_attr *pa = container_of(attr,
						   struct gpsnmea_pct_attr,
						   attr);
	struct gpsnmea_stats st;

	gpsnmea_stats_get(dev_get_drvdata(dev), &st);
	return sysfs_emit(buf, "%llu\n", gpsnmea_lat_percentile(&st, pa->pct));
}

#define GPSNMEA_PCT_ATTR(_pct)						\
	static struct gpsnmea_pct_attr gpsnmea_pct_##_pct = {		\
		.attr = __ATTR(bh_latency_p##_pct##_ns, 0444,		\
			       gpsnmea_pct_show, NULL),			\
		.pct = _pct,						\
	}

GPSNMEA_PCT_ATTR(50);
GPSNMEA_PCT_ATTR(99);

/* One line per non-empty log2 bucket: "<upper bound in ns> <runs>". */
static ssize_t bh_latency_hist_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct gpsnmea_stats st;
	unsigned int b;
	int len = 0;

	gpsnmea_stats_get(dev_get_drvdata(dev), &st);
	for (b = 0; b < GPSNMEA_LAT_BUCKETS; b++)
		if (st.lat_hist[b])
			len += sysfs_emit_at(buf, len, "%llu %llu\n",
					     1ULL << b, st.lat_hist[b]);
	return len;
}
static DEVICE_ATTR_RO(bh_latency_hist);

/*
 * "NAME COUNT" per sentence address, in the order first seen, then
 * "other COUNT". The table is copied under the lock and printed after.
 */
static ssize_t sentence_types_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct gpsnmea *gn = dev_get_drvdata(dev);
	struct nmea_types *types;
	unsigned int i;
	int len = 0;

	types = kmalloc(sizeof(*types), GFP_KERNEL);
	if (!types)
		return -ENOMEM;
	spin_lock_bh(&gn->stats_lock);
	*types = gn->types_snap;
	spin_unlock_bh(&gn->stats_lock);

	for (i = 0; i < types->n && i < NMEA_TYPES_MAX; i++)
		len += sysfs_emit_at(buf, len, "%.*s %llu\n", NMEA_TYPE_LEN,
				     types->t[i].name, types->t[i].count);
	len += sysfs_emit_at(buf, len, "other %llu\n", types->other);
	kfree(types);
	return len;
}
static DEVICE_ATTR_RO(sentence_types);

static struct attribute *gpsnmea_stat_attrs[] = {
	&gpsnmea_stat_edges.attr.attr,
	&gpsnmea_stat_bytes.attr.attr,
	&gpsnmea_stat_sentences.attr.attr,
	&gpsnmea_stat_no_checksum_sentences.attr.attr,
	&dev_attr_sentence_types.attr,
	&gpsnmea_stat_framing_errors.attr.attr,
	&gpsnmea_stat_glitches.attr.attr,
	&gpsnmea_stat_late_edges.attr.attr,
	&gpsnmea_stat_order_errors.attr.attr,
	&gpsnmea_stat_checksum_errors.attr.attr,
	&gpsnmea_stat_no_checksum_errors.attr.attr,
	&gpsnmea_stat_length_errors.attr.attr,
	&gpsnmea_stat_charset_errors.attr.attr,
	&gpsnmea_stat_truncated_sentences.attr.attr,
	&gpsnmea_stat_garbage_bytes.attr.attr,
	&gpsnmea_stat_doubtful_sentences.attr.attr,
	&dev_attr_overruns.attr,
	&dev_attr_storms.attr,
	&dev_attr_gpio_errors.attr,
	&gpsnmea_stat_gaps.attr.attr,
	&gpsnmea_stat_bh_runs.attr.attr,
	&gpsnmea_stat_bh_edges_max.attr.attr,
	&gpsnmea_stat_bh_edges_total.attr.attr,
	&dev_attr_bh_edges_mean.attr,
	&gpsnmea_stat_fifo_high_water.attr.attr,
	&gpsnmea_stat_bh_latency_max_ns.attr.attr,
	&gpsnmea_pct_50.attr.attr,
	&gpsnmea_pct_99.attr.attr,
	&dev_attr_bh_latency_hist.attr,
	&gpsnmea_stat_gnss_drops.attr.attr,
	&gpsnmea_stat_bh_time_ns.attr.attr,
	&dev_attr_irq_time_ns.attr,
	&dev_attr_timer_expiries.attr,
	NULL
};

static const struct attribute_group gpsnmea_stat_group = {
	.name = "statistics",
	.attrs = gpsnmea_stat_attrs,
};

const struct attribute_group *gpsnmea_groups[] = {
	&gpsnmea_group,
	&gpsnmea_stat_group,
	NULL
};
