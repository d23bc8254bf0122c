#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bpf/pelt.h"
#include "bpf/runqlat.h"
#include "bpf/top.h"
#include "core/decimal.h"
#include "core/msg.h"
#include "core/sig.h"
#include "exporter/collect.h"
#include "kernel/bpf_sys.h"
#include "kernel/maps.h"
#include "lottery/pins.h"

/* Log2 buckets with bounds 2 us to 2^27 us (134 s); longer waits are in +Inf. */
#define RUNQ_BUCKETS 27

METRIC_FAMILY(f_switches, "schedtap_cpu_context_switches", METRIC_COUNTER,
	      "Context switches (sched:sched_switch) on each CPU.");
METRIC_FAMILY(f_runq, "schedtap_runqueue_latency_seconds", METRIC_HISTOGRAM,
	      "Time from becoming runnable (a wakeup, or a preemption) to running; "
	      "log2 buckets of microseconds, each le its exclusive upper bound.");
METRIC_FAMILY(f_cpu_s, "schedtap_task_cpu_seconds", METRIC_COUNTER,
	      "CPU time of each of the top tasks by CPU time, and of all others (pid=\"other\").");
METRIC_FAMILY(f_vol, "schedtap_task_voluntary_switches", METRIC_COUNTER,
	      "Switches out while asleep (blocked), per top task and other.");
METRIC_FAMILY(f_invol, "schedtap_task_involuntary_switches", METRIC_COUNTER,
	      "Switches out while still runnable (preempted), per top task and other.");
METRIC_FAMILY(f_migr, "schedtap_task_migrations", METRIC_COUNTER,
	      "Moves to another CPU (sched:sched_migrate_task), per top task and other.");
METRIC_FAMILY(f_wait, "schedtap_task_wait_seconds", METRIC_COUNTER,
	      "Time spent runnable, waiting for a CPU (the kernel's schedstat run_delay), "
	      "per top task.");
METRIC_FAMILY(f_full, "schedtap_task_map_full", METRIC_COUNTER,
	      "Events of tasks not counted: the in-kernel task map was full.");
METRIC_FAMILY(f_util, "schedtap_cpu_util_avg", METRIC_GAUGE,
	      "PELT utilization of the CPU's root CFS run queue (1024: one CPU at full capacity).");
METRIC_FAMILY(f_load, "schedtap_cpu_load_avg", METRIC_GAUGE,
	      "PELT load (weighted by nice) of the CPU's root CFS run queue.");
METRIC_FAMILY(f_runnable, "schedtap_cpu_runnable_avg", METRIC_GAUGE,
	      "PELT runnable average of the CPU's root CFS run queue.");
METRIC_FAMILY(f_est, "schedtap_cpu_util_est", METRIC_GAUGE,
	      "Estimated utilization (util_est) of the CPU's root CFS run queue.");
METRIC_FAMILY(f_cap, "schedtap_cpu_capacity", METRIC_GAUGE,
	      "The CPU's capacity as the scheduler sees it (1024: the biggest CPU at full speed).");
METRIC_FAMILY(f_nr, "schedtap_cpu_nr_running", METRIC_GAUGE,
	      "Tasks on the CPU's run queue at its last change.");
METRIC_FAMILY(f_lot_loaded, "schedtap_lottery_loaded", METRIC_GAUGE,
	      "1 when the lottery monitor is loaded (pinned), else 0.");
METRIC_FAMILY(f_tickets, "schedtap_lottery_tickets", METRIC_GAUGE,
	      "Tickets of each competing task in the lottery (top tasks by CPU time).");
METRIC_FAMILY(f_lot_cpu, "schedtap_lottery_cpu_seconds", METRIC_COUNTER,
	      "CPU time of each competing task, as the lottery monitor counts it.");
METRIC_FAMILY(f_owed, "schedtap_lottery_share_expected_ratio", METRIC_GAUGE,
	      "Share of its CPU group a task was owed over the last scrape interval "
	      "(its tickets over the group's).");
METRIC_FAMILY(f_got, "schedtap_lottery_share_actual_ratio", METRIC_GAUGE,
	      "Share of its CPU group's CPU time a task got over the last scrape interval.");
METRIC_FAMILY(f_jain, "schedtap_lottery_jain_index", METRIC_GAUGE,
	      "Jain's fairness index of got/owed over the last scrape interval (1: fair).");
METRIC_FAMILY(f_scrapes, "schedtap_exporter_scrapes", METRIC_COUNTER,
	      "Scrapes served, this one included.");
METRIC_FAMILY(f_duration, "schedtap_exporter_scrape_duration_seconds", METRIC_GAUGE,
	      "Time this scrape took to read the maps and write the page.");

int collect_init(struct collect *c, int top_n)
{
	size_t per = sizeof(struct top_task) > sizeof(struct runq_hist) ? sizeof(struct top_task)
									   : sizeof(struct runq_hist);

	task_top_init(&c->top, top_n);
	c->live = calloc(TOP_MAX_TASKS, sizeof(*c->live));
	c->percpu = calloc((size_t)c->ncpus, per);
	return c->live && c->percpu ? 0 : -ENOMEM;
}

void collect_free(struct collect *c)
{
	free(c->live);
	free(c->percpu);
	lot_snapshot_free(&c->lot_prev);
	c->live = NULL;
	c->percpu = NULL;
}

static int map_fd(const struct collect *c, const char *name)
{
	return tap_map_fd(c->obj, name);
}

static void cpu_label(char *buf, int id)
{
	snprintf(buf, 12, "%d", id);
}

static int render_switches(struct collect *c, struct metrics *m)
{
	uint64_t *v = c->percpu;
	char id[12];
	int err = map_read_percpu_u64(map_fd(c, "switches"), 0, v, c->ncpus);

	if (err)
		return msg_errno(err, "reading the per-CPU switch counters");
	metrics_family(m, &f_switches);
	for (int i = 0; i < c->ncpus; i++) {
		cpu_label(id, c->cpu_ids[i]);
		metrics_sample(m, &(struct metric_label){ "cpu", id }, 1, (double)v[i]);
	}
	return 0;
}

static void runq_series(struct metrics *m, const struct runq_hist *h, const char *cpu)
{
	double bounds[RUNQ_BUCKETS];
	uint64_t count = 0;

	for (int i = 0; i < RUNQ_BUCKETS; i++)
		bounds[i] = (double)(2ull << i) * 1e-6;
	for (int i = 0; i < RUNQ_SLOTS; i++)
		count += h->slots[i];
	metrics_histogram(m, &(struct metric_label){ "cpu", cpu }, cpu ? 1 : 0, bounds, h->slots,
			  RUNQ_BUCKETS, count, (double)h->sum_ns * 1e-9);
}

static int render_runqlat(struct collect *c, struct metrics *m)
{
	struct runq_hist *h = c->percpu, all;
	char id[12];
	int err = bpf_map_lookup(map_fd(c, "runq_hist"), &(uint32_t){ 0 }, h);

	if (err)
		return msg_errno(err, "reading the run-queue latency histograms");
	memset(&all, 0, sizeof(all));
	for (int i = 0; i < c->ncpus; i++) {
		for (int s = 0; s < RUNQ_SLOTS; s++)
			all.slots[s] += h[i].slots[s];
		all.sum_ns += h[i].sum_ns;
		all.count += h[i].count;
	}
	metrics_family(m, &f_runq);
	runq_series(m, &all, NULL);
	for (int i = 0; c->per_cpu && i < c->ncpus; i++) {
		cpu_label(id, c->cpu_ids[i]);
		runq_series(m, &h[i], id);
	}
	return 0;
}

struct live_ctx {
	struct collect *c;
	size_t n;
};

static int add_live(void *ctx, const void *key, const void *value)
{
	struct live_ctx *l = ctx;
	const struct top_task *v = value;
	struct tt_task *t;

	if (l->n == TOP_MAX_TASKS)
		return 1;
	t = &l->c->live[l->n++];
	t->tid = *(const uint32_t *)key;
	t->tgid = v->tgid;
	memcpy(t->comm, v->comm, TASK_TOP_COMM);
	t->comm[TASK_TOP_COMM - 1] = 0;
	t->v[TT_RUNTIME_NS] = v->runtime_ns;
	t->v[TT_VOLUNTARY] = v->voluntary;
	t->v[TT_INVOLUNTARY] = v->involuntary;
	t->v[TT_MIGRATIONS] = v->migrations;
	return 0;
}

/* Every task's counts: the live ones' and the freed ones' (top_gone). */
static int read_tasks(struct collect *c, size_t *n, uint64_t *total)
{
	struct live_ctx l = { c, 0 };
	struct top_task *gone = c->percpu;
	int r = map_for_each(map_fd(c, "tasks"), 4, sizeof(struct top_task), TOP_MAX_TASKS,
			     add_live, &l, NULL);

	if (r < 0 || (r = bpf_map_lookup(map_fd(c, "top_gone"), &(uint32_t){ 0 }, gone)))
		return msg_errno(r, "reading the task counters");
	memset(total, 0, TT_NCOUNTERS * sizeof(*total));
	for (size_t i = 0; i < l.n; i++)
		for (int k = 0; k < TT_NCOUNTERS; k++)
			total[k] += c->live[i].v[k];
	for (int i = 0; i < c->ncpus; i++) {
		total[TT_RUNTIME_NS] += gone[i].runtime_ns;
		total[TT_VOLUNTARY] += gone[i].voluntary;
		total[TT_INVOLUNTARY] += gone[i].involuntary;
		total[TT_MIGRATIONS] += gone[i].migrations;
	}
	*n = l.n;
	return 0;
}

/* /proc/TID/schedstat's second number: ns runnable but waiting. */
static int task_wait_ns(const char *proc, uint32_t tid, long long *ns)
{
	char path[64], buf[96];
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%u/schedstat", proc, tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	if (!(p = decimal_int(buf, 0, LLONG_MAX, ns)) || *p != ' ' ||
	    !(p = decimal_int(p + 1, 0, LLONG_MAX, ns)))
		return -EINVAL;
	return 0;
}

static void task_family(struct collect *c, struct metrics *m, const struct metric_family *f,
			int k, double scale)
{
	char pid[12];

	metrics_family(m, f);
	for (int i = 0; i < c->top.n; i++) {
		const struct tt_task *t = &c->top.tracked[i];
		struct metric_label l[2] = { { "pid", pid }, { "comm", t->comm } };

		snprintf(pid, sizeof(pid), "%u", t->tid);
		metrics_sample(m, l, 2, (double)t->v[k] * scale);
	}
	metrics_sample(m, (struct metric_label[]){ { "pid", "other" }, { "comm", "other" } }, 2,
		       (double)c->top.other[k] * scale);
}

static int render_tasks(struct collect *c, struct metrics *m)
{
	uint64_t total[TT_NCOUNTERS], sum = 0;
	size_t n = 0;
	int err = read_tasks(c, &n, total);
	char pid[12];

	if (err)
		return err;
	task_top_update(&c->top, c->live, n, total);
	task_family(c, m, &f_cpu_s, TT_RUNTIME_NS, 1e-9);
	task_family(c, m, &f_vol, TT_VOLUNTARY, 1);
	task_family(c, m, &f_invol, TT_INVOLUNTARY, 1);
	task_family(c, m, &f_migr, TT_MIGRATIONS, 1);
	metrics_family(m, &f_wait);
	for (int i = 0; i < c->top.n; i++) {
		const struct tt_task *t = &c->top.tracked[i];
		struct metric_label l[2] = { { "pid", pid }, { "comm", t->comm } };
		long long ns;

		snprintf(pid, sizeof(pid), "%u", t->tid);
		if (!task_wait_ns(c->proc, t->tid, &ns))
			metrics_sample(m, l, 2, (double)ns * 1e-9);
	}
	if (!map_read_percpu_u64(map_fd(c, "top_full"), 0, c->percpu, c->ncpus))
		for (int i = 0; i < c->ncpus; i++)
			sum += ((uint64_t *)c->percpu)[i];
	metrics_family(m, &f_full);
	metrics_sample(m, NULL, 0, (double)sum);
	return 0;
}

/* A CPU's values once some tracepoint has set them (PELT_SEEN_*). */
static void pelt_family(struct collect *c, struct metrics *m, const struct metric_family *f,
			const struct pelt_cpu *v, size_t off, int size, unsigned seen)
{
	char id[12];

	metrics_family(m, f);
	for (int i = 0; i < c->ncpus; i++) {
		const char *p = (const char *)&v[i] + off;
		double x = size == 8 ? (double)*(const uint64_t *)p : (double)*(const uint32_t *)p;

		if (!(v[i].seen & seen))
			continue;
		cpu_label(id, c->cpu_ids[i]);
		metrics_sample(m, &(struct metric_label){ "cpu", id }, 1, x);
	}
}

#define PELT_FIELD(f) offsetof(struct pelt_cpu, f), (int)sizeof(((struct pelt_cpu *)0)->f)

static int render_pelt(struct collect *c, struct metrics *m)
{
	struct pelt_cpu *v = calloc((size_t)c->ncpus, sizeof(*v));
	int fd = map_fd(c, "pelt_cpu");

	if (!v)
		return msg_errno(-ENOMEM, "reading load tracking");
	for (int i = 0; i < c->ncpus; i++) {
		uint32_t cpu = (uint32_t)c->cpu_ids[i];

		if (cpu < PELT_MAX_CPUS)
			bpf_map_lookup(fd, &cpu, &v[i]);
	}
	pelt_family(c, m, &f_util, v, PELT_FIELD(util_avg), PELT_SEEN_CFS);
	pelt_family(c, m, &f_load, v, PELT_FIELD(load_avg), PELT_SEEN_CFS);
	pelt_family(c, m, &f_runnable, v, PELT_FIELD(runnable_avg), PELT_SEEN_CFS);
	pelt_family(c, m, &f_est, v, PELT_FIELD(util_est), PELT_SEEN_EST);
	pelt_family(c, m, &f_cap, v, PELT_FIELD(capacity), PELT_SEEN_CAP);
	pelt_family(c, m, &f_nr, v, PELT_FIELD(nr_running), PELT_SEEN_NR);
	free(v);
	return 0;
}

static int by_delta_desc(const void *a, const void *b)
{
	const struct lot_row *x = *(const struct lot_row *const *)a;
	const struct lot_row *y = *(const struct lot_row *const *)b;

	return (x->delta_ns < y->delta_ns) - (x->delta_ns > y->delta_ns);
}

static void lottery_family(struct metrics *m, const struct metric_family *f,
			   const struct lot_row *const *rows, int n, int what)
{
	char pid[12];

	metrics_family(m, f);
	for (int i = 0; i < n; i++) {
		const struct lot_row *r = rows[i];
		double v[] = { r->t.tickets, (double)r->t.runtime_ns * 1e-9, r->expected, r->actual };
		struct metric_label l[2] = { { "pid", pid }, { "comm", r->t.comm } };

		snprintf(pid, sizeof(pid), "%u", r->pid);
		metrics_sample(m, l, 2, v[what]);
	}
}

/* Shares over the interval since the last scrape, in groups of tasks
 * that shared CPUs: the CPUs each used in the current sample period (gen:
 * the dumpers' to move, never ours; without a dumper, since load). The
 * top N by CPU time in the interval get series. */
static int lottery_rows(struct collect *c, struct metrics *m, struct lot_snapshot *s,
			uint32_t gen)
{
	static const struct metric_family *const fams[] = { &f_tickets, &f_lot_cpu, &f_owed, &f_got };
	struct lot_share_summary sum;
	const struct lot_row **top = calloc(s->n + 1, sizeof(*top));
	int n = 0;

	if (!top)
		return msg_errno(-ENOMEM, "the lottery's shares");
	lot_snapshot_deltas(s, &c->lot_prev, gen);
	lot_share_compute(s->rows, s->n, s->mono_ns - c->lot_prev.mono_ns, 0.01, &sum);
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].competing)
			top[n++] = &s->rows[i];
	qsort(top, (size_t)n, sizeof(*top), by_delta_desc);
	if (n > c->top.want)
		n = c->top.want;
	for (int f = 0; f < 4; f++)
		lottery_family(m, fams[f], top, n, f);
	if (sum.tasks) {
		metrics_family(m, &f_jain);
		metrics_sample(m, NULL, 0, sum.jain);
	}
	free(top);
	return 0;
}

/* Read at every scrape, never held: the monitor comes and goes. */
static int render_lottery(struct collect *c, struct metrics *m)
{
	struct lottery_pinned pin;
	struct lot_snapshot s;
	struct lot_filter all = { .npids = 0 };
	struct stat st;
	uint32_t gen = 0;
	int loaded = !lstat(LOTTERY_PIN_DIR, &st), err;

	if (loaded && lottery_open(&pin, 1)) {
		loaded = 0;
		if (!c->lot_said++)
			msg_err("note: the lottery's pins are left out of the metrics while they "
				"cannot be read (said once)");
	}
	metrics_family(m, &f_lot_loaded);
	metrics_sample(m, NULL, 0, loaded);
	if (!loaded)
		return 0;
	err = lottery_gen_read(&pin, &gen);
	if (!err)
		err = lot_snapshot_read(pin.tasks_fd, pin.meta.max_tasks, &all, &s);
	lottery_close(&pin);
	if (err)
		return msg_errno(err, "reading " LOTTERY_PIN_DIR "/tasks");
	err = lottery_rows(c, m, &s, gen);
	lot_snapshot_free(&c->lot_prev);
	c->lot_prev = s;
	return err;
}

int collect_render(struct collect *c, struct metrics *m)
{
	unsigned long long t0 = sig_now_ns();
	int err = 0;

	if (!err && (c->on & COLLECT_CPU))
		err = render_switches(c, m);
	if (!err && (c->on & COLLECT_RUNQLAT))
		err = render_runqlat(c, m);
	if (!err && (c->on & COLLECT_TASKS))
		err = render_tasks(c, m);
	if (!err && (c->on & COLLECT_PELT))
		err = render_pelt(c, m);
	if (!err && (c->on & COLLECT_LOTTERY))
		err = render_lottery(c, m);
	if (err)
		return err;
	metrics_family(m, &f_scrapes);
	metrics_sample(m, NULL, 0, (double)++c->scrapes);
	metrics_family(m, &f_duration);
	metrics_sample(m, NULL, 0, (double)(sig_now_ns() - t0) * 1e-9);
	return metrics_end(m);
}
