/* What the tracefs readers share: character classes, trimming, bounded
 * copies and reads of files that report no size. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* Read a whole file into a NUL-terminated malloc'd buffer. Files in
 * tracefs and procfs report st_size 0, so read until EOF, but never past
 * max bytes: -EFBIG beyond that. */
int tx_read_bounded(const char *path, size_t max, char **out, size_t *outlen)
{
	size_t cap = max < 4096 ? max + 1 : 4096, len = 0;
	char *buf = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			/* One byte over max tells "too big" from "exactly max". */
			if (cap > max) {
				err = -EFBIG;
				goto out_free;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				goto out_free;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	close(fd);
	return 0;

out_free:
	free(buf);
out_close:
	close(fd);
	return err;
}

int tx_starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}
