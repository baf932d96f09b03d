// SPDX-License-Identifier: GPL-2.0
/*
 * Runs every host unit test, prints "ok N name" / "not ok N name" per test
 * and one closing "P passed, F failed" line; exits non-zero on a failure.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

unsigned int test_failures;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	/* Keep the output readable when a loop fails many times. */
	if (++test_failures > 10)
		return;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const struct test *const suites[] = {
	framer_tests, decoder_tests, e2e_tests, sweep_tests, fix_tests,
	corpus_tests, exact_tests,
};

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	unsigned int n = 0, passed = 0, failed = 0;
	size_t s;
	const struct test *t;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (t = suites[s]; t->name; t++) {
			if (only && !strstr(t->name, only))
				continue;
			test_failures = 0;
			t->fn();
			n++;
			if (test_failures) {
				printf("not ok %u %s\n", n, t->name);
				failed++;
			} else {
				printf("ok %u %s\n", n, t->name);
				passed++;
			}
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
