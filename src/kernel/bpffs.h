/* The BPF filesystem, where pinned objects live: find or mount it, make
 * our directories, and empty them again. */
#ifndef SCHEDTAP_BPFFS_H
#define SCHEDTAP_BPFFS_H

#include <sys/types.h>

#define BPFFS_ROOT "/sys/fs/bpf"

/* Mount bpffs at BPFFS_ROOT unless it is there; *mounted says we did (and
 * it stays mounted, as with tracefs). 0 or negative errno; prints why. */
int bpffs_ensure(int *mounted);
/* mkdir path (mode), or accept an existing real directory; then chown
 * to gid (-1: leave) and chmod to mode. 0 or negative errno. */
int bpffs_mkdir(const char *path, mode_t mode, gid_t gid);
/* Remove every entry of the directory path (not following symlinks,
 * at most 256 entries, empty subdirectories only) and then the directory.
 * Calls removed(name) for each file. 0, -ENOENT, or negative errno. */
int bpffs_remove_dir(const char *path, void (*removed)(void *ctx, const char *name),
		     void *ctx);
/* Pin fd at path, chown to gid (-1: leave) and chmod to mode (set
 * explicitly: a umask of 0 must not leave a pin world-readable). 0 or
 * negative errno; prints why. */
int bpffs_pin(int fd, const char *path, mode_t mode, gid_t gid);
/* fn(path) for each entry of dir whose name starts with prefix (256 at
 * the most: more would be no set of ours). */
void bpffs_each(const char *dir, const char *prefix, void (*fn)(const char *path));
/* Detach every link pinned in dir (entries link_*) before its pins go: a
 * link someone else holds open would keep its program attached. */
void bpffs_detach_links(const char *dir);
#endif
