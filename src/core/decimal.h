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

/* A decimal integer at s, in place of strtol's family (musl's, with its
 * bases and its FILE-shaped scanner, is 2.7 KiB that no caller here
 * needs): an optional sign, then digits, within [min, max]. No leading
 * space. Returns the first byte after the digits, or NULL when there are
 * none or the number is out of range (*out then untouched). */
const char *decimal_int(const char *s, long long min, long long max, long long *out);
#endif
