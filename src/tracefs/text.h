/* Text helpers of the tracefs readers (not part of the tracefs API). */
#ifndef SCHEDTAP_TRACEFS_TEXT_H
#define SCHEDTAP_TRACEFS_TEXT_H

#include <stddef.h>

int tx_is_ident(char c);
int tx_is_space(char c);
const char *tx_skip_space(const char *p, const char *end);
/* end moved back over blanks, not before start. */
const char *tx_trim_end(const char *start, const char *end);
/* Copy s[0..n) as a C string; -ENAMETOOLONG rather than a silent cut. */
int tx_copy_str(char *dst, size_t size, const char *s, size_t n);
/* [p, end) starts with lit. */
int tx_starts(const char *p, const char *end, const char *lit);
#endif
