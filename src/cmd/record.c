/* schedtap record: the scheduler's events as a Perfetto trace, from the
 * live kernel (trace's programs) or from a `trace --binary` recording. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "bpf/pelt.h"
#include "bpf/trace.h"
#include "btf/koffsets.h"
#include "cmd/commands.h"
#include "cmd/event_stream.h"
#include "cmd/session.h"
#include "cmd/trace_file.h"
#include "core/cli.h"
#include "core/help.h"
#include "core/msg.h"
#include "core/sig.h"
#include "perfetto/perfetto.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap record -o FILE [options]\n\n"
	"Writes the scheduler's events as a Perfetto trace (protobuf): per CPU\n"
	"who ran, thread states from every switch's prev_state, wakeups, new\n"
	"tasks, forks and exits, the processes and threads from /proc, and the\n"
	"kernel's utsname (which prev_state's meaning depends on). Open it in\n"
	"ui.perfetto.dev or trace_processor. Packets go out as they fill: a\n"
	"file cut by -d, --max-size or Ctrl-C is a whole trace.\n\n"
	"options:\n"
	"  -o, --output FILE       the trace file (needed)\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"  -p, --pid PID           only events about this task (either side)\n"
	"  -c, --comm NAME         only events about tasks with this name\n"
	"  -C, --cpu CPU           only events on this CPU\n"
	"      --pelt              counter tracks of load tracking: each CPU's util_avg\n"
	"                          and nr_running, each task's util_avg and util_est\n"
	"                          (with -p, that task's only; needs the kernel's BTF)\n"
	"      --compact           switches as compact_sched columns (about 8 bytes a\n"
	"                          switch, not 60); not with -p, -c or -C, nor for a\n"
	"                          recording made with them: the reader takes each\n"
	"                          switch's prev from the switch before it\n"
	"      --max-size MIB      stop when the file reaches this size (default 256)\n"
	"      --read FILE         convert a `trace --binary` recording; nothing is\n"
	"                          traced (its kernel's utsname from the file)\n"
	"      --perf-buffer       use a perf buffer even where a ring buffer exists\n"
	"      --dump              print the BPF programs as assembly, exit\n"
	"  -h, --help              this help\n";

/* Threads in the process tree at most: /proc's listing is bounded too. */
#define RECORD_MAX_TASKS 65536
/* trace's programs, then --pelt's. */
#define RECORD_TRACE_PROGS 5
#define RECORD_PROGS 9
/* Counter tracks at most (--pelt: two per CPU, two per task). */
#define RECORD_TRACKS 4096

struct record_opts {
	struct cli_common cli;
	struct trace_params prog;
	struct pelt_params pelt;
	int with_pelt;
	int compact;		/* --compact */
	long max_mib;
	const char *read;
};

/* A counter track: what it counts (a PELT_EV_ kind) of which CPU or
 * task, and its uuid in the trace. */
struct record_track {
	uint64_t key;		/* kind << 32 | CPU or TID; 0: free */
	uint64_t uuid;
};

struct record_run {
	struct pf_writer *pf;
	uint64_t bad, untracked;
	struct record_track *tracks;	/* RECORD_TRACKS, open addressing */
};

/* The track of kind for id, made (and named) on first use; 0 once the
 * table is full. */
static uint64_t track_of(struct record_run *rr, uint32_t kind, uint32_t id, const char *comm)
{
	static const char *const what[] = {
		[PELT_EV_CFS] = "util_avg", [PELT_EV_SE] = "util_avg",
		[PELT_EV_UTIL_EST_SE] = "util_est", [PELT_EV_NR_RUNNING] = "nr_running",
	};
	uint64_t key = (uint64_t)kind << 32 | id;
	uint32_t i = (uint32_t)(key * 0x9e3779b97f4a7c15ull >> 52) % RECORD_TRACKS;
	char name[64];

	for (unsigned n = 0; n < RECORD_TRACKS; n++, i = (i + 1) % RECORD_TRACKS) {
		struct record_track *t = &rr->tracks[i];

		if (t->key == key)
			return t->uuid;
		if (t->key)
			continue;
		if (comm)
			snprintf(name, sizeof(name), "%.16s %u %s", comm, id, what[kind]);
		else
			snprintf(name, sizeof(name), "CPU %u %s", id, what[kind]);
		t->key = key;
		t->uuid = pf_counter_track(rr->pf, name);
		return t->uuid;
	}
	rr->untracked++;
	return 0;
}

/* --pelt: a record of the PELT tracepoints as a counter's new value. */
static int on_pelt(struct record_run *rr, const struct pelt_rec *p)
{
	char comm[17];
	uint64_t uuid = 0;
	double v = 0;

	memcpy(comm, p->comm, 16);
	comm[16] = '\0';
	switch (p->kind) {
	case PELT_EV_CFS:
		if (p->cgroup || p->cpu & PELT_RQ_GROUP)
			return 0;
		uuid = track_of(rr, p->kind, p->cpu, NULL);
		v = (double)p->util;
		break;
	case PELT_EV_NR_RUNNING:
		uuid = track_of(rr, p->kind, p->cpu, NULL);
		v = p->nr_running;
		break;
	case PELT_EV_SE:
	case PELT_EV_UTIL_EST_SE:
		if (p->pid <= 0)
			return 0;
		uuid = track_of(rr, p->kind, (uint32_t)p->pid, comm);
		v = p->kind == PELT_EV_SE ? (double)p->util : p->enqueued;
		break;
	default:
		return 0;
	}
	return pf_counter(rr->pf, uuid, p->ts_ns, v);
}

static int on_record(void *ctx, const void *data, uint32_t size)
{
	struct record_run *rr = ctx;
	struct pelt_rec p;
	struct trace_rec r;
	int err;

	/* The two families' records share the buffer: their sizes differ
	 * (perf buffers pad a record to 8 bytes: 92 and 108). */
	if (rr->tracks && size >= sizeof(p)) {
		memcpy(&p, data, sizeof(p));
		err = on_pelt(rr, &p);
	} else if (size < sizeof(r) || !memcpy(&r, data, sizeof(r)) || r.kind < TRACE_SWITCH ||
		   r.kind > TRACE_EXIT) {
		rr->bad++;
		return 0;
	} else {
		err = pf_record(rr->pf, &r);
	}
	if (rr->pf->capped)
		sig_stop();
	return err;
}

static int parse(struct record_opts *o, int argc, char **argv)
{
	enum { OPT_MAX_SIZE = OPT_OWN, OPT_READ, OPT_PELT, OPT_COMPACT };
	static const struct option longopts[] = {
		CLI_FILE_LONG,
		{ "pid", required_argument, 0, 'p' },
		{ "comm", required_argument, 0, 'c' },
		{ "cpu", required_argument, 0, 'C' },
		{ "max-size", required_argument, 0, OPT_MAX_SIZE },
		{ "read", required_argument, 0, OPT_READ },
		{ "pelt", no_argument, 0, OPT_PELT },
		{ "compact", no_argument, 0, OPT_COMPACT },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	const char *comm;
	int opt, bad = 0, live = 0;

	cli_init(c, "record");
	o->prog.pid = o->prog.cpu = -1;
	o->max_mib = 256;
	while (!bad && (opt = cli_next_opt(c, argc, argv, "ho:d:p:c:C:", longopts, help)) >= 0) {
		live += opt == 'p' || opt == 'c' || opt == 'C' || opt == OPT_PELT;
		switch (opt) {
		case 'p': bad = cli_pid(c, optarg, &o->prog.pid); break;
		case 'C': bad = cli_cpu(c, optarg, SESSION_MAX_CPUS - 1, &o->prog.cpu); break;
		case 'c':
			if (!(bad = cli_comm(c, optarg, &comm)))
				memcpy(o->prog.comm, comm, strlen(comm));
			break;
		case OPT_MAX_SIZE: bad = cli_long(c, optarg, 1, 1L << 20, &o->max_mib); break;
		case OPT_READ: o->read = optarg; break;
		case OPT_PELT: o->with_pelt = 1; break;
		case OPT_COMPACT: o->compact = 1; break;
		}
	}
	if (!bad && opt == -1 && !c->output && !c->dump)
		bad = cli_usage_error(c, "the trace goes to a file: give -o FILE");
	if (!bad && opt == -1 && o->compact &&
	    (o->prog.pid >= 0 || o->prog.cpu >= 0 || o->prog.comm[0]))
		bad = cli_usage_error(c, "--compact needs every switch of a CPU: no -p, -c or -C");
	if (!bad && opt == -1 && c->fmt_given)
		bad = cli_usage_error(c, "a Perfetto trace is protobuf: no --csv or --json");
	if (!bad && opt == -1 && o->read && (live || c->duration > 0 || c->perf_buffer || c->dump))
		bad = cli_usage_error(c, "--read converts a file: no tracing options (-p, -c, -C, "
				      "-d, --perf-buffer, --dump)");
	o->prog.perfbuf = o->pelt.perfbuf = c->perf_buffer;
	o->pelt.pid = o->prog.pid;
	o->pelt.cpu = o->prog.cpu;
	o->pelt.events = 1;
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

/* What the trace ends with on stderr: its size and what it left out. */
static void say_written(const struct record_opts *o, const struct pf_writer *w,
			const struct record_run *rr, uint64_t lost)
{
	fprintf(stderr, "schedtap: %s: %llu events, %llu bytes", o->cli.output,
		(unsigned long long)w->events, (unsigned long long)w->bytes);
	if (lost)
		fprintf(stderr, ", %llu lost in the kernel", (unsigned long long)lost);
	if (rr->bad)
		fprintf(stderr, ", %llu records of an unknown shape skipped",
			(unsigned long long)rr->bad);
	if (rr->untracked)
		fprintf(stderr, ", %llu counter values past %d tracks left out",
			(unsigned long long)rr->untracked, RECORD_TRACKS);
	fputc('\n', stderr);
	if (w->capped)
		msg_err("warning: stopped at --max-size %ld MiB: %llu events left out",
			o->max_mib, (unsigned long long)w->dropped);
}

/* A version 2 recording holds the traced kernel's utsname: its
 * system_info, so that prev_state is decoded for that kernel. */
static int write_file_uts(struct pf_writer *w, const struct trace_file_hdr *h)
{
	struct utsname u;

	if (!h->uts[1][0])
		return 0;
	memset(&u, 0, sizeof(u));
	snprintf(u.sysname, sizeof(u.sysname), "%s", h->uts[0]);
	snprintf(u.release, sizeof(u.release), "%s", h->uts[1]);
	snprintf(u.version, sizeof(u.version), "%s", h->uts[2]);
	snprintf(u.machine, sizeof(u.machine), "%s", h->uts[3]);
	return pf_system_info(w, &u, 0);
}

static int convert_file(const struct record_opts *o, struct pf_writer *w, struct out *out)
{
	static struct trace_file_hdr h;
	struct record_run rr = { .pf = w };
	FILE *in = trace_file_open_said(o->read, &h), *f;
	int err;

	if (!in)
		return EXIT_RUNTIME;
	if (!(f = cli_open_output(&o->cli))) {
		fclose(in);
		return EXIT_RUNTIME;
	}
	out_init(out, f, OUT_TABLE, NULL, 0);
	pf_init(w, out, (uint64_t)o->max_mib << 20);
	w->compact = o->compact;
	err = write_file_uts(w, &h);
	if (!err)
		err = trace_file_records_said(in, o->read, on_record, &rr);
	fclose(in);
	/* Negative: the writer's (the reader's own are said). */
	if (err < 0)
		msg_errno(err, "writing %s", o->cli.output);
	if (pf_finish(w) && !err)
		err = msg_errno(w->err, "writing %s", o->cli.output);
	if (fclose(f) && !err)
		err = msg_errno(-errno, "closing %s", o->cli.output);
	if (!err)
		say_written(o, w, &rr, 0);
	return err ? EXIT_RUNTIME : EXIT_OK;
}

/* Before the events: the machine, and who exists. */
static int write_preamble(struct pf_writer *w, const struct session *s, uint64_t t0)
{
	struct utsname u;
	int err = 0;

	if (!uname(&u))
		err = pf_system_info(w, &u, (unsigned)s->ncpus);
	if (!err)
		err = pf_process_tree(w, "/proc", t0, RECORD_MAX_TASKS);
	return err;
}

static void mark_losses(struct pf_writer *w, const struct session *s, const struct event_reader *rd,
			uint64_t *lost)
{
	uint64_t *per_cpu = calloc((size_t)s->ncpus, sizeof(*per_cpu));

	*lost = stream_lost(&s->obj, rd, s->ncpus, per_cpu);
	for (int i = 0; per_cpu && i < s->ncpus; i++)
		if (per_cpu[i])
			pf_lost(w, (unsigned)s->cpu_ids[i]);
	free(per_cpu);
}

/* --pelt: the bare PELT tracepoints' programs after trace's, with their
 * own params and the kernel's struct offsets. */
static int add_pelt(struct record_opts *o, struct session *s, struct record_run *rr,
		    struct koffsets *ko, const void **params)
{
	char why[160];
	int err;

	if ((err = koff_from_btf(ko, NULL, why, sizeof(why)))) {
		msg_err("record --pelt needs the kernel's BTF to find struct sched_avg: %s", why);
		return err;
	}
	if (!(rr->tracks = calloc(RECORD_TRACKS, sizeof(*rr->tracks)))) {
		koff_free(ko);
		return msg_errno(-ENOMEM, "record --pelt");
	}
	for (int i = 0; i < RECORD_PROGS; i++)
		params[i] = i < RECORD_TRACE_PROGS ? (const void *)&o->prog : (const void *)&o->pelt;
	o->pelt.perfbuf = o->prog.perfbuf;
	s->params_each = params;
	s->ko = ko;
	return 0;
}

int cmd_record(int argc, char **argv)
{
	const struct tap_prog_def *progs[RECORD_PROGS] = {
		&prog_trace_switch, &prog_trace_wakeup, &prog_trace_wakeup_new,
		&prog_trace_fork, &prog_trace_exit,
		&prog_pev_cfs, &prog_pev_nr, &prog_pev_se, &prog_pev_ese,
	};
	const void *params[RECORD_PROGS];
	static struct record_opts o;
	static struct session s;
	static struct koffsets ko;
	static struct out out;
	struct event_reader *rd = NULL;
	struct pf_writer *w = calloc(1, sizeof(*w));
	struct record_run rr = { .pf = w };
	uint64_t t0, lost = 0;
	int err, r;

	memset(&o, 0, sizeof(o));
	if (!w)
		return msg_errno(-ENOMEM, "record"), EXIT_RUNTIME;
	if ((r = parse(&o, argc, argv)) >= 0 || o.read) {
		r = r >= 0 ? r : convert_file(&o, w, &out);
		free(w);
		return r;
	}
	stream_choose_buffer(&o.prog.perfbuf);
	if (o.with_pelt && add_pelt(&o, &s, &rr, &ko, params)) {
		free(w);
		return EXIT_RUNTIME;
	}
	err = session_open(&s, &o.cli, progs, o.with_pelt ? RECORD_PROGS : RECORD_TRACE_PROGS,
			   &o.prog);
	if (!err)
		err = stream_open(&rd, o.prog.perfbuf, &s.obj, s.cpu_ids, s.ncpus);
	t0 = sig_now_ns();
	if (!err) {
		out_init(&out, s.out, OUT_TABLE, NULL, 0);
		pf_init(w, &out, (uint64_t)o.max_mib << 20);
		w->compact = o.compact;
		if ((err = write_preamble(w, &s, t0)))
			msg_errno(err, "writing %s", o.cli.output);
	}
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		err = stream_run(rd, t0, o.cli.duration, on_record, &rr, &out);
		mark_losses(w, &s, rd, &lost);
		if ((r = pf_finish(w)) && !err)
			err = msg_errno(r, "writing %s", o.cli.output);
		if (!err)
			say_written(&o, w, &rr, lost);
	}
	event_reader_free(rd);
	free(w);
	r = session_close(&s, err);
	if (o.with_pelt) {
		koff_free(&ko);
		free(rr.tracks);
	}
	return r;
}
