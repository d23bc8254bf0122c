#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd/cgroup_path.h"
#include "core/array.h"
#include "core/file.h"
#include "core/mountinfo.h"
#include "core/sig.h"

struct cpu_mount {
	char *out, *tmp;	/* the best so far; a path being decoded */
	size_t len;
	int best;		/* 2: a v1 cpu mount, 1: cgroup2 */
};

static int pick(void *ctx, const struct mount_entry *m)
{
	struct cpu_mount *c = ctx;
	int kind = 0;

	if (m->fstype_len == 6 && !memcmp(m->fstype, "cgroup", 6) &&
	    mountinfo_has_opt(m->superopts, m->superopts_len, "cpu"))
		kind = 2;
	else if (m->fstype_len == 7 && !memcmp(m->fstype, "cgroup2", 7))
		kind = 1;
	/* A path that fails to decode must not spoil the best one so far. */
	if (kind > c->best && !mountinfo_unescape(m->point, m->point_len, c->tmp, c->len)) {
		memcpy(c->out, c->tmp, strlen(c->tmp) + 1);
		c->best = kind;
	}
	return c->best == 2;
}

int cgroup_cpu_mount(const char *mountinfo, char *out, size_t len)
{
	struct cpu_mount c = { out, NULL, len, 0 };

	if (!mountinfo || !out || !len)
		return -EINVAL;
	if (!(c.tmp = malloc(len)))
		return -ENOMEM;
	mountinfo_each(mountinfo, pick, &c);
	free(c.tmp);
	return c.best ? 0 : -ENOENT;
}

static int add(struct cgroup_paths *cp, uint64_t id, const char *path)
{
	char *copy;

	if (cp->n >= CGROUP_MAX_DIRS)
		return -E2BIG;
	if (array_grow(&cp->v, &cp->cap, cp->n, sizeof(*cp->v), 64) || !(copy = strdup(path)))
		return -ENOMEM;
	cp->v[cp->n++] = (struct cgroup_dir){ id, copy };
	return 0;
}

/* The directories under dirfd (rel is its path, "" for the root). */
static int scan_dir(struct cgroup_paths *cp, int dirfd, const char *rel, int depth)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	int err = 0;

	if (!d) {
		close(dirfd);
		return -errno;
	}
	while (!err && (e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		int fd, n;

		if (e->d_name[0] == '.' || (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN))
			continue;
		if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISDIR(st.st_mode))
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", rel, e->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		if ((err = add(cp, (uint64_t)st.st_ino, path)))
			break;
		if (depth + 1 >= CGROUP_MAX_DEPTH)
			continue;
		fd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0)
			err = scan_dir(cp, fd, path, depth + 1);
	}
	closedir(d);
	/* A directory removed while we looked is not an error. */
	return err == -ENOENT ? 0 : err;
}

static void forget(struct cgroup_paths *cp)
{
	for (size_t i = 0; i < cp->n; i++)
		free(cp->v[i].path);
	cp->n = 0;
}

static int by_id(const void *a, const void *b)
{
	const struct cgroup_dir *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int scan(struct cgroup_paths *cp)
{
	struct stat st;
	int fd, err;

	forget(cp);
	cp->scanned_ns = sig_now_ns();
	fd = open(cp->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	if ((err = add(cp, (uint64_t)st.st_ino, "/"))) {
		close(fd);
		return err;
	}
	err = scan_dir(cp, fd, "", 0);
	qsort(cp->v, cp->n, sizeof(*cp->v), by_id);
	return err == -E2BIG ? 0 : err;	/* the first CGROUP_MAX_DIRS are named */
}

int cgroup_paths_open(struct cgroup_paths *cp)
{
	char *mi = NULL;
	size_t len;
	int err;

	memset(cp, 0, sizeof(*cp));
	if ((err = file_read_bounded("/proc/self/mountinfo", MOUNTINFO_MAX, &mi, &len)))
		return err;
	err = cgroup_cpu_mount(mi, cp->root, sizeof(cp->root));
	free(mi);
	return err ? err : scan(cp);
}

/* A 32-bit kernel's inode numbers are the ids' low 32 bits. */
static const char *lookup(const struct cgroup_paths *cp, uint64_t id)
{
	struct cgroup_dir key = { id, NULL }, *d = NULL;

	if (cp->n)
		d = bsearch(&key, cp->v, cp->n, sizeof(*cp->v), by_id);
	if (!d && cp->n && id > UINT32_MAX) {
		key.id = (uint32_t)id;
		d = bsearch(&key, cp->v, cp->n, sizeof(*cp->v), by_id);
	}
	return d ? d->path : NULL;
}

const char *cgroup_paths_find(struct cgroup_paths *cp, uint64_t id)
{
	const char *path = lookup(cp, id);

	if (path || !*cp->root || sig_now_ns() - cp->scanned_ns < 1000000000ull)
		return path;
	scan(cp);
	return lookup(cp, id);
}

void cgroup_paths_free(struct cgroup_paths *cp)
{
	forget(cp);
	free(cp->v);
	cp->v = NULL;
	cp->cap = 0;
}
