#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kernel/bpf_sys.h"
#include "asm/disasm.h"
#include "kernel/fd_close.h"
#include "btf/koffsets.h"
#include "btf/storage_btf.h"
#include "kernel/features.h"
#include "kernel/loader.h"
#include "core/msg.h"
#include "core/sig.h"

/* The verifier log starts at 64 KiB and grows on ENOSPC up to the
 * kernel's own cap of 16 MiB (UINT_MAX >> 8 on older kernels). */
#define LOG_START (64u << 10)
#define LOG_MAX (16u << 20)

static int find_map(const struct tap_obj *o, const char *name)
{
	for (int i = 0; i < o->nmaps; i++)
		if (!strcmp(o->maps[i].def->name, name))
			return i;
	return -1;
}

int tap_map_fd(const struct tap_obj *o, const char *name)
{
	int i = find_map(o, name);

	return i < 0 ? -ENOENT : o->maps[i].fd;
}

static int same_shape(const struct tap_map_def *a, const struct tap_map_def *b)
{
	return a->type == b->type && a->key_size == b->key_size &&
	       a->value_size == b->value_size &&
	       a->max_entries == b->max_entries && a->flags == b->flags;
}

static int referenced(const struct asm_prog *code, const char *name)
{
	for (int i = 0; i < code->nmaps; i++)
		if (!strcmp(code->map_names[i], name))
			return 1;
	return 0;
}

/* Programs of one object share maps by name. A declared map the assembled
 * code does not use is not created (a ring buffer on a kernel that has
 * only perf buffers, say). */
static int add_maps(struct tap_obj *o, const struct tap_prog *tp)
{
	const struct tap_prog_def *def = tp->def;

	for (int i = 0; i < def->nmaps; i++) {
		const struct tap_map_def *m = &def->maps[i];
		int at = find_map(o, m->name);

		if (!referenced(&tp->code, m->name))
			continue;
		if (at >= 0) {
			if (same_shape(o->maps[at].def, m))
				continue;
			msg_err("internal error: map '%s' declared with two shapes", m->name);
			return -EINVAL;
		}
		if (o->nmaps == TAP_MAX_MAPS) {
			msg_err("internal error: too many maps");
			return -E2BIG;
		}
		o->maps[o->nmaps++] = (struct tap_map){ m, -1 };
	}
	return 0;
}

static int read_format(struct tap_obj *o, struct tap_prog *tp)
{
	const struct tap_prog_def *def = tp->def;
	int err;

	err = tracefs_format_load(o->tracefs, def->tp_system, def->tp_event, &tp->fmt);
	if (err == -ENOENT) {
		msg_err("tracepoint %s:%s not found (looked in %s/events/%s/%s/format); "
			"this kernel lacks it or tracing is disabled",
			def->tp_system, def->tp_event, o->tracefs, def->tp_system,
			def->tp_event);
		return err;
	}
	if (err)
		return msg_errno(err, "reading %s/events/%s/%s/format", o->tracefs,
				 def->tp_system, def->tp_event);
	return 0;
}

static int assemble(struct tap_obj *o, struct tap_prog *tp, const void *params)
{
	struct tap_build_ctx ctx = { &tp->fmt, params, o->ko, o->probe_read, tp->def->btf_tp };
	int err;

	asm_init(&tp->code);
	asm_comment(&tp->code, "%s: %s", tp->def->name, tp->def->summary);
	err = tp->def->build(&tp->code, &ctx);
	if (!err)
		err = asm_finalize(&tp->code);
	if (err) {
		msg_err("assembling %s: %s", tp->def->name,
			tp->code.err ? tp->code.errmsg : strerror(-err));
		return err < 0 ? err : -EINVAL;
	}
	return 0;
}

static int open_tracefs(struct tap_obj *o)
{
	int err = tracefs_find(o->tracefs, sizeof(o->tracefs), &o->tracefs_mounted);

	if (err == -EACCES)
		msg_err("tracefs at %s is mounted but not readable by this user (%s): "
			"run as root", o->tracefs, strerror(-err));
	else if (err)
		msg_errno(err, "tracefs is not mounted and mounting it at "
			  "/sys/kernel/tracing failed (mount -t tracefs nodev "
			  "/sys/kernel/tracing)");
	return err;
}

/* A bare tracepoint has no format: its arguments come from BTF or the
 * offsets file, which the command loaded (o->ko). */
static int check_raw_tp(struct tap_obj *o, struct tap_prog *tp)
{
	const char *name = tp->def->raw_tp;
	char args[4][48];

	if (!o->ko) {
		msg_err("internal error: %s needs kernel struct offsets", tp->def->name);
		return -EINVAL;
	}
	if (koff_tp_args(o->ko, name, args, 4) < 0) {
		msg_err("bare tracepoint %s: not in the %s (a kernel without it, or one older "
			"than 5.12)", name, o->ko->source);
		return -ENOENT;
	}
	snprintf(tp->fmt.event, sizeof(tp->fmt.event), "%s", name);
	tp->fmt.id = -1;
	/* 5.5 split probe_read in two; kernels before it have the old one. */
	if (!o->probe_read)
		o->probe_read = feat_helper(BPF_PROG_TYPE_RAW_TRACEPOINT,
					    BPF_FUNC_probe_read_kernel) > 0
					? BPF_FUNC_probe_read_kernel
					: BPF_FUNC_probe_read;
	return 0;
}

/* A BTF-typed tracepoint: the typedef the kernel attaches by (the
 * arguments' types come from it too). */
static int check_btf_tp(struct tap_obj *o, struct tap_prog *tp)
{
	const char *name = tp->def->btf_tp;
	int id;

	if (!o->ko || !o->ko->have_btf) {
		msg_err("internal error: %s needs the kernel's BTF", tp->def->name);
		return -EINVAL;
	}
	id = btf_tracepoint_id(&o->ko->btf, name);
	if (id < 0) {
		msg_err("tracepoint %s: no typedef btf_trace_%s in the %s", name, name,
			o->ko->source);
		return -ENOENT;
	}
	tp->attach_btf_id = (uint32_t)id;
	snprintf(tp->fmt.event, sizeof(tp->fmt.event), "%s", name);
	tp->fmt.id = -1;
	return 0;
}

static int check_tracepoint(struct tap_obj *o, struct tap_prog *tp)
{
	if (tp->def->raw_tp)
		return check_raw_tp(o, tp);
	if (tp->def->btf_tp)
		return check_btf_tp(o, tp);
	return read_format(o, tp);
}

int tap_obj_open(struct tap_obj *o, const struct tap_prog_def *const *defs,
		 int n, const void *params, const struct koffsets *ko)
{
	const void *each[TAP_MAX_PROGS];

	for (int i = 0; i < n && i < TAP_MAX_PROGS; i++)
		each[i] = params;
	return tap_obj_open_each(o, defs, n, each, ko);
}

int tap_obj_open_each(struct tap_obj *o, const struct tap_prog_def *const *defs,
		      int n, const void *const *params, const struct koffsets *ko)
{
	int err;

	memset(o, 0, sizeof(*o));
	o->ko = ko;
	o->t_open = sig_now_ns();
	for (int i = 0; i < TAP_MAX_PROGS; i++)
		o->progs[i].prog_fd = o->progs[i].perf_fd = o->progs[i].link_fd = -1;
	if (n > TAP_MAX_PROGS)
		return -E2BIG;
	/* Bare and BTF-typed tracepoints need no format: programs of those
	 * alone need no tracefs. */
	for (int i = 0; i < n; i++)
		if (!defs[i]->raw_tp && !defs[i]->btf_tp) {
			if ((err = open_tracefs(o)))
				return err;
			break;
		}
	for (int i = 0; i < n; i++) {
		struct tap_prog *tp = &o->progs[o->nprogs++];

		tp->def = defs[i];
		err = check_tracepoint(o, tp);
		if (!err)
			err = assemble(o, tp, params[i]);
		if (!err)
			err = add_maps(o, tp);
		if (err)
			return err;
	}
	return 0;
}

static const char *map_type_name(enum bpf_map_type t)
{
	switch (t) {
	case BPF_MAP_TYPE_HASH: return "hash";
	case BPF_MAP_TYPE_ARRAY: return "array";
	case BPF_MAP_TYPE_PERCPU_HASH: return "percpu_hash";
	case BPF_MAP_TYPE_PERCPU_ARRAY: return "percpu_array";
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY: return "perf_event_array";
	case BPF_MAP_TYPE_LRU_HASH: return "lru_hash";
	case BPF_MAP_TYPE_RINGBUF: return "ringbuf";
	case BPF_MAP_TYPE_TASK_STORAGE: return "task_storage";
	default: return "map";
	}
}

void tap_obj_dump(const struct tap_obj *o, FILE *out)
{
	for (int i = 0; i < o->nprogs; i++) {
		const struct tap_prog *tp = &o->progs[i];
		const struct tap_prog_def *d = tp->def;

		if (d->raw_tp)
			fprintf(out, "; program %s: bare tracepoint %s (raw, offsets from %s), "
				"%d instructions\n", d->name, d->raw_tp, o->ko ? o->ko->source : "?",
				tp->code.len);
		else if (d->btf_tp)
			fprintf(out, "; program %s: BTF-typed tracepoint %s (tp_btf, BTF id %u), "
				"%d instructions\n", d->name, d->btf_tp, tp->attach_btf_id,
				tp->code.len);
		else
			fprintf(out, "; program %s: tracepoint %s:%s (id %d), %d instructions\n",
				d->name, d->tp_system, d->tp_event, tp->fmt.id, tp->code.len);
		for (int m = 0; m < d->nmaps; m++)
			if (referenced(&tp->code, d->maps[m].name))
				fprintf(out, "; map %s: %s, key %u B, value %u B, %u entries\n",
					d->maps[m].name, map_type_name(d->maps[m].type),
					d->maps[m].key_size, d->maps[m].value_size,
					d->maps[m].max_entries);
		disasm_prog(out, &tp->code);
		fputc('\n', out);
	}
}

static int create_maps(struct tap_obj *o)
{
	for (int i = 0; i < o->nmaps; i++) {
		const struct tap_map_def *m = o->maps[i].def;
		int fd = m->type == BPF_MAP_TYPE_TASK_STORAGE
				 ? task_storage_create(m->name, m->value_size)
				 : bpf_map_create(m->type, m->name, m->key_size, m->value_size,
						  m->max_entries, m->flags);

		if (fd < 0)
			return msg_errno(fd, "creating BPF map '%s' (%s)", m->name,
					 map_type_name(m->type));
		o->maps[i].fd = fd;
	}
	return 0;
}

static int fd_of_map(void *ctx, const char *name)
{
	return tap_map_fd(ctx, name);
}

static void print_rejection(const char *name, struct asm_prog *code, int err,
			    const char *log)
{
	msg_err("the kernel verifier rejected program %s: %s", name, strerror(-err));
	fprintf(stderr, "--- our disassembly of %s ---\n", name);
	disasm_prog(stderr, code);
	fprintf(stderr, "--- verifier log ---\n%s%s", log && *log ? log : "(empty)\n",
		log && *log && log[strlen(log) - 1] != '\n' ? "\n" : "");
}

/* Reload with a verifier log, growing the buffer until it fits. */
static int load_with_log(struct bpf_load_req *req, struct asm_prog *code)
{
	uint32_t size = LOG_START;
	int fd;

	for (;;) {
		/* calloc: the log is read as a string whatever the kernel wrote. */
		char *log = calloc(1, size);

		if (!log)
			return -ENOMEM;
		req->log = log;
		req->log_size = size;
		req->log_level = 1;
		fd = bpf_prog_load(req);
		if (fd == -ENOSPC && size < LOG_MAX) {
			free(log);
			size *= 4;
			continue;
		}
		if (fd < 0 && fd != -EPERM)
			print_rejection(req->name, code, fd, log);
		free(log);
		return fd;
	}
}

static int load_req(struct bpf_load_req *req, struct asm_prog *code)
{
	int fd;

	req->insns = code->insns;
	req->len = (uint32_t)code->len;
	req->license = "GPL";
	/* First without a log: the common case needs no 64 KiB buffer. */
	fd = bpf_prog_load(req);
	if (fd >= 0 || fd == -EPERM)
		return fd;
	return load_with_log(req, code);
}

int tap_prog_load(const char *name, struct asm_prog *code, enum bpf_prog_type type)
{
	struct bpf_load_req req = { .type = type, .name = name };

	return load_req(&req, code);
}

static enum bpf_prog_type prog_type(const struct tap_prog_def *d)
{
	if (d->btf_tp)
		return BPF_PROG_TYPE_TRACING;
	return d->raw_tp ? BPF_PROG_TYPE_RAW_TRACEPOINT : BPF_PROG_TYPE_TRACEPOINT;
}

static int load_prog(struct tap_obj *o, struct tap_prog *tp)
{
	const char *name = tp->def->name;
	struct bpf_load_req req;
	int fd;

	if (asm_bind_maps(&tp->code, fd_of_map, o)) {
		msg_err("%s: %s", name, tp->code.errmsg);
		return -EINVAL;
	}
	req = (struct bpf_load_req){ .type = prog_type(tp->def), .name = name };
	if (tp->def->btf_tp) {
		req.expected_attach_type = BPF_TRACE_RAW_TP;
		req.attach_btf_id = tp->attach_btf_id;
	}
	fd = load_req(&req, &tp->code);
	if (fd < 0)
		return fd == -EPERM ? msg_errno(fd, "loading BPF program %s", name) : fd;
	tp->prog_fd = fd;
	return 0;
}

/* BPF_RAW_TRACEPOINT_OPEN: no perf event, and a detach that waits for no
 * grace period (0.7-4.8 ms for four links here, ~180 ms as perf events). */
static int attach_raw(struct tap_prog *tp)
{
	/* tp_btf: the program names its tracepoint (attach_btf_id). */
	int fd = bpf_raw_tracepoint_open(tp->def->raw_tp, tp->prog_fd);

	if (fd < 0)
		return msg_errno(fd, "attaching %s to the %s tracepoint %s (BPF_RAW_TRACEPOINT_OPEN)",
				 tp->def->name, tp->def->raw_tp ? "bare" : "BTF-typed",
				 tp->def->raw_tp ? tp->def->raw_tp : tp->def->btf_tp);
	tp->link_fd = fd;
	return 0;
}

static int attach_prog(struct tap_obj *o, struct tap_prog *tp)
{
	int fd;

	if (tp->def->raw_tp || tp->def->btf_tp)
		return attach_raw(tp);
	fd = perf_tracepoint_open(tp->fmt.id);

	if (fd < 0)
		return msg_errno(fd, "perf_event_open for tracepoint %s:%s (id %d)",
				 tp->def->tp_system, tp->def->tp_event, tp->fmt.id);
	tp->perf_fd = fd;
	fd = perf_attach_bpf(tp->perf_fd, tp->prog_fd, &o->attach);
	if (fd < 0)
		return msg_errno(fd, "attaching %s to %s:%s (%s)", tp->def->name,
				 tp->def->tp_system, tp->def->tp_event,
				 o->attach == ATTACH_IOCTL ? "PERF_EVENT_IOC_SET_BPF"
							   : "BPF_LINK_CREATE");
	tp->link_fd = fd > 0 ? fd : -1;
	return 0;
}

int tap_obj_load(struct tap_obj *o)
{
	int err;

	err = feat_raise_memlock();
	if (err)
		msg_errno(err, "raising RLIMIT_MEMLOCK (continuing)");
	err = create_maps(o);
	for (int i = 0; !err && i < o->nprogs; i++)
		err = load_prog(o, &o->progs[i]);
	return err;
}

int tap_obj_attach(struct tap_obj *o)
{
	int err = 0;

	o->attach = feat_perf_link() ? ATTACH_LINK : ATTACH_IOCTL;
	if (o->attach == ATTACH_IOCTL)
		feat_note_once(&o->said_ioctl, "no BPF_LINK_CREATE for perf events%s: "
			       "attaching with PERF_EVENT_IOC_SET_BPF",
			       feat_forced("FORCE_IOCTL_ATTACH") ? " (forced)" : " (kernel < 5.15)");
	for (int i = 0; !err && i < o->nprogs; i++)
		err = attach_prog(o, &o->progs[i]);
	/* For make bench: start-up cost, measured where it ends. */
	if (!err && feat_forced("TIMING"))
		fprintf(stderr, "schedtap: attached in %.3f ms\n",
			(double)(sig_now_ns() - o->t_open) / 1e6);
	return err;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void tap_obj_close(struct tap_obj *o)
{
	int fds[3 * TAP_MAX_PROGS], n = 0;

	/* Links, perf events and programs all at once: the kernel holds its
	 * own references (a link its perf event, a program its maps), so no
	 * program runs against a freed map whatever the order. */
	for (int i = 0; i < o->nprogs; i++) {
		struct tap_prog *tp = &o->progs[i];

		fds[n++] = tp->link_fd;
		fds[n++] = tp->perf_fd;
		fds[n++] = tp->prog_fd;
		tp->link_fd = tp->perf_fd = tp->prog_fd = -1;
		asm_free(&tp->code);
		tracefs_format_free(&tp->fmt);
	}
	fd_close_all(fds, n);
	for (int i = 0; i < o->nmaps; i++)
		close_fd(&o->maps[i].fd);
	/* A tracefs we mounted stays mounted, as perf leaves its own: another
	 * tracer may be using it by now (perf record reads format files when
	 * it stops, and an unmount under it left a broken perf.data). */
	o->nprogs = o->nmaps = 0;
}
