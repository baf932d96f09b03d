/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gpsnmea - user-space interface of /dev/gpsnmea.
 *
 * By default read() on /dev/gpsnmea gives plain NMEA 0183 text, one
 * CRLF-terminated sentence after the other, like a serial port would. A
 * reader that wants the kernel's timestamps switches its open file to
 * records with GPSNMEA_IOC_SET_FORMAT; each file has its own format and
 * its own position in the stream. Documentation/gpsnmea-uapi.rst has the
 * full description.
 *
 * The ioctl type 0xE7 is not taken in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst (checked against
 * Linux 6.12); this file uses numbers 0x01..0x03 of it.
 *
 * Every structure has the same layout on 32-bit and 64-bit ABIs (only
 * fixed-size types, 64-bit members at 8-byte offsets, no padding), so
 * 32-bit programs on a 64-bit kernel use the same numbers.
 */
#ifndef _UAPI_LINUX_GPSNMEA_H
#define _UAPI_LINUX_GPSNMEA_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * enum gpsnmea_format - what read() returns on one open file
 * @GPSNMEA_FORMAT_TEXT: NMEA text, sentence after sentence (the default).
 *	A read() may end inside a sentence; the next read() continues it.
 * @GPSNMEA_FORMAT_RECORD: struct gpsnmea_record, one after the other.
 *	A read() returns whole records only, as many as fit.
 */
enum gpsnmea_format {
	GPSNMEA_FORMAT_TEXT = 0,
	GPSNMEA_FORMAT_RECORD = 1,
};

/**
 * struct gpsnmea_record - one sentence with its timestamps
 * @size: bytes of this record: the header, @len bytes of text, a NUL and
 *	zero padding up to a multiple of 8 bytes. The next record starts
 *	@size bytes after this one.
 * @len: bytes in @text, CRLF included, NUL not included
 * @seq: the sentence's number: the device counts the sentences it has
 *	received since it was bound, from 0. Consecutive records of one file
 *	have consecutive numbers, except after a loss (read() failed with
 *	-EPIPE), where the jump is the number of sentences lost.
 * @mono_ns: CLOCK_MONOTONIC time, in ns, of the start bit of the
 *	sentence's leading '$' or '!' (the hard interrupt of its falling
 *	edge, as clock_gettime(CLOCK_MONOTONIC) counts)
 * @real_ns: the same instant in CLOCK_REALTIME, ns since the epoch,
 *	converted with the realtime offset in force when the sentence ended
 * @text: the sentence, as text-format readers get it, then a NUL
 */
struct gpsnmea_record {
	__u32 size;
	__u32 len;
	__u64 seq;
	__s64 mono_ns;
	__s64 real_ns;
	char text[];
};

/* A read() buffer of this many bytes always holds the next record. */
#define GPSNMEA_RECORD_MAX	288

/**
 * struct gpsnmea_info - state of one open file
 * @seq: number of the next sentence read() hands out (or continues)
 * @lost: sentences this file lost since it was opened, because it fell
 *	more than the ring behind
 * @head: number the next sentence received will get; @head - @seq
 *	sentences are waiting for this file (at most @ring_slots)
 * @format: the file's enum gpsnmea_format
 * @ring_slots: sentences the device keeps for readers that fall behind
 */
struct gpsnmea_info {
	__u64 seq;
	__u64 lost;
	__u64 head;
	__u32 format;
	__u32 ring_slots;
};

#define GPSNMEA_IOC_MAGIC	0xE7

/* Set the read format of this open file: a __u32 enum gpsnmea_format. */
#define GPSNMEA_IOC_SET_FORMAT	_IOW(GPSNMEA_IOC_MAGIC, 0x01, __u32)
/* Get the read format of this open file. */
#define GPSNMEA_IOC_GET_FORMAT	_IOR(GPSNMEA_IOC_MAGIC, 0x02, __u32)
/* Get the file's position, loss count and format. */
#define GPSNMEA_IOC_GET_INFO	_IOR(GPSNMEA_IOC_MAGIC, 0x03, struct gpsnmea_info)

#endif /* _UAPI_LINUX_GPSNMEA_H */
