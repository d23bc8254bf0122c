#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "kernel/bpf_sys.h"
#include "kernel/bpffs.h"
#include "core/msg.h"

#define BPF_FS_MAGIC_ 0xcafe4a11
#define MAX_ENTRIES 256

int bpffs_ensure(int *mounted)
{
	struct statfs sf;

	*mounted = 0;
	if (statfs(BPFFS_ROOT, &sf) == 0 && (unsigned long)sf.f_type == BPF_FS_MAGIC_)
		return 0;
	if (mount("bpf", BPFFS_ROOT, "bpf", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700"))
		return msg_errno(-errno, "mounting the BPF filesystem at %s (mount -t bpf bpf %s)",
				 BPFFS_ROOT, BPFFS_ROOT);
	*mounted = 1;
	return 0;
}

int bpffs_mkdir(const char *path, mode_t mode, gid_t gid)
{
	struct stat st;

	if (mkdir(path, mode) && errno != EEXIST)
		return -errno;
	if (lstat(path, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid))
		return -errno;
	return chmod(path, mode) ? -errno : 0;
}

int bpffs_remove_dir(const char *path, void (*removed)(void *ctx, const char *name),
		     void *ctx)
{
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *e;
	DIR *d;
	int n = 0, err = 0;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -errno;
	}
	while ((e = readdir(d)) && n++ < MAX_ENTRIES) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dfd, e->d_name, e->d_type == DT_DIR ? AT_REMOVEDIR : 0)) {
			err = err ? err : -errno;
			continue;
		}
		if (removed)
			removed(ctx, e->d_name);
	}
	closedir(d);
	if (!err && rmdir(path))
		err = -errno;
	return err;
}

int bpffs_pin(int fd, const char *path, mode_t mode, gid_t gid)
{
	int err = bpf_obj_pin(fd, path);

	if (err)
		return msg_errno(err, "pinning %s", path);
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid))
		return msg_errno(-errno, "giving %s to the group", path);
	if (chmod(path, mode))
		return msg_errno(-errno, "chmod %o %s", (unsigned)mode, path);
	return 0;
}

void bpffs_each(const char *dir, const char *prefix, void (*fn)(const char *path))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	int n = 0;

	if (!d)
		return;
	while ((e = readdir(d)) && n++ < MAX_ENTRIES) {
		if (strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fn(path);
	}
	closedir(d);
}

static void detach_link(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd >= 0) {
		bpf_link_detach(fd);
		close(fd);
	}
}

void bpffs_detach_links(const char *dir)
{
	bpffs_each(dir, "link_", detach_link);
}
