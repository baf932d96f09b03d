// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea - /dev/gpsnmea: the sentence ring and its readers.
 *
 * The bottom half stores each valid sentence in a ring of the last
 * GPSNMEA_RING_SLOTS sentences, numbered from 0. Every open file has its
 * own cursor into it, like /dev/kmsg: each reader gets every sentence from
 * the moment it opened, in order, at its own pace. A reader that falls more
 * than the ring behind loses the oldest sentences: its next read() fails
 * once with -EPIPE, and the one after goes on with the oldest sentence
 * still held.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "gpsnmea.h"

/**
 * struct gpsnmea_reader - one open file of /dev/gpsnmea
 * @gn: the receiver; the file holds a reference
 * @lock: serialises read() calls on this file
 * @seq: sequence number of the next sentence to hand out
 * @lost: sentences this reader missed because it fell behind
 * @lost_unreported: a loss happened that read() has not reported yet
 * @buf: the sentence being handed out
 * @len: bytes in @buf
 * @off: bytes of @buf already read; a short read() keeps the rest
 */
struct gpsnmea_reader {
	struct gpsnmea *gn;
	struct mutex lock;	/* one read() at a time per file */
	u64 seq;
	u64 lost;
	bool lost_unreported;
	char buf[NMEA_SENTENCE_BUF];
	u32 len;
	u32 off;
};

int gpsnmea_chardev_init(struct gpsnmea *gn)
{
	gn->ring = kvcalloc(GPSNMEA_RING_SLOTS, sizeof(*gn->ring), GFP_KERNEL);
	if (!gn->ring)
		return -ENOMEM;
	spin_lock_init(&gn->ring_lock);
	init_waitqueue_head(&gn->readq);
	return 0;
}

/**
 * gpsnmea_chardev_publish - store a sentence for the readers
 * @gn: receiver
 * @text: the sentence, CRLF included
 * @len: its length, at most NMEA_SENTENCE_BUF - 1
 * @start_ns: CLOCK_MONOTONIC time of the start bit of its first byte
 *
 * Called by the bottom half only; readers are woken by
 * gpsnmea_chardev_wake() once per run.
 */
void gpsnmea_chardev_publish(struct gpsnmea *gn, const char *text, u32 len,
			     u64 start_ns)
{
	struct gpsnmea_slot *slot;
	u64 real_ns = ktime_to_ns(ktime_mono_to_real(ns_to_ktime(start_ns)));

	spin_lock_bh(&gn->ring_lock);
	slot = &gn->ring[gn->ring_head & (GPSNMEA_RING_SLOTS - 1)];
	slot->mono_ns = start_ns;
	slot->real_ns = real_ns;
	slot->len = len;
	memcpy(slot->text, text, len);
	gn->ring_head++;
	spin_unlock_bh(&gn->ring_lock);
}

void gpsnmea_chardev_wake(struct gpsnmea *gn)
{
	wake_up_interruptible(&gn->readq);
}

/* The oldest sequence number still in the ring. */
static u64 gpsnmea_ring_tail(const struct gpsnmea *gn)
{
	lockdep_assert_held(&gn->ring_lock);
	return gn->ring_head > GPSNMEA_RING_SLOTS ?
	       gn->ring_head - GPSNMEA_RING_SLOTS : 0;
}

/* Is there something for this reader? Called with ring_lock held. */
static bool gpsnmea_reader_ready(const struct gpsnmea_reader *r)
{
	return r->seq != r->gn->ring_head || r->lost_unreported;
}

/* Wait condition of a blocked read(): new data, or the device is gone. */
static bool gpsnmea_reader_woken(struct gpsnmea_reader *r)
{
	struct gpsnmea *gn = r->gn;
	bool woken;

	spin_lock_bh(&gn->ring_lock);
	woken = gn->disconnected || gpsnmea_reader_ready(r) ||
		r->seq < gpsnmea_ring_tail(gn);
	spin_unlock_bh(&gn->ring_lock);
	return woken;
}

/**
 * gpsnmea_reader_fetch - take the reader's next sentence out of the ring
 * @r: reader with nothing left in @r->buf
 *
 * Return: 0 with the sentence in @r->buf; -EPIPE once after a loss;
 * -EAGAIN when nothing is there; -ENODEV once the device is gone.
 */
static int gpsnmea_reader_fetch(struct gpsnmea_reader *r)
{
	struct gpsnmea *gn = r->gn;
	const struct gpsnmea_slot *slot;
	u64 tail;
	int ret = 0;

	spin_lock_bh(&gn->ring_lock);
	tail = gpsnmea_ring_tail(gn);
	if (r->seq < tail) {
		r->lost += tail - r->seq;
		r->seq = tail;
		r->lost_unreported = true;
	}
	if (r->lost_unreported) {
		r->lost_unreported = false;
		ret = -EPIPE;
	} else if (r->seq != gn->ring_head) {
		slot = &gn->ring[r->seq & (GPSNMEA_RING_SLOTS - 1)];
		memcpy(r->buf, slot->text, slot->len);
		r->len = slot->len;
		r->off = 0;
		r->seq++;
	} else {
		ret = gn->disconnected ? -ENODEV : -EAGAIN;
	}
	spin_unlock_bh(&gn->ring_lock);
	return ret;
}

/*
 * read() hands out whole sentences: as many as fit, at least part of one.
 * It blocks only while it has copied nothing.
 */
static ssize_t gpsnmea_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct gpsnmea_reader *r = file->private_data;
	struct gpsnmea *gn = r->gn;
	size_t done = 0;
	int ret = 0;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;

	while (done < count) {
		size_t n;

		if (r->off == r->len) {
			ret = gpsnmea_reader_fetch(r);
			if (ret == -EAGAIN && !done &&
			    !(file->f_flags & O_NONBLOCK)) {
				mutex_unlock(&r->lock);
				ret = wait_event_interruptible(gn->readq,
							       gpsnmea_reader_woken(r));
				if (ret)
					return -ERESTARTSYS;
				if (mutex_lock_interruptible(&r->lock))
					return -ERESTARTSYS;
				continue;
			}
			if (ret)
				break;
		}
		/* Only whole sentences after the first. */
		n = min_t(size_t, r->len - r->off, count - done);
		if (done && n < r->len - r->off)
			break;
		if (copy_to_user(ubuf + done, r->buf + r->off, n)) {
			ret = -EFAULT;
			break;
		}
		r->off += n;
		done += n;
	}
	mutex_unlock(&r->lock);
	return done ? done : ret;
}

static __poll_t gpsnmea_poll(struct file *file, poll_table *wait)
{
	struct gpsnmea_reader *r = file->private_data;
	struct gpsnmea *gn = r->gn;
	__poll_t mask = 0;

	poll_wait(file, &gn->readq, wait);

	spin_lock_bh(&gn->ring_lock);
	if (r->off != r->len || gpsnmea_reader_ready(r) ||
	    r->seq < gpsnmea_ring_tail(gn))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (gn->disconnected)
		mask |= EPOLLHUP | EPOLLERR;
	spin_unlock_bh(&gn->ring_lock);
	return mask;
}

static int gpsnmea_open(struct inode *inode, struct file *file)
{
	struct gpsnmea *gn = container_of(file->private_data, struct gpsnmea,
					  misc);
	struct gpsnmea_reader *r;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	mutex_init(&r->lock);
	r->gn = gn;
	/* misc_deregister() waits for us: the device still holds its ref. */
	kref_get(&gn->ref);

	spin_lock_bh(&gn->ring_lock);
	r->seq = gn->ring_head;
	spin_unlock_bh(&gn->ring_lock);

	file->private_data = r;
	return stream_open(inode, file);
}

static int gpsnmea_release_file(struct inode *inode, struct file *file)
{
	struct gpsnmea_reader *r = file->private_data;

	gpsnmea_put(r->gn);
	mutex_destroy(&r->lock);
	kfree(r);
	return 0;
}

static const struct file_operations gpsnmea_fops = {
	.owner = THIS_MODULE,
	.open = gpsnmea_open,
	.release = gpsnmea_release_file,
	.read = gpsnmea_read,
	.poll = gpsnmea_poll,
};

int gpsnmea_chardev_register(struct gpsnmea *gn)
{
	if (gn->id)
		snprintf(gn->name, sizeof(gn->name), "gpsnmea%d", gn->id);
	else
		strscpy(gn->name, "gpsnmea", sizeof(gn->name));

	gn->misc.minor = MISC_DYNAMIC_MINOR;
	gn->misc.name = gn->name;
	gn->misc.fops = &gpsnmea_fops;
	gn->misc.parent = gn->dev;
	gn->misc.mode = 0444;
	return misc_register(&gn->misc);
}

/**
 * gpsnmea_chardev_unregister - the device is going away
 * @gn: receiver whose bottom half has stopped
 *
 * Blocked readers wake up and get -ENODEV, poll() reports EPOLLHUP; files
 * stay valid until closed, since each holds a reference to @gn.
 */
void gpsnmea_chardev_unregister(struct gpsnmea *gn)
{
	misc_deregister(&gn->misc);

	spin_lock_bh(&gn->ring_lock);
	gn->disconnected = true;
	spin_unlock_bh(&gn->ring_lock);
	wake_up_interruptible_all(&gn->readq);
}
