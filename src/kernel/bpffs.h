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
#endif
