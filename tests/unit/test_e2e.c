// SPDX-License-Identifier: GPL-2.0
#include "test.h"

const struct test e2e_tests[] = {
	TEST_END
};
