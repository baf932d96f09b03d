// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/gpsnmea ioctls and records seen by a 32-bit program on a 64-bit
 * kernel, i.e. through compat_ioctl: i386 on amd64, AArch32 (armhf) on
 * arm64. Built with -nostdlib so that no 32-bit C library is needed: raw
 * system calls only ("int $0x80", "svc #0"; both ABIs number the calls
 * used here alike).
 * Run by gpsnmea_readers_test (records.compat32) with the driver loaded on
 * the simulated GPS; exits 0 when every check holds, else with the number
 * of the first check that failed.
 */
#include <linux/gpsnmea.h>

#define NR_EXIT		1
#define NR_READ		3
#define NR_WRITE	4
#define NR_OPEN		5
#define NR_CLOSE	6
#define NR_IOCTL	54

#define EINVAL		22
#define ENOTTY		25

#if defined(COMPAT_I386)
static long sys3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile ("int $0x80"
		      : "=a" (ret)
		      : "a" (nr), "b" (a), "c" (b), "d" (c)
		      : "memory");
	return ret;
}
#elif defined(COMPAT_ARM)
static long sys3(long nr, long a, long b, long c)
{
	register long r7 asm("r7") = nr;
	register long r0 asm("r0") = a;
	register long r1 asm("r1") = b;
	register long r2 asm("r2") = c;

	asm volatile ("svc #0"
		      : "+r" (r0)
		      : "r" (r7), "r" (r1), "r" (r2)
		      : "memory");
	return r0;
}
#else
#error "gpsnmea_compat32: build with -DCOMPAT_I386 or -DCOMPAT_ARM (Makefile)"
#endif

static const char sentence[] = "$GPGLL,4916.45,N,12311.12,W,225444,A*31\r\n";

static int check(void)
{
	union {
		struct gpsnmea_record rec;
		char buf[GPSNMEA_RECORD_MAX];
	} u;
	struct gpsnmea_info info;
	__u32 fmt = 7;
	long fd, tx, n;
	unsigned int i;

	/* The layout the 64-bit kernel uses. */
	if (sizeof(struct gpsnmea_record) != 32 ||
	    sizeof(struct gpsnmea_info) != 32)
		return 13;
	fd = sys3(NR_OPEN, (long)"/dev/gpsnmea", 0, 0);
	if (fd < 0)
		return 1;
	if (sys3(NR_IOCTL, fd, GPSNMEA_IOC_GET_FORMAT, (long)&fmt) ||
	    fmt != GPSNMEA_FORMAT_TEXT)
		return 2;
	fmt = GPSNMEA_FORMAT_RECORD;
	if (sys3(NR_IOCTL, fd, GPSNMEA_IOC_SET_FORMAT, (long)&fmt))
		return 3;
	fmt = 9;
	if (sys3(NR_IOCTL, fd, GPSNMEA_IOC_SET_FORMAT, (long)&fmt) != -EINVAL)
		return 4;
	if (sys3(NR_IOCTL, fd, GPSNMEA_IOC_GET_FORMAT, (long)&fmt) ||
	    fmt != GPSNMEA_FORMAT_RECORD)
		return 5;
	if (sys3(NR_IOCTL, fd, GPSNMEA_IOC_GET_INFO, (long)&info) ||
	    info.format != GPSNMEA_FORMAT_RECORD || info.ring_slots != 512 ||
	    info.lost != 0 || info.seq != info.head)
		return 6;
	if (sys3(NR_IOCTL, fd, _IO(GPSNMEA_IOC_MAGIC, 0x7f), 0) != -ENOTTY)
		return 7;

	tx = sys3(NR_OPEN, (long)"/sys/kernel/debug/gpsnmea-sim/line0/tx", 1, 0);
	if (tx < 0)
		return 8;
	n = sys3(NR_WRITE, tx, (long)sentence, sizeof(sentence) - 1);
	sys3(NR_CLOSE, tx, 0, 0);
	if (n != sizeof(sentence) - 1)
		return 9;

	n = sys3(NR_READ, fd, (long)u.buf, sizeof(u.buf));
	if (n != 80 || u.rec.size != 80 || u.rec.len != sizeof(sentence) - 1 ||
	    u.rec.seq != info.seq || u.rec.mono_ns <= 0 ||
	    u.rec.real_ns <= u.rec.mono_ns)
		return 10;
	for (i = 0; i < u.rec.len; i++)
		if (u.rec.text[i] != sentence[i])
			return 11;
	if (u.rec.text[u.rec.len])
		return 12;
	sys3(NR_CLOSE, fd, 0, 0);
	return 0;
}

/* i386: the kernel enters with the stack 4-byte aligned, gcc wants 16. */
#ifdef COMPAT_I386
__attribute__((force_align_arg_pointer))
#endif
void _start(void)
{
	sys3(NR_EXIT, check(), 0, 0);
	__builtin_unreachable();
}
