/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the gpsnmea selftests: the simulated GPS, the driver's
 * module and sysfs files, and replays of corpus logs.
 *
 * Environment:
 *   GPSNMEA_KO      path of gpsnmea.ko (default /modules/gpsnmea.ko)
 *   GPSNMEA_PARAMS  extra module parameters, e.g. "bh=tasklet"
 *   GPSNMEA_BAUD    bit rate for the driver and the sim (default 9600)
 *   GPSNMEA_CORPUS  folder with NAME.wire / NAME.expect (default /corpus)
 *   GPSNMEA_SPIKES  set: the simulator sends latency spikes, and a replay
 *                   must see some taken as late (gpsnmea.sh sets it)
 *   GPSNMEA_EDGE_DUMP  set: a corpus replay traces the driver's edges, and
 *                   prints them up to its first difference if it has one
 *   GPSNMEA_BIND    "dt": the device comes from a device tree node whose
 *                   rx-gpios is the sim's line 0 (the arm64 VM), so the
 *                   module is loaded without gpio_chip= and gpio_line=;
 *                   otherwise ("lookup", the default) with them
 */
#ifndef GPSNMEA_SELFTEST_COMMON_H
#define GPSNMEA_SELFTEST_COMMON_H

#include <stdbool.h>
#include <stddef.h>

#define SIM_DIR		"/sys/kernel/debug/gpsnmea-sim/line0"
#define DEV_PATH	"/dev/gpsnmea"
#define SYS_DRV		"/sys/bus/platform/drivers/gpsnmea"
#define TRACEFS		"/sys/kernel/tracing"

const char *env_or(const char *name, const char *def);
/* True when the device comes from the device tree (GPSNMEA_BIND=dt). */
int bind_dt(void);
/*
 * The platform device's name: "gpsnmea" when the module registers it, the
 * node's name when it comes from a device tree. Found in SYS_DRV once the
 * device is bound, and kept.
 */
const char *device_name(void);
/* /sys/bus/platform/devices/<device_name()>/@file; valid for 8 calls. */
const char *dev_file(const char *file);
int write_file(const char *path, const char *text);
long long read_num(const char *path);
long long stat_of(const char *name);
/* The driver's non-zero error and drop counters, "name value ...", or "none". */
const char *stat_errors(void);
/* Sentences the driver counted as dropped, for any reason. */
long long stat_dropped(void);
/* The value of a "name value" line of a file of the sim's, -1 if none. */
long long sim_stat_of(const char *file, const char *name);
unsigned char *slurp(const char *path, size_t *len);

int load_driver(const char *extra);
int unload_driver(void);

int bh_list(char names[][16], int max);

int sim_setup(void);
int sim_send(const void *buf, size_t len);
int sim_wait_idle(int timeout_ms);
int sim_feed(const unsigned char *buf, size_t len, const int *stop);

void edge_trace_on(int kb);
/*
 * For a replay that was not exact: the simulator's start bit times of bytes
 * 0..@last + 2 ("# S byte ns") and the driver's edges up to the last one
 * ("# E ns level"), for tests/unit to replay (tests/data/startup-*.edges):
 * from the driver's tracepoint, or with @from_sim from the simulator's
 * record of the edges it raised (the same times give or take a fixed path,
 * and there from the first edge of a module just loaded).
 */
void edge_trace_dump(size_t last, size_t wlen, bool from_sim);

size_t read_until(int fd, char *buf, size_t cap, size_t want, int quiet_ms);

/**
 * struct replay - one corpus log sent through the sim and read back
 * @name: log name (NAME.wire and NAME.expect in GPSNMEA_CORPUS)
 * @wire: the bytes sent
 * @expect: the sentences a correct driver delivers
 * @got: what the reader received
 * @wlen, @elen, @glen: their lengths
 * @sentences: sentences in @expect
 * @diff: offset of the first difference of @got and @expect, -1 if none
 * @send_ret: 0 or the sender's -errno
 */
struct replay {
	const char *name;
	unsigned char *wire, *expect;
	char *got;
	size_t wlen, elen, glen, sentences;
	long diff;
	int send_ret;
};

int replay_open(struct replay *r, const char *name);
/* Sends the whole log while reading /dev/gpsnmea; waits for the last byte. */
int replay_run(struct replay *r);
/* Prints where @got and @expect part, as "# " lines. */
void replay_print_diff(const struct replay *r);
void replay_close(struct replay *r);

#endif
