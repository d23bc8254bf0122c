#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include "core/decimal.h"

/* 19 digits always fit a u64, and 10^19 is exact in a double, so the one
 * rounding is the division's. */
#define MAX_DIGITS 19

int decimal_parse(const char *s, size_t len, double *out)
{
	uint64_t mant = 0, scale = 1;
	int digits = 0, point = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.' && !point) {
			point = 1;
			continue;
		}
		if (s[i] < '0' || s[i] > '9' || ++digits > MAX_DIGITS)
			return -EINVAL;
		mant = mant * 10 + (uint64_t)(s[i] - '0');
		if (point)
			scale *= 10;
	}
	if (!digits)
		return -EINVAL;
	*out = (double)mant / (double)scale;
	return 0;
}

const char *decimal_int(const char *s, long long min, long long max, long long *out)
{
	int neg = *s == '-';
	const char *p = s + (neg || *s == '+'), *digits = p;
	unsigned long long v = 0, limit = neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	long long x;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (limit - (unsigned)(*p - '0')) / 10)
			return NULL;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (p == digits)
		return NULL;
	/* -(v - 1) - 1: -2^63 without overflowing on the way. */
	x = neg && v ? -(long long)(v - 1) - 1 : (long long)v;
	if (x < min || x > max)
		return NULL;
	*out = x;
	return p;
}
