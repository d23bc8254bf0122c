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

struct report_run {
	struct sched_stats *ss;
	struct ltt_file *lt;		/* --loadtrack's, or NULL */
	uint64_t first, last, bad;
};

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

	if (!is_record(data, size, &r))
		rr->bad++;
	else
		ss_add(rr->ss, &r);
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
		{ "help", no_argument, 0, 'h' },
		{ "output", required_argument, 0, 'o' },
		{ "duration", required_argument, 0, 'd' },
		{ "dump", no_argument, 0, OPT_DUMP },
		{ "perf-buffer", no_argument, 0, OPT_PERF_BUFFER },
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
	unsigned partial;
	char msg[200];
	FILE *in = trace_file_open(o->read, &h, msg, sizeof(msg)), *f = NULL;
	long start = in ? ftell(in) : -1;
	int err;

	if (!in) {
		msg_err("reading %s: %s", o->read, msg);
		return EXIT_RUNTIME;
	}
	err = trace_file_records(in, on_bounds, rr, &partial, msg, sizeof(msg));
	if (!err && fseek(in, start, SEEK_SET))
		snprintf(msg, sizeof(msg), "%s", strerror(errno)), err = -EIO;
	if (!err) {
		ss_init(rr->ss, rr->first, rr->last, &h.states);
		err = trace_file_records(in, on_record, rr, &partial, msg, sizeof(msg));
	}
	fclose(in);
	if (err) {
		msg_err("reading %s: %s", o->read, msg);
		return EXIT_RUNTIME;
	}
	if (partial)
		msg_err("%s ends inside a record (its writer was killed?): the part is left out",
			o->read);
	if (!rr->ss->switches)
		msg_err("warning: %s holds no switch: the page is empty", o->read);
	if (!(f = cli_open_output(&o->cli)))
		return EXIT_RUNTIME;
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
		err = tap_obj_attach(&s.obj);
	}
	if (!err)
		err = stream_run(rd, t0, o->cli.duration, on_record, rr, NULL);
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
	rr.bad += rr.ss->bad;
	if (rr.bad)
		msg_err("%llu records of an unknown shape skipped", (unsigned long long)rr.bad);
	free(rr.ss);
	return r;
}
