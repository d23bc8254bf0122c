/* Unit tests for src/decimal.c: the one number parser for seconds. */
#include <errno.h>
#include <string.h>

#include "core/decimal.h"
#include "unit.h"

static int parse(const char *s, double *v)
{
	return decimal_parse(s, strlen(s), v);
}

static void test_decimal_accepts(void)
{
	double v;

	CHECK(parse("2", &v) == 0 && v == 2.0);
	CHECK(parse("0.25", &v) == 0 && v == 0.25);
	CHECK(parse(".5", &v) == 0 && v == 0.5);
	CHECK(parse("5.", &v) == 0 && v == 5.0);
	CHECK(parse("0.001", &v) == 0 && v == 0.001);
	CHECK(parse("86400", &v) == 0 && v == 86400.0);
	/* What lottery dump writes: the parse must round like the print. */
	CHECK(parse("1732262153.123456", &v) == 0 && v == 1732262153.123456);
	CHECK(parse("9999999999999999999", &v) == 0 && v == 9999999999999999999.0);
	/* Only len bytes count: a CSV field is not terminated. */
	CHECK(decimal_parse("12,34", 2, &v) == 0 && v == 12.0);
}

static void test_decimal_rejects(void)
{
	static const char *const bad[] = {
		"", ".", "-1", "+1", "1e3", "0x10", "inf", "nan", "1.2.3", " 1", "1 ",
		"1,5", "99999999999999999999", "0.00000000000000000001",
	};
	double v = 42;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(parse(bad[i], &v) == -EINVAL && v == 42);
	CHECK(decimal_parse("7", 0, &v) == -EINVAL);
}

UNIT_SUITE(decimal_tests) = {
	UNIT(test_decimal_accepts),
	UNIT(test_decimal_rejects),
	UNIT_END,
};
