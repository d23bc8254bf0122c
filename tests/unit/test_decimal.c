/* Unit tests for src/decimal.c: the one number parser for seconds. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
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

/* decimal_int against glibc's strtoll, which these builds link: the same
 * value and end wherever strtoll neither skipped space nor overflowed. */
static void test_decimal_int_like_strtoll(void)
{
	static const char *const in[] = {
		"0", "-0", "+0", "7", "-7", "+7", "12ab", "0009", "-", "+", "", "x1",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808",
		"-9223372036854775809", "99999999999999999999999", "18446744073709551615",
		"123 456", "42\n", "--1", "+-1",
	};

	for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *end;
		long long want, got = 99;
		const char *e;

		errno = 0;
		want = strtoll(in[i], &end, 10);
		e = decimal_int(in[i], LLONG_MIN, LLONG_MAX, &got);
		if (errno || end == in[i])
			CHECK(!e && got == 99);
		else
			CHECK(e == end && got == want);
	}
}

static void test_decimal_int_range(void)
{
	long long v = 5;

	CHECK(decimal_int("10", 0, 9, &v) == NULL && v == 5);
	CHECK(decimal_int("-1", 0, 9, &v) == NULL && v == 5);
	CHECK(decimal_int("9", 0, 9, &v) && v == 9);
	CHECK(decimal_int("-3", -3, 0, &v) && v == -3);
	CHECK(decimal_int(" 1", 0, 9, &v) == NULL);
	/* Random numbers and their neighbours across the range. */
	for (unsigned i = 0, x = 12345; i < 20000; i++) {
		char buf[32];
		long long want, got;

		x = x * 1103515245u + 12345u;
		want = (long long)(((unsigned long long)x << 33) ^ ((unsigned long long)x * 2654435761u));
		if (i & 1)
			want >>= (x & 63);
		snprintf(buf, sizeof(buf), "%lld", want);
		CHECK(decimal_int(buf, LLONG_MIN, LLONG_MAX, &got) == buf + strlen(buf) && got == want);
	}
}

UNIT_SUITE(decimal_tests) = {
	UNIT(test_decimal_int_like_strtoll),
	UNIT(test_decimal_int_range),
	UNIT(test_decimal_accepts),
	UNIT(test_decimal_rejects),
	UNIT_END,
};
