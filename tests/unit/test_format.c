/* Unit tests for src/core/format.c, against glibc's printf as the oracle:
 * integers with every flag, width, precision and length; strings and
 * characters; doubles by %f, %e and %g with 20000 random values from
 * 1e-6 to 1e18, and the ties that rounding on the rounded product would
 * get wrong; output cut by a small buffer or flushed in pieces. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdio.h>
#include <string.h>
#include "core/format.h"
#include "unit.h"

static char ours[1024], theirs[1024];

static __attribute__((format(printf, 1, 2))) int same(const char *fmt, ...)
{
	va_list ap, ap2;
	int a, b;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	a = fmt_vsnprintf(ours, sizeof(ours), fmt, ap);
	b = vsnprintf(theirs, sizeof(theirs), fmt, ap2);
	va_end(ap2);
	va_end(ap);
	if (a == b && !strcmp(ours, theirs))
		return 1;
	printf("    format \"%s\": ours \"%s\" (%d), glibc's \"%s\" (%d)\n", fmt, ours, a, theirs, b);
	return 0;
}

static void format_integers(void)
{
	CHECK(same("%d %i %u", 0, -1, 4000000000u));
	CHECK(same("%d|%d", INT_MIN, INT_MAX));
	CHECK(same("%lld|%llu|%llx", LLONG_MIN, ULLONG_MAX, ULLONG_MAX));
	CHECK(same("%ld %lu %zu %zd %jd %td", -5L, 5UL, (size_t)7, (ssize_t)-7, (intmax_t)-9, (ptrdiff_t)-3));
	CHECK(same("%hhd %hhu %hd %hu", 300, 300, 70000, 70000));
	CHECK(same("[%5d][%-5d][%05d][%+d][% d][%+05d][%-+5d]", 42, 42, 42, 42, 42, -42, 42));
	CHECK(same("[%.3d][%8.3d][%-8.3d][%.0d][%5.0d]", 7, -7, 7, 0, 0));
	CHECK(same("[%x][%X][%#x][%#X][%#x][%08x][%#010x]", 255, 255, 255, 255, 0, 0xbeef, 0xbeef));
	CHECK(same("[%o][%#o][%#o][%#.0o][%#5o]", 8, 8, 0, 0, 8));
	CHECK(same("[%*d][%-*d][%*d]", 6, 1, 6, 1, -6, 1));
	CHECK(same("%" PRIu64 " %" PRIx64 " %" PRId32, UINT64_MAX, (uint64_t)0xabc, INT32_MIN));
}

static void format_strings(void)
{
	CHECK(same("[%s][%10s][%-10s][%.2s][%10.2s][%.*s][%.*s]", "abc", "abc", "abc", "abc", "abc", 1,
		   "abc", -1, "abc"));
	CHECK(same("[%c][%3c][%-3c]", 'x', 'y', 'z'));
	CHECK(same("100%% %s", "done"));
	CHECK(same("plain text"));
	CHECK(same("%s", ""));
	CHECK(same("%s|%s", "a,b\"c\n", "\xff\xfe"));
}

static void format_doubles(void)
{
	/* Ties on the exact value: 0.125 is one, 2.675 is below one. */
	CHECK(same("%.0f %.0f %.0f %.0f %.0f", 0.5, 1.5, 2.5, 3.5, -0.5));
	CHECK(same("%.2f %.2f %.2f %.1f %.1f", 0.125, 0.375, 2.675, 0.25, 0.35));
	CHECK(same("%f %f %.3f %.0f %#.0f", 0.0, -0.0, 1e-9, 1e15, 3.0));
	CHECK(same("[%12.6f][%-12.3f][%012.3f][%+.2f][% .2f][%+012.3f]", 1.5, -2.25, -3.125, 2.0, 2.0,
		   -1234.5678));
	CHECK(same("%f %.1f %.6f", 9.9999999, 9.96, 0.9999995));
	CHECK(same("%.15f %.10f", 0.1, 1.0 / 3));
	CHECK(same("%f %.3f", 18446744073709549568.0, 9007199254740993.0));
	CHECK(same("%e %.0e %.3e %E %#.0e %+e", 1.0, 15.0, 123456.0, 0.000123, 2.0, 1e-5));
	CHECK(same("%e %e %.2e", 0.0, 9.9999999e9, 9.995));
	CHECK(same("%g %g %g %g %g %g", 0.0, 1.0, 100000.0, 1000000.0, 0.0001, 0.00001));
	CHECK(same("%g %g %.3g %.10g %#g %#.3g %G", 1e9, 1e-7, 3.14159, 2.0 / 3, 1.5, 100.0, 1e-10));
	CHECK(same("%g to %g, %g", 0.001, 1e9, 123456789.0));
	CHECK(same("[%10g][%-10g][%010g][%+g]", 1.5, 1.5, -1.5, 0.25));
	CHECK(same("%f %F %e %g [%5f] [%05f]", INFINITY, -INFINITY, NAN, INFINITY, NAN, INFINITY));
	CHECK(same("%e %g", DBL_MAX, DBL_MIN));
	/* Past 2^64 %f's digits are exact; %g with more digits than kept
	 * pads with zeros (glibc's digits there are the binary value's). */
	CHECK(same("%f %.0f %.2f", 1e23, 18446744073709551616.0, 1e300));
	CHECK(same("%f", DBL_MAX));
	CHECK(same("%.15g %.16g %.17g %.20g", 1e16, 1e16, 1e16, 1e18));
}

/* Random doubles at random magnitudes, every format schedtap prints. */
static void format_doubles_random(void)
{
	static const char *const fmts[] = { "%.0f", "%.1f", "%.2f", "%.3f", "%.6f", "%12.6f", "%.9f",
					    "%e",   "%.2e", "%.9e", "%g",   "%.3g", "%.12g", "%#g" };
	uint64_t state = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 20000; i++) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		double x = ldexp((double)(state >> 11) / 9007199254740992.0, (int)(state % 80) - 20);

		if (i & 1)
			x = -x;
		for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
			CHECK(same(fmts[f], x));
		/* Values at a tie for one of the precisions. */
		double tie = (double)(state % 100000) + 0.5;

		CHECK(same("%.0f %.1f", tie, tie / 4));
	}
}

static int collect(struct fmt_sink *s)
{
	char *to = s->ctx;

	strncat(to, s->buf, s->len);
	s->len = 0;
	return 0;
}

static int refuse(struct fmt_sink *s)
{
	(void)s;
	return -1;
}

static int into_sink(struct fmt_sink *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vformat(s, fmt, ap);
	va_end(ap);
	return n;
}

static int into_buffer(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

static void format_cut_and_flushed(void)
{
	char small[5], piece[7], joined[200] = "";
	struct fmt_sink s = { .buf = piece, .cap = sizeof(piece), .flush = collect, .ctx = joined };
	struct fmt_sink bad = { .buf = piece, .cap = sizeof(piece), .flush = refuse };
	int n;

	/* As snprintf: the length it would have, the rest cut. */
	CHECK(into_buffer(small, sizeof(small), "%d", 123456) == 6);
	CHECK_STR(small, "1234");
	CHECK(into_buffer(small, 1, "%s", "abc") == 3 && !small[0]);
	/* Pieces of 7 bytes joined are the whole. */
	n = into_sink(&s, "%s=%08.3f|%-20s|%e", "value", 3.25, "left", 12345.678);
	strncat(joined, piece, s.len);
	CHECK(same("%s=%08.3f|%-20s|%e", "value", 3.25, "left", 12345.678));
	CHECK(n == (int)strlen(theirs));
	CHECK_STR(joined, theirs);
	/* No room at all: the length it would have. */
	CHECK(into_buffer(small, 0, "%d", 123456) == 6);
	/* A conversion we do not format is an error, as in musl. */
	CHECK(into_buffer(small, sizeof(small), "%Lf", 1.0L) == -1);
	/* A flush that fails fails the call. */
	CHECK(into_sink(&bad, "%s", "longer than seven") == -1);
}

UNIT_SUITE(format_tests) = {
	UNIT(format_integers),
	UNIT(format_strings),
	UNIT(format_doubles),
	UNIT(format_doubles_random),
	UNIT(format_cut_and_flushed),
	UNIT_END,
};
