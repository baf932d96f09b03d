/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host side of include/gpsnmea/portable.h: the kernel types and helpers that
 * the pure-logic sources use, for building them into C programs (unit
 * tests, fuzzers, benchmarks). The kernel build never sees this file.
 */
#ifndef _GPSNMEA_HOST_H
#define _GPSNMEA_HOST_H

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

#define min_t(type, a, b) ((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define max_t(type, a, b) ((type)(a) > (type)(b) ? (type)(a) : (type)(b))
#define clamp_t(type, v, lo, hi) min_t(type, max_t(type, v, lo), hi)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define BIT(n) (1UL << (n))
#define GENMASK(h, l) \
	((~0UL << (l)) & (~0UL >> (8 * sizeof(long) - 1 - (h))))

#endif /* _GPSNMEA_HOST_H */
