/* schedtap probe: what this kernel offers and what schedtap does about
 * it, one line per item, from the same probes every subcommand uses. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "core/help.h"
#include "btf/btf.h"
#include "kernel/bpf_sys.h"
#include "core/cli.h"
#include "cmd/commands.h"
#include "kernel/features.h"
#include "core/msg.h"
#include "core/output.h"
#include "tracefs/tracefs.h"

#define BPF_FS_MAGIC 0xcafe4a11

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap probe [--csv|--json] [-o FILE]\n\n"
	"Prints what this kernel offers schedtap (bpf(), program and map types,\n"
	"attach methods, helpers, BTF, tracefs, bpffs, scheduler tracepoints,\n"
	"perf counters, capabilities, locked memory) and what schedtap does\n"
	"where something is missing. Exits 0 when the core tools can run.\n\n"
	"Fallbacks can be forced for testing: SCHEDTAP_FORCE_PERF_BUFFER,\n"
	"SCHEDTAP_FORCE_IOCTL_ATTACH, SCHEDTAP_FORCE_NO_BATCH, SCHEDTAP_FORCE_NO_BTF.\n\n"
	"options:\n"
	"      --csv               comma-separated values, one header row\n"
	"      --json              one JSON object per line\n"
	"  -o, --output FILE       write the report to FILE\n"
	"  -h, --help              this help\n";

enum { COL_ITEM, COL_AVAIL, COL_DETAIL, COL_ACTION, NCOLS };

static const struct out_col cols[NCOLS] = {
	[COL_ITEM] = { "item", "ITEM", OUT_STR, 26, 0, 1, 0 },
	[COL_AVAIL] = { "available", "OK", OUT_BOOL, 3, 0, 1, 0 },
	[COL_DETAIL] = { "detail", "DETAIL", OUT_STR, 0, 0, 1, 0 },
	[COL_ACTION] = { "action", "SCHEDTAP WILL", OUT_STR, 0, 0, 1, OUT_MACHINE_ONLY },
};

struct probe {
	struct out out;
	int core_ok;
	int denied;	/* bpf() or tracefs refused this user: not the kernel's fault */
};

#define NO_PERMISSION "unknown: this user may not ask (run as root, or grant CAP_BPF and CAP_PERFMON)"

/* One item. ok: 1 yes, 0 no, negative: unknown (a permission error says
 * nothing about the kernel). action: what schedtap does about it (NULL:
 * nothing to do). */
static void item(struct probe *p, const char *name, int ok, const char *action,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void item(struct probe *p, const char *name, int ok, const char *action,
		 const char *fmt, ...)
{
	char detail[512];
	struct out_val v[NCOLS];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* In the table, what schedtap will do follows the detail. */
	n = strlen(detail);
	if (action && p->out.fmt == OUT_TABLE)
		snprintf(detail + n, sizeof(detail) - n, "%s-> %s", n ? " " : "", action);
	v[COL_ITEM] = (struct out_val){ .str = name, .len = -1 };
	v[COL_AVAIL] = ok < 0 ? OUT_NONE : (struct out_val){ .u = (uint64_t)!!ok };
	v[COL_DETAIL] = (struct out_val){ .str = detail, .len = -1 };
	v[COL_ACTION] = (struct out_val){ .str = action ? action : "", .len = -1 };
	out_row(&p->out, v);
}

static void probe_bpf(struct probe *p)
{
	static const struct { const char *name; enum bpf_prog_type type; int core; } progs[] = {
		{ "prog_tracepoint", BPF_PROG_TYPE_TRACEPOINT, 1 },
		{ "prog_raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0 },
		{ "prog_perf_event", BPF_PROG_TYPE_PERF_EVENT, 0 },
	};
	int err = feat_bpf_syscall();

	if (!err)
		err = feat_privileged();
	if (err == -EPERM || err == -EACCES) {
		p->denied = 1;
		p->core_ok = 0;
		item(p, "bpf_syscall", -1, "run as root", "%s for this user: %s", strerror(-err),
		     msg_hint(err));
	} else {
		item(p, "bpf_syscall", !err, err ? "nothing can run" : NULL, "%s%s%s",
		     err ? strerror(-err) : "bpf() usable", err && msg_hint(err) ? ": " : "",
		     err && msg_hint(err) ? msg_hint(err) : "");
	}
	if (err)
		p->core_ok = 0;
	for (unsigned i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		int ok = p->denied ? -EPERM : err ? 0 : feat_prog_type(progs[i].type);

		if (progs[i].core && ok <= 0)
			p->core_ok = 0;
		item(p, progs[i].name, ok, NULL, "%s",
		     ok > 0 ? "loads" : ok < 0 ? NO_PERMISSION : "refused");
	}
}

/* A feature with a fallback, which SCHEDTAP_<env> can force. */
static void path_item(struct probe *p, const char *name, int ok, const char *env,
		      const char *what, const char *missing, const char *action)
{
	if (feat_forced(env))
		item(p, name, 0, action, "%s: forced off by SCHEDTAP_%s", what, env);
	else if (ok < 0)
		item(p, name, ok, NULL, "%s: " NO_PERMISSION, what);
	else
		item(p, name, ok, ok ? NULL : action, "%s%s", what, ok ? "" : missing);
}

/* The kernel's BTF parsed, then whether a tp_btf program that calls
 * bpf_task_storage_get loads. */
static int tp_btf_storage(void)
{
	struct btf b;
	int btf = feat_btf(), ok = 0;

	if (btf <= 0 || feat_forced("FORCE_TRACEPOINT"))
		return btf;
	if (!btf_load(&b, "/sys/kernel/btf/vmlinux", NULL))
		ok = feat_tp_btf_storage(&b);
	btf_free(&b);
	return ok;
}

static void probe_paths(struct probe *p)
{
	path_item(p, "ringbuf", feat_ringbuf(), "FORCE_PERF_BUFFER", "BPF_MAP_TYPE_RINGBUF",
		  " missing (kernel < 5.8)", "trace uses a perf buffer (PERF_EVENT_ARRAY)");
	path_item(p, "perf_link", feat_perf_link(), "FORCE_IOCTL_ATTACH",
		  "BPF_LINK_CREATE for perf events", " missing (kernel < 5.15)",
		  "attach with PERF_EVENT_IOC_SET_BPF");
	path_item(p, "batch_ops", feat_batch_ops(), "FORCE_NO_BATCH", "BPF_MAP_LOOKUP_BATCH",
		  " missing (kernel < 5.6)", "read maps with get_next_key");
	int atomics = feat_atomics();

	item(p, "atomics", atomics, NULL, "BPF_ATOMIC with fetch (5.12+)%s",
	     atomics < 0 ? ": " NO_PERMISSION : "");
	path_item(p, "stat_runtime", feat_runtime_all_classes(), "FORCE_SLICE_TIMING",
		  "sched_stat_runtime counts every scheduling class",
		  ": CFS tasks only (kernel < 6.8)", "top times slices at each switch");
	path_item(p, "tp_btf", tp_btf_storage(), "FORCE_TRACEPOINT",
		  "tp_btf programs with task storage", " unavailable (no BTF, or kernel < 5.12)",
		  "runqlat, top and latency attach to the tracepoints");
}

static void probe_helpers(struct probe *p)
{
	static const struct { const char *name; int id; } helpers[] = {
		{ "helper_probe_read_kernel", BPF_FUNC_probe_read_kernel },
		{ "helper_probe_read", BPF_FUNC_probe_read },
		{ "helper_get_current_task", BPF_FUNC_get_current_task },
		{ "helper_ktime_get_ns", BPF_FUNC_ktime_get_ns },
		{ "helper_ringbuf_reserve", BPF_FUNC_ringbuf_reserve },
		{ "helper_perf_event_output", BPF_FUNC_perf_event_output },
	};

	for (unsigned i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
		int ok = feat_helper(BPF_PROG_TYPE_TRACEPOINT, helpers[i].id);

		item(p, helpers[i].name, ok, NULL, "helper #%d %s in tracepoint programs",
		     helpers[i].id, ok > 0 ? "callable" : ok < 0 ? NO_PERMISSION : "unavailable");
	}
}

static void probe_fs(struct probe *p, char *tracefs, size_t len, int *mounted)
{
	int btf = feat_btf(), err = tracefs_find(tracefs, len, mounted);
	struct statfs st;
	int bpffs = statfs("/sys/fs/bpf", &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC;

	if (feat_forced("FORCE_NO_BTF"))
		item(p, "btf", 0, NULL, "forced off by SCHEDTAP_FORCE_NO_BTF: not needed, "
		     "field offsets come from tracefs");
	else
		item(p, "btf", btf, NULL, "/sys/kernel/btf/vmlinux %s%s",
		     btf > 0 ? "present" : btf < 0 ? "not readable by this user" : "absent",
		     btf > 0 ? "" : ": not needed, field offsets come from tracefs");
	if (err == -EACCES) {
		p->core_ok = 0;
		p->denied = 1;
		item(p, "tracefs", -1, "run as root", "%s mounted, not readable by this user (%s)",
		     tracefs, strerror(-err));
		*tracefs = 0;
	} else if (err) {
		p->core_ok = 0;
		item(p, "tracefs", 0, "nothing can attach", "not found and mounting failed: %s",
		     strerror(-err));
	} else {
		item(p, "tracefs", 1, NULL, "%s%s", tracefs, *mounted ? " (mounted by schedtap)" : "");
	}
	item(p, "bpffs", bpffs, bpffs ? NULL : "mount it when pinning (lottery load)",
	     "/sys/fs/bpf %s", bpffs ? "mounted" : "not mounted");
}

static void probe_tracepoints(struct probe *p, const char *tracefs)
{
	static const char *const events[][3] = {
		{ "sched", "sched_switch", "core" },
		{ "sched", "sched_wakeup", "" },
		{ "sched", "sched_wakeup_new", "" },
		{ "sched", "sched_migrate_task", "" },
		{ "sched", "sched_process_fork", "" },
		{ "sched", "sched_process_exit", "" },
		{ "sched", "sched_process_free", "" },
		{ "sched", "sched_pi_setprio", "" },
		{ "syscalls", "sys_enter_futex", "" },
		{ "raw_syscalls", "sys_enter", "" },
	};

	for (unsigned i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		struct tp_format fmt;
		char name[80];
		int err = *tracefs ? tracefs_format_load(tracefs, events[i][0], events[i][1], &fmt)
				   : p->denied ? -EACCES : -ENOENT;

		snprintf(name, sizeof(name), "tp_%s", events[i][1]);
		if (err == -EACCES || err == -EPERM)
			item(p, name, -1, NULL, "%s:%s: unknown: tracefs is not readable by this user",
			     events[i][0], events[i][1]);
		else if (!err)
			item(p, name, 1, NULL, "%s:%s id %d, %d fields", events[i][0],
			     events[i][1], fmt.id, fmt.nfields);
		else
			item(p, name, 0, NULL, "%s:%s: %s", events[i][0], events[i][1],
			     strerror(-err));
		if (err && events[i][2][0])
			p->core_ok = 0;
		if (!err)
			tracefs_format_free(&fmt);
	}
}

/* Bare tracepoints (no tracefs event): reachable only as raw tracepoints. */
static void probe_bare_tracepoints(struct probe *p)
{
	static const char *const names[] = {
		"pelt_cfs_tp", "pelt_rt_tp", "pelt_dl_tp", "pelt_irq_tp", "pelt_se_tp",
		"sched_cpu_capacity_tp", "sched_overutilized_tp", "sched_util_est_cfs_tp",
		"sched_util_est_se_tp", "sched_update_nr_running_tp",
	};
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_load_req req = { .type = BPF_PROG_TYPE_RAW_TRACEPOINT, .insns = ret0,
				    .len = 2, .license = "GPL" };
	char found[512] = "";
	int prog = bpf_prog_load(&req), n = 0;

	if (prog == -EPERM || prog == -EACCES) {
		item(p, "bare_tracepoints", -1, NULL, NO_PERMISSION);
		return;
	}

	for (unsigned i = 0; prog >= 0 && i < sizeof(names) / sizeof(names[0]); i++) {
		union bpf_attr a;
		int fd;

		memset(&a, 0, sizeof(a));
		a.raw_tracepoint.name = (uint64_t)(uintptr_t)names[i];
		a.raw_tracepoint.prog_fd = (uint32_t)prog;
		fd = sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a.raw_tracepoint));
		if (fd < 0)
			continue;
		close(fd);	/* attached for an instant: nothing runs long */
		snprintf(found + strlen(found), sizeof(found) - strlen(found), "%s%s",
			 n++ ? " " : "", names[i]);
	}
	if (prog >= 0)
		close(prog);
	item(p, "bare_tracepoints", n > 0, n ? NULL : "no PELT signals",
	     "%d of %d%s%s", n, (int)(sizeof(names) / sizeof(names[0])), n ? ": " : "", found);
}

/* 1 counts, 0 absent, -EPERM: not for this user (perf_event_paranoid). */
static int perf_counter_works(uint32_t type, uint64_t config)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.type = type;
	attr.size = sizeof(attr);
	attr.config = config;
	attr.disabled = 1;
	fd = syscall(__NR_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd >= 0) {
		close((int)fd);
		return 1;
	}
	return errno == EACCES || errno == EPERM ? -EPERM : 0;
}

static void probe_perf(struct probe *p)
{
	int hw = perf_counter_works(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
	int sw = perf_counter_works(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);

	item(p, "perf_hw_counters", hw, NULL, "cycles %s", hw > 0 ? "counted" :
	     hw < 0 ? "unknown: not for this user (perf_event_paranoid)" : "unavailable (no PMU)");
	item(p, "perf_sw_counters", sw, NULL, "cpu-clock %s", sw > 0 ? "counted" :
	     sw < 0 ? "unknown: not for this user (perf_event_paranoid)" : "unavailable");
}

static void probe_caps(struct probe *p)
{
	static const struct { const char *name; int cap; } caps[] = {
		{ "cap_bpf", CAP_BPF },
		{ "cap_perfmon", CAP_PERFMON },
		{ "cap_sys_admin", CAP_SYS_ADMIN },
	};
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	int err = syscall(SYS_capget, &hdr, data) ? -errno : 0;

	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		int c = caps[i].cap;
		int has = !err && (data[c / 32].effective >> (c % 32)) & 1;

		item(p, caps[i].name, has, NULL, "%s", err ? strerror(-err) :
		     has ? "in the effective set" : "not held");
	}
}

static void probe_memlock(struct probe *p)
{
	int memcg = feat_memcg_accounting();
	struct rlimit r;
	char lim[32] = "?";

	if (!getrlimit(RLIMIT_MEMLOCK, &r)) {
		if (r.rlim_cur == RLIM_INFINITY)
			snprintf(lim, sizeof(lim), "unlimited");
		else
			snprintf(lim, sizeof(lim), "%llu KiB", (unsigned long long)r.rlim_cur >> 10);
	}
	item(p, "memlock", 1, memcg ? NULL : "raise RLIMIT_MEMLOCK to unlimited at load",
	     "RLIMIT_MEMLOCK %s; BPF memory %s", lim,
	     memcg > 0 ? "charged to the memory cgroup (limit not used)" :
	     memcg < 0 ? "charged to an unknown account (this user may not ask)" :
			 "charged to RLIMIT_MEMLOCK");
}

static int parse(struct cli_common *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "output", required_argument, 0, 'o' },
		{ "csv", no_argument, 0, OPT_CSV },
		{ "json", no_argument, 0, OPT_JSON },
		{ 0, 0, 0, 0 },
	};
	int opt;

	cli_init(c, "probe");
	opt = cli_next_opt(c, argc, argv, "ho:", longopts, help);
	return cli_opts_done(c, opt, argc, argv, CLI_NO_ARGS);
}

int cmd_probe(int argc, char **argv)
{
	struct cli_common c;
	struct probe p = { .core_ok = 1 };
	char tracefs[256] = "";
	struct utsname u;
	int mounted = 0, r;
	FILE *f;

	if ((r = parse(&c, argc, argv)) >= 0)
		return r;
	f = cli_open_output(&c);
	if (!f)
		return EXIT_RUNTIME;
	out_init(&p.out, f, c.fmt, cols, NCOLS);
	if (!uname(&u))
		item(&p, "kernel", 1, NULL, "%s %s", u.release, u.machine);
	probe_bpf(&p);
	/* Without permission every BPF item is asked anyway: each answers
	 * unknown, and the list is the same for every user. */
	if (!feat_bpf_syscall() || p.denied) {
		probe_paths(&p);
		probe_helpers(&p);
	}
	probe_fs(&p, tracefs, sizeof(tracefs), &mounted);
	probe_tracepoints(&p, tracefs);
	if (!feat_bpf_syscall() || p.denied)
		probe_bare_tracepoints(&p);
	probe_perf(&p);
	probe_caps(&p);
	probe_memlock(&p);
	item(&p, "core_tools", p.core_ok, p.core_ok ? NULL : "exit 1", "%s",
	     p.core_ok ? "schedtap can run here" :
	     p.denied ? "schedtap cannot run as this user: run as root, or grant CAP_BPF "
			"and CAP_PERFMON" : "schedtap cannot run here");
	r = out_flush(&p.out);
	if (f != stdout && fclose(f))
		r = -errno;
	if (r)
		return msg_errno(r, "writing the report"), EXIT_RUNTIME;
	return p.core_ok ? EXIT_OK : EXIT_RUNTIME;
}
