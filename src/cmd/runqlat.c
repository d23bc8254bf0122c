/* schedtap runqlat: run-queue latency (runnable to running) as log2
 * histograms, in BCC runqlat's layout. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/help.h"
#include "kernel/bpf_sys.h"
#include "core/array.h"
#include "core/cli.h"
#include "core/output.h"
#include "cmd/commands.h"
#include "cmd/proc_task.h"
#include "kernel/loader.h"
#include "cmd/session.h"
#include "core/log2_hist.h"
#include "kernel/maps.h"
#include "core/msg.h"
#include "bpf/runqlat.h"


static const char help[] CLI_HELP_TEXT =
	"usage: schedtap runqlat [options] [interval [count]]\n\n"
	"Summarizes run-queue latency (how long runnable tasks waited for a CPU:\n"
	"from wakeup, or from preemption, to running) as a log2 histogram, in the\n"
	"layout of BCC's runqlat. Without an interval, prints once on Ctrl-C.\n\n"
	"options:\n"
	"  -T, --timestamp         print a timestamp before each report\n"
	"  -m, --milliseconds      buckets in milliseconds (default microseconds)\n"
	"  -P, --pids              a histogram per process\n"
	"  -L, --tids              a histogram per thread\n"
	"  -C, --cpus              a histogram per CPU\n"
	"  -p, --pid PID           only this task (thread id)\n"
	"  -i, --interval SECONDS  seconds between reports\n"
	"  -o, --output FILE       write the report to FILE\n"
	"      --json              one JSON object per histogram per line\n"
	"      --dump              print the BPF programs as assembly, exit\n"
	"  -h, --help              this help\n";

struct runq_opts {
	struct cli_common cli;
	struct runq_params prog;
	int timestamp, per_process;
};

struct runq_run {
	const struct runq_opts *opt;
	const struct tap_obj *obj;
	FILE *f;
	int ncpus;
	struct runq_hist *percpu;	/* one read of the per-CPU histogram */
	struct runq_hist last;		/* cumulative at the previous report */
	struct keyed *keyed;		/* per task / process / CPU this report */
	size_t nkeyed, capkeyed;
	struct out out;			/* --json */
	struct out_col cols[3 + LOG2_HIST_NCOLS];
};

struct keyed {
	uint32_t id;
	struct runq_hist h;
};

static const char *unit(const struct runq_opts *o)
{
	return o->prog.millis ? "msecs" : "usecs";
}

static void add_hist(struct runq_hist *a, const struct runq_hist *b)
{
	for (int i = 0; i < RUNQ_SLOTS; i++)
		a->slots[i] += b->slots[i];
	a->sum_ns += b->sum_ns;
	a->count += b->count;
}

/* JSON: the interval, the key (a CPU, process or thread) if any, the
 * histogram; r->out's columns say which. Text: BCC's layout. */
static void emit(struct runq_run *r, const char *section, uint32_t id, int keyed,
		 const struct runq_hist *h, double iv)
{
	const struct runq_opts *o = r->opt;
	static struct log2_hist_values hv;
	struct out_val v[3 + LOG2_HIST_NCOLS];
	int n = 0;

	if (o->cli.fmt == OUT_JSON) {
		log2_hist_values(&hv, unit(o), h->slots, RUNQ_SLOTS, h->sum_ns, h->count);
		v[n++] = (struct out_val){ .f = cli_wall_seconds() };
		v[n++] = (struct out_val){ .f = iv };
		if (keyed)
			v[n++] = (struct out_val){ .u = id };
		memcpy(v + n, hv.vals, sizeof(hv.vals));
		out_row(&r->out, v);
		return;
	}
	if (keyed)
		fprintf(r->f, "\n%s = %" PRIu32 "\n", section, id);
	log2_hist_print(r->f, unit(o), h->slots, RUNQ_SLOTS);
}

/* JSON rows: interval, the key column of -C/-P/-L, the histogram. */
static void start_json(struct runq_run *r)
{
	const struct runq_opts *o = r->opt;
	int n = 0;

	r->cols[n++] = (struct out_col){ "timestamp_s", NULL, OUT_F64, 0, 3, 0, 0 };
	r->cols[n++] = (struct out_col){ "interval_s", NULL, OUT_F64, 0, 3, 0, 0 };
	if (o->prog.key != RUNQ_KEY_NONE)
		r->cols[n++] = (struct out_col){ o->prog.key == RUNQ_KEY_CPU ? "cpu" :
						 o->per_process ? "pid" : "tid",
						 NULL, OUT_U64, 0, 0, 0, 0 };
	memcpy(r->cols + n, log2_hist_cols, sizeof(log2_hist_cols));
	out_init(&r->out, r->f, OUT_JSON, r->cols, n + LOG2_HIST_NCOLS);
}

/* The one histogram: per-CPU copies summed, minus the last report's. */
static int report_global(struct runq_run *r, double iv)
{
	struct runq_hist now, d;
	int err = bpf_map_lookup(tap_map_fd(r->obj, "runq_hist"), &(uint32_t){ 0 }, r->percpu);

	if (err)
		return msg_errno(err, "reading the histogram");
	memset(&now, 0, sizeof(now));
	for (int i = 0; i < r->ncpus; i++)
		add_hist(&now, &r->percpu[i]);
	d = now;
	for (int i = 0; i < RUNQ_SLOTS; i++)
		d.slots[i] -= r->last.slots[i];
	d.sum_ns -= r->last.sum_ns;
	d.count -= r->last.count;
	r->last = now;
	emit(r, "", 0, 0, &d, iv);
	return 0;
}

static int add_keyed(struct runq_run *r, uint32_t id, const struct runq_hist *h)
{
	for (size_t i = 0; i < r->nkeyed; i++)
		if (r->keyed[i].id == id) {
			add_hist(&r->keyed[i].h, h);
			return 0;
		}
	if (array_grow(&r->keyed, &r->capkeyed, r->nkeyed, sizeof(*r->keyed), 64))
		return -ENOMEM;
	r->keyed[r->nkeyed].id = id;
	r->keyed[r->nkeyed++].h = *h;
	return 0;
}

static int take_keyed(void *ctx, const void *key, const void *value)
{
	struct runq_run *r = ctx;
	uint32_t id = *(const uint32_t *)key;
	int err;

	if (r->opt->per_process)
		proc_task_tgid("/proc", id, &id);	/* gone: keep it under its own id */
	err = add_keyed(r, id, value);
	/* Cleared as read, as BCC does: each report covers its interval. */
	bpf_map_delete(tap_map_fd(r->obj, "runq_hists"), key);
	return err;
}

static int by_id(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int report_keyed(struct runq_run *r, double iv)
{
	const char *section = r->opt->prog.key == RUNQ_KEY_CPU ? "cpu" :
			      r->opt->per_process ? "pid" : "tid";
	int n;

	r->nkeyed = 0;
	n = map_for_each(tap_map_fd(r->obj, "runq_hists"), 4, sizeof(struct runq_hist),
			 RUNQ_MAX_KEYS, take_keyed, r, NULL);
	if (n < 0)
		return msg_errno(n, "reading the histograms");
	qsort(r->keyed, r->nkeyed, sizeof(*r->keyed), by_id);
	for (size_t i = 0; i < r->nkeyed; i++)
		emit(r, section, r->keyed[i].id, 1, &r->keyed[i].h, iv);
	return 0;
}

static int report(void *ctx, double iv)
{
	struct runq_run *r = ctx;
	int err;

	if (r->opt->cli.fmt != OUT_JSON) {
		fputc('\n', r->f);
		if (r->opt->timestamp) {
			time_t t = time(NULL);
			struct tm tm;

			localtime_r(&t, &tm);
			fprintf(r->f, "%02d:%02d:%02d\n", tm.tm_hour, tm.tm_min, tm.tm_sec);
		}
	}
	err = r->opt->prog.key == RUNQ_KEY_NONE ? report_global(r, iv) : report_keyed(r, iv);
	if (!err && (err = r->opt->cli.fmt == OUT_JSON ? out_flush(&r->out) : out_file_flush(r->f)))
		msg_errno(err, "writing the report");
	return err;
}

static int parse(struct runq_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "timestamp", no_argument, 0, 'T' },
		{ "milliseconds", no_argument, 0, 'm' },
		{ "pids", no_argument, 0, 'P' },
		{ "tids", no_argument, 0, 'L' },
		{ "cpus", no_argument, 0, 'C' },
		{ "pid", required_argument, 0, 'p' },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, keys = 0, bad = 0;

	cli_init(c, "runqlat");
	o->prog.pid = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_COMMON_SHORT "TmPLCp:", longopts,
					   help)) >= 0) {
		switch (opt) {
		case 'T': o->timestamp = 1; break;
		case 'm': o->prog.millis = 1; break;
		case 'P': o->per_process = 1; o->prog.key = RUNQ_KEY_TID; keys++; break;
		case 'L': o->prog.key = RUNQ_KEY_TID; keys++; break;
		case 'C': o->prog.key = RUNQ_KEY_CPU; keys++; break;
		case 'p': bad = cli_pid(c, optarg, &o->prog.pid); break;
		}
	}
	if (!bad && keys > 1)
		bad = cli_usage_error(c, "choose one of -P, -L, -C");
	if (!bad && c->fmt == OUT_CSV)
		bad = cli_usage_error(c, "histograms come as text or --json, not CSV");
	/* BCC's default: one report, at Ctrl-C. */
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_INTERVAL_OR_ONCE);
}

int cmd_runqlat(int argc, char **argv)
{
	const struct tap_prog_def *tp_progs[] = { &prog_runq_wakeup, &prog_runq_wakeup_new,
						  &prog_runq_switch };
	const struct tap_prog_def *btf_progs[] = { &prog_runq_wakeup_btf,
						   &prog_runq_wakeup_new_btf,
						   &prog_runq_switch_btf };
	static struct runq_opts o;
	static struct session s;
	struct runq_run r;
	int err, p;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	if ((p = parse(&o, argc, argv)) >= 0)
		return p;
	r.opt = &o;
	err = session_open(&s, &o.cli, session_btf_typed(&s) ? btf_progs : tp_progs, 3, &o.prog);
	if (!err) {
		r.obj = &s.obj;
		r.f = s.out;
		start_json(&r);
		r.ncpus = s.ncpus;
		if (!(r.percpu = calloc((size_t)r.ncpus, sizeof(*r.percpu))))
			err = msg_errno(-ENOMEM, "allocating the per-CPU histograms");
	}
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		if (o.cli.fmt != OUT_JSON)
			fprintf(stderr, "Tracing run queue latency... Hit Ctrl-C to end.\n");
		err = cli_interval_loop(&o.cli, NULL, report, &r);
	}
	free(r.percpu);
	free(r.keyed);
	return session_close(&s, err);
}
