/* schedtap micro: hardware counters per task, charged at every context
 * switch: each CPU's counters are read when a task goes in and when it
 * goes out, and the difference is the task's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include "core/help.h"
#include "bpf/micro.h"
#include "cmd/commands.h"
#include "cmd/event_stream.h"
#include "cmd/session.h"
#include "core/cli.h"
#include "core/msg.h"
#include "core/output.h"
#include "core/sig.h"
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "kernel/maps.h"
#include "kernel/perf_counters.h"
#include "kernel/fd_close.h"
#include "cmd/proc_task.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap micro [options] [interval [count]]\n"
	"       schedtap micro --events [-e LIST] [-p PID] [-d SECONDS] [options]\n\n"
	"Per task, over each interval: CPU time, context switches and the perf\n"
	"counters of the CPUs it ran on, charged to it at every switch (one\n"
	"counting event per CPU, read by the sched_switch program when a task\n"
	"goes in and out), with IPC, cycles per ms of CPU time, cache and branch\n"
	"misses per kilo-instruction; where the kernel has BTF, the task's PELT\n"
	"util_avg and util_est as it last left a CPU. Without a PMU (most VMs)\n"
	"it says so and counts only what is real: CPU time, switches and the\n"
	"software counters.\n\n"
	"With --events, a row per slice instead, as it ends: its CPU, task, run\n"
	"time, counts and ratios (-p filters in the kernel), until -d or Ctrl-C.\n\n"
	"options:\n"
	"  -e, --counters LIST     counters, comma-separated, at most 6 (default:\n"
	"                          cycles,instructions,cache-references,\n"
	"                          cache-misses,branch-misses; without a PMU\n"
	"                          cpu-clock,page-faults); known: cycles,\n"
	"                          instructions, cache-references, cache-misses,\n"
	"                          branches, branch-misses, cpu-clock, page-faults\n"
	"  -p, --pid PID           only this task or process\n"
	"  -n, --top N             show N tasks (default 20 in the table, all in CSV/JSON)\n"
	"      --events            stream a row per slice\n"
	"  -d, --duration SECONDS  --events: stop after this long (default: Ctrl-C)\n"
	"      --perf-buffer       --events: a perf buffer even where a ring buffer exists\n"
	CLI_COMMON_HELP
	"\nCSV/JSON rows carry the raw counts; a ratio whose divisor is 0 is null.\n";

static const char *const default_events[] = { "cycles", "instructions", "cache-references",
					      "cache-misses", "branch-misses" };
static const char *const no_pmu_events[] = { "cpu-clock", "page-faults" };

struct micro_opts {
	struct cli_common cli;
	long pid, top;
	int events;		/* --events: a record per slice */
	const struct perf_counter_def *ev[MICRO_MAX_COUNTERS];
	int nev;		/* 0: the defaults for this machine */
};

/* A task's totals since start, as of one sample. */
struct snap {
	uint32_t tid, tgid, util_avg, util_est;
	char comm[MICRO_COMM_LEN];
	uint64_t runtime_ns, switches, ctr[MICRO_MAX_COUNTERS];
};

struct row {
	const struct snap *s;
	uint64_t runtime_ns, switches, ctr[MICRO_MAX_COUNTERS];
	double t_ms;		/* --events: since the start */
	uint32_t cpu;
};

/* What fills each output column. */
enum kind {
	K_TS, K_IV, K_TID, K_PID, K_COMM, K_CPU_MS, K_SW, K_CTR, K_RATIO, K_UTIL, K_UTIL_EST,
	K_RT_NS, K_TIME_MS, K_CPU, K_RUN_US
};
#define MAX_COLS 24

struct mcol {
	enum kind kind;
	/* K_RATIO: counter num per counter den (NULL: per ns of CPU time),
	 * times scale; shown only where both are counted. */
	const char *num, *den;
	double scale;
	struct out_col col;
};

static const struct mcol head_cols[] = {
	{ K_TS, 0, 0, 0, { "timestamp_s", "TIME", OUT_F64, 14, 3, 0, OUT_MACHINE_ONLY } },
	{ K_IV, 0, 0, 0, { "interval_s", "INTERVAL", OUT_F64, 8, 3, 0, OUT_MACHINE_ONLY } },
	{ K_TID, 0, 0, 0, { "tid", "TID", OUT_U64, 7, 0, 0, 0 } },
	{ K_PID, 0, 0, 0, { "pid", "PID", OUT_U64, 7, 0, 0, OUT_MACHINE_ONLY } },
	{ K_COMM, 0, 0, 0, { "comm", "COMM", OUT_STR, 16, 0, 1, 0 } },
	{ K_CPU_MS, 0, 0, 0, { "cpu_ms", "CPU_MS", OUT_F64, 9, 1, 0, 0 } },
	{ K_SW, 0, 0, 0, { "switches", "SW", OUT_U64, 6, 0, 0, 0 } },
};

/* --events: a row per slice. */
static const struct mcol event_head_cols[] = {
	{ K_TIME_MS, 0, 0, 0, { "time_ms", "TIME(ms)", OUT_F64, 12, 3, 0, 0 } },
	{ K_CPU, 0, 0, 0, { "cpu", "CPU", OUT_U64, 4, 0, 0, 0 } },
	{ K_TID, 0, 0, 0, { "tid", "TID", OUT_U64, 7, 0, 0, 0 } },
	{ K_COMM, 0, 0, 0, { "comm", "COMM", OUT_STR, 16, 0, 1, 0 } },
	{ K_RUN_US, 0, 0, 0, { "run_us", "RUN(us)", OUT_F64, 10, 1, 0, 0 } },
};

static const struct mcol tail_cols[] = {
	{ K_RATIO, "instructions", "cycles", 1, { "ipc", "IPC", OUT_F64, 5, 2, 0, 0 } },
	{ K_RATIO, "cycles", NULL, 1e6, { "cycles_per_ms", "CYC/MS", OUT_F64, 9, 0, 0, 0 } },
	{ K_RATIO, "cache-misses", "instructions", 1e3, { "cache_mpki", "MPKI", OUT_F64, 6, 2, 0, 0 } },
	{ K_RATIO, "cache-misses", "cache-references", 100, { "cache_miss_pct", "MISS%", OUT_F64, 6, 1, 0, 0 } },
	{ K_RATIO, "branch-misses", "instructions", 1e3, { "branch_mpki", "BR_MPKI", OUT_F64, 7, 2, 0, 0 } },
	{ K_UTIL, 0, 0, 0, { "util_avg", "UTIL", OUT_U64, 5, 0, 0, 0 } },
	{ K_UTIL_EST, 0, 0, 0, { "util_est", "UTIL_EST", OUT_U64, 8, 0, 0, 0 } },
	{ K_RT_NS, 0, 0, 0, { "cpu_ns", "CPU_NS", OUT_U64, 12, 0, 0, OUT_MACHINE_ONLY } },
};

struct micro_run {
	const struct micro_opts *opt;
	const struct perf_counter_def *ev[MICRO_MAX_COUNTERS];
	int nev;
	struct micro_params prog;
	int *fds;			/* nev * ncpus, -1 where not open */
	const struct session *s;
	struct snap *prev, *cur;
	size_t nprev, ncur, cap, capprev;
	struct out out;
	struct out_col cols[MAX_COLS];
	const struct mcol *def[MAX_COLS];
	int num[MAX_COLS], den[MAX_COLS];	/* K_CTR, K_RATIO: counter indexes */
	int ncols;
	uint64_t *enabled, *running;	/* per counter, at the last sample */
	uint32_t *gone;			/* freed tasks read this sample: to delete */
	size_t ngone, capgone;
	int said_full, said_mux, said_failed;
};

/* The index of the counter named name (NULL: -1, CPU time), or -2. */
static int find_event(const struct micro_run *m, const char *name)
{
	for (int i = 0; name && i < m->nev; i++)
		if (!strcmp(m->ev[i]->name, name))
			return i;
	return name ? -2 : -1;
}

static void add_cols(struct micro_run *m, const struct mcol *d, int n)
{
	for (int i = 0; i < n && m->ncols < MAX_COLS; i++, d++) {
		int c = m->ncols;

		m->num[c] = find_event(m, d->num);
		m->den[c] = find_event(m, d->den);
		if ((d->kind == K_RATIO && (m->num[c] < 0 || m->den[c] < -1)) ||
		    ((d->kind == K_UTIL || d->kind == K_UTIL_EST) && !m->prog.util))
			continue;
		m->def[c] = d;
		m->cols[c] = d->col;
		m->ncols++;
	}
}

/* The columns this run has: a ratio only where both its counters are. */
static void build_cols(struct micro_run *m)
{
	static struct mcol ctr_cols[MICRO_MAX_COUNTERS];

	if (m->opt->events)
		add_cols(m, event_head_cols, TAP_ARRAY_SIZE(event_head_cols));
	else
		add_cols(m, head_cols, TAP_ARRAY_SIZE(head_cols));
	for (int i = 0; i < m->nev; i++)
		ctr_cols[i] = (struct mcol){ K_CTR, m->ev[i]->name, NULL, 0,
					     { m->ev[i]->col, m->ev[i]->title, OUT_U64, 12, 0, 0, 0 } };
	add_cols(m, ctr_cols, m->nev);
	/* A slice's own time is its run_us: no cpu_ns column. */
	add_cols(m, tail_cols, TAP_ARRAY_SIZE(tail_cols) - (m->opt->events ? 1 : 0));
}

static struct out_val util_val(uint32_t u)
{
	return u == MICRO_NO_UTIL ? OUT_NONE : (struct out_val){ .u = u };
}

static void print_row(struct micro_run *m, const struct row *r, double ts, double iv)
{
	struct out_val v[MAX_COLS];
	const struct snap *s = r->s;

	memset(v, 0, sizeof(v));
	for (int c = 0; c < m->ncols; c++) {
		double den;

		switch (m->def[c]->kind) {
		case K_TS: v[c].f = ts; break;
		case K_IV: v[c].f = iv; break;
		case K_TID: v[c].u = s->tid; break;
		case K_PID: v[c].u = s->tgid; break;
		case K_COMM: v[c] = (struct out_val){ .str = s->comm, .len = MICRO_COMM_LEN }; break;
		case K_CPU_MS: v[c].f = (double)r->runtime_ns / 1e6; break;
		case K_SW: v[c].u = r->switches; break;
		case K_CTR: v[c].u = r->ctr[m->num[c]]; break;
		case K_RATIO:
			den = (double)(m->den[c] < 0 ? r->runtime_ns : r->ctr[m->den[c]]);
			v[c] = den > 0 ? (struct out_val){ .f = (double)r->ctr[m->num[c]] *
								 m->def[c]->scale / den }
				       : OUT_NONE;
			break;
		case K_UTIL: v[c] = util_val(s->util_avg); break;
		case K_UTIL_EST: v[c] = util_val(s->util_est); break;
		case K_RT_NS: v[c].u = r->runtime_ns; break;
		case K_TIME_MS: v[c].f = r->t_ms; break;
		case K_CPU: v[c].u = r->cpu; break;
		case K_RUN_US: v[c].f = (double)r->runtime_ns / 1e3; break;
		}
	}
	out_row(&m->out, v);
}

static int cmp_tid(const void *a, const void *b)
{
	const struct snap *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static struct snap *find_snap(struct snap *v, size_t n, uint32_t tid)
{
	struct snap key = { .tid = tid };

	return n ? bsearch(&key, v, n, sizeof(*v), cmp_tid) : NULL;
}

static struct snap *new_snap(struct micro_run *m)
{
	if (m->ncur == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		struct snap *c = realloc(m->cur, cap * sizeof(*c));

		if (!c)
			return NULL;
		m->cur = c;
		m->cap = cap;
	}
	memset(&m->cur[m->ncur], 0, sizeof(*m->cur));
	return &m->cur[m->ncur++];
}

static int take_entry(void *ctx, const void *key, const void *value)
{
	struct micro_run *m = ctx;
	const struct micro_task *t = value;
	struct snap *s = new_snap(m);

	if (!s)
		return -ENOMEM;
	s->tid = *(const uint32_t *)key;
	s->tgid = t->tgid;
	s->util_avg = t->util_avg;
	s->util_est = t->util_est;
	memcpy(s->comm, t->comm, sizeof(s->comm));
	s->runtime_ns = t->runtime_ns;
	s->switches = t->switches;
	memcpy(s->ctr, t->ctr, sizeof(s->ctr));
	if (!t->gone)
		return 0;
	if (m->ngone == m->capgone) {
		size_t cap = m->capgone ? 2 * m->capgone : 64;
		uint32_t *g = realloc(m->gone, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		m->gone = g;
		m->capgone = cap;
	}
	m->gone[m->ngone++] = s->tid;
	return 0;
}

/* A task still running has its slice so far on its CPU: the time since
 * it went in, and each counter's value now (read() of the CPU's event)
 * less the one it went in with. Read after the task map, so that a slice
 * ended in between is counted late, never twice. */
static int add_running(struct micro_run *m)
{
	int ncpus = m->s->ncpus;
	struct micro_cpu *slots = calloc((size_t)ncpus, sizeof(*slots));
	uint64_t now = sig_now_ns();

	if (!slots)
		return -ENOMEM;
	if (bpf_map_lookup(tap_map_fd(&m->s->obj, "micro_oncpu"), &(uint32_t){ 0 }, slots))
		memset(slots, 0, sizeof(*slots) * (size_t)ncpus);
	for (int c = 0; c < ncpus; c++) {
		struct micro_cpu *sl = &slots[c];
		struct snap *s;

		if (!sl->valid || !sl->pid)
			continue;
		s = find_snap(m->cur, m->ncur, sl->pid);
		if (!s) {
			/* Not yet switched out since start: a row of its own. */
			if (!(s = new_snap(m))) {
				free(slots);
				return -ENOMEM;
			}
			s->tid = sl->pid;
			s->util_avg = s->util_est = MICRO_NO_UTIL;
			proc_task_comm("/proc", s->tid, s->comm, sizeof(s->comm));
			proc_task_tgid("/proc", s->tid, &s->tgid);
			qsort(m->cur, m->ncur, sizeof(*m->cur), cmp_tid);
			s = find_snap(m->cur, m->ncur, sl->pid);
		}
		if (sl->since && sl->since < now)
			s->runtime_ns += now - sl->since;
		for (int i = 0; i < m->nev; i++) {
			uint64_t v, e, r;
			int fd = m->fds[i * ncpus + c];

			if (fd >= 0 && !perf_counter_read(fd, &v, &e, &r) && v >= sl->start[i])
				s->ctr[i] += v - sl->start[i];
		}
	}
	free(slots);
	return 0;
}

static int sample(struct micro_run *m)
{
	struct snap *t = m->prev;
	size_t cap = m->capprev;
	int r;

	/* The current snapshot becomes the previous one. */
	m->prev = m->cur;
	m->nprev = m->ncur;
	m->capprev = m->cap;
	m->cur = t;
	m->cap = cap;
	m->ncur = 0;
	r = map_for_each(tap_map_fd(&m->s->obj, "micro_tasks"), 4, sizeof(struct micro_task),
			 MICRO_MAX_TASKS, take_entry, m, &(enum map_read_mode){ MAP_READ_AUTO });
	if (r < 0)
		return msg_errno(r, "reading the task map");
	/* Freed tasks are in this sample for the last time. */
	for (size_t i = 0; i < m->ngone; i++)
		bpf_map_delete(tap_map_fd(&m->s->obj, "micro_tasks"), &m->gone[i]);
	m->ngone = 0;
	qsort(m->cur, m->ncur, sizeof(*m->cur), cmp_tid);
	return add_running(m) ? msg_errno(-ENOMEM, "sampling running tasks") : 0;
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->runtime_ns != y->runtime_ns)
		return x->runtime_ns > y->runtime_ns ? -1 : 1;
	return x->s->tid < y->s->tid ? -1 : x->s->tid > y->s->tid;
}

static int keep(const struct micro_opts *o, const struct snap *s)
{
	return o->pid < 0 || s->tid == (uint32_t)o->pid || s->tgid == (uint32_t)o->pid;
}

/* Rows: what each task did since the previous sample. */
static int rows_of(struct micro_run *m, struct row **out)
{
	struct row *rows = calloc(m->ncur ? m->ncur : 1, sizeof(*rows));
	int n = 0;

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < m->ncur; i++) {
		const struct snap *c = &m->cur[i];
		const struct snap *p = find_snap(m->prev, m->nprev, c->tid);
		struct snap zero = { 0 };
		struct row *r = &rows[n];

		if (!keep(m->opt, c))
			continue;
		if (!p)
			p = &zero;
		r->s = c;
		r->runtime_ns = since(c->runtime_ns, p->runtime_ns);
		r->switches = since(c->switches, p->switches);
		for (int k = 0; k < m->nev; k++)
			r->ctr[k] = since(c->ctr[k], p->ctr[k]);
		n += r->runtime_ns || r->switches;
	}
	qsort(rows, (size_t)n, sizeof(*rows), cmp_rows);
	*out = rows;
	return n;
}

/* The PMU has fewer counters than asked for: it rotates them, and each
 * counts only part of the time. Said once, with how much. */
static void check_multiplexing(struct micro_run *m)
{
	int ncpus = m->s->ncpus;

	for (int i = 0; i < m->nev; i++) {
		uint64_t e = 0, r = 0, v, ee, rr;

		for (int c = 0; c < ncpus; c++) {
			int fd = m->fds[i * ncpus + c];

			if (fd >= 0 && !perf_counter_read(fd, &v, &ee, &rr)) {
				e += ee;
				r += rr;
			}
		}
		if (e > m->enabled[i] && r - m->running[i] < (e - m->enabled[i]) * 99 / 100 &&
		    !m->said_mux++)
			msg_err("warning: the PMU counted %s only %.0f%% of the time (more counters "
				"than it has at once): per-task counts are short by as much; "
				"ask for fewer with -e", m->ev[i]->name,
				100.0 * (double)(r - m->running[i]) / (double)(e - m->enabled[i]));
		m->enabled[i] = e;
		m->running[i] = r;
	}
}

static void warn_kernel_side(struct micro_run *m)
{
	int ncpus = m->s->ncpus;
	uint64_t *v = calloc((size_t)ncpus, sizeof(*v)), full = 0;
	struct micro_cpu *slots = calloc((size_t)ncpus, sizeof(*slots));

	if (v && !map_read_percpu_u64(tap_map_fd(&m->s->obj, "micro_full"), 0, v, ncpus))
		for (int c = 0; c < ncpus; c++)
			full += v[c];
	if (full && !m->said_full++)
		msg_err("warning: the task map (%d entries) is full: %llu slices were not "
			"counted", MICRO_MAX_TASKS, (unsigned long long)full);
	if (slots && !bpf_map_lookup(tap_map_fd(&m->s->obj, "micro_oncpu"), &(uint32_t){ 0 }, slots))
		for (int c = 0; c < ncpus; c++)
			if (slots[c].read_failed && !m->said_failed++)
				msg_err("warning: CPU %d refused %llu counter reads (a CPU brought "
					"online after start has no counters): those slices' counts "
					"went to the next task", m->s->cpu_ids[c],
					(unsigned long long)slots[c].read_failed);
	free(v);
	free(slots);
}

static int report(void *ctx, double iv)
{
	struct micro_run *m = ctx;
	const struct micro_opts *o = m->opt;
	long limit = o->top ? o->top : (o->cli.fmt == OUT_TABLE ? 20 : 0);
	double ts = cli_wall_seconds();
	struct row *rows;
	char title[160];
	int n, err = sample(m);

	if (err)
		return err;
	if ((n = rows_of(m, &rows)) < 0)
		return msg_errno(n, "collecting task rows");
	cli_interval_title(title, sizeof(title), ts, iv);
	out_group(&m->out, title);
	for (int i = 0; i < n && (!limit || i < limit); i++)
		print_row(m, &rows[i], ts, iv);
	free(rows);
	check_multiplexing(m);
	warn_kernel_side(m);
	err = out_flush(&m->out);
	return err ? msg_errno(err, "writing the report") : 0;
}

static int baseline(void *ctx)
{
	struct micro_run *m = ctx;

	check_multiplexing(m);
	return sample(m);
}

static int parse_events(struct micro_opts *o, const char *arg)
{
	const char *names[16];
	int idx[MICRO_MAX_COUNTERS], n = 0;

	while (n < 16 && perf_counter_defs[n].name) {
		names[n] = perf_counter_defs[n].name;
		n++;
	}
	if ((o->nev = cli_choice_list(&o->cli, arg, names, n, idx, MICRO_MAX_COUNTERS)) < 0)
		return -1;
	for (int i = 0; i < o->nev; i++)
		o->ev[i] = &perf_counter_defs[idx[i]];
	return 0;
}

static int parse(struct micro_opts *o, int argc, char **argv)
{
	enum { OPT_EVENTS = OPT_OWN };
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "counters", required_argument, 0, 'e' },
		{ "pid", required_argument, 0, 'p' },
		{ "top", required_argument, 0, 'n' },
		{ "events", no_argument, 0, OPT_EVENTS },
		{ "duration", required_argument, 0, 'd' },
		{ "perf-buffer", no_argument, 0, OPT_PERF_BUFFER },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, bad = 0;

	cli_init(c, "micro");
	o->pid = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_COMMON_SHORT "d:e:p:n:", longopts,
					   help)) >= 0) {
		switch (opt) {
		case OPT_EVENTS: o->events = 1; break;
		case 'e': bad = parse_events(o, optarg); break;
		case 'p': bad = cli_pid(c, optarg, &o->pid); break;
		case 'n': bad = cli_long(c, optarg, 1, 1000000, &o->top); break;
		}
	}
	opt = cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv,
			    o->events ? CLI_NO_ARGS : CLI_INTERVAL_COUNT);
	if (opt < 0 && !o->events && (c->duration > 0 || c->perf_buffer))
		return cli_usage_error(c, "-d and --perf-buffer are for --events"), EXIT_USAGE;
	if (opt < 0 && o->events && (c->interval_given || o->top))
		return cli_usage_error(c, "--events streams every slice: no -i or -n"), EXIT_USAGE;
	return opt;
}

/* Which counters this machine counts, tried on the CPU we run on: the
 * program is built for them. Asked-for ones must all be there; the
 * defaults are what of them the PMU has, or without one, the software
 * counters, said once. */
static int choose_events(struct micro_run *m, const struct micro_opts *o)
{
	int cpu = sched_getcpu(), absent = 0, first_err = 0;
	char missing[160] = "";
	size_t len = 0;

	if (cpu < 0)
		cpu = 0;
	if (o->nev) {
		for (int i = 0; i < o->nev; i++) {
			int fd = perf_counter_open(o->ev[i], cpu);

			if (fd < 0 && perf_counter_absent(fd)) {
				msg_err("cannot count %s: perf_event_open: %s: no PMU here "
					"counts it; the software counters cpu-clock and "
					"page-faults are always there", o->ev[i]->name,
					strerror(-fd));
				return fd;
			}
			if (fd < 0)
				return msg_errno(fd, "perf_event_open for %s on CPU %d",
						 o->ev[i]->name, cpu);
			close(fd);
			m->ev[m->nev++] = o->ev[i];
		}
		return 0;
	}
	for (size_t i = 0; i < sizeof(default_events) / sizeof(*default_events); i++) {
		const struct perf_counter_def *d = perf_counter_find(default_events[i]);
		int fd = perf_counter_open(d, cpu);

		if (fd >= 0) {
			close(fd);
			m->ev[m->nev++] = d;
			continue;
		}
		if (!perf_counter_absent(fd))
			return msg_errno(fd, "perf_event_open for %s on CPU %d", d->name, cpu);
		absent++;
		first_err = first_err ? first_err : fd;
		len += (size_t)snprintf(missing + len, len < sizeof(missing) ? sizeof(missing) - len : 0,
					"%s%s", len ? ", " : "", d->name);
	}
	if (!m->nev) {
		msg_err("note: no PMU: this machine counts no hardware events (perf_event_open "
			"cycles: %s); counting CPU time, switches and the software counters "
			"cpu-clock and page-faults", strerror(-first_err));
		for (size_t i = 0; i < sizeof(no_pmu_events) / sizeof(*no_pmu_events); i++)
			m->ev[m->nev++] = perf_counter_find(no_pmu_events[i]);
	} else if (absent) {
		msg_err("note: this PMU does not count %s (%s): left out", missing,
			strerror(-first_err));
	}
	return 0;
}

/* One counting event per counter and CPU, in the program's map at
 * i * MICRO_MAX_CPUS + cpu. A CPU that is offline gets none (its reads
 * fail and are counted). */
static int open_counters(struct micro_run *m)
{
	const struct session *s = m->s;
	int map = tap_map_fd(&s->obj, "micro_ctrs");

	m->fds = malloc(sizeof(int) * (size_t)(m->nev * s->ncpus));
	m->enabled = calloc(MICRO_MAX_COUNTERS, sizeof(uint64_t));
	m->running = calloc(MICRO_MAX_COUNTERS, sizeof(uint64_t));
	if (!m->fds || !m->enabled || !m->running)
		return msg_errno(-ENOMEM, "counters");
	for (int k = 0; k < m->nev * s->ncpus; k++)
		m->fds[k] = -1;
	for (int i = 0; i < m->nev; i++)
		for (int c = 0; c < s->ncpus; c++) {
			int cpu = s->cpu_ids[c], fd, err;
			uint32_t key = (uint32_t)(i * MICRO_MAX_CPUS + cpu);

			if (cpu >= MICRO_MAX_CPUS)
				return msg_errno(-E2BIG, "CPU %d: micro counts CPUs below %d", cpu,
						 MICRO_MAX_CPUS);
			fd = perf_counter_open(m->ev[i], cpu);
			if (fd == -ENODEV || fd == -EINVAL)
				continue;	/* offline */
			if (fd < 0)
				return msg_errno(fd, "perf_event_open for %s on CPU %d",
						 m->ev[i]->name, cpu);
			m->fds[i * s->ncpus + c] = fd;
			err = bpf_map_update(map, &key, &(uint32_t){ (uint32_t)fd }, BPF_ANY);
			if (err)
				return msg_errno(err, "putting the %s counter of CPU %d in the "
						 "program's map", m->ev[i]->name, cpu);
		}
	return 0;
}

static void close_counters(struct micro_run *m)
{
	if (m->fds && m->s)
		for (int k = 0; k < m->nev * m->s->ncpus; k++)
			if (m->fds[k] >= 0)
				close(m->fds[k]);
	free(m->fds);
	free(m->enabled);
	free(m->running);
	free(m->prev);
	free(m->cur);
	free(m->gone);
}

struct slice_stream {
	struct micro_run *m;
	uint64_t t0, written, bad;
};

static int take_slice(void *ctx, const void *data, uint32_t size)
{
	struct slice_stream *st = ctx;
	const struct micro_rec *rec = data;
	struct snap s = { 0 };
	struct row r = { 0 };

	if (size < sizeof(*rec)) {
		st->bad++;
		return 0;
	}
	s.tid = rec->pid;
	s.util_avg = rec->util_avg;
	s.util_est = rec->util_est;
	memcpy(s.comm, rec->comm, sizeof(s.comm));
	r.s = &s;
	r.runtime_ns = rec->runtime_ns;
	memcpy(r.ctr, rec->ctr, sizeof(r.ctr));
	r.t_ms = rec->ts_ns > st->t0 ? (double)(rec->ts_ns - st->t0) / 1e6 : 0;
	r.cpu = rec->cpu;
	print_row(st->m, &r, 0, 0);
	st->written++;
	return 0;
}

/* --events: the stream is mapped before the program runs. */
static int stream_slices(struct micro_run *m, struct session *s)
{
	struct slice_stream st = { .m = m };
	struct event_reader *rd = NULL;
	int err = stream_open(&rd, m->prog.perfbuf, &s->obj, s->cpu_ids, s->ncpus);

	if (!err)
		err = open_counters(m);
	if (!err)
		err = tap_obj_attach(&s->obj);
	if (!err) {
		build_cols(m);
		out_init(&m->out, s->out, m->opt->cli.fmt, m->cols, m->ncols);
		check_multiplexing(m);
		st.t0 = sig_now_ns();
		err = stream_run(rd, st.t0, m->opt->cli.duration, take_slice, &st, &m->out);
	}
	if (!err) {
		stream_summary(&m->out, &s->obj, rd, s->ncpus, s->cpu_ids, st.written, st.bad);
		check_multiplexing(m);
		warn_kernel_side(m);
		if (out_flush(&m->out))
			err = msg_errno(m->out.err ? m->out.err : -EIO, "writing the output");
	}
	if (rd)
		event_reader_free(rd);
	return err;
}

int cmd_micro(int argc, char **argv)
{
	const struct tap_prog_def *progs[2];
	static struct session s;
	struct micro_opts o;
	struct micro_run m;
	int err, r, btf;

	memset(&o, 0, sizeof(o));
	if ((r = parse(&o, argc, argv)) >= 0)
		return r;
	memset(&m, 0, sizeof(m));
	m.opt = &o;
	/* Counters are tried before the programs are built for them. */
	if (o.cli.dump) {
		for (int i = 0; i < (o.nev ? o.nev : 5); i++)
			m.ev[m.nev++] = o.nev ? o.ev[i] : perf_counter_find(default_events[i]);
	} else if (feat_require_privileges("micro") || choose_events(&m, &o)) {
		return EXIT_RUNTIME;
	}
	btf = session_btf_typed(&s);
	m.prog.ncounters = m.nev;
	m.prog.util = btf;
	m.prog.events = o.events;
	m.prog.pid = o.events ? o.pid : -1;
	m.prog.perfbuf = o.cli.perf_buffer;
	if (o.events)
		stream_choose_buffer(&m.prog.perfbuf);
	progs[0] = o.events ? (btf ? &prog_micro_events_btf : &prog_micro_events)
			    : (btf ? &prog_micro_switch_btf : &prog_micro_switch);
	progs[1] = &prog_micro_free;
	m.s = &s;
	err = session_open(&s, &o.cli, progs, o.events ? 1 : 2, &m.prog);
	if (!err && o.events) {
		err = stream_slices(&m, &s);
		close_counters(&m);
		return session_close(&s, err);
	}
	if (!err)
		err = open_counters(&m);
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		build_cols(&m);
		out_init(&m.out, s.out, o.cli.fmt, m.cols, m.ncols);
		err = cli_interval_loop(&o.cli, baseline, report, &m);
	}
	close_counters(&m);
	return session_close(&s, err);
}
