// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the gpsnmea selftests; see common.h. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int bind_dt(void)
{
	return !strcmp(env_or("GPSNMEA_BIND", "lookup"), "dt");
}

const char *device_name(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static char name[256];
	struct dirent *e;
	DIR *d;

	pthread_mutex_lock(&lock);
	if (!name[0]) {
		d = opendir(SYS_DRV);
		while (d && (e = readdir(d)))
			if (e->d_type == DT_LNK && strcmp(e->d_name, "module")) {
				snprintf(name, sizeof(name), "%s", e->d_name);
				break;
			}
		if (d)
			closedir(d);
	}
	pthread_mutex_unlock(&lock);
	return name[0] ? name : "gpsnmea";
}

const char *dev_file(const char *file)
{
	static __thread char buf[8][640];
	static __thread unsigned int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "/sys/bus/platform/devices/%s/%s",
		 device_name(), file);
	return p;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

long long read_num(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtoll(buf, NULL, 0);
}

long long stat_of(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "statistics/%s", name);
	return read_num(dev_file(path));
}

const char *stat_errors(void)
{
	static const char *const names[] = {
		"framing_errors", "glitches", "late_edges", "order_errors",
		"checksum_errors", "no_checksum_errors", "length_errors",
		"charset_errors", "truncated_sentences", "garbage_bytes",
		"doubtful_sentences", "overruns", "storms", "gpio_errors",
		"gaps", "gnss_drops", NULL
	};
	static char buf[512];
	size_t i, len = 0;
	long long v;

	buf[0] = 0;
	for (i = 0; names[i]; i++) {
		v = stat_of(names[i]);
		if (v && len < sizeof(buf))
			len += snprintf(buf + len, sizeof(buf) - len, " %s %lld",
					names[i], v);
	}
	return len ? buf + 1 : "none";
}

long long stat_dropped(void)
{
	return stat_of("checksum_errors") + stat_of("no_checksum_errors") +
	       stat_of("length_errors") + stat_of("charset_errors") +
	       stat_of("truncated_sentences") + stat_of("doubtful_sentences");
}

long long sim_stat_of(const char *file, const char *name)
{
	char line[128];
	size_t n = strlen(name);
	long long v = -1;
	FILE *f;

	snprintf(line, sizeof(line), SIM_DIR "/%s", file);
	f = fopen(line, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ')
			v = atoll(line + n + 1);
	fclose(f);
	return v;
}

unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	*len = buf ? read(fd, buf, st.st_size) : 0;
	close(fd);
	return buf;
}

/*
 * A test that failed or timed out may have left the device unbound, the
 * module loaded (its children may still hold /dev/gpsnmea for a moment)
 * or faults armed: undo that, so the next test starts clean instead of
 * failing for the previous one. Says what it undid, as "# " lines.
 */
static void clear_leftovers(void)
{
	int i, ret = 0;

	if (access("/sys/module/gpsnmea", F_OK))
		return;
	fprintf(stderr, "# an earlier test left gpsnmea.ko loaded: unloading it\n");
	/* the device the module registers (not a device tree's) left unbound */
	if (access("/sys/bus/platform/devices/gpsnmea", F_OK) == 0 &&
	    access("/sys/bus/platform/devices/gpsnmea/driver", F_OK))
		write_file(SYS_DRV "/bind", "gpsnmea");
	for (i = 0; i < 100; i++) {
		ret = unload_driver();
		if (ret != -EAGAIN && ret != -EBUSY)
			break;
		usleep(100000);
	}
	if (ret)
		fprintf(stderr, "# unloading gpsnmea.ko: %s\n", strerror(-ret));
}

int load_driver(const char *extra)
{
	char params[512];
	int fd, ret;

	clear_leftovers();

	snprintf(params, sizeof(params), "%sbaud=%s %s %s",
		 bind_dt() ? "" : "gpio_chip=gpsnmea-sim gpio_line=0 ",
		 env_or("GPSNMEA_BAUD", "9600"),
		 env_or("GPSNMEA_PARAMS", ""), extra ? extra : "");
	fd = open(env_or("GPSNMEA_KO", "/modules/gpsnmea.ko"), O_RDONLY);
	if (fd < 0)
		return -errno;
	ret = syscall(__NR_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	/* A device tree's device that failed its probe does not fail the load. */
	if (!ret && bind_dt()) {
		char path[512];

		snprintf(path, sizeof(path), SYS_DRV "/%s", device_name());
		if (access(path, F_OK)) {
			unload_driver();
			ret = -ENODEV;
		}
	}
	return ret;
}

int unload_driver(void)
{
	return syscall(__NR_delete_module, "gpsnmea", O_NONBLOCK) ? -errno : 0;
}

/*
 * Unloads a driver an earlier test left loaded, waits until the sim is
 * idle, disarms its faults, sets its line to idle high and to GPSNMEA_BAUD.
 */
int sim_setup(void)
{
	int ret;

	clear_leftovers();
	ret = sim_wait_idle(600000);
	if (!ret)
		ret = write_file(SIM_DIR "/fault", "clear");
	if (!ret)
		ret = write_file(SIM_DIR "/invert", "0");
	return ret ? ret : write_file(SIM_DIR "/baud",
				      env_or("GPSNMEA_BAUD", "9600"));
}

int sim_send(const void *buf, size_t len)
{
	int fd = open(SIM_DIR "/tx", O_WRONLY);
	const char *p = buf;

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -errno;
		}
		p += n;
		len -= n;
	}
	close(fd);
	return 0;
}

/*
 * Sends @buf round and round, a chunk at a time, keeping at most about
 * SIM_FEED_AHEAD bytes queued in the simulator, until *@stop is set:
 * the simulator's queue holds 64 KiB (136 s at 4800 baud), which a test's
 * teardown would otherwise wait for. Returns 0 or the first -errno.
 */
#define SIM_FEED_CHUNK	256
#define SIM_FEED_AHEAD	512

int sim_feed(const unsigned char *buf, size_t len, const int *stop)
{
	size_t off = 0, n;
	int ret = 0;

	while (!ret && !__atomic_load_n(stop, __ATOMIC_RELAXED)) {
		long long pending = read_num(SIM_DIR "/pending");

		if (pending < 0)
			return -ENOENT;
		if (pending > SIM_FEED_AHEAD) {
			usleep(20000);
			continue;
		}
		n = len - off < SIM_FEED_CHUNK ? len - off : SIM_FEED_CHUNK;
		ret = sim_send(buf + off, n);
		off = (off + n) % len;
	}
	return ret;
}

/* Up to @max names of the bottom halves this kernel offers (bh_available). */
int bh_list(char names[][16], int max)
{
	char buf[256] = "", *tok, *save;
	int fd = open(dev_file("bh_available"), O_RDONLY), n = 0;

	if (fd < 0)
		return 0;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = 0;
	close(fd);
	for (tok = strtok_r(buf, "\n ", &save); tok && n < max;
	     tok = strtok_r(NULL, "\n ", &save))
		snprintf(names[n++], 16, "%s", tok);
	return n;
}

int sim_wait_idle(int timeout_ms)
{
	long long end = now_ms() + timeout_ms, pending;

	while ((pending = read_num(SIM_DIR "/pending")) != 0) {
		if (pending < 0)
			return -ENOENT;
		if (now_ms() > end)
			return -ETIMEDOUT;
		usleep(2000);
	}
	return 0;
}

/*
 * Reads from @fd until @want bytes came, or nothing came for @quiet_ms
 * while the sim was idle. Returns the byte count.
 */
size_t read_until(int fd, char *buf, size_t cap, size_t want, int quiet_ms)
{
	size_t got = 0;

	while (got < want && got < cap) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int ret = poll(&pfd, 1, quiet_ms);

		if (ret == 0 && read_num(SIM_DIR "/pending") == 0)
			break;
		if (ret <= 0)
			continue;
		n = read(fd, buf + got, cap - got);
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

int replay_open(struct replay *r, const char *name)
{
	const char *dir = env_or("GPSNMEA_CORPUS", "/corpus");
	char path[512];
	size_t i;

	memset(r, 0, sizeof(*r));
	r->name = name;
	r->diff = -1;
	snprintf(path, sizeof(path), "%s/%s.wire", dir, name);
	r->wire = slurp(path, &r->wlen);
	snprintf(path, sizeof(path), "%s/%s.expect", dir, name);
	r->expect = slurp(path, &r->elen);
	if (!r->wire || !r->expect) {
		fprintf(stderr, "# %s: corpus files missing in %s\n", name, dir);
		return -ENOENT;
	}
	for (i = 0; i < r->elen; i++)
		r->sentences += r->expect[i] == '\n';
	r->got = malloc(r->elen + 4096);
	return r->got ? 0 : -ENOMEM;
}

static void *sender_thread(void *arg)
{
	struct replay *r = arg;

	r->send_ret = sim_send(r->wire, r->wlen);
	return NULL;
}

int replay_run(struct replay *r)
{
	pthread_t thr;
	size_t i;
	int fd = open(DEV_PATH, O_RDONLY);

	if (fd < 0)
		return -errno;
	if (pthread_create(&thr, NULL, sender_thread, r)) {
		close(fd);
		return -EAGAIN;
	}
	r->glen = read_until(fd, r->got, r->elen + 4096, r->elen, 1000);
	pthread_join(thr, NULL);
	close(fd);
	if (r->send_ret)
		return r->send_ret;

	/* Bytes after the last valid sentence may still be on their way. */
	if (sim_wait_idle(60000))
		return -ETIMEDOUT;
	for (i = 0; i < 500 && stat_of("bytes") < (long long)r->wlen; i++)
		usleep(10000);

	for (i = 0; i < r->glen && i < r->elen; i++)
		if (r->got[i] != (char)r->expect[i])
			break;
	r->diff = i == r->glen && i == r->elen ? -1 : (long)i;
	return 0;
}

void replay_print_diff(const struct replay *r)
{
	fprintf(stderr, "# %s: got %zu bytes, want %zu; first difference at byte %ld\n",
		r->name, r->glen, r->elen, r->diff);
	if (r->diff >= 0 && (size_t)r->diff < r->glen)
		fprintf(stderr, "# got:  %.80s\n", r->got + r->diff);
	if (r->diff >= 0 && (size_t)r->diff < r->elen)
		fprintf(stderr, "# want: %.80s\n", r->expect + r->diff);
}

void replay_close(struct replay *r)
{
	free(r->wire);
	free(r->expect);
	free(r->got);
}

/*
 * Records the driver's edges (gpsnmea:gpsnmea_edge) from now on, if it can,
 * in a trace buffer of @kb KiB per CPU (0: as it is).
 */
void edge_trace_on(int kb)
{
	char size[16];

	if (access(TRACEFS "/events", F_OK)) {
		mkdir(TRACEFS, 0755);
		mount("tracefs", TRACEFS, "tracefs", 0, NULL);
	}
	write_file(TRACEFS "/tracing_on", "0");
	if (kb > 0) {
		snprintf(size, sizeof(size), "%d", kb);
		write_file(TRACEFS "/buffer_size_kb", size);
	}
	write_file(TRACEFS "/trace", "");
	write_file(TRACEFS "/events/gpsnmea/gpsnmea_edge/enable", "1");
	write_file(TRACEFS "/tracing_on", "1");
}

void edge_trace_dump(size_t last, size_t wlen, bool from_sim)
{
	unsigned long long k, t, end = ~0ULL;
	unsigned int level;
	char line[512], *p;
	FILE *f;

	if (!from_sim)
		write_file(TRACEFS "/tracing_on", "0");
	f = fopen(SIM_DIR "/starts", "r");
	while (f && fgets(line, sizeof(line), f) &&
	       sscanf(line, "%llu %llu", &k, &t) == 2 && k < wlen) {
		if (k <= last + 2)
			fprintf(stderr, "# S %llu %llu\n", k, t);
		if (k == last + 2)
			end = t;
	}
	if (f)
		fclose(f);
	if (from_sim) {
		f = fopen(SIM_DIR "/raised", "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "%*u %llu %u", &t, &level) == 2 &&
			    t <= end)
				fprintf(stderr, "# E %llu %u\n", t, level);
		if (f)
			fclose(f);
		return;
	}
	f = fopen(TRACEFS "/trace", "r");
	while (f && fgets(line, sizeof(line), f)) {
		p = strstr(line, "gpsnmea_edge:");
		if (p && sscanf(p, "gpsnmea_edge: id=%*d t_ns=%llu level=%u",
				&t, &level) == 2 && t <= end)
			fprintf(stderr, "# E %llu %u\n", t, level);
	}
	if (f)
		fclose(f);
}
