// SPDX-License-Identifier: GPL-2.0
/*
 * gpsnmea - instantiates the tracepoints declared in gpsnmea_trace.h.
 */

#define CREATE_TRACE_POINTS
#include "gpsnmea_trace.h"
