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
#include "core/mountinfo.h"
#include "tracefs/text.h"
#include "tracefs/tracefs.h"

enum { MI_NONE, MI_DEBUGFS, MI_TRACEFS };

struct mi_best {
	char *out, *tmp;
	size_t len;
	int best;
};

/* Which usable kind a mount is, its tracing dir in b->tmp. */
static int classify(struct mi_best *b, const struct mount_entry *m)
{
	int kind;

	if (m->fstype_len == 7 && !memcmp(m->fstype, "tracefs", 7))
		kind = MI_TRACEFS;
	else if (m->fstype_len == 7 && !memcmp(m->fstype, "debugfs", 7))
		kind = MI_DEBUGFS;
	else
		return MI_NONE;
	/* A bind mount of a subdirectory is not the tracing root. */
	if (m->root_len != 1 || m->root[0] != '/')
		return MI_NONE;
	if (mountinfo_unescape(m->point, m->point_len, b->tmp, b->len))
		return MI_NONE;
	if (kind == MI_DEBUGFS) {
		size_t l = strlen(b->tmp);
		/* "/" + "/tracing" must not become "//tracing". */
		int n = snprintf(b->tmp + l, b->len - l, "%s",
				 l && b->tmp[l - 1] == '/' ? "tracing" : "/tracing");

		if (n < 0 || (size_t)n >= b->len - l)
			return MI_NONE;
	}
	return kind;
}

static int keep_best(void *ctx, const struct mount_entry *m)
{
	struct mi_best *b = ctx;
	int kind = classify(b, m);

	if (kind > b->best) {
		b->best = kind;
		memcpy(b->out, b->tmp, strlen(b->tmp) + 1);
	}
	return b->best == MI_TRACEFS;
}

int tracefs_from_mountinfo(const char *text, char *out, size_t len)
{
	struct mi_best b = { out, NULL, len, MI_NONE };

	if (!text || !out || len == 0)
		return -EINVAL;
	b.tmp = malloc(len);
	if (!b.tmp)
		return -ENOMEM;
	mountinfo_each(text, keep_best, &b);
	free(b.tmp);
	return b.best == MI_NONE ? -ENOENT : 0;
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
