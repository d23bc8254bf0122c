#include <errno.h>
#include <string.h>
#include "core/mountinfo.h"

/* Split off the next space-separated field of [*p, end). */
static int next_word(const char **p, const char *end, const char **w, size_t *wl)
{
	const char *s = *p, *e;

	if (s >= end)
		return 0;
	e = memchr(s, ' ', (size_t)(end - s));
	if (!e)
		e = end;
	*w = s;
	*wl = (size_t)(e - s);
	*p = e < end ? e + 1 : end;
	return 1;
}

int mountinfo_unescape(const char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, o = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	while (i < n) {
		char c = s[i];

		if (c == '\\' && n - i >= 4 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
		    s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
				   (s[i + 3] - '0'));
			if (c == '\0')
				return -EINVAL;
			i += 4;
		} else {
			i++;
		}
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int mountinfo_has_opt(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);

	while (n) {
		const char *comma = memchr(s, ',', n);
		size_t l = comma ? (size_t)(comma - s) : n;

		if (l == wl && !memcmp(s, word, wl))
			return 1;
		if (!comma)
			break;
		n -= l + 1;
		s = comma + 1;
	}
	return 0;
}

static int parse_line(const char *p, const char *end, struct mount_entry *m)
{
	const char *w;
	size_t wl;

	for (int i = 0; i < 5; i++) {
		if (!next_word(&p, end, &w, &wl))
			return 0;
		if (i == 3) {
			m->root = w;
			m->root_len = wl;
		} else if (i == 4) {
			m->point = w;
			m->point_len = wl;
		}
	}
	/* Optional tags end at a lone "-"; the filesystem type follows. */
	do {
		if (!next_word(&p, end, &w, &wl))
			return 0;
	} while (!(wl == 1 && w[0] == '-'));
	if (!next_word(&p, end, &m->fstype, &m->fstype_len))
		return 0;
	m->superopts = p;
	m->superopts_len = 0;
	/* The source, then the super options (either may be missing). */
	if (next_word(&p, end, &w, &wl) && next_word(&p, end, &w, &wl)) {
		m->superopts = w;
		m->superopts_len = wl;
	}
	return 1;
}

int mountinfo_each(const char *text, int (*fn)(void *ctx, const struct mount_entry *m),
		   void *ctx)
{
	const char *p = text, *end = text + strlen(text);

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct mount_entry m;
		int r;

		if (!eol)
			eol = end;
		if (parse_line(p, eol, &m) && (r = fn(ctx, &m)))
			return r;
		p = eol < end ? eol + 1 : end;
	}
	return 0;
}
