/* schedtap cpu: context switches per CPU, per interval. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "core/cli.h"
#include "cmd/commands.h"
#include "core/cpus.h"
#include "kernel/loader.h"
#include "cmd/session.h"
#include "kernel/maps.h"
#include "core/msg.h"
#include "core/output.h"

#define MAX_CPUS SESSION_MAX_CPUS

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap cpu [options] [interval [count]]\n\n"
	"Counts context switches (sched:sched_switch) per CPU in the kernel and\n"
	"prints, every interval, each CPU's switches in the interval, the rate,\n"
	"and the total since start; the 'all' row sums the CPUs.\n\n"
	"options:\n"
	"  -C, --cpu CPU           report only this CPU\n"
	CLI_COMMON_HELP
	"\nexamples:\n"
	"  schedtap cpu            every second until Ctrl-C\n"
	"  schedtap cpu 1 3        three one-second reports (same as -i 1 3)\n"
	"  schedtap cpu --csv 5    CSV every 5 seconds\n";

enum { COL_TS, COL_IV, COL_CPU, COL_SW, COL_RATE, COL_TOTAL, NCOLS };

static const struct out_col cols[NCOLS] = {
	[COL_TS] = { "timestamp_s", "TIME", OUT_F64, 14, 3, 0, OUT_MACHINE_ONLY },
	[COL_IV] = { "interval_s", "INTERVAL", OUT_F64, 8, 3, 0, OUT_MACHINE_ONLY },
	[COL_CPU] = { "cpu", "CPU", OUT_STR, 4, 0, 0, 0 },
	[COL_SW] = { "switches", "SWITCHES", OUT_U64, 12, 0, 0, 0 },
	[COL_RATE] = { "switches_per_s", "SWITCHES/S", OUT_F64, 12, 1, 0, 0 },
	[COL_TOTAL] = { "total", "TOTAL", OUT_U64, 14, 0, 0, 0 },
};

struct cpu_run {
	struct cli_common cli;
	long only_cpu;			/* -1: all */
	const int *ids;			/* possible CPUs, in value order */
	int nposs;
	unsigned char online[MAX_CPUS];
	uint64_t *now, *prev;		/* cumulative, per possible CPU */
	int fd;				/* the switches map */
	struct out out;
};

static void row(struct out *o, double ts, double iv, const char *cpu,
		uint64_t delta, uint64_t total)
{
	struct out_val v[NCOLS] = {
		[COL_TS] = { .f = ts },
		[COL_IV] = { .f = iv },
		[COL_CPU] = { .str = cpu, .len = -1 },
		[COL_SW] = { .u = delta },
		[COL_RATE] = { .f = iv > 0 ? (double)delta / iv : 0 },
		[COL_TOTAL] = { .u = total },
	};

	out_row(o, v);
}

static void report(struct cpu_run *r, struct out *o, double iv)
{
	double ts = cli_wall_seconds();
	uint64_t sum_delta = 0, sum_total = 0;
	char title[64], name[16];

	cli_interval_title(title, sizeof(title), ts, iv);
	out_group(o, title);
	for (int i = 0; i < r->nposs; i++) {
		int id = r->ids[i];
		uint64_t delta = r->now[i] - r->prev[i];

		if (r->only_cpu >= 0 && id != r->only_cpu)
			continue;
		if (id < MAX_CPUS && !r->online[id] && !r->now[i])
			continue;
		snprintf(name, sizeof(name), "%d", id);
		row(o, ts, iv, name, delta, r->now[i]);
		sum_delta += delta;
		sum_total += r->now[i];
	}
	if (r->only_cpu < 0)
		row(o, ts, iv, "all", sum_delta, sum_total);
}

static int read_counts(struct cpu_run *r, int fd)
{
	int err = map_read_percpu_u64(fd, 0, r->now, r->nposs);

	if (err)
		msg_errno(err, "reading the per-CPU switch counters");
	return err;
}

/* The counts the first interval starts from. */
static int baseline(void *ctx)
{
	struct cpu_run *r = ctx;
	int err = read_counts(r, r->fd);

	if (!err)
		memcpy(r->prev, r->now, sizeof(*r->now) * (size_t)r->nposs);
	return err;
}

/* One report: read the counters, print, keep them for the next delta. */
static int report_interval(void *ctx, double iv)
{
	struct cpu_run *r = ctx;
	int err = read_counts(r, r->fd);

	if (err)
		return err;
	report(r, &r->out, iv);
	memcpy(r->prev, r->now, sizeof(*r->now) * (size_t)r->nposs);
	err = out_flush(&r->out);
	return err ? msg_errno(err, "writing the report") : 0;
}

static int parse(struct cpu_run *r, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "cpu", required_argument, 0, 'C' },
		{ 0, 0, 0, 0 },
	};
	int opt, bad = 0;

	cli_init(&r->cli, "cpu");
	r->only_cpu = -1;
	while (!bad && (opt = cli_next_opt(&r->cli, argc, argv, CLI_COMMON_SHORT "C:", longopts,
					   help)) >= 0)
		bad = cli_cpu(&r->cli, optarg, MAX_CPUS - 1, &r->only_cpu);
	return cli_opts_done(&r->cli, bad ? CLI_BAD : opt, argc, argv, CLI_INTERVAL_COUNT);
}

static int setup_cpus(struct cpu_run *r, const struct session *s)
{
	int online[MAX_CPUS], n;

	r->ids = s->cpu_ids;
	r->nposs = s->ncpus;
	n = cpus_online(online, MAX_CPUS);
	for (int i = 0; i < n; i++)
		r->online[online[i]] = 1;
	if (r->only_cpu >= 0 && (r->only_cpu >= MAX_CPUS || !r->online[r->only_cpu]))
		msg_err("note: CPU %ld is not online", r->only_cpu);
	r->now = calloc((size_t)r->nposs, sizeof(uint64_t));
	r->prev = calloc((size_t)r->nposs, sizeof(uint64_t));
	return r->now && r->prev ? 0 : -ENOMEM;
}

int cmd_cpu(int argc, char **argv)
{
	static struct cpu_run r;	/* large: keep it off the stack */
	static struct session s;
	const struct tap_prog_def *progs[] = { &prog_cpu_switches };
	int err, p;

	memset(&r, 0, sizeof(r));
	if ((p = parse(&r, argc, argv)) >= 0)
		return p;
	err = session_open(&s, &r.cli, progs, 1, &r);
	if (!err)
		err = setup_cpus(&r, &s);
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		r.fd = tap_map_fd(&s.obj, "switches");
		out_init(&r.out, s.out, r.cli.fmt, cols, NCOLS);
		err = cli_interval_loop(&r.cli, baseline, report_interval, &r);
	}
	free(r.now);
	free(r.prev);
	return session_close(&s, err);
}
