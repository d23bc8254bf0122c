/* lottery load --group's reader of /etc/group: group_find with the
 * input's first line as the name and the rest as the file, against a
 * model written here: the first line "name:anything:digits[:...]" whose
 * digits are below 2^31. */
#include <errno.h>
#include "fuzz.h"
#include "core/group.h"

static int model(const char *text, size_t len, const char *name, long *gid)
{
	size_t nlen = strlen(name);

	if (!nlen || strchr(name, ':'))
		return -ENOENT;
	for (size_t at = 0; at < len;) {
		const char *line = text + at, *nl = memchr(line, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - line) : len - at;
		const char *c1, *c2;
		long v = 0;
		size_t i;

		at += ll + 1;
		if (ll <= nlen || memcmp(line, name, nlen) || line[nlen] != ':')
			continue;
		c1 = memchr(line + nlen + 1, ':', ll - nlen - 1);
		if (!c1)
			continue;
		c2 = c1 + 1;
		for (i = 0; c2 + i < line + ll && c2[i] != ':'; i++)
			if (c2[i] < '0' || c2[i] > '9' || (v = v * 10 + (c2[i] - '0')) > 0x7fffffff)
				break;
		if (!i || (c2 + i < line + ll && c2[i] != ':'))
			continue;
		*gid = v;
		return 0;
	}
	return -ENOENT;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t nlen = nl ? (size_t)(nl - (const char *)data) : size;
	char *name = malloc(nlen + 1), *text;
	size_t tlen = nl ? size - nlen - 1 : 0;
	long a = -1, b = -1;
	int ra, rb;

	FUZZ_CHECK(name);
	memcpy(name, data, nlen);
	name[nlen] = '\0';
	text = malloc(tlen ? tlen : 1);
	FUZZ_CHECK(text);
	memcpy(text, nl ? nl + 1 : "", tlen);
	/* A NUL in the name ends it, as a C string would. */
	ra = group_find(text, tlen, name, &a);
	rb = model(text, tlen, name, &b);
	FUZZ_CHECK(ra == rb && (ra || a == b));
	free(name);
	free(text);
	return 0;
}
