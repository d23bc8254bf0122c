/* Fuzz target: decimal_parse, the reader of every number schedtap takes
 * as a decimal (intervals, durations, --min-share, the lottery CSV's
 * timestamps), checked against a model: its grammar written out again,
 * and glibc's strtod for the value. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include "core/decimal.h"
#include "fuzz.h"

/* decimal.h's grammar: digits with at most one '.', 1 to 19 digits. */
static int model_accepts(const uint8_t *s, size_t len)
{
	int digits = 0, points = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.')
			points++;
		else if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else
			return 0;
	}
	return points <= 1 && digits >= 1 && digits <= 19;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double v = -1, want;
	char *text;
	int err;

	/* The bare input: a read past len is an overflow ASan reports. */
	err = decimal_parse((const char *)data, size, &v);
	FUZZ_CHECK(err == 0 || err == -EINVAL);
	FUZZ_CHECK((err == 0) == model_accepts(data, size));
	if (err)
		return 0;
	text = fuzz_cstr(data, size);
	if (!text)
		return 0;
	want = strtod(text, NULL);
	free(text);
	/* 19 nines round up to 1e19. Two roundings (the mantissa to a
	 * double, then the division) against strtod's one: within 2 units
	 * in the last place. */
	FUZZ_CHECK(isfinite(v) && v >= 0 && v <= 1e19);
	FUZZ_CHECK(fabs(v - want) <= 2 * DBL_EPSILON * want);
	return 0;
}
