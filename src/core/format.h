/* printf's formatting, ours: musl's (vfprintf.c) formats doubles through
 * long double, which on aarch64 is 128-bit and done in software: with
 * its soft-float routines 17 KiB of the binary for the few numbers
 * schedtap prints with %f and %g. This one does doubles in doubles and
 * is correctly rounded (ties to even, decided on the exact value) for
 * every conversion schedtap uses: d i u x X o c s p % and f F e E g G,
 * flags "-+ #0", width and precision (numbers or *), length hh h l ll z
 * j t; %e and %g of 15 digits are exact while x * 10^(14 - exponent)
 * stays within 10^+-22 (%.6e down to 1e-16), approximate further out.
 * Past 15 digits %f and %e pad with zeros; %n, %m, %a, positional
 * arguments and long double are refused as musl refuses them (-1,
 * EINVAL). In the musl build core/vfprintf.c makes it vfprintf, under
 * printf, fprintf, snprintf and the rest; tests/unit/test_format.c
 * checks it against glibc's. */
#ifndef SCHEDTAP_CORE_FORMAT_H
#define SCHEDTAP_CORE_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Where formatted bytes go: buf fills, and flush (when set) empties it;
 * without flush bytes past cap are counted and dropped. */
struct fmt_sink {
	char *buf;
	size_t len, cap;
	int (*flush)(struct fmt_sink *s); /* 0, or -1 to stop */
	void *ctx;
};

/* Format into s; returns the bytes the output has (as printf does), or -1
 * when flush failed. */
int fmt_vformat(struct fmt_sink *s, const char *fmt, va_list ap);
/* As vsnprintf: at most cap - 1 bytes and a terminator at buf (cap > 0). */
int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
#endif
