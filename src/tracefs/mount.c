/* Finding tracefs: /proc/self/mountinfo, the well-known places, and
 * mounting it where it is absent. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include "core/file.h"
#include "tracefs/text.h"
#include "tracefs/tracefs.h"

#define MOUNTINFO_MAX (8u << 20) /* thousands of container mounts fit */

/* Split off the next space-separated mountinfo field of [*p, end). */
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

/* Undo the kernel's \ooo escaping of space, tab, newline and backslash.
 * A decoded NUL cannot be a path: -EINVAL. */
static int unescape_path(const char *s, size_t n, char *out, size_t size)
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

enum { MI_NONE, MI_DEBUGFS, MI_TRACEFS };

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SRC SUPEROPTS".
 * Returns which usable kind it is and the tracing dir in out. */
static int mountinfo_line(const char *p, const char *end, char *out, size_t len)
{
	const char *w, *root = NULL, *mp = NULL;
	size_t wl, rootl = 0, mpl = 0;
	int i, kind, n;

	for (i = 0; i < 5; i++) {
		if (!next_word(&p, end, &w, &wl))
			return MI_NONE;
		if (i == 3) {
			root = w;
			rootl = wl;
		} else if (i == 4) {
			mp = w;
			mpl = wl;
		}
	}
	/* Optional tags end at a lone "-"; the filesystem type follows. */
	do {
		if (!next_word(&p, end, &w, &wl))
			return MI_NONE;
	} while (!(wl == 1 && w[0] == '-'));
	if (!next_word(&p, end, &w, &wl))
		return MI_NONE;

	if (wl == 7 && !memcmp(w, "tracefs", 7))
		kind = MI_TRACEFS;
	else if (wl == 7 && !memcmp(w, "debugfs", 7))
		kind = MI_DEBUGFS;
	else
		return MI_NONE;
	/* A bind mount of a subdirectory is not the tracing root. */
	if (rootl != 1 || root[0] != '/')
		return MI_NONE;
	if (unescape_path(mp, mpl, out, len))
		return MI_NONE;
	if (kind == MI_DEBUGFS) {
		size_t l = strlen(out);

		/* "/" + "/tracing" must not become "//tracing". */
		n = snprintf(out + l, len - l, "%s",
			     l && out[l - 1] == '/' ? "tracing" : "/tracing");
		if (n < 0 || (size_t)n >= len - l)
			return MI_NONE;
	}
	return kind;
}

int tracefs_from_mountinfo(const char *text, char *out, size_t len)
{
	const char *p, *end;
	int best = MI_NONE;
	char *tmp;

	if (!text || !out || len == 0)
		return -EINVAL;
	tmp = malloc(len);
	if (!tmp)
		return -ENOMEM;
	end = text + strlen(text);
	for (p = text; p < end && best != MI_TRACEFS;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		int kind;

		if (!eol)
			eol = end;
		kind = mountinfo_line(p, eol, tmp, len);
		if (kind > best) {
			best = kind;
			memcpy(out, tmp, strlen(tmp) + 1);
		}
		p = eol < end ? eol + 1 : end;
	}
	free(tmp);
	return best == MI_NONE ? -ENOENT : 0;
}

/* A tracing directory is usable when it has the events tree. */
/* 0 when dir/events exists and we may look in it, else -errno: ENOENT
 * for no tracefs there, EACCES for one we may not read (root-only 0700).
 * tracefs_find leaves the path of a closed one in path for messages. */
static int events_access(const char *dir)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s/events", dir);

	if (n <= 0 || (size_t)n >= sizeof(p))
		return -ENAMETOOLONG;
	if (access(p, F_OK) == 0)
		return 0;
	/* The mount point's own mode hides events/ from the unprivileged. */
	return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
}

static int set_path(char *path, size_t len, const char *src)
{
	return tx_copy_str(path, len, src, strlen(src));
}

int tracefs_find(char *path, size_t len, int *mounted_by_us)
{
	static const char *const known[] = { "/sys/kernel/tracing",
					     "/sys/kernel/debug/tracing" };
	char *mi = NULL;
	size_t mil;
	int err, denied = 0;

	if (!path || len == 0 || !mounted_by_us)
		return -EINVAL;
	*mounted_by_us = 0;
	if (file_read_bounded("/proc/self/mountinfo", MOUNTINFO_MAX, &mi, &mil) == 0) {
		err = tracefs_from_mountinfo(mi, path, len);
		free(mi);
		if (err == 0) {
			err = events_access(path);
			if (err != -ENOENT)
				return err;
		}
	}
	/* No /proc, or an odd mount table: the well-known places may still
	 * work (debug/tracing is an automount on kernels >= 4.1). */
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		err = events_access(known[i]);
		if (!err)
			return set_path(path, len, known[i]);
		if (err == -EACCES && !denied++)
			set_path(path, len, known[i]);
	}
	/* Mounted but closed to us: mounting again would not help. */
	if (denied)
		return -EACCES;
	if (mount("nodev", known[0], "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return -errno;
	*mounted_by_us = 1;
	return set_path(path, len, known[0]);
}
