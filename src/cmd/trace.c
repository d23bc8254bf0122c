/* schedtap trace: the scheduler's event stream, one line per event, from
 * a BPF ring buffer (or a perf buffer where the kernel has none). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "core/help.h"
#include "core/cli.h"
#include "cmd/commands.h"
#include "cmd/event_stream.h"
#include "kernel/features.h"
#include "kernel/loader.h"
#include "cmd/session.h"
#include "cmd/trace_file.h"
#include "kernel/maps.h"
#include "core/msg.h"
#include "core/output.h"
#include "tracefs/sched_state.h"
#include "core/sig.h"
#include "bpf/trace.h"


static const char help[] CLI_HELP_TEXT =
	"usage: schedtap trace [options]\n\n"
	"Streams one record per context switch: time, CPU, the task switched out\n"
	"(name, pid, priority, state, how long it ran) and the task switched in.\n"
	"-e adds wakeups, new tasks' wakeups, migrations, forks and exits.\n"
	"Filters run in the kernel. Nothing is lost silently: records the kernel\n"
	"could not write are counted per CPU and reported at the end.\n\n"
	"options:\n"
	"  -e, --events            also wakeup, wakeup_new, migrate, fork, exit\n"
	"  -p, --pid PID           only events about this task (either side) or\n"
	"                          switches out of this process\n"
	"  -c, --comm NAME         only events about tasks with this name\n"
	"  -C, --cpu CPU           only events on this CPU\n"
	"      --binary            with -o FILE: the records as the kernel wrote them\n"
	"                          (the least CPU per event; read with --read)\n"
	"      --read FILE         print a --binary file (table, --csv or --json);\n"
	"                          nothing is traced\n"
	CLI_STREAM_HELP
	"\n--json ends with a summary object (events, lost per CPU, buffer).\n";

enum {
	C_TIME, C_TS, C_CPU, C_EVENT, C_COMM, C_PID, C_PRIO, C_STATE, C_RUN_US,
	C_RUN_NS, C_NCOMM, C_NPID, C_NPRIO, C_TARGET, C_ORIG, NCOLS
};

static const struct out_col cols[NCOLS] = {
	[C_TIME] = { "time_ms", "TIME(ms)", OUT_F64, 12, 3, 0, 0 },
	[C_TS] = { "ts_ns", "TS", OUT_U64, 0, 0, 0, OUT_MACHINE_ONLY },
	[C_CPU] = { "cpu", "CPU", OUT_U64, 3, 0, 0, 0 },
	[C_EVENT] = { "event", "EVENT", OUT_STR, 10, 0, 1, 0 },
	[C_COMM] = { "comm", "COMM", OUT_STR, 16, 0, 1, 0 },
	[C_PID] = { "pid", "PID", OUT_S64, 7, 0, 0, 0 },
	[C_PRIO] = { "prio", "PRIO", OUT_S64, 4, 0, 0, 0 },
	[C_STATE] = { "state", "STATE", OUT_STR, 5, 0, 1, 0 },
	[C_RUN_US] = { "runtime_us", "RUN(us)", OUT_F64, 10, 1, 0, OUT_TABLE_ONLY },
	[C_RUN_NS] = { "runtime_ns", "RUN_NS", OUT_U64, 0, 0, 0, OUT_MACHINE_ONLY },
	[C_NCOMM] = { "next_comm", "-> NEXT", OUT_STR, 16, 0, 1, 0 },
	[C_NPID] = { "next_pid", "NPID", OUT_S64, 7, 0, 0, 0 },
	[C_NPRIO] = { "next_prio", "NPRIO", OUT_S64, 5, 0, 0, 0 },
	[C_TARGET] = { "target_cpu", "TO", OUT_S64, 3, 0, 0, 0 },
	[C_ORIG] = { "orig_cpu", "FROM", OUT_S64, 4, 0, 0, 0 },
};

static const char *const kind_names[] = {
	[TRACE_SWITCH] = "switch", [TRACE_WAKEUP] = "wakeup",
	[TRACE_WAKEUP_NEW] = "wakeup_new", [TRACE_MIGRATE] = "migrate",
	[TRACE_FORK] = "fork", [TRACE_EXIT] = "exit",
};

struct trace_opts {
	struct cli_common cli;
	struct trace_params prog;
	int events;
	int binary;		/* --binary */
	const char *read;	/* --read FILE */
};

struct trace_run {
	struct out out;
	int binary;			/* records go out as they came */
	struct sched_state states;
	/* prev_states already named: a few values recur (S and R+ take
	 * turns in a ping-pong), and naming one is a snprintf per flag. */
	struct { unsigned long long state; char name[32]; } named[4];
	unsigned nnamed;
	unsigned long long t0;		/* CLOCK_MONOTONIC just before attach */
	uint64_t written;
	uint64_t bad;			/* records of a size we do not know */
};

static struct out_val num(int64_t v)
{
	return (struct out_val){ .s = v };
}

static const char *state_name(struct trace_run *t, unsigned long long state)
{
	unsigned n = t->nnamed < 4 ? t->nnamed : 4, slot;

	for (unsigned i = 0; i < n; i++)
		if (t->named[i].state == state)
			return t->named[i].name;
	slot = t->nnamed++ % 4;
	t->named[slot].state = state;
	sched_state_name(&t->states, state, t->named[slot].name, sizeof(t->named[slot].name));
	return t->named[slot].name;
}

static int on_record(void *ctx, const void *data, uint32_t size)
{
	struct trace_run *t = ctx;
	struct out_val v[NCOLS];
	struct trace_rec r;
	const char *state = NULL;
	int sw;

	if (size < sizeof(r)) {
		t->bad++;
		return 0;
	}
	if (t->binary) {
		out_raw(&t->out, data, sizeof(r));
		t->written++;
		return 0;
	}
	/* Perf buffer records are only 4-byte aligned: copy out. */
	memcpy(&r, data, sizeof(r));
	if (r.kind < TRACE_SWITCH || r.kind > TRACE_EXIT) {
		t->bad++;
		return 0;
	}
	sw = r.kind == TRACE_SWITCH;
	if (sw)
		state = state_name(t, r.state);
	/* Zeroed: a number's len must not be OUT_NULL by accident. */
	memset(v, 0, sizeof(v));
	v[C_TIME].f = (double)((int64_t)(r.ts_ns - t->t0)) / 1e6;
	v[C_TS].u = r.ts_ns;
	v[C_CPU].u = r.cpu;
	v[C_EVENT] = (struct out_val){ .str = kind_names[r.kind], .len = -1 };
	v[C_COMM] = (struct out_val){ .str = r.comm, .len = TRACE_COMM_LEN };
	v[C_PID] = num(r.pid);
	v[C_PRIO] = r.kind == TRACE_FORK ? OUT_NONE : num(r.prio);
	v[C_STATE] = (struct out_val){ .str = state, .len = -1 };
	/* 0: the first switch seen on this CPU, whose slice began unseen. */
	v[C_RUN_US] = sw && r.runtime_ns ? (struct out_val){ .f = (double)r.runtime_ns / 1e3 } : OUT_NONE;
	v[C_RUN_NS] = sw && r.runtime_ns ? (struct out_val){ .u = r.runtime_ns } : OUT_NONE;
	v[C_NCOMM] = sw || r.kind == TRACE_FORK ?
		(struct out_val){ .str = r.comm2, .len = TRACE_COMM_LEN } : (struct out_val){ .str = NULL };
	v[C_NPID] = sw || r.kind == TRACE_FORK ? num(r.pid2) : OUT_NONE;
	v[C_NPRIO] = sw ? num(r.prio2) : OUT_NONE;
	v[C_TARGET] = r.kind == TRACE_WAKEUP || r.kind == TRACE_WAKEUP_NEW ? num(r.arg) :
		      r.kind == TRACE_MIGRATE ? num(r.arg2) : OUT_NONE;
	v[C_ORIG] = r.kind == TRACE_MIGRATE ? num(r.arg) : OUT_NONE;
	out_row(&t->out, v);
	t->written++;
	return 0;
}

/* --binary: what reading the records back needs, before them. */
static void binary_header(struct trace_run *t)
{
	static struct trace_file_hdr h;
	uint8_t buf[TRACE_FILE_HDR_MAX];
	struct utsname u;

	h = (struct trace_file_hdr){ .version = TRACE_FILE_VERSION, .rec_size = sizeof(struct trace_rec),
				     .t0_ns = t->t0, .states = t->states };
	/* What decoding prev_state depends on, for a trace made elsewhere. */
	if (!uname(&u)) {
		snprintf(h.uts[0], TRACE_FILE_UTS, "%s", u.sysname);
		snprintf(h.uts[1], TRACE_FILE_UTS, "%s", u.release);
		snprintf(h.uts[2], TRACE_FILE_UTS, "%s", u.version);
		snprintf(h.uts[3], TRACE_FILE_UTS, "%s", u.machine);
	}

	out_raw(&t->out, buf, trace_file_header(&h, buf));
}

/* --binary and --read: what they need and what they leave out. */
static int file_options(struct trace_opts *o, int filters)
{
	struct cli_common *c = &o->cli;

	if (o->binary && (!c->output || c->fmt_given))
		return cli_usage_error(c, "--binary needs -o FILE and takes no --csv or --json");
	if (o->read && (o->binary || filters || c->duration > 0 || c->perf_buffer))
		return cli_usage_error(c, "--read prints a file: no tracing options (-e, -p, -c, "
				       "-C, -d, --perf-buffer, --binary)");
	return 0;
}

static int parse(struct trace_opts *o, int argc, char **argv)
{
	enum { OPT_BINARY = OPT_OWN, OPT_READ };
	static const struct option longopts[] = {
		CLI_STREAM_LONG,
		{ "events", no_argument, 0, 'e' },
		{ "pid", required_argument, 0, 'p' },
		{ "comm", required_argument, 0, 'c' },
		{ "cpu", required_argument, 0, 'C' },
		{ "binary", no_argument, 0, OPT_BINARY },
		{ "read", required_argument, 0, OPT_READ },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	const char *comm;
	int opt, bad = 0, filters = 0;

	cli_init(c, "trace");
	o->prog.pid = o->prog.cpu = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_STREAM_SHORT "ep:c:C:", longopts,
					   help)) >= 0) {
		filters += opt == 'e' || opt == 'p' || opt == 'c' || opt == 'C';
		switch (opt) {
		case 'e': o->events = 1; break;
		case 'p': bad = cli_pid(c, optarg, &o->prog.pid); break;
		case 'C': bad = cli_cpu(c, optarg, SESSION_MAX_CPUS - 1, &o->prog.cpu); break;
		case 'c':
			if (!(bad = cli_comm(c, optarg, &comm)))
				memcpy(o->prog.comm, comm, strlen(comm));
			break;
		case OPT_BINARY: o->binary = 1; break;
		case OPT_READ: o->read = optarg; break;
		}
	}
	if (!bad && opt == -1)
		bad = file_options(o, filters);
	o->prog.perfbuf = c->perf_buffer;
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

/* --read: the file's records through the same formatting, states decoded
 * with the traced kernel's flags from its header. */
static int read_file(const struct trace_opts *o)
{
	static struct trace_file_hdr h;
	struct trace_run t;
	FILE *in = trace_file_open_said(o->read, &h), *f;
	int err;

	if (!in)
		return EXIT_RUNTIME;
	if (!(f = cli_open_output(&o->cli))) {
		fclose(in);
		return EXIT_RUNTIME;
	}
	memset(&t, 0, sizeof(t));
	t.states = h.states;
	t.t0 = h.t0_ns;
	out_init(&t.out, f, o->cli.fmt, cols, NCOLS);
	err = trace_file_records_said(in, o->read, on_record, &t);
	fclose(in);
	if (!err && t.bad)
		fprintf(stderr, "schedtap: %llu records of an unknown shape skipped\n",
			(unsigned long long)t.bad);
	if (out_flush(&t.out) && !err)
		err = msg_errno(t.out.err ? t.out.err : -EIO, "writing %s",
				o->cli.output ? o->cli.output : "stdout");
	if (f != stdout && fclose(f) && !err)
		err = msg_errno(-errno, "closing %s", o->cli.output);
	return err ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_trace(int argc, char **argv)
{
	const struct tap_prog_def *progs[] = {
		&prog_trace_switch, &prog_trace_wakeup, &prog_trace_wakeup_new,
		&prog_trace_migrate, &prog_trace_fork, &prog_trace_exit,
	};
	static struct trace_opts o;
	static struct session s;
	struct event_reader *rd = NULL;
	struct trace_run t;
	int err, r;

	memset(&o, 0, sizeof(o));
	memset(&t, 0, sizeof(t));
	if ((r = parse(&o, argc, argv)) >= 0)
		return r;
	if (o.read)
		return read_file(&o);
	stream_choose_buffer(&o.prog.perfbuf);
	err = session_open(&s, &o.cli, progs, o.events ? 6 : 1, &o.prog);
	if (!err) {
		sched_state_decode(&s.obj.progs[0].fmt, &t.states);
		err = stream_open(&rd, o.prog.perfbuf, &s.obj, s.cpu_ids, s.ncpus);
	}
	/* Before attaching: no record may be older than time 0. */
	t.t0 = sig_now_ns();
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		out_init(&t.out, s.out, o.cli.fmt, cols, NCOLS);
		if ((t.binary = o.binary))
			binary_header(&t);
		err = stream_run(rd, t.t0, o.cli.duration, on_record, &t, &t.out);
		stream_summary(&t.out, &s.obj, rd, s.ncpus, s.cpu_ids, t.written, t.bad);
		if ((r = out_flush(&t.out)) && !err)
			err = msg_errno(r, "writing events");
	}
	event_reader_free(rd);
	return session_close(&s, err);
}
