/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal host test harness: each test is a named function; checks record
 * failures with file and line, and the runner prints TAP-like lines.
 */
#ifndef GPSNMEA_TEST_H
#define GPSNMEA_TEST_H

#include <stdbool.h>
#include <stdio.h>

struct test {
	const char *name;
	void (*fn)(void);
};

#define TEST_END { NULL, NULL }

/* Failures recorded by the test now running. */
extern unsigned int test_failures;

void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			test_fail(__FILE__, __LINE__, "%s", #cond);	\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b)						\
			test_fail(__FILE__, __LINE__,			\
				  "%s == %lld, expected %s == %lld",	\
				  #a, _a, #b, _b);			\
	} while (0)

/* Stop the test when a check has failed (avoids cascades). */
#define REQUIRE(cond)							\
	do {								\
		if (!(cond)) {						\
			test_fail(__FILE__, __LINE__, "%s", #cond);	\
			return;						\
		}							\
	} while (0)

extern const struct test decoder_tests[];
extern const struct test sweep_tests[];
extern const struct test framer_tests[];
extern const struct test e2e_tests[];
extern const struct test fix_tests[];
extern const struct test corpus_tests[];
extern const struct test exact_tests[];

#endif /* GPSNMEA_TEST_H */
