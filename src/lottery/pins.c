#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "kernel/loader.h"
#include "lottery/pins.h"
#include "lottery/tickets.h"
#include "kernel/maps.h"
#include "core/msg.h"

#ifndef SCHEDTAP_VERSION
#define SCHEDTAP_VERSION "unknown"
#endif

static const struct tap_prog_def *const lot_progs[] = {
	&prog_lot_switch, &prog_lot_runtime, &prog_lot_exit, &prog_lot_fork,
};
#define NPROGS ((int)(sizeof(lot_progs) / sizeof(lot_progs[0])))
static const char *const prog_pin[NPROGS] = { "switch", "runtime", "exit", "fork" };

/* What each map is pinned as, and who may read it: tasks and meta are
 * what `dump` reads (the --group's to read); gen is the sample counter
 * `dump --share` moves on (the group's to write too). */
static const struct {
	const char *map, *pin;
	mode_t group_mode;
} map_pins[] = {
	{ "lottery_tasks", "tasks", 0640 },
	{ "lottery_gen", "gen", 0660 },
	{ "lottery_full", "full", 0640 },
	{ "lottery_ticket", "tickets", 0640 },
};
/* Where a load pins before renaming into place (bpffs allows no dots). */
#define STALE_PREFIX "loading_"
#define NMAPS ((int)(sizeof(map_pins) / sizeof(map_pins[0])))

static void pin_path(char *buf, size_t len, const char *dir, const char *prefix,
		     const char *name)
{
	snprintf(buf, len, "%s/%s%s", dir, prefix, name);
}

static int fill_tickets(int fd, enum lottery_ticket_mode mode)
{
	for (uint32_t prio = 0; prio < LOTTERY_PRIOS; prio++) {
		int nice;
		uint32_t t = lottery_nice_of_prio((int32_t)prio, &nice)
			? lottery_tickets_of_nice(nice, mode) : 0;
		int err = bpf_map_update(fd, &prio, &t, BPF_ANY);

		if (err)
			return msg_errno(err, "filling the ticket table");
	}
	/* Read-only from here: the tickets are part of the loaded set. */
	bpf_map_freeze(fd);
	return 0;
}

static int create_meta(const struct lottery_load_opts *o)
{
	struct lottery_meta m;
	struct timespec ts;
	uint32_t key = 0;
	int fd, err;

	memset(&m, 0, sizeof(m));
	memcpy(m.magic, LOTTERY_MAGIC, sizeof(m.magic));
	m.layout = LOTTERY_LAYOUT;
	m.task_size = sizeof(struct lottery_task);
	m.max_tasks = LOTTERY_MAX_TASKS;
	m.ticket_mode = o->tickets;
	clock_gettime(CLOCK_REALTIME, &ts);
	m.loaded_unix_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	snprintf(m.version, sizeof(m.version), "%s", SCHEDTAP_VERSION);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "lottery_meta", 4, sizeof(m), 1, 0);
	if (fd < 0)
		return msg_errno(fd, "creating the lottery's layout record");
	err = bpf_map_update(fd, &key, &m, BPF_ANY);
	if (!err)
		bpf_map_freeze(fd);
	if (err) {
		close(fd);
		return msg_errno(err, "writing the lottery's layout record");
	}
	return fd;
}

static int pin_all(struct tap_obj *obj, int meta_fd, const struct lottery_load_opts *o,
		   const char *dir)
{
	int grp = o->gid != (gid_t)-1;
	char path[256];
	int err;

	pin_path(path, sizeof(path), dir, "", "meta");
	err = bpffs_pin(meta_fd, path, grp ? 0640 : 0600, o->gid);
	for (int i = 0; !err && i < NMAPS; i++) {
		pin_path(path, sizeof(path), dir, "", map_pins[i].pin);
		err = bpffs_pin(tap_map_fd(obj, map_pins[i].map), path,
			      grp ? map_pins[i].group_mode : 0600, o->gid);
	}
	for (int i = 0; !err && i < NPROGS; i++) {
		pin_path(path, sizeof(path), dir, "prog_", prog_pin[i]);
		err = bpffs_pin(obj->progs[i].prog_fd, path, 0600, (gid_t)-1);
		pin_path(path, sizeof(path), dir, "link_", prog_pin[i]);
		if (!err)
			err = bpffs_pin(obj->progs[i].link_fd, path, 0600, (gid_t)-1);
	}
	return err;
}

static void print_loaded(FILE *out, const struct lottery_load_opts *o)
{
	fprintf(out, "loaded: schedtap lottery counts every switch with no process left running\n");
	for (int i = 0; i < NPROGS; i++)
		fprintf(out, "  %s/link_%-8s %s on %s:%s (program: prog_%s)\n", LOTTERY_PIN_DIR,
			prog_pin[i], lot_progs[i]->name, lot_progs[i]->tp_system,
			lot_progs[i]->tp_event, prog_pin[i]);
	fprintf(out, "  %s/tasks         per-task runtime, switches, tickets (up to %d tasks)\n",
		LOTTERY_PIN_DIR, LOTTERY_MAX_TASKS);
	fprintf(out, "  %s/meta          layout %d, schedtap %s\n", LOTTERY_PIN_DIR,
		LOTTERY_LAYOUT, SCHEDTAP_VERSION);
	fprintf(out, "  (and gen, full, tickets: the programs' own state)\n");
	fprintf(out, "tickets: %s; pins readable by %s\n", lottery_ticket_mode_name(o->tickets),
		o->group ? o->group : "root only (0600)");
	fprintf(out, "next: schedtap lottery dump; schedtap lottery unload when done\n");
}

/* Loaded already? 1 (compatible, said so), 0 (not loaded), or the
 * error lottery_open printed. */
static int already_loaded(FILE *out)
{
	struct lottery_pinned p;
	struct stat st;
	int err;

	if (lstat(LOTTERY_PIN_DIR, &st) && errno == ENOENT)
		return 0;
	err = lottery_open(&p, 0);
	if (err)
		return err;
	fprintf(out, "already loaded (by schedtap %.32s, tickets %s): nothing to do\n",
		p.meta.version, lottery_ticket_mode_name(p.meta.ticket_mode));
	lottery_close(&p);
	return 1;
}

static int build_and_pin(const struct lottery_load_opts *o, struct tap_obj *obj,
			 const char *tmp)
{
	int meta_fd = -1, err;

	err = tap_obj_open(obj, lot_progs, NPROGS, NULL, NULL);
	if (!err)
		err = tap_obj_load(obj);
	if (!err)
		err = fill_tickets(tap_map_fd(obj, "lottery_ticket"), o->tickets);
	if (!err && (meta_fd = create_meta(o)) < 0)
		err = meta_fd;
	if (!err)
		err = tap_obj_attach(obj);
	if (!err && (err = bpffs_mkdir(tmp, o->gid != (gid_t)-1 ? 0750 : 0700, o->gid)))
		msg_errno(err, "creating %s", tmp);
	if (!err)
		err = pin_all(obj, meta_fd, o, tmp);
	if (meta_fd >= 0)
		close(meta_fd);
	return err;
}

int lottery_load(const struct lottery_load_opts *o, FILE *out)
{
	mode_t dmode = o->gid != (gid_t)-1 ? 0750 : 0700;
	struct tap_obj obj;
	char tmp[128];
	int mounted, err;

	if ((err = bpffs_ensure(&mounted)))
		return err;
	if (mounted)
		msg_err("note: mounted the BPF filesystem at %s", BPFFS_ROOT);
	if ((err = already_loaded(out)))
		return err;
	if (!feat_perf_link())
		return msg_errno(-EOPNOTSUPP, "lottery load keeps its programs attached after it exits, "
				 "which needs BPF links for perf events (Linux 5.15+)%s",
				 feat_forced("FORCE_IOCTL_ATTACH") ? " (SCHEDTAP_FORCE_IOCTL_ATTACH is set)" : "");
	if ((err = bpffs_mkdir(LOTTERY_PARENT, dmode, o->gid)))
		return msg_errno(err, "creating %s", LOTTERY_PARENT);
	/* Pin into a private directory and rename it into place: the set
	 * appears whole or not at all, even to a load running beside us. */
	snprintf(tmp, sizeof(tmp), "%s/" STALE_PREFIX "%d", LOTTERY_PARENT, (int)getpid());
	err = build_and_pin(o, &obj, tmp);
	if (!err && rename(tmp, LOTTERY_PIN_DIR)) {
		err = -errno;
		if (err == -EEXIST || err == -ENOTEMPTY)
			msg_err("another schedtap loaded the lottery just now: keeping its set");
		else
			msg_errno(err, "renaming %s to %s", tmp, LOTTERY_PIN_DIR);
	}
	if (err)
		bpffs_remove_dir(tmp, NULL, NULL);
	tap_obj_close(&obj);
	if (!err)
		print_loaded(out, o);
	return err;
}

static void say_removed(void *ctx, const char *name)
{
	fprintf(ctx, "  removed %s/%s\n", LOTTERY_PIN_DIR, name);
}

static void remove_set(const char *path)
{
	bpffs_detach_links(path);
	bpffs_remove_dir(path, NULL, NULL);
}

/* Directories a load that died half-way left behind. */
static void remove_stale(void)
{
	bpffs_each(LOTTERY_PARENT, STALE_PREFIX, remove_set);
}

int lottery_unload(FILE *out)
{
	struct stat st;
	int err;

	if (lstat(LOTTERY_PARENT, &st) && errno == ENOENT) {
		fprintf(out, "nothing loaded: no %s\n", LOTTERY_PIN_DIR);
		return 1;
	}
	bpffs_detach_links(LOTTERY_PIN_DIR);
	err = bpffs_remove_dir(LOTTERY_PIN_DIR, say_removed, out);
	if (err && err != -ENOENT)
		return msg_errno(err, "removing %s", LOTTERY_PIN_DIR);
	remove_stale();
	if (rmdir(LOTTERY_PARENT) && errno != ENOENT)
		msg_errno(-errno, "note: keeping %s", LOTTERY_PARENT);
	fprintf(out, err == -ENOENT ? "nothing loaded: no %s\n" : "unloaded: %s is gone\n",
		LOTTERY_PIN_DIR);
	return err == -ENOENT ? 1 : 0;
}

static void refuse(const char *what)
{
	msg_err("the pinned set at %s is not one this schedtap (layout %d) can use: %s",
		LOTTERY_PIN_DIR, LOTTERY_LAYOUT, what);
	msg_err("remove it with `schedtap lottery unload` (it removes any layout), then load again");
}

static int open_pin(const char *name, uint32_t flags, uint32_t type, uint32_t key,
		    uint32_t value, uint32_t max, int *fd)
{
	char path[256], why[300];
	int err;

	pin_path(path, sizeof(path), LOTTERY_PIN_DIR, "", name);
	*fd = bpf_obj_get_flags(path, flags);
	if (*fd == -ENOENT) {
		snprintf(why, sizeof(why), "%s is missing (a partial set)", path);
		refuse(why);
		return -EPROTO;
	}
	if (*fd < 0)
		return msg_errno(*fd, "opening %s", path);
	err = map_check_shape(*fd, type, key, value, max, why, sizeof(why));
	if (err == -EPROTO) {
		char what[360];

		snprintf(what, sizeof(what), "%s: %s", name, why);
		refuse(what);
	} else if (err) {
		msg_errno(err, "reading what %s is", path);
	}
	return err;
}

static int check_meta(const struct lottery_meta *m)
{
	char why[160];

	if (memcmp(m->magic, LOTTERY_MAGIC, sizeof(m->magic)))
		snprintf(why, sizeof(why), "its layout record is not schedtap's");
	else if (m->layout != LOTTERY_LAYOUT || m->task_size != sizeof(struct lottery_task))
		snprintf(why, sizeof(why), "layout %u (%u-byte records), made by schedtap %.32s",
			 m->layout, m->task_size, m->version);
	else
		return 0;
	refuse(why);
	return -EPROTO;
}

int lottery_open(struct lottery_pinned *p, int want_gen)
{
	struct stat st;
	uint32_t key = 0;
	int err;

	memset(p, 0, sizeof(*p));
	p->meta_fd = p->tasks_fd = p->full_fd = p->gen_fd = -1;
	if (lstat(LOTTERY_PIN_DIR, &st)) {
		err = -errno;
		if (err == -ENOENT)
			msg_err("nothing loaded: no %s; run `schedtap lottery load` first",
				LOTTERY_PIN_DIR);
		else
			msg_errno(err, "looking at %s", LOTTERY_PIN_DIR);
		return err;
	}
	err = open_pin("meta", BPF_F_RDONLY, BPF_MAP_TYPE_ARRAY, 4, sizeof(p->meta), 1,
		       &p->meta_fd);
	if (!err && (err = bpf_map_lookup(p->meta_fd, &key, &p->meta)))
		msg_errno(err, "reading the lottery's layout record");
	if (!err)
		err = check_meta(&p->meta);
	if (!err)
		err = open_pin("tasks", BPF_F_RDONLY, BPF_MAP_TYPE_LRU_HASH, 4,
			       sizeof(struct lottery_task), p->meta.max_tasks, &p->tasks_fd);
	if (!err)
		err = open_pin("full", BPF_F_RDONLY, BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1,
			       &p->full_fd);
	if (!err && want_gen)
		err = open_pin("gen", 0, BPF_MAP_TYPE_ARRAY, 4, 4, 1, &p->gen_fd);
	if (err)
		lottery_close(p);
	return err;
}

void lottery_close(struct lottery_pinned *p)
{
	int *fds[] = { &p->meta_fd, &p->tasks_fd, &p->full_fd, &p->gen_fd };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int lottery_gen_read(const struct lottery_pinned *p, uint32_t *gen)
{
	int err = bpf_map_lookup(p->gen_fd, &(uint32_t){ 0 }, gen);

	return err ? msg_errno(err, "reading the sample counter " LOTTERY_PIN_DIR "/gen") : 0;
}

int lottery_gen_set(const struct lottery_pinned *p, uint32_t gen)
{
	int err = bpf_map_update(p->gen_fd, &(uint32_t){ 0 }, &gen, BPF_ANY);

	return err ? msg_errno(err, "moving the sample counter " LOTTERY_PIN_DIR "/gen on") : 0;
}
