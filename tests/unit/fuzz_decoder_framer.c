// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the UART decoder and the NMEA framer.
 *
 * The input is read twice: as bytes for a framer, and as a stream of edges
 * (with resets, idle calls and time going back) for a decoder whose bytes
 * go to a second framer. Sanitizers catch memory and arithmetic errors;
 * the checks below catch broken promises of the two interfaces.
 *
 * Built by "make -C tests/unit fuzz": with clang as a libFuzzer target,
 * otherwise (or with -DSTANDALONE) as a program that replays the files
 * named on its command line, or runs pseudo-random inputs without any.
 * With -DFUZZ_NO_MAIN it is linked into the unit tests, which replay
 * tests/unit/fuzz-corpus (seeds and the inputs of crashes found).
 */
#include <stdio.h>
#include <stdlib.h>

#include <gpsnmea/nmea_framer.h>
#include <gpsnmea/uart_decoder.h>

#include "../tools/nmea_ref.h"

#define FUZZ_CHECK(cond)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, \
				#cond);					\
			abort();					\
		}							\
	} while (0)

/* Whatever the framer hands out must be a well-formed sentence. */
static void check_sentence(const struct nmea_framer *f, u32 n)
{
	const char *s = nmea_framer_sentence(f);
	u32 i, star = 0;
	u8 sum = 0;

	FUZZ_CHECK(n >= 3 && n <= f->cfg.max_len + 2);
	FUZZ_CHECK(strlen(s) == n);
	FUZZ_CHECK(s[0] == '$' || s[0] == '!');
	FUZZ_CHECK(s[n - 2] == '\r' && s[n - 1] == '\n');
	for (i = 1; i < n - 2; i++) {
		FUZZ_CHECK(s[i] >= 0x20 && s[i] <= 0x7e);
		/* A talker of upper-case letters. */
		FUZZ_CHECK(i > 2 || (s[i] >= 'A' && s[i] <= 'Z'));
		if (s[i] == '*' && !star)
			star = i;
		if (!star)
			sum ^= s[i];
	}
	/* The characters and fields its type's template takes. */
	FUZZ_CHECK(nmea_ref_fits((const unsigned char *)s, n - 2));
	if (!star) {
		FUZZ_CHECK(f->cfg.allow_no_checksum);
		return;
	}
	FUZZ_CHECK(star + 5 == n);
	FUZZ_CHECK(nmea_ref_hex(s[star + 1]) >= 0 && nmea_ref_hex(s[star + 2]) >= 0);
	FUZZ_CHECK(nmea_ref_hex(s[star + 1]) * 16 + nmea_ref_hex(s[star + 2]) == sum);
}

struct sink {
	struct nmea_framer f;
	u64 bytes;
};

static void sink_emit(void *ctx, u8 byte, u64 start_ns, u32 flags)
{
	struct sink *k = ctx;
	u32 n;

	k->bytes++;
	n = nmea_framer_push(&k->f, byte, start_ns, flags);
	if (n)
		check_sentence(&k->f, n);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static const u32 bauds[] = { 50, 4800, 9600, 115200, 1000000 };
	struct nmea_framer_config fcfg;
	struct uart_dec_config dcfg;
	struct nmea_framer f;
	struct uart_dec d;
	struct sink k;
	u64 t = 1000000, dl, total;
	bool level = true;
	size_t i;
	u32 n;

	if (size < 4)
		return 0;
	fcfg.max_len = data[0];
	fcfg.allow_no_checksum = data[1] & 1;
	dcfg.baud = bauds[(data[1] >> 1) % 5] + (data[1] >> 4);
	dcfg.invert = data[2] & 1;
	dcfg.glitch_pct = data[2] >> 1;
	data += 3;
	size -= 3;

	/* The bytes as they are, through a framer, a few flagged. */
	nmea_framer_init(&f, &fcfg);
	for (i = 0; i < size; i++) {
		n = nmea_framer_push(&f, data[i], i,
				     i % 29 == 28 ? data[i] & 3 : 0);
		if (n)
			check_sentence(&f, n);
		if (data[i] == 0xff && i % 7 == 0)
			nmea_framer_reset(&f);
	}
	for (total = f.sentences + f.doubtful, i = 0; i < NMEA_DROP_NR; i++)
		total += f.drops[i];
	FUZZ_CHECK(total <= size);

	/*
	 * The bytes as edges: the low 6 bits set the gap before the edge
	 * (in sixteenths of a bit, up to 4 bits), the top 2 bits pick an
	 * ordinary edge, a repeated level, a step back in time, or an idle
	 * call at the decoder's deadline.
	 */
	memset(&k, 0, sizeof(k));
	nmea_framer_init(&k.f, &fcfg);
	uart_dec_init(&d, &dcfg, sink_emit, &k);
	for (i = 0; i < size; i++) {
		u64 gap = (u64)(data[i] & 0x3f) * d.bit_ns / 16;

		switch (data[i] >> 6) {
		case 0:
		case 1:
			t += gap;
			level = !level;
			uart_dec_edge(&d, t, level != dcfg.invert);
			break;
		case 2:
			if (data[i] & 1) {
				t -= t > gap ? gap : 0;
				uart_dec_edge(&d, t, level != dcfg.invert);
			} else {
				uart_dec_reset(&d);
			}
			break;
		default:
			dl = uart_dec_deadline(&d);
			if (!dl)
				break;
			if (dl > t)
				t = dl;
			/* One call does all the work due by then. */
			uart_dec_idle(&d, t);
			dl = uart_dec_deadline(&d);
			FUZZ_CHECK(!dl || dl > t);
			break;
		}
	}
	/* With the line idle for good, every frame ends. */
	dl = uart_dec_deadline(&d);
	uart_dec_idle(&d, (dl > t ? dl : t) + 1000 * (u64)d.bit_ns);
	FUZZ_CHECK(!uart_dec_deadline(&d));
	FUZZ_CHECK(d.stats.bytes == k.bytes);
	FUZZ_CHECK(d.stats.edges >= d.stats.order_errors + 2 * d.stats.glitches);
	return 0;
}

#if (defined(STANDALONE) || !defined(__clang__)) && !defined(FUZZ_NO_MAIN)
static int run_file(const char *path)
{
	static u8 buf[1 << 20];
	FILE *fp = fopen(path, "rb");
	size_t n;

	if (!fp) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	static u8 buf[4096];
	u64 x = 0x9e3779b97f4a7c15ULL;
	int i, j, ret = 0;

	for (i = 1; i < argc; i++)
		ret |= run_file(argv[i]);
	if (argc > 1)
		return ret;
	/* No inputs: a quick pseudo-random run. */
	for (i = 0; i < 20000; i++) {
		for (j = 0; j < (int)sizeof(buf); j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[j] = x;
		}
		LLVMFuzzerTestOneInput(buf, 4 + (x >> 40) % (sizeof(buf) - 4));
	}
	printf("fuzz_decoder_framer: 20000 random inputs ok\n");
	return 0;
}
#endif
