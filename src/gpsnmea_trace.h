/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpsnmea tracepoints: the figures of "make bench", on any machine.
 *
 * Events (system "gpsnmea"), each with the instance number @id
 * (0 is /dev/gpsnmea):
 *   gpsnmea_edge      hard IRQ: the edge's timestamp and the level read
 *   gpsnmea_bh_run    end of a bottom-half run: mechanism, edges handled,
 *                     latency (oldest edge's timestamp to run start) and
 *                     the run's duration
 *   gpsnmea_sentence  a sentence published: length and address field
 *
 * Disabled tracepoints are static keys (a patched-out jump), so the top
 * half costs nothing more while tracing is off. See
 * Documentation/performance.rst for trace-cmd and perf recipes.
 */
#ifndef _GPSNMEA_TRACE_HELPERS
#define _GPSNMEA_TRACE_HELPERS

#include <linux/types.h>

/* Longest bottom-half name, NUL included ("tasklet"). */
#define GPSNMEA_TRACE_BH_LEN	8
/* Address field kept per sentence: talker + type ("GPRMC", "AIVDM"). */
#define GPSNMEA_TRACE_ADDR_LEN	6

/* The address field after '$' or '!', up to the first ',' or '*'. */
static inline void gpsnmea_trace_addr(char *addr, const char *text, u32 len)
{
	unsigned int i;

	for (i = 0; i + 1 < GPSNMEA_TRACE_ADDR_LEN && i + 1 < len; i++) {
		if (text[i + 1] == ',' || text[i + 1] == '*')
			break;
		addr[i] = text[i + 1];
	}
	addr[i] = '\0';
}

#endif /* _GPSNMEA_TRACE_HELPERS */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM gpsnmea

#if !defined(_GPSNMEA_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _GPSNMEA_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(gpsnmea_edge,
	    TP_PROTO(int id, u64 t_ns, u32 level),
	    TP_ARGS(id, t_ns, level),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u64, t_ns)
			     __field(u32, level)),
	    TP_fast_assign(__entry->id = id;
			   __entry->t_ns = t_ns;
			   __entry->level = level;),
	    TP_printk("id=%d t_ns=%llu level=%u", __entry->id,
		      (unsigned long long)__entry->t_ns, __entry->level)
);

TRACE_EVENT(gpsnmea_bh_run,
	    TP_PROTO(int id, const char *bh, unsigned int edges,
		     u64 latency_ns, u64 run_ns),
	    TP_ARGS(id, bh, edges, latency_ns, run_ns),
	    TP_STRUCT__entry(__field(int, id)
			     __array(char, bh, GPSNMEA_TRACE_BH_LEN)
			     __field(unsigned int, edges)
			     __field(u64, latency_ns)
			     __field(u64, run_ns)),
	    TP_fast_assign(__entry->id = id;
			   strscpy(__entry->bh, bh, GPSNMEA_TRACE_BH_LEN);
			   __entry->edges = edges;
			   __entry->latency_ns = latency_ns;
			   __entry->run_ns = run_ns;),
	    TP_printk("id=%d bh=%s edges=%u latency_ns=%llu run_ns=%llu",
		      __entry->id, __entry->bh, __entry->edges,
		      (unsigned long long)__entry->latency_ns,
		      (unsigned long long)__entry->run_ns)
);

TRACE_EVENT(gpsnmea_sentence,
	    TP_PROTO(int id, const char *text, u32 len),
	    TP_ARGS(id, text, len),
	    TP_STRUCT__entry(__field(int, id)
			     __field(u32, len)
			     __array(char, addr, GPSNMEA_TRACE_ADDR_LEN)),
	    TP_fast_assign(__entry->id = id;
			   __entry->len = len;
			   gpsnmea_trace_addr(__entry->addr, text, len);),
	    TP_printk("id=%d len=%u addr=%s", __entry->id, __entry->len,
		      __entry->addr)
);

#endif /* _GPSNMEA_TRACE_H */

/* Out of tree: this header sits next to the sources, not in include/trace. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE gpsnmea_trace
#include <trace/define_trace.h>
