/* schedtap lottery dump: read the pinned task map; a table per sample,
 * CSV rows appended to a file, and with --share each task's share of
 * CPU against the share its tickets buy. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "core/cli.h"
#include "lottery/cmd.h"
#include "lottery/csv.h"
#include "lottery/pins.h"
#include "lottery/rows.h"
#include "lottery/tickets.h"
#include "kernel/bpf_sys.h"
#include "core/cpus.h"
#include "core/msg.h"
#include "core/output.h"
#include "core/sig.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap lottery dump [options]\n\n"
	"Reads the pinned lottery map (`schedtap lottery load` first) and prints a\n"
	"table per sample: per task (TID) its CPU time and switches since it was\n"
	"first seen, nice and tickets. One sample by default; with -i, one every\n"
	"SECONDS until COUNT samples or Ctrl-C.\n\n"
	"-o FILE appends every sample to FILE as CSV, with exactly the columns\n"
	"  " LOTTERY_CSV_HEADER "\n"
	"(header written once, when FILE is new or empty; nice is empty for\n"
	"real-time tasks). A sample is appended whole or not at all: on a full\n"
	"disk the file keeps what it had and dump fails.\n\n"
	"--share compares, per interval, each competing task's actual share (its\n"
	"CPU time over its group's) with its expected share (its tickets over its\n"
	"group's). A task competes when it holds tickets and ran at least\n"
	"--min-share of one CPU; tasks that ran on a common CPU form a group (each\n"
	"group is one lottery). The summary gives the worst error in percentage\n"
	"points and Jain's fairness index of actual/expected (1 = fair, 1/n = one\n"
	"task took all). Needs two samples: the first is the baseline.\n\n"
	"options:\n"
	"  -i, --interval SECONDS  seconds between samples\n"
	"  -n, --count COUNT       samples to take (default 1; with -i, until Ctrl-C)\n"
	"  -o, --output FILE       append CSV rows to FILE\n"
	"      --share             expected and actual shares, and their difference\n"
	"      --min-share PCT     competing tasks ran at least PCT% of a CPU (default 1)\n"
	"      --all               with --share, list tasks that did not compete too\n"
	"  -p, --pid PID[,PID...]  only these tasks\n"
	"  -c, --comm NAME         only tasks with this name\n"
	"      --csv               the table as CSV on stdout\n"
	"      --json              the table as JSON lines on stdout\n"
	"  -h, --help              this help\n\n"
	"examples:\n"
	"  schedtap lottery dump -o runs.csv          one sample, also appended\n"
	"  schedtap lottery dump --share -i 5 -n 3    three 5-second intervals\n";

enum { C_TS, C_PID, C_COMM, C_NICE, C_TICKETS, C_SWITCHES, C_RUNTIME_MS, C_RUNTIME_NS,
       C_EXITED, C_CPU_MS, C_GROUP, C_EXPECTED, C_ACTUAL, C_DIFF, NCOLS };

static const struct out_col all_cols[NCOLS] = {
	[C_TS] = { "timestamp_s", "TIME", OUT_F64, 14, 3, 0, OUT_MACHINE_ONLY },
	[C_PID] = { "pid", "PID", OUT_U64, 7, 0, 0, 0 },
	[C_COMM] = { "comm", "COMM", OUT_STR, 16, 0, 1, 0 },
	[C_NICE] = { "nice", "NICE", OUT_S64, 4, 0, 0, 0 },
	[C_TICKETS] = { "tickets", "TICKETS", OUT_U64, 7, 0, 0, 0 },
	[C_SWITCHES] = { "switches", "SWITCHES", OUT_U64, 10, 0, 0, 0 },
	[C_RUNTIME_MS] = { "runtime_ms", "RUNTIME_MS", OUT_F64, 12, 3, 0, 0 },
	[C_RUNTIME_NS] = { "runtime_ns", "RUNTIME_NS", OUT_U64, 14, 0, 0, OUT_MACHINE_ONLY },
	[C_EXITED] = { "exited", "EXITED", OUT_BOOL, 6, 0, 0, 0 },
	[C_CPU_MS] = { "cpu_ms", "CPU_MS", OUT_F64, 10, 3, 0, 0 },
	[C_GROUP] = { "group", "GRP", OUT_S64, 3, 0, 0, 0 },
	[C_EXPECTED] = { "expected_pct", "EXPECT%", OUT_F64, 7, 2, 0, 0 },
	[C_ACTUAL] = { "actual_pct", "ACTUAL%", OUT_F64, 7, 2, 0, 0 },
	[C_DIFF] = { "diff_pp", "DIFF_PP", OUT_F64, 7, 2, 0, 0 },
};
#define NBASE C_CPU_MS	/* without --share, the columns before C_CPU_MS */

struct dump_run {
	struct cli_common cli;
	struct lot_filter filter;
	int share, all;
	double min_share;	/* fraction of one CPU */
	struct lottery_pinned pin;
	struct lot_snapshot prev;
	uint32_t gen;		/* the sample period now running */
	uint64_t full_seen, *full;	/* one counter per possible CPU */
	int ncpus;
	struct out out;
	FILE *f;
};

static void fill_row(struct out_val *v, const struct lot_row *r, double ts)
{
	int nice;

	v[C_TS].f = ts;
	v[C_PID].u = r->pid;
	v[C_COMM].str = r->t.comm;
	v[C_COMM].len = (int)sizeof(r->t.comm);
	if (lottery_nice_of_prio(r->t.prio, &nice))
		v[C_NICE].s = nice;
	else
		v[C_NICE].len = OUT_NULL;
	v[C_TICKETS].u = r->t.tickets;
	v[C_SWITCHES].u = r->t.switches;
	v[C_RUNTIME_MS].f = (double)r->t.runtime_ns / 1e6;
	v[C_RUNTIME_NS].u = r->t.runtime_ns;
	v[C_EXITED].u = r->t.exited != 0;
	v[C_CPU_MS].f = (double)r->delta_ns / 1e6;
	v[C_GROUP].s = r->group;
	v[C_EXPECTED].f = r->expected * 100;
	v[C_ACTUAL].f = r->actual * 100;
	v[C_DIFF].f = (r->actual - r->expected) * 100;
	if (!r->competing)
		v[C_GROUP].len = v[C_EXPECTED].len = v[C_ACTUAL].len = v[C_DIFF].len = OUT_NULL;
}

/* Display order: by group, then biggest share (--share); else most CPU. */
static int by_display(const void *a, const void *b)
{
	const struct lot_row *x = *(const struct lot_row *const *)a;
	const struct lot_row *y = *(const struct lot_row *const *)b;

	if (x->competing != y->competing)
		return y->competing - x->competing;
	if (x->competing && x->group != y->group)
		return x->group - y->group;
	if (x->delta_ns != y->delta_ns)
		return x->delta_ns < y->delta_ns ? 1 : -1;
	if (x->t.runtime_ns != y->t.runtime_ns)
		return x->t.runtime_ns < y->t.runtime_ns ? 1 : -1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void print_summary(struct dump_run *r, const struct lot_share_summary *s, double iv)
{
	static const struct out_col inner[] = {
		{ "interval_s", NULL, OUT_F64, 0, 3, 0, 0 },
		{ "tasks", NULL, OUT_S64, 0, 0, 0, 0 },
		{ "groups", NULL, OUT_S64, 0, 0, 0, 0 },
		{ "worst_error_pp", NULL, OUT_F64, 0, 3, 0, 0 },
		{ "worst_pid", NULL, OUT_U64, 0, 0, 0, 0 },
		{ "jain_index", NULL, OUT_F64, 0, 4, 0, 0 },
	};
	static const struct out_col outer[] = { { "summary", NULL, OUT_OBJ, 0, 0, 0, 0 } };
	const struct out_val v[] = {
		{ .f = iv }, { .s = s->tasks }, { .s = s->groups }, { .f = s->worst_pp },
		{ .u = s->worst_pid }, { .f = s->jain },
	};
	const struct out_obj obj = { inner, 6, v, -1 };
	char text[200];

	if (!s->tasks)
		snprintf(text, sizeof(text), "no task competed: none with tickets ran %.2f%% of a "
			 "CPU or more", r->min_share * 100);
	else
		snprintf(text, sizeof(text), "%d competing task%s in %d CPU group%s: worst error "
			 "%.2f pp (PID %u), Jain's fairness index %.4f", s->tasks,
			 s->tasks == 1 ? "" : "s", s->groups, s->groups == 1 ? "" : "s",
			 s->worst_pp, s->worst_pid, s->jain);
	out_summary(&r->out, text, outer, 1, &(struct out_val){ .obj = &obj });
}

static int print_sample(struct dump_run *r, struct lot_snapshot *s, double iv)
{
	const struct lot_row **order = malloc((s->n ? s->n : 1) * sizeof(*order));
	char title[80];
	size_t n = 0;

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		if (!r->share || r->all || s->rows[i].competing)
			order[n++] = &s->rows[i];
	qsort(order, n, sizeof(*order), by_display);
	cli_interval_title(title, sizeof(title), s->wall_s, iv);
	if (!r->share)
		snprintf(title + 8, sizeof(title) - 8, "  %zu tasks", s->n);
	out_group(&r->out, title);
	for (size_t i = 0; i < n; i++) {
		struct out_val v[NCOLS];

		memset(v, 0, sizeof(v));
		fill_row(v, order[i], s->wall_s);
		out_row(&r->out, v);
	}
	free(order);
	return out_flush(&r->out);
}

/* The sample as the fixed CSV columns, all rows in one buffer. */
static int append_csv(struct dump_run *r, const struct lot_snapshot *s)
{
	size_t cap = s->n * 96 + 1, len = 0;
	char *buf = malloc(cap);
	int err;

	if (!buf)
		return -ENOMEM;
	buf[0] = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct lot_row *t = &s->rows[i];
		char nice[8] = "";
		int nv;

		if (lottery_nice_of_prio(t->t.prio, &nv))
			snprintf(nice, sizeof(nice), "%d", nv);
		len += (size_t)snprintf(buf + len, cap - len, "%.3f,%u,%llu,%.3f,%llu,%s,%u\n",
					s->wall_s, t->pid, (unsigned long long)t->t.runtime_ns,
					(double)t->t.runtime_ns / 1e6,
					(unsigned long long)t->t.switches, nice, t->t.tickets);
	}
	err = lot_csv_append(r->cli.output, buf, len);
	free(buf);
	if (err == -EPROTO)
		msg_err("%s does not start with the header %s: not appending to it",
			r->cli.output, LOTTERY_CSV_HEADER);
	else if (err)
		msg_errno(err, "appending to %s (it keeps what it had)", r->cli.output);
	return err;
}

/* LRU maps make room by evicting, so this stays 0 unless they could not. */
static void note_full(struct dump_run *r)
{
	uint64_t sum = 0;
	uint32_t key = 0;

	if (!r->full || bpf_map_lookup(r->pin.full_fd, &key, r->full))
		return;
	for (int i = 0; i < r->ncpus; i++)
		sum += r->full[i];
	if (sum > r->full_seen)
		msg_err("note: %llu switches were not counted: the task map had no room",
			(unsigned long long)(sum - r->full_seen));
	r->full_seen = sum;
}

static int sample(void *ctx, double iv)
{
	struct dump_run *r = ctx;
	struct lot_share_summary sum;
	struct lot_snapshot s;
	uint32_t ended = 0;
	int err;

	/* The period ending is read before the snapshot and moved on after
	 * it: a task switched out in between still counts in this period, and
	 * nothing is lost but CPUs used in that gap and never again. */
	if (r->share && (err = lottery_gen_read(&r->pin, &ended)))
		return err;
	err = lot_snapshot_read(r->pin.tasks_fd, r->pin.meta.max_tasks, &r->filter, &s);
	if (err)
		return msg_errno(err, "reading " LOTTERY_PIN_DIR "/tasks");
	if (r->share && (err = lottery_gen_set(&r->pin, ended + 1))) {
		lot_snapshot_free(&s);
		return err;
	}
	if (r->share) {
		lot_snapshot_deltas(&s, &r->prev, ended);
		lot_share_compute(s.rows, s.n, s.mono_ns - r->prev.mono_ns, r->min_share, &sum);
	}
	err = print_sample(r, &s, iv);
	if (!err && r->share) {
		print_summary(r, &sum, iv);
		err = out_flush(&r->out);
	}
	if (err)
		msg_errno(err, "writing the report");
	if (!err && r->cli.output)
		err = append_csv(r, &s);
	note_full(r);
	lot_snapshot_free(&r->prev);
	r->prev = s;
	return err;
}

static int parse(struct dump_run *r, int argc, char **argv)
{
	enum { OPT_SHARE = OPT_OWN, OPT_ALL };
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "count", required_argument, 0, 'n' },
		{ "share", no_argument, 0, OPT_SHARE },
		{ "all", no_argument, 0, OPT_ALL },
		LOT_FILTER_LONG,
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &r->cli;
	int opt, bad = 0, done, h;

	cli_init(c, "lottery dump");
	c->count = -1;
	r->min_share = 0.01;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_COMMON_SHORT "n:" LOT_FILTER_SHORT,
					   longopts, help)) >= 0) {
		if ((h = lot_filter_opt(&r->filter, c, opt, optarg, &r->min_share))) {
			bad = h < 0;
			continue;
		}
		switch (opt) {
		case 'n': bad = cli_long(c, optarg, 1, 1000000000L, &c->count); break;
		case OPT_SHARE: r->share = 1; break;
		case OPT_ALL: r->all = 1; break;
		}
	}
	if ((done = cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS)) >= 0)
		return done;
	if (c->dump)
		return cli_usage_error(c, "--dump: the programs are `lottery load`'s; "
				       "see `schedtap lottery load` and bpftool prog dump"), EXIT_USAGE;
	/* One sample unless -i asks for more; until Ctrl-C when -i has no -n. */
	if (c->count < 0)
		c->count = c->interval_given ? 0 : 1;
	return -1;
}

static int setup(struct dump_run *r)
{
	static int ids[8192];
	int err = lottery_open(&r->pin, r->share);

	if (err)
		return err;
	r->ncpus = cpus_possible(ids, 8192);
	if (r->ncpus > 0)
		r->full = calloc((size_t)r->ncpus, sizeof(uint64_t));
	r->f = stdout;
	out_init(&r->out, r->f, r->cli.fmt, all_cols, r->share ? NCOLS : NBASE);
	note_full(r);
	return 0;
}

/* --share: the first reading is only the baseline of the first interval. */
static int run(struct dump_run *r)
{
	struct cli_common loop = r->cli;
	uint32_t g;
	int err;

	if (r->share) {
		if ((err = lottery_gen_read(&r->pin, &g)))
			return err;
		err = lot_snapshot_read(r->pin.tasks_fd, r->pin.meta.max_tasks, &r->filter,
					&r->prev);
		if (err)
			return msg_errno(err, "reading " LOTTERY_PIN_DIR "/tasks");
		err = lottery_gen_set(&r->pin, g + 1);
		return err ? err : cli_interval_loop(&loop, NULL, sample, r);
	}
	if ((err = sample(r, 0)) || loop.count == 1 || sig_stopped())
		return err;
	if (loop.count)
		loop.count--;
	return cli_interval_loop(&loop, NULL, sample, r);
}

int lottery_dump(int argc, char **argv)
{
	static struct dump_run r;
	int err;

	memset(&r, 0, sizeof(r));
	if ((err = parse(&r, argc, argv)) >= 0)
		return err;
	sig_setup();
	err = setup(&r);
	if (!err)
		err = run(&r);
	lottery_close(&r.pin);
	lot_snapshot_free(&r.prev);
	free(r.full);
	return err ? EXIT_RUNTIME : EXIT_OK;
}
