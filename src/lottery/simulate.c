/* schedtap lottery simulate: a lottery scheduler in user space, given the
 * tickets and CPU shares of a dump (a CSV file or the live map). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "core/cli.h"
#include "kernel/bpf_sys.h"
#include "lottery/cmd.h"
#include "lottery/csv.h"
#include "lottery/pins.h"
#include "lottery/rows.h"
#include "lottery/sim.h"
#include "lottery/tickets.h"
#include "core/msg.h"
#include "core/output.h"
#include "core/sig.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap lottery simulate [options]\n\n"
	"Replays the tasks of a dump as a lottery scheduler: DRAWS draws, each won\n"
	"by one task with probability tickets / all tickets, and compares the\n"
	"shares the lottery gave with the shares CFS actually gave over the same\n"
	"window, with the spread the draw count implies (one standard deviation\n"
	"of a share p over N draws is sqrt(p(1-p)/N)).\n\n"
	"The window is the first and last sample of a CSV written by\n"
	"`lottery dump -o FILE` (--from), or -d SECONDS of the live map. Tasks\n"
	"compete as in `dump --share` (tickets, at least --min-share of a CPU);\n"
	"live, tasks that shared a CPU form a group and each group is its own\n"
	"lottery; from a CSV, which has no CPUs, all are one lottery (so pick\n"
	"tasks that shared one CPU, with -p).\n\n"
	"options:\n"
	"      --from FILE         read the window from a dump's CSV\n"
	"  -d, --duration SECONDS  live: the window to watch (default 5)\n"
	"      --draws N           lottery draws per group (default: the switches\n"
	"                          the competing tasks made, the scheduling\n"
	"                          decisions CFS took: at least 1000, at most 10^8)\n"
	"      --seed N            random seed (default 1: repeatable)\n"
	"      --min-share PCT     competing tasks ran at least PCT% of a CPU (default 1)\n"
	"  -p, --pid PID[,PID...]  only these tasks\n"
	"  -c, --comm NAME         only tasks with this name\n"
	"      --csv, --json       machine-readable rows (a JSON summary line last)\n"
	"  -h, --help              this help\n";

enum { C_GROUP, C_PID, C_COMM, C_NICE, C_TICKETS, C_IDEAL, C_LOTTERY, C_SPREAD, C_CFS,
       C_CFS_LOT, C_Z, NCOLS };

static const struct out_col cols[NCOLS] = {
	[C_GROUP] = { "group", "GRP", OUT_U64, 3, 0, 0, 0 },
	[C_PID] = { "pid", "PID", OUT_U64, 7, 0, 0, 0 },
	[C_COMM] = { "comm", "COMM", OUT_STR, 16, 0, 1, 0 },
	[C_NICE] = { "nice", "NICE", OUT_S64, 4, 0, 0, 0 },
	[C_TICKETS] = { "tickets", "TICKETS", OUT_U64, 7, 0, 0, 0 },
	[C_IDEAL] = { "ideal_pct", "IDEAL%", OUT_F64, 7, 2, 0, 0 },
	[C_LOTTERY] = { "lottery_pct", "LOTTERY%", OUT_F64, 8, 2, 0, 0 },
	[C_SPREAD] = { "spread_pp", "+-1SD_PP", OUT_F64, 8, 2, 0, 0 },
	[C_CFS] = { "cfs_pct", "CFS%", OUT_F64, 7, 2, 0, 0 },
	[C_CFS_LOT] = { "cfs_minus_lottery_pp", "CFS-LOT", OUT_F64, 7, 2, 0, 0 },
	[C_Z] = { "cfs_sd_from_ideal", "CFS_SD", OUT_F64, 6, 2, 0, 0 },
};

#define DRAWS_MAX 100000000ull	/* the default's bound */

struct sim_run {
	struct cli_common cli;
	struct lot_filter filter;
	const char *from;
	double duration, min_share;
	uint64_t draws, seed;
	struct lot_snapshot a, b;	/* window start and end */
	int from_csv;
};

struct sim_totals {
	int tasks, lot_in_3sd, cfs_in_3sd;
	double max_lot_z, max_cfs_lot_pp;
	uint64_t draws_min, draws_max;
	double *x_cfs, *x_lot;		/* actual/ideal, for Jain's index */
};

/* CSV rows as a snapshot: what the live map would have said. */
static int snapshot_of_csv(const struct lot_csv_row *rows, size_t n,
			   const struct lot_filter *f, struct lot_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->rows = calloc(n ? n : 1, sizeof(*s->rows));
	if (!s->rows)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct lot_row *r = &s->rows[s->n];

		r->pid = rows[i].pid;
		r->t.runtime_ns = rows[i].runtime_ns;
		r->t.switches = rows[i].switches;
		r->t.tickets = rows[i].tickets;
		r->t.prio = rows[i].has_nice ? LOTTERY_NICE0_PRIO + rows[i].nice : -1;
		r->t.cpus = 1;	/* no CPUs in a CSV: one lottery */
		if (lot_filter_match(f, r))
			s->n++;
		s->wall_s = rows[i].ts;
	}
	s->mono_ns = (uint64_t)(s->wall_s * 1e9);
	return 0;
}

static int read_csv(struct sim_run *r)
{
	struct lot_csv_window w;
	char why[200];
	FILE *f = fopen(r->from, "re");
	int err;

	if (!f)
		return msg_errno(-errno, "opening %s", r->from);
	err = lot_csv_read(f, &w, why, sizeof(why));
	fclose(f);
	if (err == -EINVAL || err == -ENODATA)
		return msg_err("%s: %s", r->from, err == -ENODATA ? "no data rows" : why), err;
	if (err)
		return msg_errno(err, "reading %s", r->from);
	if (w.samples < 2) {
		lot_csv_window_free(&w);
		msg_err("%s holds one sample: a window needs two (dump -o twice, or -i)", r->from);
		return -ENODATA;
	}
	err = snapshot_of_csv(w.first, w.nfirst, &r->filter, &r->a);
	if (!err)
		err = snapshot_of_csv(w.last, w.nlast, &r->filter, &r->b);
	lot_csv_window_free(&w);
	return err;
}

static int read_live(struct sim_run *r)
{
	struct lottery_pinned p;
	uint32_t g = 0;
	int err = lottery_open(&p, 1);

	if (err)
		return err;
	/* A sample period of our own, so that the CPU sets cover the window;
	 * it ends with the window, not at a next sample. */
	err = lottery_gen_read(&p, &g);
	if (!err)
		err = lottery_gen_set(&p, ++g);
	if (err)
		goto out;
	err = lot_snapshot_read(p.tasks_fd, p.meta.max_tasks, &r->filter, &r->a);
	if (!err) {
		sig_sleep_until(r->a.mono_ns + (uint64_t)(r->duration * 1e9));
		err = lot_snapshot_read(p.tasks_fd, p.meta.max_tasks, &r->filter, &r->b);
	}
	if (err) {
		msg_errno(err, "reading the lottery map");
		goto out;
	}
	lot_snapshot_deltas(&r->b, &r->a, g);
	err = lottery_gen_set(&p, g + 1);
out:
	lottery_close(&p);
	return err;
}

static void emit(struct out *o, const struct lot_row *r, double lot, double sd, int group)
{
	struct out_val v[NCOLS];
	int nice;

	memset(v, 0, sizeof(v));
	v[C_GROUP].u = (uint64_t)group;
	v[C_PID].u = r->pid;
	v[C_COMM].str = r->t.comm;
	v[C_COMM].len = (int)sizeof(r->t.comm);
	if (lottery_nice_of_prio(r->t.prio, &nice))
		v[C_NICE].s = nice;
	else
		v[C_NICE].len = OUT_NULL;
	v[C_TICKETS].u = r->t.tickets;
	v[C_IDEAL].f = r->expected * 100;
	v[C_LOTTERY].f = lot * 100;
	v[C_SPREAD].f = sd * 100;
	v[C_CFS].f = r->actual * 100;
	v[C_CFS_LOT].f = (r->actual - lot) * 100;
	v[C_Z].f = sd > 0 ? (r->actual - r->expected) / sd : 0;
	out_row(o, v);
}

static double absd(double x)
{
	return x < 0 ? -x : x;
}

/* One group's lottery: draw, print each task, add to the totals. */
static int simulate_group(struct sim_run *r, struct out *o, int group, struct sim_totals *t)
{
	struct lot_snapshot *s = &r->b;
	uint32_t *tickets = calloc(s->n, sizeof(*tickets));
	uint64_t *wins = calloc(s->n, sizeof(*wins)), draws = r->draws, switches = 0;
	size_t *idx = calloc(s->n, sizeof(*idx)), k = 0;
	int err = -ENOMEM;

	if (!tickets || !wins || !idx)
		goto out;
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].competing && s->rows[i].group == group) {
			idx[k] = i;
			tickets[k++] = s->rows[i].t.tickets;
			switches += s->rows[i].delta_switches;
		}
	/* The default comes from the file or the map, so bound it: a CSV
	 * claiming 2^64 switches drew for ever, deaf to SIGTERM. 10^8 draws
	 * take 0.7 s here; their spread, under 0.005 pp, is below the
	 * table's 0.01. */
	if (!draws)
		draws = switches < 1000 ? 1000 : switches > DRAWS_MAX ? DRAWS_MAX : switches;
	err = lot_simulate(tickets, k, draws, r->seed, wins);
	for (size_t j = 0; !err && j < k; j++) {
		const struct lot_row *row = &s->rows[idx[j]];
		double lot = (double)wins[j] / (double)draws;
		double sd = lot_spread(row->expected, draws);

		emit(o, row, lot, sd, group);
		t->lot_in_3sd += absd(lot - row->expected) <= 3 * sd;
		t->cfs_in_3sd += absd(row->actual - row->expected) <= 3 * sd;
		if (sd > 0 && absd(lot - row->expected) / sd > t->max_lot_z)
			t->max_lot_z = absd(lot - row->expected) / sd;
		if (absd(row->actual - lot) * 100 > t->max_cfs_lot_pp)
			t->max_cfs_lot_pp = absd(row->actual - lot) * 100;
		t->x_cfs[t->tasks] = row->expected > 0 ? row->actual / row->expected : 0;
		t->x_lot[t->tasks++] = row->expected > 0 ? lot / row->expected : 0;
	}
	if (!t->draws_min || draws < t->draws_min)
		t->draws_min = draws;
	if (draws > t->draws_max)
		t->draws_max = draws;
out:
	free(tickets), free(wins), free(idx);
	return err;
}

static void print_totals(const struct sim_run *r, struct out *o, const struct sim_totals *t,
			 double window_s)
{
	static const struct out_col inner[] = {
		{ "window_s", NULL, OUT_F64, 0, 3, 0, 0 },
		{ "tasks", NULL, OUT_S64, 0, 0, 0, 0 },
		{ "draws_min", NULL, OUT_U64, 0, 0, 0, 0 },
		{ "draws_max", NULL, OUT_U64, 0, 0, 0, 0 },
		{ "seed", NULL, OUT_U64, 0, 0, 0, 0 },
		{ "lottery_within_3sd", NULL, OUT_S64, 0, 0, 0, 0 },
		{ "cfs_within_3sd", NULL, OUT_S64, 0, 0, 0, 0 },
		{ "max_lottery_sd", NULL, OUT_F64, 0, 3, 0, 0 },
		{ "max_cfs_minus_lottery_pp", NULL, OUT_F64, 0, 3, 0, 0 },
		{ "jain_cfs", NULL, OUT_F64, 0, 4, 0, 0 },
		{ "jain_lottery", NULL, OUT_F64, 0, 4, 0, 0 },
	};
	static const struct out_col outer[] = { { "summary", NULL, OUT_OBJ, 0, 0, 0, 0 } };
	double jc = jain_index(t->x_cfs, (size_t)t->tasks), jl = jain_index(t->x_lot, (size_t)t->tasks);
	const struct out_val v[] = {
		{ .f = window_s }, { .s = t->tasks }, { .u = t->draws_min }, { .u = t->draws_max },
		{ .u = r->seed }, { .s = t->lot_in_3sd }, { .s = t->cfs_in_3sd },
		{ .f = t->max_lot_z }, { .f = t->max_cfs_lot_pp }, { .f = jc }, { .f = jl },
	};
	const struct out_obj obj = { inner, (int)(sizeof(inner) / sizeof(inner[0])), v, -1 };
	char text[512];

	snprintf(text, sizeof(text),
		 "window %.3f s, %d tasks, %llu draws per lottery (seed %llu)\n"
		 "lottery within 3 SD of ideal: %d of %d (worst %.2f SD)\n"
		 "CFS within the lottery's 3 SD: %d of %d; CFS - lottery at most %.2f pp\n"
		 "Jain's fairness index: CFS %.4f, lottery %.4f", window_s, t->tasks,
		 (unsigned long long)t->draws_max, (unsigned long long)r->seed, t->lot_in_3sd,
		 t->tasks, t->max_lot_z, t->cfs_in_3sd, t->tasks, t->max_cfs_lot_pp, jc, jl);
	out_summary(o, text, outer, 1, &(struct out_val){ .obj = &obj });
}

static int simulate(struct sim_run *r)
{
	struct lot_share_summary sum;
	struct sim_totals t = { 0 };
	uint64_t window = r->b.mono_ns - r->a.mono_ns;
	struct out o;
	int err = 0;

	if (r->from_csv)
		lot_snapshot_deltas(&r->b, &r->a, 0);
	lot_share_compute(r->b.rows, r->b.n, window, r->min_share, &sum);
	if (!sum.tasks) {
		msg_err("no task competed in the window: none with tickets ran %.2f%% of a CPU",
			r->min_share * 100);
		return -ENODATA;
	}
	t.x_cfs = calloc((size_t)sum.tasks, sizeof(double));
	t.x_lot = calloc((size_t)sum.tasks, sizeof(double));
	if (!t.x_cfs || !t.x_lot)
		err = -ENOMEM;
	out_init(&o, stdout, r->cli.fmt, cols, NCOLS);
	out_group(&o, NULL);
	for (int g = 0; !err && g < sum.groups; g++)
		err = simulate_group(r, &o, g, &t);
	if (!err) {
		print_totals(r, &o, &t, (double)window / 1e9);
		err = out_flush(&o);
	}
	free(t.x_cfs), free(t.x_lot);
	return err;
}

static int parse(struct sim_run *r, int argc, char **argv)
{
	enum { OPT_FROM = OPT_OWN, OPT_DRAWS, OPT_SEED };
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "csv", no_argument, 0, OPT_CSV },
		{ "json", no_argument, 0, OPT_JSON },
		{ "from", required_argument, 0, OPT_FROM },
		{ "duration", required_argument, 0, 'd' },
		{ "draws", required_argument, 0, OPT_DRAWS },
		{ "seed", required_argument, 0, OPT_SEED },
		LOT_FILTER_LONG,
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &r->cli;
	long v = 0;
	int opt, bad = 0, done, h;

	cli_init(c, "lottery simulate");
	r->seed = 1;
	r->min_share = 0.01;
	while (!bad && (opt = cli_next_opt(c, argc, argv, "hd:" LOT_FILTER_SHORT, longopts,
					   help)) >= 0) {
		if ((h = lot_filter_opt(&r->filter, c, opt, optarg, &r->min_share))) {
			bad = h < 0;
			continue;
		}
		switch (opt) {
		case OPT_FROM: r->from = optarg; break;
		case OPT_DRAWS:
			bad = cli_long(c, optarg, 1, 1000000000L, &v);
			r->draws = (uint64_t)v;
			break;
		case OPT_SEED:
			bad = cli_long(c, optarg, 0, LONG_MAX, &v);
			r->seed = (uint64_t)v;
			break;
		}
	}
	if ((done = cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS)) >= 0)
		return done;
	if (r->from && c->duration > 0)
		return cli_usage_error(c, "choose one of --from (a dump's CSV) and -d (a live "
				       "window)"), EXIT_USAGE;
	r->duration = c->duration > 0 ? c->duration : 5;
	r->from_csv = r->from != NULL;
	return -1;
}

int lottery_simulate(int argc, char **argv)
{
	static struct sim_run r;
	int err;

	memset(&r, 0, sizeof(r));
	if ((err = parse(&r, argc, argv)) >= 0)
		return err;
	sig_setup();
	err = r.from_csv ? read_csv(&r) : read_live(&r);
	if (!err)
		err = simulate(&r);
	lot_snapshot_free(&r.a);
	lot_snapshot_free(&r.b);
	if (err == -EINTR) {
		msg_err("stopped before the draws were done: nothing to report");
		return EXIT_OK;
	}
	return err ? EXIT_RUNTIME : EXIT_OK;
}
