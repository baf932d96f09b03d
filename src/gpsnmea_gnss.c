// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea - /dev/gnssN: the same sentences through the kernel's GNSS
 * subsystem (drivers/gnss), for tools that look for a GNSS receiver there.
 *
 * Built only when the kernel has CONFIG_GNSS; then gpsnmea.ko needs gnss.ko
 * loaded first, whether gnss=1 is used or not (modprobe sees to that).
 *
 * The GNSS core gives all readers of /dev/gnssN one 4 kB byte FIFO, which
 * the driver fills with gnss_insert_raw(). That must not happen while the
 * device is closed: on the last close the core calls our close() and then
 * resets the FIFO. So the bottom half inserts only between open() and
 * close(), under a lock that orders it with them, and only whole sentences:
 * one that does not fit is dropped and counted (statistics/gnss_drops).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/err.h>
#include <linux/gnss.h>
#include <linux/kfifo.h>
#include <linux/spinlock.h>

#include "gpsnmea.h"

static int gpsnmea_gnss_open(struct gnss_device *gdev)
{
	struct gpsnmea *gn = gnss_get_drvdata(gdev);

	spin_lock_bh(&gn->gnss_lock);
	gn->gnss_open = true;
	spin_unlock_bh(&gn->gnss_lock);
	return 0;
}

static void gpsnmea_gnss_close(struct gnss_device *gdev)
{
	struct gpsnmea *gn = gnss_get_drvdata(gdev);

	spin_lock_bh(&gn->gnss_lock);
	gn->gnss_open = false;
	spin_unlock_bh(&gn->gnss_lock);
}

/*
 * No write_raw: the receiver's RX pin is all we have, so a write() to
 * /dev/gnssN fails with -EIO in the GNSS core.
 */
static const struct gnss_operations gpsnmea_gnss_ops = {
	.open = gpsnmea_gnss_open,
	.close = gpsnmea_gnss_close,
};

/**
 * gpsnmea_gnss_publish - pass a sentence to the readers of /dev/gnssN
 * @gn: receiver with a GNSS device
 * @text: the sentence, CRLF included
 * @len: its length
 *
 * Called by the bottom half only, which serialises the calls as
 * gnss_insert_raw() requires.
 */
void gpsnmea_gnss_publish(struct gpsnmea *gn, const char *text, u32 len)
{
	spin_lock_bh(&gn->gnss_lock);
	if (gn->gnss_open) {
		/* We are the FIFO's only producer: its room only grows. */
		if (kfifo_avail(&gn->gnss->read_fifo) >= len)
			gnss_insert_raw(gn->gnss, text, len);
		else
			gn->gnss_drops++;
	}
	spin_unlock_bh(&gn->gnss_lock);
}

/**
 * gpsnmea_gnss_register - add /dev/gnssN, type NMEA
 * @gn: receiver whose bottom half has not started yet
 *
 * Return: 0 or -errno.
 */
int gpsnmea_gnss_register(struct gpsnmea *gn)
{
	struct gnss_device *gdev;
	int ret;

	spin_lock_init(&gn->gnss_lock);
	gn->gnss_open = false;

	/* It fails with NULL (no memory) or an ERR_PTR(). */
	gdev = gnss_allocate_device(gn->dev);
	if (IS_ERR_OR_NULL(gdev))
		return gdev ? PTR_ERR(gdev) : -ENOMEM;
	gdev->type = GNSS_TYPE_NMEA;
	gdev->ops = &gpsnmea_gnss_ops;
	gnss_set_drvdata(gdev, gn);

	ret = gnss_register_device(gdev);
	if (ret) {
		gnss_put_device(gdev);
		return ret;
	}
	gn->gnss = gdev;
	dev_info(gn->dev, "/dev/%s: GNSS device (NMEA)\n", dev_name(&gdev->dev));
	return 0;
}

/**
 * gpsnmea_gnss_unregister - remove /dev/gnssN
 * @gn: receiver whose bottom half has stopped for good
 *
 * Readers blocked in read() or poll() wake up; they get what is left in
 * the FIFO, then end-of-file, and writes fail with -EIO. The GNSS core
 * keeps the device's memory until the last of them closes it and calls no
 * operation of ours after this returns, so the module may go meanwhile.
 */
void gpsnmea_gnss_unregister(struct gpsnmea *gn)
{
	if (!gn->gnss)
		return;
	gnss_deregister_device(gn->gnss);
	gnss_put_device(gn->gnss);
	gn->gnss = NULL;
}
