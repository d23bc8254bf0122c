/* Task groups by name: the directories of the cgroup hierarchy the CPU
 * controller is in (a v1 "cpu" mount, else cgroup2), by cgroup id. A
 * task group's cgroup id is its kernfs node id, which is the directory's
 * inode number (its low 32 bits on a 32-bit kernel). */
#ifndef SCHEDTAP_CMD_CGROUP_PATH_H
#define SCHEDTAP_CMD_CGROUP_PATH_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define CGROUP_MAX_DIRS 65536	/* a scan stops here */
#define CGROUP_MAX_DEPTH 32

struct cgroup_dir {
	uint64_t id;
	char *path;		/* "/" for the root, "/a/b" below it */
};

struct cgroup_paths {
	char root[PATH_MAX];	/* where the hierarchy is mounted */
	struct cgroup_dir *v;
	size_t n, cap;
	unsigned long long scanned_ns;	/* CLOCK_MONOTONIC of the last scan */
};

/* Pure: the mount point of the CPU controller's hierarchy in mountinfo
 * text into out. 0, or -ENOENT (neither a v1 cpu mount nor cgroup2). */
int cgroup_cpu_mount(const char *mountinfo, char *out, size_t len);
/* Find the hierarchy (/proc/self/mountinfo) and scan it. 0 or -errno. */
int cgroup_paths_open(struct cgroup_paths *cp);
/* The path of cgroup id, or NULL; a miss scans again, at most once a
 * second (new groups appear while a tool runs). */
const char *cgroup_paths_find(struct cgroup_paths *cp, uint64_t id);
void cgroup_paths_free(struct cgroup_paths *cp);
#endif
