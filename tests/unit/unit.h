/* Minimal unit-test harness: each test prints PASS/FAIL lines that
 * tests/run.sh counts. */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>

extern int unit_failed;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			printf("    %s:%d: CHECK(%s) failed\n", __FILE__,  \
			       __LINE__, #cond);                           \
			unit_failed = 1;                                   \
			return;                                            \
		}                                                          \
	} while (0)

#define CHECK_STR(a, b)                                                    \
	do {                                                               \
		const char *a_ = (a), *b_ = (b);                           \
		if (strcmp(a_, b_) != 0) {                                 \
			printf("    %s:%d: \"%s\" != \"%s\"\n", __FILE__,  \
			       __LINE__, a_, b_);                          \
			unit_failed = 1;                                   \
			return;                                            \
		}                                                          \
	} while (0)

typedef void (*unit_fn)(void);
struct unit_case {
	const char *name;
	unit_fn fn;
};

/* Each test file defines a table and registers it in unit_main.c. */
#define UNIT_SUITE(sym) const struct unit_case sym[]
#define UNIT(fn) { #fn, fn }
#define UNIT_END { 0, 0 }
#endif
