#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "core/msg.h"
#include "exporter/pins.h"
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "kernel/maps.h"

/* Where a set is pinned before it is renamed into place. */
#define STALE_PREFIX "loading_exporter_"

static void refuse(const char *what)
{
	msg_err("the pinned set at %s is not this exporter's: %s", EXPORTER_PIN_DIR, what);
	msg_err("run `schedtap exporter unload` (its counts are lost), or start the "
		"exporter with the collectors it was pinned with");
}

static int count_maps;

static void count_map(const char *path)
{
	(void)path;
	count_maps++;
}

/* Every map of obj pinned with its shape, and no other map. */
static int take_map(struct tap_map *m)
{
	char path[256], why[200];
	int fd, err;

	snprintf(path, sizeof(path), "%s/map_%s", EXPORTER_PIN_DIR, m->def->name);
	fd = bpf_obj_get(path);
	if (fd == -ENOENT) {
		snprintf(why, sizeof(why), "it has no map %s", m->def->name);
		refuse(why);
		return -EPROTO;
	}
	if (fd < 0)
		return msg_errno(fd, "opening %s", path);
	err = map_check_shape(fd, m->def->type, m->def->key_size, m->def->value_size,
			      m->def->max_entries, why, sizeof(why));
	if (err) {
		close(fd);
		if (err == -EPROTO) {
			snprintf(path, sizeof(path), "map %s: %s", m->def->name, why);
			refuse(path);
		}
		else
			msg_errno(err, "reading what %s/map_%s is", EXPORTER_PIN_DIR, m->def->name);
		return err;
	}
	close(m->fd);
	m->fd = fd;
	return 0;
}

int exporter_pins_take(struct tap_obj *obj)
{
	struct stat st;
	char why[64];
	int err = 0;

	if (lstat(EXPORTER_PIN_DIR, &st))
		return errno == ENOENT ? 0 : msg_errno(-errno, "looking at %s", EXPORTER_PIN_DIR);
	count_maps = 0;
	bpffs_each(EXPORTER_PIN_DIR, "map_", count_map);
	if (count_maps != obj->nmaps) {
		snprintf(why, sizeof(why), "%d maps, this one has %d", count_maps, obj->nmaps);
		refuse(why);
		return -EPROTO;
	}
	for (int i = 0; !err && i < obj->nmaps; i++)
		err = take_map(&obj->maps[i]);
	return err ? err : 1;
}

static int pin_all(const struct tap_obj *obj, const char *dir)
{
	char path[256];
	int err = 0;

	for (int i = 0; !err && i < obj->nmaps; i++) {
		snprintf(path, sizeof(path), "%s/map_%s", dir, obj->maps[i].def->name);
		err = bpffs_pin(obj->maps[i].fd, path, 0600, (gid_t)-1);
	}
	for (int i = 0; !err && i < obj->nprogs; i++) {
		snprintf(path, sizeof(path), "%s/prog_%s", dir, obj->progs[i].def->name);
		err = bpffs_pin(obj->progs[i].prog_fd, path, 0600, (gid_t)-1);
		snprintf(path, sizeof(path), "%s/link_%s", dir, obj->progs[i].def->name);
		if (!err)
			err = bpffs_pin(obj->progs[i].link_fd, path, 0600, (gid_t)-1);
	}
	return err;
}

int exporter_pins_save(struct tap_obj *obj)
{
	char tmp[128];
	int mounted, err;

	if (!feat_perf_link())
		return msg_errno(-EOPNOTSUPP, "--pin keeps the programs attached after the "
				 "exporter exits, which needs BPF links for perf events (Linux 5.15+)");
	if ((err = bpffs_ensure(&mounted)))
		return err;
	if ((err = bpffs_mkdir(EXPORTER_PIN_PARENT, 0700, (gid_t)-1)))
		return msg_errno(err, "creating %s", EXPORTER_PIN_PARENT);
	snprintf(tmp, sizeof(tmp), "%s/" STALE_PREFIX "%d", EXPORTER_PIN_PARENT, (int)getpid());
	if ((err = bpffs_mkdir(tmp, 0700, (gid_t)-1)))
		return msg_errno(err, "creating %s", tmp);
	err = pin_all(obj, tmp);
	if (!err && rename(tmp, EXPORTER_PIN_DIR))
		err = msg_errno(-errno, "renaming %s to %s", tmp, EXPORTER_PIN_DIR);
	if (err)
		bpffs_remove_dir(tmp, NULL, NULL);
	return err;
}

static void remove_set(const char *path)
{
	bpffs_detach_links(path);
	bpffs_remove_dir(path, NULL, NULL);
}

int exporter_unload(FILE *out)
{
	struct stat st;

	if (lstat(EXPORTER_PIN_DIR, &st)) {
		if (errno != ENOENT)
			return msg_errno(-errno, "looking at %s", EXPORTER_PIN_DIR);
		fprintf(out, "nothing pinned: no %s\n", EXPORTER_PIN_DIR);
	} else {
		remove_set(EXPORTER_PIN_DIR);
		if (!lstat(EXPORTER_PIN_DIR, &st))
			return msg_errno(-EBUSY, "removing %s", EXPORTER_PIN_DIR);
		fprintf(out, "unloaded: %s is gone\n", EXPORTER_PIN_DIR);
	}
	/* What an exporter that died while pinning left. */
	bpffs_each(EXPORTER_PIN_PARENT, STALE_PREFIX, remove_set);
	rmdir(EXPORTER_PIN_PARENT);	/* when the lottery is not there too */
	return 0;
}
