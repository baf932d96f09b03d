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
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline s64 div_s64(s64 dividend, s32 divisor)
{
	return dividend / divisor;
}
#endif /* __KERNEL__ */

#endif /* _GPSNMEA_PORTABLE_H */
