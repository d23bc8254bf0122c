/* schedtap latency: per-task scheduling delay in the layout of
 * `perf sched latency`, computed live in the kernel (bpf/latency.c)
 * instead of recorded and replayed. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "kernel/bpf_sys.h"
#include "core/array.h"
#include "core/cli.h"
#include "cmd/commands.h"
#include "kernel/features.h"
#include "bpf/latency.h"
#include "kernel/loader.h"
#include "cmd/session.h"
#include "bpf/task_slot.h"
#include "kernel/maps.h"
#include "core/msg.h"
#include "core/output.h"
#include "core/sig.h"


static const char help[] CLI_HELP_TEXT =
	"usage: schedtap latency [options] [interval [count]]\n\n"
	"Per task (thread): runtime, switches (switch-ins after waiting for a CPU),\n"
	"the average and the longest scheduling delay (from wakeup, new-task\n"
	"wakeup or preemption to running) and when the longest started and\n"
	"ended, in the layout of `perf sched latency`, with a TOTAL row. Counted\n"
	"since start; without an interval, printed once at Ctrl-C. Times are\n"
	"CLOCK_MONOTONIC seconds (bpf_ktime_get_ns).\n\n"
	"options:\n"
	"  -p, --pid PID           only this thread, or the threads of this process\n"
	"  -s, --sort KEY          avg (default, then max, switches, runtime), max,\n"
	"                          runtime, switches\n"
	CLI_COMMON_HELP;

enum { C_COMM, C_PID, C_RT, C_SW, C_AVG, C_MAX, C_START, C_END, NCOLS };

static const struct out_col cols[NCOLS] = {
	[C_COMM] = { "comm", NULL, OUT_STR, 16, 0, 1, 0 },
	[C_PID] = { "pid", NULL, OUT_U64, 7, 0, 0, 0 },
	[C_RT] = { "runtime_ms", NULL, OUT_F64, 11, 3, 0, 0 },
	[C_SW] = { "switches", NULL, OUT_U64, 9, 0, 0, 0 },
	[C_AVG] = { "avg_delay_ms", NULL, OUT_F64, 8, 3, 0, 0 },
	[C_MAX] = { "max_delay_ms", NULL, OUT_F64, 8, 3, 0, 0 },
	[C_START] = { "max_delay_start_s", NULL, OUT_F64, 12, 6, 0, 0 },
	[C_END] = { "max_delay_end_s", NULL, OUT_F64, 12, 6, 0, 0 },
};

enum sort_key { SORT_AVG, SORT_MAX, SORT_RUNTIME, SORT_SWITCHES };

struct lat_opts {
	struct cli_common cli;
	long pid;
	enum sort_key sort;
};

struct lat_row {
	uint32_t tid;
	struct lat_task v;
};

struct lat_run {
	const struct lat_opts *opt;
	const struct tap_obj *obj;
	FILE *f;
	struct out out;
	int ncpus;
	struct cpu_slot *oncpu;
	uint64_t *full;
	struct lat_row *rows;
	size_t nrows, caprows;
	enum map_read_mode read_mode;
	int said_next_key, said_full;
};

static uint64_t avg_ns(const struct lat_task *t)
{
	return t->switches ? t->delay_sum_ns / t->switches : 0;
}

/* Descending; perf's default order is avg, max, switch, runtime. */
static int cmp_rows(const void *a, const void *b, void *ctx)
{
	static const enum sort_key order[] = { SORT_AVG, SORT_MAX, SORT_SWITCHES, SORT_RUNTIME };
	const struct lat_row *x = a, *y = b;
	enum sort_key first = *(const enum sort_key *)ctx;

	for (int i = -1; i < 4; i++) {
		enum sort_key k = i < 0 ? first : order[i];
		uint64_t u = 0, v = 0;

		switch (k) {
		case SORT_AVG: u = avg_ns(&x->v); v = avg_ns(&y->v); break;
		case SORT_MAX: u = x->v.max_delay_ns; v = y->v.max_delay_ns; break;
		case SORT_RUNTIME: u = x->v.runtime_ns; v = y->v.runtime_ns; break;
		case SORT_SWITCHES: u = x->v.switches; v = y->v.switches; break;
		}
		if (u != v)
			return u > v ? -1 : 1;
	}
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

static int take_entry(void *ctx, const void *key, const void *value)
{
	struct lat_run *r = ctx;

	if (array_grow(&r->rows, &r->caprows, r->nrows, sizeof(*r->rows), 256))
		return -ENOMEM;
	r->rows[r->nrows].tid = *(const uint32_t *)key;
	memcpy(&r->rows[r->nrows].v, value, sizeof(struct lat_task));
	r->nrows++;
	return 0;
}

static int keep(const struct lat_opts *o, const struct lat_row *w)
{
	if (!w->v.switches && !w->v.runtime_ns)
		return 0;
	return o->pid < 0 || w->tid == (uint32_t)o->pid || w->v.tgid == (uint32_t)o->pid;
}

/* perf's "  comm:tid " padded to 24 columns, then its number formats. */
static void table_row(struct lat_run *r, const struct lat_row *w)
{
	char comm[4 * LAT_COMM_LEN + 1], name[128];
	int n;

	out_table_escape(w->v.comm, LAT_COMM_LEN, comm, sizeof(comm));
	n = snprintf(name, sizeof(name), "  %s:%" PRIu32 " ", comm, w->tid);
	fprintf(r->f, "%s%*s|%11.3f ms |%9" PRIu64 " | avg:%8.3f ms | max:%8.3f ms"
		" | max start: %12.6f s | max end: %12.6f s\n",
		name, n < 24 ? 24 - n : 0, "", (double)w->v.runtime_ns / 1e6, w->v.switches,
		(double)avg_ns(&w->v) / 1e6, (double)w->v.max_delay_ns / 1e6,
		(double)w->v.max_start_ns / 1e9, (double)w->v.max_end_ns / 1e9);
}

static void machine_row(struct lat_run *r, const struct lat_row *w)
{
	struct out_val v[NCOLS];

	memset(v, 0, sizeof(v));
	v[C_COMM] = (struct out_val){ .str = w->v.comm, .len = LAT_COMM_LEN };
	v[C_PID].u = w->tid;
	v[C_RT].f = (double)w->v.runtime_ns / 1e6;
	v[C_SW].u = w->v.switches;
	v[C_AVG].f = (double)avg_ns(&w->v) / 1e6;
	v[C_MAX].f = (double)w->v.max_delay_ns / 1e6;
	v[C_START].f = (double)w->v.max_start_ns / 1e9;
	v[C_END].f = (double)w->v.max_end_ns / 1e9;
	out_row(&r->out, v);
}

static const char dashes_head[] =
	" -------------------------------------------------------------------------------------------------------------------------------------------\n";

static int sample(struct lat_run *r)
{
	unsigned long long now;
	int n;

	r->nrows = 0;
	n = map_for_each(tap_map_fd(r->obj, "lat_tasks"), 4, sizeof(struct lat_task),
			 LAT_MAX_TASKS, take_entry, r, &r->read_mode);
	if (n < 0)
		return msg_errno(n, "reading the task map");
	if (r->read_mode == MAP_READ_NEXT_KEY)
		feat_note_once(&r->said_next_key, "no batch map lookups (%s): reading the "
			       "task map with get_next_key",
			       feat_forced("FORCE_NO_BATCH") ? "forced by SCHEDTAP_FORCE_NO_BATCH"
							     : "kernel < 5.6");
	/* The slices running now count up to now, as in top. */
	now = sig_now_ns();
	if (bpf_map_lookup(tap_map_fd(r->obj, "lat_oncpu"), &(uint32_t){ 0 }, r->oncpu))
		memset(r->oncpu, 0, sizeof(*r->oncpu) * (size_t)r->ncpus);
	for (int c = 0; c < r->ncpus; c++) {
		if (!r->oncpu[c].pid || !r->oncpu[c].value || r->oncpu[c].value > now)
			continue;
		for (size_t i = 0; i < r->nrows; i++)
			if (r->rows[i].tid == r->oncpu[c].pid) {
				r->rows[i].v.runtime_ns += now - r->oncpu[c].value;
				break;
			}
	}
	return 0;
}

static int report(void *ctx, double iv)
{
	struct lat_run *r = ctx;
	const struct lat_opts *o = r->opt;
	uint64_t all_rt = 0, all_sw = 0, full = 0;
	int err = sample(r);

	(void)iv;
	if (err)
		return err;
	qsort_r(r->rows, r->nrows, sizeof(*r->rows), cmp_rows, (void *)&o->sort);
	if (o->cli.fmt == OUT_TABLE) {
		fprintf(r->f, "\n%s", dashes_head);
		fprintf(r->f, "  Task                  |   Runtime ms  | Switches | Avg delay ms    |"
			" Max delay ms    | Max delay start           | Max delay end          |\n");
		fputs(dashes_head, r->f);
	}
	for (size_t i = 0; i < r->nrows; i++) {
		const struct lat_row *w = &r->rows[i];

		if (!keep(o, w))
			continue;
		all_rt += w->v.runtime_ns;
		all_sw += w->v.switches;
		if (o->cli.fmt == OUT_TABLE)
			table_row(r, w);
		else
			machine_row(r, w);
	}
	if (o->cli.fmt == OUT_TABLE) {
		fprintf(r->f, " -----------------------------------------------------------------"
			"------------------------------------------------\n");
		fprintf(r->f, "  TOTAL:                |%11.3f ms |%9" PRIu64 " |\n",
			(double)all_rt / 1e6, all_sw);
		fprintf(r->f, " ---------------------------------------------------\n");
	}
	/* Exited tasks have been reported once: drop them now. */
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].v.flags & LAT_EXITED)
			bpf_map_delete(tap_map_fd(r->obj, "lat_tasks"), &r->rows[i].tid);
	if (!map_read_percpu_u64(tap_map_fd(r->obj, "lat_full"), 0, r->full, r->ncpus))
		for (int c = 0; c < r->ncpus; c++)
			full += r->full[c];
	if (full && !r->said_full++)
		msg_err("warning: the task map (%d entries) is full: %" PRIu64 " updates "
			"were dropped; some tasks are missing or incomplete", LAT_MAX_TASKS, full);
	err = o->cli.fmt == OUT_TABLE ? out_file_flush(r->f) : out_flush(&r->out);
	return err ? msg_errno(err, "writing the report") : 0;
}

/* avg, max, runtime, switches; and perf's name "switch". */
static int parse_sort(const struct cli_common *c, const char *s, enum sort_key *k)
{
	static const char *const names[] = { "avg", "max", "runtime", "switches" };
	int i = 0;

	if (!strcmp(s, "switch"))
		s = "switches";
	if (cli_choice(c, s, names, 4, &i))
		return -1;
	*k = (enum sort_key)i;
	return 0;
}

static int parse(struct lat_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONG,
		{ "pid", required_argument, 0, 'p' },
		{ "sort", required_argument, 0, 's' },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, bad = 0;

	cli_init(c, "latency");
	o->pid = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_COMMON_SHORT "p:s:", longopts,
					   help)) >= 0) {
		if (opt == 'p')
			bad = cli_pid(c, optarg, &o->pid);
		else
			bad = parse_sort(c, optarg, &o->sort);
	}
	/* perf's summary: one report, at Ctrl-C. */
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_INTERVAL_OR_ONCE);
}

int cmd_latency(int argc, char **argv)
{
	const struct tap_prog_def *tp_progs[] = { &prog_lat_wakeup, &prog_lat_wakeup_new,
						  &prog_lat_switch, &prog_lat_free };
	const struct tap_prog_def *btf_progs[] = { &prog_lat_wakeup_btf, &prog_lat_wakeup_new_btf,
						   &prog_lat_switch_btf, &prog_lat_free };
	static struct lat_opts o;
	static struct session s;
	struct lat_run r;
	int err, p;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	if ((p = parse(&o, argc, argv)) >= 0)
		return p;
	r.opt = &o;
	err = session_open(&s, &o.cli, session_btf_typed(&s) ? btf_progs : tp_progs,
			   TAP_ARRAY_SIZE(tp_progs), NULL);
	if (!err) {
		r.obj = &s.obj;
		r.f = s.out;
		r.ncpus = s.ncpus;
		r.oncpu = calloc((size_t)r.ncpus, sizeof(*r.oncpu));
		r.full = calloc((size_t)r.ncpus, sizeof(*r.full));
		if (!r.oncpu || !r.full)
			err = msg_errno(-ENOMEM, "allocating the per-CPU buffers");
	}
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		out_init(&r.out, r.f, o.cli.fmt, cols, NCOLS);
		if (o.cli.fmt == OUT_TABLE && o.cli.once)
			fprintf(stderr, "Tracing scheduling delay... Hit Ctrl-C to end.\n");
		err = cli_interval_loop(&o.cli, NULL, report, &r);
	}
	free(r.oncpu);
	free(r.full);
	free(r.rows);
	return session_close(&s, err);
}
