/* schedtap pelt: the scheduler's load tracking (PELT) with no module: per
 * CPU, the root CFS run queue's util, load, runnable and util_est, RT,
 * deadline and IRQ utilization, capacity and runnable tasks; per task, its
 * entity's averages. Programs on the bare tracepoints read the kernel's
 * structs at offsets from BTF or from an offsets file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "bpf/pelt.h"
#include "bpf/program.h"
#include "btf/koffsets.h"
#include "cmd/cgroup_path.h"
#include "cmd/commands.h"
#include "cmd/pelt.h"
#include "cmd/proc_task.h"
#include "cmd/session.h"
#include "core/array.h"
#include "core/cli.h"
#include "core/msg.h"
#include "core/output.h"
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "kernel/maps.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap pelt [options] [interval [count]]\n\n"
	"The scheduler's load tracking, from its bare PELT tracepoints (no module):\n"
	"per CPU, the root CFS run queue's util_avg, load_avg, runnable_avg and\n"
	"util_est, RT, deadline and IRQ utilization, capacity, runnable tasks and\n"
	"the root domain's overutilized flag; with --tasks or -p, per task, its\n"
	"own entity's averages (the values /proc/PID/sched shows), busiest first.\n"
	"Each value is the last the kernel computed; '-' where no update came.\n"
	"Kernel struct offsets come from BTF (/sys/kernel/btf/vmlinux) or from\n"
	"an offsets file (--offsets) made by `schedtap btf offsets VMLINUX`;\n"
	"with neither, from the sched_tp module's events if it is loaded.\n\n"
	"options:\n"
	"      --tasks             per task too (CSV/JSON: task rows instead of CPU rows)\n"
	"  -p, --pid TID           only this task (implies --tasks)\n"
	"  -n, --top N             tasks shown (default 10 in the table, all in CSV/JSON)\n"
	"  -g, --groups            task groups' run queues too, by cgroup path (CSV/JSON:\n"
	"                          group rows instead of CPU rows)\n"
	"  -C, --cpu CPU           only this CPU\n"
	"      --offsets FILE      kernel struct offsets from FILE, not BTF\n"
	"      --events[=LIST]     stream one record per update instead, in the\n"
	"                          sched_tp module's event names and fields (LIST:\n"
	"                          all, or some of the names below; default: all\n"
	"                          but the util_est ones, the task's with -p)\n"
	"  -d, --duration SECONDS  --events: stop after this long\n"
	"      --perf-buffer       --events: use perf buffers, not a ring buffer\n"
	CLI_COMMON_HELP
	"\nevents: %s.\n";

enum {
	C_TS, C_IV, C_CPU, C_UTIL, C_LOAD, C_RUNNABLE, C_EST, C_RT, C_DL, C_IRQ, C_CAP, C_NR,
	C_OVU, NCOLS
};

static const struct out_col cpu_cols[NCOLS] = {
	[C_TS] = { "timestamp_s", "TIME", OUT_F64, 14, 3, 0, OUT_MACHINE_ONLY },
	[C_IV] = { "interval_s", "INTERVAL", OUT_F64, 8, 3, 0, OUT_MACHINE_ONLY },
	[C_CPU] = { "cpu", "CPU", OUT_U64, 4, 0, 0, 0 },
	[C_UTIL] = { "util_avg", "UTIL", OUT_U64, 6, 0, 0, 0 },
	[C_LOAD] = { "load_avg", "LOAD", OUT_U64, 8, 0, 0, 0 },
	[C_RUNNABLE] = { "runnable_avg", "RUNNABLE", OUT_U64, 8, 0, 0, 0 },
	[C_EST] = { "util_est", "UTIL_EST", OUT_U64, 8, 0, 0, 0 },
	[C_RT] = { "rt_util", "RT", OUT_U64, 5, 0, 0, 0 },
	[C_DL] = { "dl_util", "DL", OUT_U64, 5, 0, 0, 0 },
	[C_IRQ] = { "irq_util", "IRQ", OUT_U64, 5, 0, 0, 0 },
	[C_CAP] = { "capacity", "CAPACITY", OUT_U64, 8, 0, 0, 0 },
	[C_NR] = { "nr_running", "NR", OUT_U64, 4, 0, 0, 0 },
	[C_OVU] = { "overutilized", "OVERUTIL", OUT_BOOL, 8, 0, 0, 0 },
};

enum { T_TS, T_IV, T_TID, T_PID, T_COMM, T_CPU, T_UTIL, T_LOAD, T_RUNNABLE, T_EST, T_UPD,
       NTCOLS };

static const struct out_col task_cols[NTCOLS] = {
	[T_TS] = { "timestamp_s", "TIME", OUT_F64, 14, 3, 0, OUT_MACHINE_ONLY },
	[T_IV] = { "interval_s", "INTERVAL", OUT_F64, 8, 3, 0, OUT_MACHINE_ONLY },
	[T_TID] = { "tid", "TID", OUT_U64, 7, 0, 0, 0 },
	[T_PID] = { "pid", "PID", OUT_U64, 7, 0, 0, OUT_MACHINE_ONLY },
	[T_COMM] = { "comm", "COMM", OUT_STR, 16, 0, 1, 0 },
	[T_CPU] = { "cpu", "CPU", OUT_U64, 4, 0, 0, 0 },
	[T_UTIL] = { "util_avg", "UTIL", OUT_U64, 6, 0, 0, 0 },
	[T_LOAD] = { "load_avg", "LOAD", OUT_U64, 8, 0, 0, 0 },
	[T_RUNNABLE] = { "runnable_avg", "RUNNABLE", OUT_U64, 8, 0, 0, 0 },
	[T_EST] = { "util_est", "UTIL_EST", OUT_U64, 8, 0, 0, 0 },
	[T_UPD] = { "updates", "UPDATES", OUT_U64, 8, 0, 0, 0 },
};

enum { G_TS, G_IV, G_PATH, G_ID, G_CPU, G_UTIL, G_LOAD, G_RUNNABLE, G_EST, G_UPD, NGCOLS };

static const struct out_col group_cols[NGCOLS] = {
	[G_TS] = { "timestamp_s", "TIME", OUT_F64, 14, 3, 0, OUT_MACHINE_ONLY },
	[G_IV] = { "interval_s", "INTERVAL", OUT_F64, 8, 3, 0, OUT_MACHINE_ONLY },
	[G_PATH] = { "group", "GROUP", OUT_STR, 32, 0, 1, 0 },
	[G_ID] = { "cgroup_id", "CGROUP_ID", OUT_U64, 0, 0, 0, OUT_MACHINE_ONLY },
	[G_CPU] = { "cpu", "CPU", OUT_U64, 4, 0, 0, 0 },
	[G_UTIL] = { "util_avg", "UTIL", OUT_U64, 6, 0, 0, 0 },
	[G_LOAD] = { "load_avg", "LOAD", OUT_U64, 8, 0, 0, 0 },
	[G_RUNNABLE] = { "runnable_avg", "RUNNABLE", OUT_U64, 8, 0, 0, 0 },
	[G_EST] = { "util_est", "UTIL_EST", OUT_U64, 8, 0, 0, 0 },
	[G_UPD] = { "updates", "UPDATES", OUT_U64, 8, 0, 0, 0 },
};

/* Every struct member the programs read, and their tracepoints: what an
 * offsets file must hold (`schedtap btf offsets`). */
const char *const pelt_paths[] = {
	"cfs_rq.avg", "cfs_rq.rq", "rq.cfs", "rq.cpu", "rq.avg_rt.util_avg",
	"rq.avg_dl.util_avg", "rq.avg_irq.util_avg", "rq.cpu_capacity", "rq.nr_running",
	"sched_avg.util_avg", "sched_avg.load_avg", "sched_avg.runnable_avg",
	"sched_avg.util_est", "sched_avg.util_est.enqueued", "sched_entity.my_q",
	"sched_entity.avg", "task_struct.se", "task_struct.pid",
	/* --events */
	"rq.avg_rt", "rq.avg_dl", "rq.avg_irq", "sched_avg.last_update_time",
	"sched_avg.util_est.ewma", "task_struct.comm",
	/* -g */
	"cfs_rq.tg", "task_group.css", "cgroup_subsys_state.cgroup", "cgroup.kn",
	"kernfs_node.id", NULL,
};
const char *const pelt_tracepoints[] = {
	"pelt_cfs_tp", "pelt_rt_tp", "pelt_dl_tp", "pelt_irq_tp", "sched_cpu_capacity_tp",
	"sched_update_nr_running_tp", "sched_overutilized_tp", "pelt_se_tp",
	"sched_util_est_se_tp", "sched_util_est_cfs_tp", NULL,
};

struct pelt_opts {
	struct cli_common cli;
	struct pelt_params prog;
	int tasks;
	long top;
	const char *offsets;
	int events;		/* --events given */
	const char *event_list;	/* its LIST, NULL for the default */
	unsigned event_mask;
};

struct pelt_run {
	const struct pelt_opts *opt;
	struct session *s;
	struct out out, tout, gout;
	struct cgroup_paths *groups;	/* -g: names of the cgroups, if found */
};

struct task_line {
	uint32_t tid;
	struct pelt_task v;
};

static struct out_val u64v(uint64_t v, int seen)
{
	return seen ? (struct out_val){ .u = v } : OUT_NONE;
}

static int report_cpus(struct pelt_run *r, double ts, double iv)
{
	const struct session *s = r->s;
	struct pelt_rd rd = { 0, 0 };
	char title[96];

	bpf_map_lookup(tap_map_fd(&s->obj, "pelt_rd"), &(uint32_t){ 0 }, &rd);
	cli_interval_title(title, sizeof(title), ts, iv);
	out_group(&r->out, title);
	for (int i = 0; i < s->ncpus; i++) {
		struct pelt_cpu c;
		struct out_val v[NCOLS];
		uint32_t cpu = (uint32_t)s->cpu_ids[i];

		if (cpu >= PELT_MAX_CPUS || (r->opt->prog.cpu >= 0 && (long)cpu != r->opt->prog.cpu) ||
		    bpf_map_lookup(tap_map_fd(&s->obj, "pelt_cpu"), &cpu, &c) || !c.seen)
			continue;
		v[C_TS] = (struct out_val){ .f = ts };
		v[C_IV] = (struct out_val){ .f = iv };
		v[C_CPU] = (struct out_val){ .u = cpu };
		v[C_UTIL] = u64v(c.util_avg, c.seen & PELT_SEEN_CFS);
		v[C_LOAD] = u64v(c.load_avg, c.seen & PELT_SEEN_CFS);
		v[C_RUNNABLE] = u64v(c.runnable_avg, c.seen & PELT_SEEN_CFS);
		v[C_EST] = u64v(c.util_est, c.seen & PELT_SEEN_EST);
		v[C_RT] = u64v(c.rt_util, c.seen & PELT_SEEN_RT);
		v[C_DL] = u64v(c.dl_util, c.seen & PELT_SEEN_DL);
		v[C_IRQ] = u64v(c.irq_util, c.seen & PELT_SEEN_IRQ);
		v[C_CAP] = u64v(c.capacity, c.seen & PELT_SEEN_CAP);
		v[C_NR] = u64v(c.nr_running, c.seen & PELT_SEEN_NR);
		v[C_OVU] = u64v(rd.overutilized, rd.seen);
		out_row(&r->out, v);
	}
	return 0;
}

struct task_list {
	struct task_line *v;
	size_t n, cap;
};

static int take_task(void *ctx, const void *key, const void *value)
{
	struct task_list *l = ctx;

	if (array_grow(&l->v, &l->cap, l->n, sizeof(*l->v), 256))
		return -ENOMEM;
	l->v[l->n].tid = *(const uint32_t *)key;
	memcpy(&l->v[l->n++].v, value, sizeof(struct pelt_task));
	return 0;
}

static int by_util(const void *a, const void *b)
{
	const struct task_line *x = a, *y = b;

	if (x->v.util_avg != y->v.util_avg)
		return x->v.util_avg < y->v.util_avg ? 1 : -1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int report_tasks(struct pelt_run *r, double ts, double iv)
{
	const struct pelt_opts *o = r->opt;
	struct task_list l = { NULL, 0, 0 };
	long limit = o->top ? o->top : (o->cli.fmt == OUT_TABLE ? 10 : 0);
	int n = map_for_each(tap_map_fd(&r->s->obj, "pelt_tasks"), 4, sizeof(struct pelt_task),
			     PELT_MAX_TASKS, take_task, &l, NULL);

	if (n < 0) {
		free(l.v);
		return msg_errno(n, "reading the task map");
	}
	qsort(l.v, l.n, sizeof(*l.v), by_util);
	out_group(&r->tout, NULL);
	for (size_t i = 0; i < l.n && (!limit || (long)i < limit); i++) {
		const struct pelt_task *t = &l.v[i].v;
		struct out_val v[NTCOLS];
		char comm[17] = "?";	/* 16 bytes: a kworker's /proc name is longer */
		uint32_t tgid = 0;

		proc_task_comm("/proc", l.v[i].tid, comm, sizeof(comm));
		proc_task_tgid("/proc", l.v[i].tid, &tgid);
		v[T_TS] = (struct out_val){ .f = ts };
		v[T_IV] = (struct out_val){ .f = iv };
		v[T_TID] = (struct out_val){ .u = l.v[i].tid };
		v[T_PID] = u64v(tgid, tgid != 0);
		v[T_COMM] = (struct out_val){ .str = comm, .len = -1 };
		v[T_CPU] = (struct out_val){ .u = t->cpu };
		v[T_UTIL] = (struct out_val){ .u = t->util_avg };
		v[T_LOAD] = (struct out_val){ .u = t->load_avg };
		v[T_RUNNABLE] = (struct out_val){ .u = t->runnable_avg };
		v[T_EST] = (struct out_val){ .u = t->util_est };
		v[T_UPD] = (struct out_val){ .u = t->updates };
		out_row(&r->tout, v);
	}
	free(l.v);
	return 0;
}

struct group_line {
	struct pelt_group_key k;
	struct pelt_task v;
	const char *path;	/* "?" when no cgroup has its id */
};

struct group_list {
	struct group_line *v;
	size_t n, cap;
};

static int take_group(void *ctx, const void *key, const void *value)
{
	struct group_list *l = ctx;

	if (array_grow(&l->v, &l->cap, l->n, sizeof(*l->v), 64))
		return -ENOMEM;
	memcpy(&l->v[l->n].k, key, sizeof(struct pelt_group_key));
	memcpy(&l->v[l->n++].v, value, sizeof(struct pelt_task));
	return 0;
}

/* By path, then CPU: a group's CPUs together, in the order ls shows them. */
static int by_group(const void *a, const void *b)
{
	const struct group_line *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->k.cgroup != y->k.cgroup)
		return x->k.cgroup < y->k.cgroup ? -1 : 1;
	return x->k.cpu < y->k.cpu ? -1 : x->k.cpu > y->k.cpu;
}

static int report_groups(struct pelt_run *r, double ts, double iv)
{
	const struct pelt_opts *o = r->opt;
	struct group_list l = { NULL, 0, 0 };
	int n = map_for_each(tap_map_fd(&r->s->obj, "pelt_groups"), sizeof(struct pelt_group_key),
			     sizeof(struct pelt_task), PELT_MAX_GROUPS, take_group, &l, NULL);

	if (n < 0) {
		free(l.v);
		return msg_errno(n, "reading the task group map");
	}
	for (size_t i = 0; i < l.n; i++) {
		const char *path = r->groups ? cgroup_paths_find(r->groups, l.v[i].k.cgroup) : NULL;

		l.v[i].path = path ? path : "?";
	}
	qsort(l.v, l.n, sizeof(*l.v), by_group);
	out_group(&r->gout, NULL);
	for (size_t i = 0; i < l.n; i++) {
		const struct pelt_task *t = &l.v[i].v;
		struct out_val v[NGCOLS];

		if (o->prog.cpu >= 0 && (long)l.v[i].k.cpu != o->prog.cpu)
			continue;
		v[G_TS] = (struct out_val){ .f = ts };
		v[G_IV] = (struct out_val){ .f = iv };
		v[G_PATH] = (struct out_val){ .str = l.v[i].path, .len = -1 };
		v[G_ID] = (struct out_val){ .u = l.v[i].k.cgroup };
		v[G_CPU] = (struct out_val){ .u = l.v[i].k.cpu };
		v[G_UTIL] = (struct out_val){ .u = t->util_avg };
		v[G_LOAD] = (struct out_val){ .u = t->load_avg };
		v[G_RUNNABLE] = (struct out_val){ .u = t->runnable_avg };
		v[G_EST] = (struct out_val){ .u = t->util_est };
		v[G_UPD] = (struct out_val){ .u = t->updates };
		out_row(&r->gout, v);
	}
	free(l.v);
	return 0;
}

static int report(void *ctx, double iv)
{
	struct pelt_run *r = ctx;
	double ts = cli_wall_seconds();
	int err = 0;

	/* CSV is one kind of row: tasks or groups when asked for, else CPUs. */
	if ((!r->opt->tasks && !r->opt->prog.groups) || r->opt->cli.fmt == OUT_TABLE)
		err = report_cpus(r, ts, iv);
	if (!err && r->opt->prog.groups)
		err = report_groups(r, ts, iv);
	if (!err && r->opt->tasks)
		err = report_tasks(r, ts, iv);
	if (err)
		return err;
	if ((err = out_flush(&r->out)) || (err = out_flush(&r->gout)) ||
	    (err = out_flush(&r->tout)))
		return msg_errno(err, "writing the report");
	return 0;
}

/* Options that only one mode takes: --events streams, the rest report
 * at intervals. */
static int mode_options(struct pelt_opts *o, int argc)
{
	struct cli_common *c = &o->cli;

	if (o->events) {
		c->opt = "--events";
		if (o->tasks && o->prog.pid < 0)
			return cli_usage_error(c, "--tasks is for reports: --events streams every "
					       "task's sched_pelt_se");
		if (c->interval_given || optind < argc)
			return cli_usage_error(c, "--events streams until -d or Ctrl-C: no interval "
					       "or count");
		return pelt_events_parse(c, o->event_list, o->prog.pid, &o->event_mask);
	}
	if (o->tasks && o->prog.groups && c->fmt != OUT_TABLE)
		return cli_usage_error(c, "CSV and JSON hold one kind of row: choose one of "
				       "--tasks (or -p) and -g");
	if (c->duration > 0 || c->perf_buffer)
		return cli_usage_error(c, "%s is for --events", c->perf_buffer ? "--perf-buffer"
						: "-d");
	return 0;
}

static int parse(struct pelt_opts *o, int argc, char **argv)
{
	enum { OPT_TASKS = OPT_OWN, OPT_OFFSETS, OPT_EVENTS };
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "tasks", no_argument, 0, OPT_TASKS },
		{ "pid", required_argument, 0, 'p' },
		{ "top", required_argument, 0, 'n' },
		{ "cpu", required_argument, 0, 'C' },
		{ "groups", no_argument, 0, 'g' },
		{ "offsets", required_argument, 0, OPT_OFFSETS },
		{ "events", optional_argument, 0, OPT_EVENTS },
		{ "duration", required_argument, 0, 'd' },
		{ "perf-buffer", no_argument, 0, OPT_PERF_BUFFER },
		{ 0, 0, 0, 0 },
	};
	static char help_text[sizeof(help) + 256];
	struct cli_common *c = &o->cli;
	int opt, bad = 0;

	help_unpack();
	snprintf(help_text, sizeof(help_text), help, pelt_event_names);
	cli_init(c, "pelt");
	o->prog.pid = o->prog.cpu = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_COMMON_SHORT "p:n:C:d:g", longopts,
					   help_text)) >= 0) {
		switch (opt) {
		case OPT_TASKS: o->tasks = 1; break;
		case 'g': o->prog.groups = 1; break;
		case OPT_OFFSETS: o->offsets = optarg; break;
		case OPT_EVENTS: o->events = 1; o->event_list = optarg; break;
		case 'n': bad = cli_long(c, optarg, 1, 1000000, &o->top); break;
		case 'C': bad = cli_cpu(c, optarg, PELT_MAX_CPUS - 1, &o->prog.cpu); break;
		case 'p':
			bad = cli_pid(c, optarg, &o->prog.pid);
			o->tasks = 1;
			break;
		}
	}
	if (!bad && opt == -1)
		bad = mode_options(o, argc);
	o->prog.perfbuf = c->perf_buffer;
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv,
			     o->events ? CLI_NO_ARGS : CLI_INTERVAL_COUNT);
}

/* Without BTF, the sched_tp module's events, if it is loaded (forced off
 * by SCHEDTAP_FORCE_NO_SCHED_TP): 1, else 0. */
static int sched_tp_loaded(void)
{
	static int said;

	if (feat_forced("FORCE_NO_SCHED_TP") || feat_tracepoint("sched", "sched_pelt_cfs") <= 0)
		return 0;
	feat_note_once(&said, "no BTF: reading the sched_tp module's events (sched:sched_pelt_*)");
	return 1;
}

/* The file given, or BTF, or the sched_tp module's events (1: ko is not
 * used), or say what is missing and the two ways out. */
static int open_offsets(const struct pelt_opts *o, struct koffsets *ko)
{
	char err[200];
	int r;

	if (o->offsets) {
		if ((r = koff_from_file(ko, o->offsets, err, sizeof(err))))
			msg_err("kernel struct offsets: %s", err);
		return r;
	}
	if (feat_btf() <= 0) {
		if (sched_tp_loaded())
			return 1;
		msg_err("pelt needs the kernel's BTF (/sys/kernel/btf/vmlinux, %s) to find "
			"its structs: give --offsets FILE, made on a build host with "
			"`schedtap btf offsets VMLINUX > FILE`, or load the sched_tp module, "
			"whose events pelt then reads",
			feat_forced("FORCE_NO_BTF") ? "forced off by SCHEDTAP_FORCE_NO_BTF"
						    : "absent here");
		return -ENOENT;
	}
	if ((r = koff_from_btf(ko, NULL, err, sizeof(err))))
		msg_err("reading BTF: %s", err);
	return r;
}

/* The programs this kernel can take: cfs always; the others where their
 * tracepoint and fields exist (pelt_irq_tp needs CONFIG_HAVE_SCHED_AVG_IRQ).
 * Not sched_util_est_cfs_tp: it fires at every enqueue and dequeue (2.3
 * times per pipe round trip here, 179 ns each: +18% on perf bench sched
 * pipe), and pelt_cfs_tp's sched_avg already holds the util_est. */
int pelt_cpu_programs(const struct koffsets *ko, const struct tap_prog_def **progs)
{
	static const struct { const struct tap_prog_def *def; const char *field; } opt[] = {
		{ &prog_pelt_rt, "rq.avg_rt.util_avg" }, { &prog_pelt_dl, "rq.avg_dl.util_avg" },
		{ &prog_pelt_irq, "rq.avg_irq.util_avg" }, { &prog_pelt_cap, "rq.cpu_capacity" },
		{ &prog_pelt_nr, "rq.nr_running" }, { &prog_pelt_ovu, NULL },
	};
	char args[4][48], err[160];
	struct koff_field f;
	int n = 0;

	progs[n++] = &prog_pelt_cfs;
	for (unsigned i = 0; i < sizeof(opt) / sizeof(opt[0]); i++)
		if (koff_tp_args(ko, opt[i].def->raw_tp, args, 4) > 0 &&
		    (!opt[i].field || !koff_field(ko, opt[i].field, &f, err, sizeof(err))))
			progs[n++] = opt[i].def;
	return n;
}

static int choose_programs(const struct pelt_opts *o, const struct koffsets *ko,
			   const struct tap_prog_def **progs)
{
	char args[4][48];
	int n = pelt_cpu_programs(ko, progs);

	if (o->tasks) {
		progs[n++] = &prog_pelt_se;
		if (koff_tp_args(ko, prog_pelt_est_se.raw_tp, args, 4) > 0)
			progs[n++] = &prog_pelt_est_se;
	}
	return n;
}

/* -g reads the task group of each cfs_rq: kernels without
 * CONFIG_FAIR_GROUP_SCHED have none, and the module's events (ko NULL)
 * are read for CPUs and tasks only. */
static int need_groups(const struct koffsets *ko)
{
	struct koff_field f;
	char err[160];

	if (!ko) {
		msg_err("-g: task groups need BTF or an offsets file (the sched_tp module's "
			"events are read for CPUs and tasks)");
		return -ENOTSUP;
	}
	if (!koff_field(ko, "cfs_rq.tg", &f, err, sizeof(err)))
		return 0;
	msg_err("-g: this kernel has no task groups (%s: no cfs_rq.tg, so no "
		"CONFIG_FAIR_GROUP_SCHED)", ko->source);
	return -ENOENT;
}

struct cgroup_paths *pelt_cgroup_names(struct cgroup_paths *cg)
{
	int err = cgroup_paths_open(cg);

	if (!err)
		return cg;
	msg_err("-g: no names for task groups (the cpu controller's cgroups: %s): "
		 "they are shown as '?' with their cgroup_id in CSV and JSON", strerror(-err));
	return NULL;
}

/* The module's events this kernel has: the CPU ones; with --tasks, the
 * task ones (not sched_util_est_cfs, as with BTF). */
static int choose_module_programs(const struct pelt_opts *o, const struct tap_prog_def **progs)
{
	static const struct tap_prog_def *const cpu[] = {
		&prog_pmod_cfs, &prog_pmod_rt, &prog_pmod_dl, &prog_pmod_irq, &prog_pmod_cap,
		&prog_pmod_nr, &prog_pmod_ovu,
	}, *const task[] = { &prog_pmod_se, &prog_pmod_ese };
	int n = 0;

	for (unsigned i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++)
		if (feat_tracepoint("sched", cpu[i]->tp_event) > 0)
			progs[n++] = cpu[i];
	for (unsigned i = 0; o->tasks && i < sizeof(task) / sizeof(task[0]); i++)
		if (feat_tracepoint("sched", task[i]->tp_event) > 0)
			progs[n++] = task[i];
	return n;
}

int cmd_pelt(int argc, char **argv)
{
	const struct tap_prog_def *progs[10];
	static struct pelt_opts o;
	static struct session s;
	static struct koffsets ko;
	static struct cgroup_paths cg;
	struct pelt_run r;
	int err, p, module;

	memset(&o, 0, sizeof(o));
	if ((p = parse(&o, argc, argv)) >= 0)
		return p;
	memset(&r, 0, sizeof(r));
	r.opt = &o;
	r.s = &s;
	if (!o.cli.dump && feat_require_privileges(o.cli.cmd))
		return EXIT_RUNTIME;
	if ((module = open_offsets(&o, &ko)) < 0)
		return EXIT_RUNTIME;
	if (o.prog.groups && (module ? need_groups(NULL) : need_groups(&ko))) {
		koff_free(&ko);
		return EXIT_RUNTIME;
	}
	if (o.events) {
		p = pelt_events(&o.cli, &o.prog, module ? NULL : &ko, o.event_mask,
				o.event_list != NULL);
		koff_free(&ko);
		return p;
	}
	if (o.prog.groups)
		r.groups = pelt_cgroup_names(&cg);
	s.ko = module ? NULL : &ko;
	err = session_open(&s, &o.cli, progs, module ? choose_module_programs(&o, progs) :
						      choose_programs(&o, &ko, progs), &o.prog);
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		out_init(&r.out, s.out, o.cli.fmt, cpu_cols, NCOLS);
		out_init(&r.tout, s.out, o.cli.fmt, task_cols, NTCOLS);
		out_init(&r.gout, s.out, o.cli.fmt, group_cols, NGCOLS);
		err = cli_interval_loop(&o.cli, NULL, report, &r);
	}
	p = session_close(&s, err);
	cgroup_paths_free(&cg);
	koff_free(&ko);
	return p;
}
