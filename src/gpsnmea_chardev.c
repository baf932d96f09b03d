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
 *
 * A file reads plain NMEA text unless it switched itself to records
 * (struct gpsnmea_record: the sentence with its number and the timestamps
 * of its first start bit) with GPSNMEA_IOC_SET_FORMAT; see
 * include/uapi/linux/gpsnmea.h and Documentation/gpsnmea-uapi.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/align.h>
#include <linux/compat.h>
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

#include <uapi/linux/gpsnmea.h>

#include "gpsnmea.h"

static_assert(sizeof(struct gpsnmea_record) == 32);
static_assert(sizeof(struct gpsnmea_info) == 32);
static_assert(ALIGN(sizeof(struct gpsnmea_record) + NMEA_SENTENCE_BUF, 8) <=
	      GPSNMEA_RECORD_MAX);

/**
 * struct gpsnmea_reader - one open file of /dev/gpsnmea
 * @gn: the receiver; the file holds a reference
 * @lock: serialises read() calls on this file
 * @seq: sequence number of the next sentence to hand out
 * @lost: sentences this reader missed because it fell behind
 * @lost_unreported: a loss happened that read() has not reported yet
 * @format: enum gpsnmea_format of this file
 * @cur: the sentence being handed out (text, length, timestamps)
 * @cur_seq: its sequence number
 * @off: bytes of @cur.text already read; a short read() keeps the rest.
 *	@off == @cur.len when nothing is pending.
 *
 * @seq, @lost and @lost_unreported change under both @lock and the ring's
 * lock; the wait condition and poll() read them under the ring's lock only.
 * @off and @cur.len change under @lock only; poll() reads them with
 * READ_ONCE(): a read() running in another thread is seen before or after
 * its copy, either of which poll() may report.
 */
struct gpsnmea_reader {
	struct gpsnmea *gn;
	struct mutex lock;	/* one read() or ioctl() at a time per file */
	u64 seq;
	u64 lost;
	bool lost_unreported;
	u32 format;
	struct gpsnmea_slot cur;
	u64 cur_seq;
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
 * @r: reader with nothing left in @r->cur
 * @report: a loss may be reported now: the read() has copied nothing yet
 *
 * Return: 0 with the sentence in @r->cur; -EPIPE after a loss (once with
 * @report; without it the loss stays for the next call); -EAGAIN when
 * nothing is there; -ENODEV once the device is gone.
 */
static int gpsnmea_reader_fetch(struct gpsnmea_reader *r, bool report)
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
		r->lost_unreported = !report;
		ret = -EPIPE;
	} else if (r->seq != gn->ring_head) {
		slot = &gn->ring[r->seq & (GPSNMEA_RING_SLOTS - 1)];
		r->cur.mono_ns = slot->mono_ns;
		r->cur.real_ns = slot->real_ns;
		WRITE_ONCE(r->cur.len, slot->len);
		memcpy(r->cur.text, slot->text, slot->len);
		r->cur_seq = r->seq;
		WRITE_ONCE(r->off, 0);
		r->seq++;
	} else {
		ret = gn->disconnected ? -ENODEV : -EAGAIN;
	}
	spin_unlock_bh(&gn->ring_lock);
	return ret;
}

static u32 gpsnmea_record_size(u32 len)
{
	return ALIGN(sizeof(struct gpsnmea_record) + len + 1, 8);
}

/*
 * Copy the pending sentence out as one record, or nothing.
 * Return: bytes copied; 0 if @room cannot hold it; -EFAULT.
 */
static ssize_t gpsnmea_copy_record(struct gpsnmea_reader *r,
				   char __user *ubuf, size_t room)
{
	struct gpsnmea_record hdr = {
		.size = gpsnmea_record_size(r->cur.len),
		.len = r->cur.len,
		.seq = r->cur_seq,
		.mono_ns = r->cur.mono_ns,
		.real_ns = r->cur.real_ns,
	};
	size_t pad = hdr.size - sizeof(hdr) - hdr.len;

	if (room < hdr.size)
		return 0;
	if (copy_to_user(ubuf, &hdr, sizeof(hdr)) ||
	    copy_to_user(ubuf + sizeof(hdr), r->cur.text, hdr.len) ||
	    clear_user(ubuf + sizeof(hdr) + hdr.len, pad))
		return -EFAULT;
	WRITE_ONCE(r->off, r->cur.len);
	return hdr.size;
}

/* Copy text of the pending sentence: all of it, or part if it is the first. */
static ssize_t gpsnmea_copy_text(struct gpsnmea_reader *r, char __user *ubuf,
				 size_t room, bool first)
{
	size_t n = min_t(size_t, r->cur.len - r->off, room);

	if (!first && n < r->cur.len - r->off)
		return 0;
	if (copy_to_user(ubuf, r->cur.text + r->off, n))
		return -EFAULT;
	WRITE_ONCE(r->off, r->off + n);
	return n;
}

/*
 * read() hands out whole sentences: as many as fit, at least part of one
 * in text format, at least one record in record format (-EINVAL if the
 * buffer cannot hold it; it stays for the next read()). It blocks only
 * while it has copied nothing.
 */
static ssize_t gpsnmea_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct gpsnmea_reader *r = file->private_data;
	struct gpsnmea *gn = r->gn;
	size_t done = 0;
	ssize_t n;
	int ret = 0;

	if (!count)
		return 0;
	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;

	while (done < count) {
		if (r->off == r->cur.len) {
			ret = gpsnmea_reader_fetch(r, !done);
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
		if (r->format == GPSNMEA_FORMAT_RECORD)
			n = gpsnmea_copy_record(r, ubuf + done, count - done);
		else
			n = gpsnmea_copy_text(r, ubuf + done, count - done,
					      !done);
		if (n <= 0) {
			if (n < 0)
				ret = n;
			else if (!done)
				ret = -EINVAL;
			break;
		}
		done += n;
	}
	mutex_unlock(&r->lock);
	return done ? done : ret;
}

/*
 * A sentence that a text read() has taken only part of is handed out
 * again from its start in the new format, so that records stay whole.
 */
static int gpsnmea_set_format(struct gpsnmea_reader *r, u32 format)
{
	if (format != GPSNMEA_FORMAT_TEXT && format != GPSNMEA_FORMAT_RECORD)
		return -EINVAL;
	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	if (format != r->format && r->off != r->cur.len)
		WRITE_ONCE(r->off, 0);
	WRITE_ONCE(r->format, format);
	mutex_unlock(&r->lock);
	return 0;
}

static int gpsnmea_get_info(struct gpsnmea_reader *r,
			    struct gpsnmea_info *info)
{
	struct gpsnmea *gn = r->gn;

	memset(info, 0, sizeof(*info));
	if (mutex_lock_interruptible(&r->lock))
		return -ERESTARTSYS;
	spin_lock_bh(&gn->ring_lock);
	info->seq = r->off != r->cur.len ? r->cur_seq : r->seq;
	info->lost = r->lost;
	info->head = gn->ring_head;
	spin_unlock_bh(&gn->ring_lock);
	info->format = r->format;
	info->ring_slots = GPSNMEA_RING_SLOTS;
	mutex_unlock(&r->lock);
	return 0;
}

static long gpsnmea_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct gpsnmea_reader *r = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct gpsnmea_info info;
	u32 format;
	int ret;

	switch (cmd) {
	case GPSNMEA_IOC_SET_FORMAT:
		if (get_user(format, (u32 __user *)uarg))
			return -EFAULT;
		return gpsnmea_set_format(r, format);
	case GPSNMEA_IOC_GET_FORMAT:
		return put_user(READ_ONCE(r->format), (u32 __user *)uarg);
	case GPSNMEA_IOC_GET_INFO:
		ret = gpsnmea_get_info(r, &info);
		if (ret)
			return ret;
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

static __poll_t gpsnmea_poll(struct file *file, poll_table *wait)
{
	struct gpsnmea_reader *r = file->private_data;
	struct gpsnmea *gn = r->gn;
	__poll_t mask = 0;

	poll_wait(file, &gn->readq, wait);

	spin_lock_bh(&gn->ring_lock);
	/* @off and @cur.len change under @r->lock, which poll() does not take */
	if (READ_ONCE(r->off) != READ_ONCE(r->cur.len) ||
	    gpsnmea_reader_ready(r) ||
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

	/* Opened by unprivileged readers: charged to the opener's memcg. */
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
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
	.unlocked_ioctl = gpsnmea_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
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
	/*
	 * The stream says where the receiver is. Without udev the node is
	 * root's; udev/60-gpsnmea.rules makes it root:dialout 0660, as serial
	 * ports are.
	 */
	gn->misc.mode = 0600;
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
