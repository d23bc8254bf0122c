/* Non-negative decimal numbers as people and our own CSV write them:
 * "2", "0.25", ".5", "1732262153.123456". No sign, exponent, hex, inf or
 * nan: nothing schedtap reads needs them, and this keeps musl's strtod
 * (about 6 KiB) out of the binary. */
#ifndef SCHEDTAP_DECIMAL_H
#define SCHEDTAP_DECIMAL_H

#include <stddef.h>

/* The len bytes at s (no terminator needed): digits with at most one '.'
 * among them, 1 to 19 digits. 0 and *out, or -EINVAL. */
int decimal_parse(const char *s, size_t len, double *out);
#endif
