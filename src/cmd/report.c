/* schedtap report: one self-contained HTML page of the scheduler's
 * behaviour, from a live window or a `trace --binary` recording (made
 * here or on a device and copied off it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "bpf/trace.h"
#include "cmd/commands.h"
#include "cmd/event_stream.h"
#include "cmd/session.h"
#include "cmd/trace_file.h"
#include "core/cli.h"
#include "core/help.h"
#include "core/msg.h"
#include "core/sig.h"
#include "cmd/inversion_detect.h"
#include "lottery/pins.h"
#include "lottery/rows.h"
#include "report/lt_timeline.h"
#include "report/page.h"
#include "report/sched_stats.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap report -o FILE.html [options]\n\n"
	"Writes one HTML file (inline SVG and CSS: no script, nothing fetched;\n"
	"it opens offline, on a phone or a desktop): per CPU who ran over time,\n"
	"run-queue latency histograms (all CPUs and each), per-task CPU time and\n"
	"switches, and the scheduling delay per task, from a live window of\n"
	"trace's events or from a recording made with `schedtap trace --binary`.\n\n"
	"options:\n"
	"  -o, --output FILE       the page (needed)\n"
	"  -d, --duration SECONDS  the live window (default 5)\n"
	"      --read FILE         a `trace --binary -e` recording; nothing is traced\n"
	"      --loadtrack FILE    add loadtrack's plots from its --timeline --csv\n"
	"                          output: actual utilization, util_avg, util_est\n"
	"                          and PELT's model on one time axis per scenario\n"
	"      --perf-buffer       use a perf buffer even where a ring buffer exists\n"
	"      --dump              print the BPF programs as assembly, exit\n"
	"  -h, --help              this help\n";

struct report_opts {
	struct cli_common cli;
	struct trace_params prog;
	const char *read;
	const char *loadtrack;		/* --loadtrack FILE */
};

/* Inversions the page lists; the rest are counted. */
#define REPORT_INVERSIONS 25
/* inversion's default: the smallest wait it reports. */
#define REPORT_INV_THRESH_MS 10.0

struct report_run {
	struct sched_stats *ss;
	struct ltt_file *lt;		/* --loadtrack's, or NULL */
	struct inv_detector *det;	/* NULL: no memory for it, said */
	struct report_inversion inv[REPORT_INVERSIONS];
	int ninv;
	uint64_t inv_total;
	uint64_t first, last, bad;
};

static void copy_task(struct report_task_id *to, const struct inv_task_id *from)
{
	to->pid = from->pid;
	to->prio = from->prio;
	memcpy(to->comm, from->comm, TRACE_COMM_LEN);
}

static void found(void *ctx, const struct inv_finding *f)
{
	struct report_run *rr = ctx;
	struct report_inversion *v;

	if (f->type != INV_RUNNABLE)
		return;
	if (rr->inv_total++ >= REPORT_INVERSIONS)
		return;
	v = &rr->inv[rr->ninv++];
	*v = (struct report_inversion){ .ts_ns = f->ts_ns, .wait_ns = f->wait_ns,
					.delay_ns = f->delay_ns, .cpu = f->cpu };
	copy_task(&v->h, &f->h);
	copy_task(&v->m, &f->m);
}

/* trace's records are inversion's in shape: its kinds for the two it
 * reads. */
static void detect(struct report_run *rr, const struct trace_rec *r)
{
	struct trace_rec e = *r;

	if (!rr->det || (r->kind != TRACE_SWITCH && r->kind != TRACE_WAKEUP &&
			 r->kind != TRACE_WAKEUP_NEW))
		return;
	e.kind = r->kind == TRACE_SWITCH ? INV_SWITCH : INV_WAKEUP;
	inv_detect_record(rr->det, &e, sizeof(e));
}

/* The detector, for the events to come: the page says when it has none. */
static void detect_init(struct report_run *rr, const struct sched_state *states)
{
	if (!(rr->det = calloc(1, sizeof(*rr->det))) ||
	    inv_detect_init(rr->det, states, (uint64_t)(REPORT_INV_THRESH_MS * 1e6), found, rr)) {
		free(rr->det);
		rr->det = NULL;
		msg_err("warning: no memory for inversion's detector: the page lists none");
	}
}

/* The lottery monitor, when loaded: a snapshot of its tasks now and one
 * at the window's end, as `lottery dump --share` takes them. */
struct report_lot {
	struct lottery_pinned pin;
	struct lot_snapshot start;
	int open;
};

static void lottery_start(struct report_lot *l)
{
	static const struct lot_filter all;
	uint32_t g;

	memset(l, 0, sizeof(*l));
	/* Not loaded (-ENOENT) is silent; a damaged pin said why. */
	if (lottery_open(&l->pin, 1))
		return;
	if (lottery_gen_read(&l->pin, &g) ||
	    lot_snapshot_read(l->pin.tasks_fd, l->pin.meta.max_tasks, &all, &l->start) ||
	    lottery_gen_set(&l->pin, g + 1)) {
		lottery_close(&l->pin);
		return;
	}
	l->open = 1;
}

static int by_actual(const void *a, const void *b)
{
	const struct lot_row *x = a, *y = b;

	return (x->actual < y->actual) - (x->actual > y->actual);
}

static void lottery_end(struct report_lot *l, struct report_lottery *out)
{
	static const struct lot_filter all;
	struct lot_share_summary sum;
	struct lot_snapshot now;
	uint32_t ended;

	memset(out, 0, sizeof(*out));
	if (!l->open)
		return;
	if (!lottery_gen_read(&l->pin, &ended) &&
	    !lot_snapshot_read(l->pin.tasks_fd, l->pin.meta.max_tasks, &all, &now)) {
		lottery_gen_set(&l->pin, ended + 1);
		lot_snapshot_deltas(&now, &l->start, ended);
		lot_share_compute(now.rows, now.n, now.mono_ns - l->start.mono_ns, 0.01, &sum);
		qsort(now.rows, now.n, sizeof(*now.rows), by_actual);
		*out = (struct report_lottery){ .loaded = 1, .tasks = sum.tasks, .groups = sum.groups,
						.worst_pp = sum.worst_pp, .jain = sum.jain };
		for (size_t i = 0; i < now.n && out->nrows < 25; i++) {
			const struct lot_row *r = &now.rows[i];
			struct report_share *v;

			if (!r->competing)
				continue;
			v = &out->rows[out->nrows++];
			*v = (struct report_share){ .pid = (int32_t)r->pid, .tickets = r->t.tickets,
						    .expected = r->expected, .actual = r->actual,
						    .cpu_ms = (double)r->delta_ns / 1e6 };
			memcpy(v->comm, r->t.comm, sizeof(v->comm) < sizeof(r->t.comm) ?
							   sizeof(v->comm) : sizeof(r->t.comm));
			v->comm[sizeof(v->comm) - 1] = '\0';
		}
		lot_snapshot_free(&now);
	}
	lot_snapshot_free(&l->start);
	lottery_close(&l->pin);
}

static void put_inversions(const struct report_run *rr, struct report_meta *m)
{
	m->inv = rr->inv;
	m->ninv = rr->ninv;
	m->inv_total = rr->inv_total;
	m->inv_thresh_ms = REPORT_INV_THRESH_MS;
}

static int is_record(const void *data, uint32_t size, struct trace_rec *r)
{
	if (size < sizeof(*r))
		return 0;
	memcpy(r, data, sizeof(*r));
	return r->kind >= TRACE_SWITCH && r->kind <= TRACE_EXIT;
}

static int on_record(void *ctx, const void *data, uint32_t size)
{
	struct report_run *rr = ctx;
	struct trace_rec r;

	if (!is_record(data, size, &r)) {
		rr->bad++;
		return 0;
	}
	ss_add(rr->ss, &r);
	detect(rr, &r);
	return 0;
}

/* A recording's first pass: its window. */
static int on_bounds(void *ctx, const void *data, uint32_t size)
{
	struct report_run *rr = ctx;
	struct trace_rec r;

	if (!is_record(data, size, &r))
		return 0;
	if (!rr->first || r.ts_ns < rr->first)
		rr->first = r.ts_ns;
	if (r.ts_ns > rr->last)
		rr->last = r.ts_ns;
	return 0;
}

static int parse(struct report_opts *o, int argc, char **argv)
{
	enum { OPT_READ = OPT_OWN, OPT_LOADTRACK };
	static const struct option longopts[] = {
		CLI_FILE_LONG,
		{ "read", required_argument, 0, OPT_READ },
		{ "loadtrack", required_argument, 0, OPT_LOADTRACK },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, bad = 0;

	cli_init(c, "report");
	o->prog.pid = o->prog.cpu = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, "ho:d:", longopts, help)) >= 0) {
		if (opt == OPT_READ)
			o->read = optarg;
		else if (opt == OPT_LOADTRACK)
			o->loadtrack = optarg;
	}
	if (!bad && opt == -1 && !c->output && !c->dump)
		bad = cli_usage_error(c, "the page goes to a file: give -o FILE");
	if (!bad && opt == -1 && c->fmt_given)
		bad = cli_usage_error(c, "a report is HTML: no --csv or --json");
	if (!bad && opt == -1 && o->read && (c->duration > 0 || c->perf_buffer || c->dump))
		bad = cli_usage_error(c, "--read reports on a file: no -d, --perf-buffer or --dump");
	if (c->duration <= 0)
		c->duration = 5;
	o->prog.perfbuf = c->perf_buffer;
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

static int write_page(const struct report_opts *o, FILE *f, const struct sched_stats *ss,
		      const struct report_meta *m)
{
	static struct out out;

	out_init(&out, f, OUT_TABLE, NULL, 0);
	report_page(&out, ss, m);
	if (out_flush(&out))
		return msg_errno(out.err ? out.err : -EIO, "writing %s", o->cli.output);
	return 0;
}

static int from_file(const struct report_opts *o, struct report_run *rr)
{
	static struct trace_file_hdr h;
	struct report_meta m = { .source = o->read, .loadtrack = rr->lt };
	char kernel[2 * TRACE_FILE_UTS + 2], msg[200];
	unsigned partial;
	FILE *in = trace_file_open_said(o->read, &h), *f = NULL;
	long start = in ? ftell(in) : -1;
	int err;

	if (!in)
		return EXIT_RUNTIME;
	/* Twice: the window first, then the records in it. */
	err = trace_file_records_said(in, o->read, on_bounds, rr);
	if (!err && fseek(in, start, SEEK_SET))
		err = msg_errno(-errno, "reading %s", o->read);
	if (!err) {
		ss_init(rr->ss, rr->first, rr->last, &h.states);
		detect_init(rr, &h.states);
		/* Its cut record, if any, was said in the first. */
		if (trace_file_records(in, on_record, rr, &partial, msg, sizeof(msg))) {
			msg_err("reading %s: %s", o->read, msg);
			err = 1;
		}
	}
	fclose(in);
	if (err)
		return EXIT_RUNTIME;
	if (!rr->ss->switches)
		msg_err("warning: %s holds no switch: the page is empty", o->read);
	if (h.uts[1][0]) {
		snprintf(kernel, sizeof(kernel), "%s %s", h.uts[1], h.uts[3]);
		m.kernel = kernel;
	}
	if (!(f = cli_open_output(&o->cli)))
		return EXIT_RUNTIME;
	put_inversions(rr, &m);
	err = write_page(o, f, rr->ss, &m);
	if (fclose(f) && !err)
		err = msg_errno(-errno, "closing %s", o->cli.output);
	return err ? EXIT_RUNTIME : EXIT_OK;
}

static int live(struct report_opts *o, struct report_run *rr)
{
	const struct tap_prog_def *progs[] = {
		&prog_trace_switch, &prog_trace_wakeup, &prog_trace_wakeup_new, &prog_trace_exit,
	};
	static struct session s;
	struct event_reader *rd = NULL;
	struct sched_state states;
	char source[128], kernel[160];
	struct report_meta m = { .source = source, .loadtrack = rr->lt };
	static struct report_lottery shares;
	static struct report_lot lot;
	struct utsname u;
	uint64_t t0;
	int err;

	stream_choose_buffer(&o->prog.perfbuf);
	err = session_open(&s, &o->cli, progs, 4, &o->prog);
	if (!err) {
		sched_state_decode(&s.obj.progs[0].fmt, &states);
		err = stream_open(&rd, o->prog.perfbuf, &s.obj, s.cpu_ids, s.ncpus);
	}
	t0 = sig_now_ns();
	if (!err) {
		ss_init(rr->ss, t0, t0 + (uint64_t)(o->cli.duration * 1e9), &states);
		detect_init(rr, &states);
		lottery_start(&lot);
		err = tap_obj_attach(&s.obj);
	}
	if (!err)
		err = stream_run(rd, t0, o->cli.duration, on_record, rr, NULL);
	lottery_end(&lot, &shares);
	if (!err) {
		/* Stopped early: the window ends now. */
		uint64_t now = sig_now_ns();

		if (now < rr->ss->t_end)
			rr->ss->t_end = now;
		m.lost = stream_lost(&s.obj, rd, s.ncpus, NULL);
		snprintf(source, sizeof(source), "Live on %s", uname(&u) ? "this machine" : u.nodename);
		if (!uname(&u)) {
			snprintf(kernel, sizeof(kernel), "%s %s", u.release, u.machine);
			m.kernel = kernel;
		}
		put_inversions(rr, &m);
		m.lottery = &shares;
		err = write_page(o, s.out, rr->ss, &m);
	}
	event_reader_free(rd);
	return session_close(&s, err);
}

/* --loadtrack: read first, so that a wrong file costs no tracing. */
static int read_loadtrack(const struct report_opts *o, struct report_run *rr)
{
	char why[160];
	FILE *f = fopen(o->loadtrack, "r");
	int err;

	if (!f)
		return msg_errno(-errno, "reading %s", o->loadtrack), EXIT_RUNTIME;
	if (!(rr->lt = calloc(1, sizeof(*rr->lt)))) {
		fclose(f);
		return msg_errno(-ENOMEM, "reading %s", o->loadtrack), EXIT_RUNTIME;
	}
	err = ltt_read(f, rr->lt, why, sizeof(why));
	fclose(f);
	if (!err && !rr->lt->n)
		snprintf(why, sizeof(why), "no row of a scenario in it"), err = -EINVAL;
	if (err) {
		msg_err("reading %s: %s", o->loadtrack, why);
		ltt_free(rr->lt);
		free(rr->lt);
		rr->lt = NULL;
		return EXIT_RUNTIME;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static struct report_opts o;
	struct report_run rr = { 0 };
	int r;

	memset(&o, 0, sizeof(o));
	if ((r = parse(&o, argc, argv)) >= 0)
		return r;
	if (!(rr.ss = calloc(1, sizeof(*rr.ss))))
		return msg_errno(-ENOMEM, "report"), EXIT_RUNTIME;
	if (o.loadtrack && (r = read_loadtrack(&o, &rr))) {
		free(rr.ss);
		return r;
	}
	r = o.read ? from_file(&o, &rr) : live(&o, &rr);
	if (rr.lt) {
		ltt_free(rr.lt);
		free(rr.lt);
	}
	if (rr.det) {
		inv_detect_free(rr.det);
		free(rr.det);
	}
	rr.bad += rr.ss->bad;
	if (rr.bad)
		msg_err("%llu records of an unknown shape skipped", (unsigned long long)rr.bad);
	free(rr.ss);
	return r;
}
