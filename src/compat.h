/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences, in one place. Include it last.
 *
 * Tested kernels: Debian's 6.1 and 6.12; 7.x compiles.
 */
#ifndef _GPSNMEA_COMPAT_H
#define _GPSNMEA_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/version.h>
#include <linux/workqueue.h>

/* WQ_BH workqueues (the successor of tasklets) arrived in 6.9. */
#if KERNEL_VERSION(6, 9, 0) <= LINUX_VERSION_CODE
#define GPSNMEA_HAVE_WQ_BH	1
#define GPSNMEA_SYSTEM_BH_WQ	system_bh_wq
#else
#define GPSNMEA_HAVE_WQ_BH	0
#define GPSNMEA_SYSTEM_BH_WQ	system_wq	/* never used: start fails */
#endif

/* hrtimer_setup() replaced hrtimer_init() + setting .function in 6.13. */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define gpsnmea_hrtimer_setup(timer, fn, clock, mode) \
	hrtimer_setup(timer, fn, clock, mode)
#else
static inline void
gpsnmea_hrtimer_setup(struct hrtimer *timer,
		      enum hrtimer_restart (*fn)(struct hrtimer *),
		      clockid_t clock, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
}
#endif

/*
 * Platform drivers' .remove returns void since 6.11. GPSNMEA_PLATFORM_REMOVE()
 * gives the callback to put in struct platform_driver for a void function.
 */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define GPSNMEA_PLATFORM_REMOVE(fn)	fn
#else
#define GPSNMEA_PLATFORM_REMOVE(fn)	fn##_compat
#define GPSNMEA_DEFINE_REMOVE_COMPAT(fn)				\
static int fn##_compat(struct platform_device *pdev)			\
{									\
	fn(pdev);							\
	return 0;							\
}									\
static_assert(1)
#endif
#ifndef GPSNMEA_DEFINE_REMOVE_COMPAT
#define GPSNMEA_DEFINE_REMOVE_COMPAT(fn)				\
	static_assert(__same_type(&(fn), void (*)(struct platform_device *)))
#endif

#endif /* _GPSNMEA_COMPAT_H */
