/* What the tracefs readers share: character classes, trimming, bounded
 * copies. */
#include <errno.h>
#include <string.h>
#include "tracefs/text.h"

int tx_is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

int tx_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

const char *tx_skip_space(const char *p, const char *end)
{
	while (p < end && tx_is_space(*p))
		p++;
	return p;
}

const char *tx_trim_end(const char *start, const char *end)
{
	while (end > start && tx_is_space(end[-1]))
		end--;
	return end;
}

/* Copy s[0..n) as a C string; -ENAMETOOLONG rather than a silent cut. */
int tx_copy_str(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int tx_starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}
