/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Portability shim for the pure-logic parts of gpsnmea (UART decoder, NMEA
 * framer). Those files make no kernel-only calls, so the very same sources
 * build into the module and into host programs (unit tests, fuzzers,
 * benchmarks). This header maps the few types and helpers they use onto
 * either the kernel's or the C library's.
 */
#ifndef _GPSNMEA_PORTABLE_H
#define _GPSNMEA_PORTABLE_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/types.h>
#else
/* The host build (tests/unit) provides the same names for C programs. */
#include <gpsnmea_host.h>
#endif /* __KERNEL__ */

#endif /* _GPSNMEA_PORTABLE_H */
