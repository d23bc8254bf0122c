#include <errno.h>
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
