/* schedtap top: per-task CPU time and switching behaviour, refreshed
 * every interval, from counters kept in the kernel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "core/cli.h"
#include "cmd/commands.h"
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "kernel/loader.h"
#include "cmd/session.h"
#include "bpf/task_slot.h"
#include "kernel/maps.h"
#include "core/msg.h"
#include "core/output.h"
#include "core/sig.h"
#include "cmd/task_table.h"
#include "bpf/top.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap top [options] [interval [count]]\n\n"
	"Per task (thread; --process: per process): CPU time, context switches,\n"
	"voluntary (went to sleep) and involuntary (preempted, still runnable)\n"
	"switches, migrations, the CPUs it ran on, last CPU, priority and nice,\n"
	"over each interval, busiest first. Kept in the kernel by sched_switch,\n"
	"sched_stat_runtime (CPU time), sched_migrate_task and sched_process_free\n"
	"programs. Where sched_stat_runtime counts CFS tasks only (kernel < 6.8),\n"
	"CPU time is the sum of the slices timed at each switch instead.\n\n"
	"options:\n"
	"  -p, --pid PID           only this task or process\n"
	"  -c, --comm NAME         only tasks with this name\n"
	"  -C, --cpu CPU           only tasks that ran on this CPU in the interval\n"
	"  -s, --sort KEY          cpu (default), switches, vol, invol, migr, pid, comm\n"
	"  -n, --top N             show N tasks (default 20 in the table, all in CSV/JSON)\n"
	"      --process           aggregate threads per process (TGID)\n"
	CLI_COMMON_HELP
	"\nCSV/JSON rows also carry totals since start (total_*), for scripts.\n";

enum {
	C_TS, C_IV, C_ID, C_TGID, C_COMM, C_PCT, C_CPU_MS, C_SW, C_VOL, C_INVOL,
	C_MIGR, C_CPUS, C_LAST, C_PRIO, C_NICE, C_RT_NS, C_TOT_RT, C_TOT_SW,
	C_TOT_VOL, C_TOT_INVOL, C_TOT_MIGR, NCOLS
};

static const struct out_col cols[NCOLS] = {
	[C_TS] = { "timestamp_s", "TIME", OUT_F64, 14, 3, 0, OUT_MACHINE_ONLY },
	[C_IV] = { "interval_s", "INTERVAL", OUT_F64, 8, 3, 0, OUT_MACHINE_ONLY },
	[C_ID] = { "tid", "TID", OUT_U64, 7, 0, 0, 0 },
	[C_TGID] = { "pid", "PID", OUT_U64, 7, 0, 0, OUT_MACHINE_ONLY },
	[C_COMM] = { "comm", "COMM", OUT_STR, 16, 0, 1, 0 },
	[C_PCT] = { "cpu_pct", "CPU%", OUT_F64, 6, 1, 0, 0 },
	[C_CPU_MS] = { "cpu_ms", "CPU_MS", OUT_F64, 9, 1, 0, 0 },
	[C_SW] = { "switches", "SW", OUT_U64, 7, 0, 0, 0 },
	[C_VOL] = { "voluntary", "VOL", OUT_U64, 7, 0, 0, 0 },
	[C_INVOL] = { "involuntary", "INVOL", OUT_U64, 7, 0, 0, 0 },
	[C_MIGR] = { "migrations", "MIGR", OUT_U64, 6, 0, 0, 0 },
	[C_CPUS] = { "cpus", "CPUS", OUT_STR, 8, 0, 1, 0 },
	[C_LAST] = { "last_cpu", "LAST", OUT_U64, 4, 0, 0, 0 },
	[C_PRIO] = { "prio", "PRIO", OUT_S64, 4, 0, 0, 0 },
	[C_NICE] = { "nice", "NI", OUT_STR, 3, 0, 0, 0 },
	[C_RT_NS] = { "cpu_ns", "CPU_NS", OUT_U64, 12, 0, 0, OUT_MACHINE_ONLY },
	[C_TOT_RT] = { "total_cpu_ns", "TOTAL_NS", OUT_U64, 14, 0, 0, OUT_MACHINE_ONLY },
	[C_TOT_SW] = { "total_switches", "TSW", OUT_U64, 8, 0, 0, OUT_MACHINE_ONLY },
	[C_TOT_VOL] = { "total_voluntary", "TVOL", OUT_U64, 8, 0, 0, OUT_MACHINE_ONLY },
	[C_TOT_INVOL] = { "total_involuntary", "TINVOL", OUT_U64, 8, 0, 0, OUT_MACHINE_ONLY },
	[C_TOT_MIGR] = { "total_migrations", "TMIGR", OUT_U64, 8, 0, 0, OUT_MACHINE_ONLY },
};

enum sort_key { SORT_CPU, SORT_SW, SORT_VOL, SORT_INVOL, SORT_MIGR, SORT_PID, SORT_COMM };

struct top_opts {
	struct cli_common cli;
	long pid, cpu, top;
	const char *comm;
	enum sort_key sort;
	int process;
};

struct top_run {
	const struct top_opts *opt;
	struct task_table table;
	struct out out;
	enum map_read_mode read_mode;
	uint64_t full_prev;
	int said_full, said_next_key;
	const struct tap_obj *obj;
	int ncpus;
	struct top_params prog;
};

static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const struct task_row *x = a, *y = b;
	enum sort_key k = *(const enum sort_key *)ctx;
	uint64_t u = 0, v = 0;

	switch (k) {
	case SORT_CPU: u = x->d.runtime_ns; v = y->d.runtime_ns; break;
	case SORT_SW: u = x->d.switches; v = y->d.switches; break;
	case SORT_VOL: u = x->d.voluntary; v = y->d.voluntary; break;
	case SORT_INVOL: u = x->d.involuntary; v = y->d.involuntary; break;
	case SORT_MIGR: u = x->d.migrations; v = y->d.migrations; break;
	case SORT_PID: return x->id < y->id ? -1 : x->id > y->id;
	case SORT_COMM: return strncmp(x->comm, y->comm, TOP_COMM_LEN);
	}
	if (u != v)
		return u > v ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int keep(const struct top_opts *o, const struct task_row *r)
{
	if (o->pid >= 0 && r->id != (uint32_t)o->pid && r->tgid != (uint32_t)o->pid)
		return 0;
	if (o->comm && strncmp(r->comm, o->comm, TOP_COMM_LEN))
		return 0;
	if (o->cpu >= 0 && (o->cpu > 63 || !(r->d.cpus & (1ull << o->cpu)) ||
			    !r->d.active))
		return 0;
	return 1;
}

static void print_row(struct top_run *t, const struct task_row *r, double ts, double iv)
{
	char cpus[64], nice[8];
	struct out_val v[NCOLS];
	int prio = r->prio;

	task_cpu_list(r->d.cpus, r->beyond_64, cpus, sizeof(cpus));
	/* Nice only means something for normal tasks: prio 100..139. */
	if (prio >= 100 && prio <= 139)
		snprintf(nice, sizeof(nice), "%d", prio - 120);
	else
		snprintf(nice, sizeof(nice), "-");
	memset(v, 0, sizeof(v));
	v[C_TS].f = ts;
	v[C_IV].f = iv;
	v[C_ID].u = r->id;
	v[C_TGID].u = r->tgid;
	v[C_COMM] = (struct out_val){ .str = r->comm, .len = TOP_COMM_LEN };
	v[C_PCT].f = iv > 0 ? 100.0 * (double)r->d.runtime_ns / (iv * 1e9) : 0;
	v[C_CPU_MS].f = (double)r->d.runtime_ns / 1e6;
	v[C_SW].u = r->d.switches;
	v[C_VOL].u = r->d.voluntary;
	v[C_INVOL].u = r->d.involuntary;
	v[C_MIGR].u = r->d.migrations;
	v[C_CPUS] = (struct out_val){ .str = cpus, .len = -1 };
	v[C_LAST].u = r->last_cpu;
	v[C_PRIO].s = prio;
	v[C_NICE] = (struct out_val){ .str = nice, .len = -1 };
	v[C_RT_NS].u = r->d.runtime_ns;
	v[C_TOT_RT].u = r->t.runtime_ns;
	v[C_TOT_SW].u = r->t.switches;
	v[C_TOT_VOL].u = r->t.voluntary;
	v[C_TOT_INVOL].u = r->t.involuntary;
	v[C_TOT_MIGR].u = r->t.migrations;
	out_row(&t->out, v);
}

static void title(struct top_run *t, double ts, double iv, int shown, int total)
{
	char buf[160];
	size_t n;

	cli_interval_title(buf, sizeof(buf), ts, iv);
	n = strlen(buf);
	snprintf(buf + n, sizeof(buf) - n, "  %d of %d %s%s", shown, total,
		 t->opt->process ? "processes" : "tasks",
		 t->full_prev ? "  (task map full: some tasks not counted)" : "");
	out_group(&t->out, buf);
}

static int report(struct top_run *t, double iv)
{
	const struct top_opts *o = t->opt;
	struct task_row *rows;
	double ts = cli_wall_seconds();
	long limit = o->top ? o->top : (o->cli.fmt == OUT_TABLE ? 20 : 0);
	int n, shown = 0, kept = 0;

	n = task_table_rows(&t->table, o->process, (uint64_t)(iv * 1e9), &rows);
	if (n < 0)
		return msg_errno(n, "collecting task rows");
	qsort_r(rows, (size_t)n, sizeof(*rows), cmp_rows, (void *)&o->sort);
	for (int i = 0; i < n; i++)
		kept += keep(o, &rows[i]);
	title(t, ts, iv, limit && kept > limit ? (int)limit : kept, n);
	for (int i = 0; i < n && (!limit || shown < limit); i++) {
		if (!keep(o, &rows[i]))
			continue;
		print_row(t, &rows[i], ts, iv);
		shown++;
	}
	free(rows);
	return 0;
}

static int take_entry(void *ctx, const void *key, const void *value)
{
	struct top_run *t = ctx;

	return task_table_update(&t->table, *(const uint32_t *)key, value);
}

/* CPU time the kernel holds per CPU, not yet in the task map: the
 * running task's. With slice timing, its slice so far (who went in on each
 * CPU, and when, up to the time of the sample); otherwise what
 * sched_stat_runtime reported for it. Read after the task map: what was
 * pending is in the map by the next sample, so a task switched out in
 * between is counted late, never twice. */
static int add_pending(struct top_run *t, const struct tap_obj *obj, int ncpus)
{
	struct cpu_slot *slots = calloc((size_t)ncpus, sizeof(*slots));
	uint64_t now = sig_now_ns();

	if (!slots)
		return -ENOMEM;
	if (bpf_map_lookup(tap_map_fd(obj, "top_oncpu"), &(uint32_t){ 0 }, slots))
		memset(slots, 0, sizeof(*slots) * (size_t)ncpus);
	for (int i = 0; i < ncpus; i++) {
		uint64_t v = slots[i].value;

		if (!t->prog.slice_timing)
			task_table_add_runtime(&t->table, slots[i].pid, v);
		else if (v && v < now)
			task_table_add_runtime(&t->table, slots[i].pid, now - v);
	}
	free(slots);
	return 0;
}

static int sample(struct top_run *t, const struct tap_obj *obj, int ncpus)
{
	uint64_t *full = calloc((size_t)ncpus, sizeof(*full));
	int r;

	if (!full)
		return -ENOMEM;
	task_table_begin(&t->table);
	r = map_for_each(tap_map_fd(obj, "tasks"), 4, sizeof(struct top_task),
			 TOP_MAX_TASKS, take_entry, t, &t->read_mode);
	if (r < 0) {
		free(full);
		return msg_errno(r, "reading the task map");
	}
	if (t->read_mode == MAP_READ_NEXT_KEY)
		feat_note_once(&t->said_next_key, "no batch map lookups (%s): reading the "
			       "task map with get_next_key",
			       feat_forced("FORCE_NO_BATCH") ? "forced by SCHEDTAP_FORCE_NO_BATCH"
							     : "kernel < 5.6");
	task_table_sort(&t->table);
	if (add_pending(t, obj, ncpus)) {
		free(full);
		return -ENOMEM;
	}
	/* Per-CPU miss counter: any non-zero slot means the map filled. */
	t->full_prev = 0;
	if (!map_read_percpu_u64(tap_map_fd(obj, "top_full"), 0, full, ncpus))
		for (int i = 0; i < ncpus; i++)
			t->full_prev += full[i];
	free(full);
	return 0;
}

/* The counts the first interval starts from: the others were attached
 * after sched_switch and before the loop began. */
static int baseline(void *ctx)
{
	struct top_run *t = ctx;
	struct task_row *rows;
	int err = sample(t, t->obj, t->ncpus), n;

	if (err)
		return err;
	n = task_table_rows(&t->table, t->opt->process, 0, &rows);
	if (n < 0)
		return msg_errno(n, "collecting task rows");
	free(rows);
	return 0;
}

static int report_interval(void *ctx, double iv)
{
	struct top_run *t = ctx;
	int err = sample(t, t->obj, t->ncpus);

	if (!err)
		err = report(t, iv);
	if (err)
		return err;
	if (t->full_prev && !t->said_full++)
		msg_err("warning: the task map (%d entries) is full: %llu updates "
			"were dropped; totals for new tasks are incomplete",
			TOP_MAX_TASKS, (unsigned long long)t->full_prev);
	err = out_flush(&t->out);
	return err ? msg_errno(err, "writing the report") : 0;
}

static void start_output(struct top_run *t, FILE *f)
{
	static struct out_col c[NCOLS];

	/* Per process, the row's id is the PID. */
	memcpy(c, cols, sizeof(c));
	if (t->opt->process) {
		c[C_ID].name = "pid";
		c[C_ID].title = "PID";
		c[C_TGID].name = "tgid";
	}
	out_init(&t->out, f, t->opt->cli.fmt, c, NCOLS);
}

static int parse(struct top_opts *o, int argc, char **argv)
{
	enum { OPT_PROCESS = OPT_OWN };
	static const char *const sorts[] = { "cpu", "switches", "vol", "invol", "migr",
					     "pid", "comm" };
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "pid", required_argument, 0, 'p' },
		{ "comm", required_argument, 0, 'c' },
		{ "cpu", required_argument, 0, 'C' },
		{ "sort", required_argument, 0, 's' },
		{ "top", required_argument, 0, 'n' },
		{ "process", no_argument, 0, OPT_PROCESS },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, bad = 0, k = 0;

	cli_init(c, "top");
	o->pid = o->cpu = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_COMMON_SHORT "p:c:C:s:n:",
					   longopts, help)) >= 0) {
		switch (opt) {
		case 'p': bad = cli_pid(c, optarg, &o->pid); break;
		case 'c': bad = cli_comm(c, optarg, &o->comm); break;
		case 'C': bad = cli_cpu(c, optarg, 63, &o->cpu); break;
		case 'n': bad = cli_long(c, optarg, 1, 1000000, &o->top); break;
		case OPT_PROCESS: o->process = 1; break;
		case 's':
			bad = cli_choice(c, optarg, sorts, 7, &k);
			o->sort = (enum sort_key)k;
			break;
		}
	}
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_INTERVAL_COUNT);
}

/* CPU time from sched_stat_runtime where it covers every class; else
 * timed slices (and no runtime program). The hot two on tp_btf where the
 * kernel has BTF; migrations and frees, rare, on their tracepoints. */
static int choose_programs(struct top_run *t, struct session *s,
			   const struct tap_prog_def **progs)
{
	int btf = session_btf_typed(s), n = 0;

	t->prog.slice_timing = !feat_runtime_all_classes();
	if (t->prog.slice_timing)
		feat_note_once(&(int){ 0 }, "%s: CPU time is timed at each switch",
			       feat_forced("FORCE_SLICE_TIMING")
				       ? "forced by SCHEDTAP_FORCE_SLICE_TIMING"
				       : "sched_stat_runtime counts CFS tasks only (kernel < 6.8)");
	progs[n++] = btf ? &prog_top_switch_btf : &prog_top_switch;
	if (!t->prog.slice_timing)
		progs[n++] = btf ? &prog_top_runtime_btf : &prog_top_runtime;
	progs[n++] = &prog_top_migrate;
	progs[n++] = &prog_top_free;
	return n;
}

int cmd_top(int argc, char **argv)
{
	const struct tap_prog_def *progs[4];
	static struct session s;
	struct top_opts o;
	struct top_run t;
	int err, r;

	memset(&o, 0, sizeof(o));
	if ((r = parse(&o, argc, argv)) >= 0)
		return r;
	memset(&t, 0, sizeof(t));
	t.opt = &o;
	task_table_init(&t.table);
	err = session_open(&s, &o.cli, progs, choose_programs(&t, &s, progs), &t.prog);
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		t.obj = &s.obj;
		t.ncpus = s.ncpus;
		start_output(&t, s.out);
		err = cli_interval_loop(&o.cli, baseline, report_interval, &t);
	}
	task_table_free(&t.table);
	return session_close(&s, err);
}
