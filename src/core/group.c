#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "core/file.h"
#include "core/group.h"

/* Larger than any group file a device has. */
#define GROUP_FILE_MAX (4u << 20)

/* The gid field of the line [p, end) when its name is name, else -1. */
static long line_gid(const char *p, const char *end, const char *name, size_t nlen)
{
	const char *pw, *id;
	long v = 0;

	if ((size_t)(end - p) <= nlen || memcmp(p, name, nlen) || p[nlen] != ':')
		return -1;
	pw = p + nlen + 1;
	if (!(id = memchr(pw, ':', (size_t)(end - pw))))
		return -1;
	id++;
	if (id == end || *id == ':')
		return -1;
	for (; id < end && *id != ':'; id++) {
		if (*id < '0' || *id > '9' || v > 0x7fffffff / 10)
			return -1;
		v = v * 10 + (*id - '0');
	}
	return v <= 0x7fffffff ? v : -1;
}

int group_find(const char *text, size_t len, const char *name, long *gid)
{
	size_t nlen = strlen(name);
	const char *p = text, *end = text + len;

	if (!nlen || memchr(name, ':', nlen) || memchr(name, '\n', nlen))
		return -ENOENT;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		long v = line_gid(p, eol, name, nlen);

		if (v >= 0) {
			*gid = v;
			return 0;
		}
		p = eol + 1;
	}
	return -ENOENT;
}

int group_lookup(const char *name, long *gid)
{
	char *text;
	size_t len;
	int err = file_read_bounded("/etc/group", GROUP_FILE_MAX, &text, &len);

	if (err)
		return err;
	err = group_find(text, len, name, gid);
	free(text);
	return err;
}
