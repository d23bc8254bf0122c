/* schedtap inversion: priority inversions, found in user space from a
 * stream of real-time scheduler events (bpf/inversion.c):
 *   runnable  a real-time task waited on a run queue longer than -t while
 *             lower-priority tasks ran on that CPU;
 *   blocking  a task blocked on a futex that a lower-priority task L
 *             released, and while it was blocked, L was runnable but kept
 *             off its CPU by tasks of priority below the blocked one's (M);
 *   pi_boost  a priority-inheritance boost: who, from which priority to
 *             which, for how long. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "core/cli.h"
#include "cmd/commands.h"
#include "cmd/event_stream.h"
#include "bpf/program.h"
#include "cmd/inversion_detect.h"
#include "kernel/features.h"
#include "kernel/loader.h"
#include "cmd/session.h"
#include "kernel/maps.h"
#include "core/msg.h"
#include "core/output.h"
#include "tracefs/sched_state.h"
#include "core/sig.h"
#include "tracefs/tracefs.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap inversion [options]\n\n"
	"Reports priority inversions of real-time tasks, one row each:\n"
	"  runnable  a task waited on a run queue longer than -t while tasks of\n"
	"            lower priority ran on that CPU (m: the one that ran most)\n"
	"  blocking  a task H blocked on a futex that a lower-priority task L\n"
	"            released; meanwhile L was runnable but kept off its CPU by\n"
	"            tasks below H's priority (M) for longer than -t\n"
	"  pi_boost  a priority-inheritance boost of L by H: from, to, how long\n"
	"Priorities are the kernel's (0..99 real-time, lower is higher).\n\n"
	"options:\n"
	"  -t, --threshold MS      smallest wait or delay reported, in milliseconds\n"
	"                          (default 10)\n"
	CLI_STREAM_HELP;

enum {
	C_TIME, C_TS, C_TYPE, C_CPU, C_HPID, C_HCOMM, C_HPRIO, C_LPID, C_LCOMM, C_LPRIO,
	C_MPID, C_MCOMM, C_MPRIO, C_BOOST, C_FUTEX, C_WAIT, C_DELAY, C_OTHERS, NCOLS
};

static const struct out_col cols[NCOLS] = {
	[C_TIME] = { "time_ms", "TIME(ms)", OUT_F64, 10, 1, 0, 0 },
	[C_TS] = { "ts_ns", "TS", OUT_U64, 0, 0, 0, OUT_MACHINE_ONLY },
	[C_TYPE] = { "type", "TYPE", OUT_STR, 8, 0, 1, 0 },
	[C_CPU] = { "cpu", "CPU", OUT_S64, 3, 0, 0, 0 },
	[C_HPID] = { "h_pid", "H", OUT_S64, 7, 0, 0, 0 },
	[C_HCOMM] = { "h_comm", "H_COMM", OUT_STR, 12, 0, 1, 0 },
	[C_HPRIO] = { "h_prio", "HPRI", OUT_S64, 4, 0, 0, 0 },
	[C_LPID] = { "l_pid", "L", OUT_S64, 7, 0, 0, 0 },
	[C_LCOMM] = { "l_comm", "L_COMM", OUT_STR, 12, 0, 1, 0 },
	[C_LPRIO] = { "l_prio", "LPRI", OUT_S64, 4, 0, 0, 0 },
	[C_MPID] = { "m_pid", "M", OUT_S64, 7, 0, 0, 0 },
	[C_MCOMM] = { "m_comm", "M_COMM", OUT_STR, 12, 0, 1, 0 },
	[C_MPRIO] = { "m_prio", "MPRI", OUT_S64, 4, 0, 0, 0 },
	[C_BOOST] = { "boost_prio", "BOOST", OUT_S64, 5, 0, 0, 0 },
	[C_FUTEX] = { "futex", "FUTEX", OUT_STR, 14, 0, 1, 0 },
	[C_WAIT] = { "wait_ms", "WAIT(ms)", OUT_F64, 9, 3, 0, 0 },
	[C_DELAY] = { "delay_ms", "DELAY(ms)", OUT_F64, 9, 3, 0, 0 },
	[C_OTHERS] = { "lower_prio_ran", "LOWER-PRIO TASKS THAT RAN (comm/pid:ms)", OUT_STR, 0, 0, 1, 0 },
};

struct inv_opts {
	struct cli_common cli;
	struct inv_params prog;
	double threshold_ms;
};

struct inv_run {
	struct out out;
	uint64_t t0;
	struct inv_detector det;
};

static struct out_val num(int64_t v)
{
	return (struct out_val){ .s = v };
}

static struct out_val fnum(double f)
{
	return (struct out_val){ .f = f };
}

static struct out_val str(const char *s, int len)
{
	return (struct out_val){ .str = s, .len = len };
}

/* A task's three columns (pid, comm, prio), empty when there is none. */
static void task_cols(struct out_val *v, int col, const struct inv_task_id *t)
{
	if (!t->pid)
		return;
	v[col] = num(t->pid);
	v[col + 1] = str(t->comm, TRACE_COMM_LEN);
	v[col + 2] = num(t->prio);
}

/* "comm/pid:ms ..." for the lower-priority tasks that ran. */
static void others_text(const struct inv_finding *f, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = 0;
	for (int k = 0; k < f->nothers && at < len; k++) {
		char comm[TRACE_COMM_LEN + 1];

		memcpy(comm, f->others[k].id.comm, TRACE_COMM_LEN);
		comm[TRACE_COMM_LEN] = 0;
		at += (size_t)snprintf(buf + at, len - at, "%s%s/%d:%.3f", at ? " " : "", comm,
				       (int)f->others[k].id.pid, (double)f->others[k].ns / 1e6);
	}
}

static void found(void *ctx, const struct inv_finding *f)
{
	static const char *const types[] = { "runnable", "blocking", "pi_boost" };
	struct inv_run *r = ctx;
	struct out_val v[NCOLS];
	char list[512], addr[24];

	for (int i = 0; i < NCOLS; i++)
		v[i] = cols[i].type == OUT_STR ? str(NULL, 0) : OUT_NONE;
	v[C_TIME] = fnum((double)(int64_t)(f->ts_ns - r->t0) / 1e6);
	v[C_TS] = (struct out_val){ .u = f->ts_ns };
	v[C_TYPE] = str(types[f->type], -1);
	if (f->cpu >= 0)
		v[C_CPU] = num(f->cpu);
	task_cols(v, C_HPID, &f->h);
	task_cols(v, C_LPID, &f->l);
	task_cols(v, C_MPID, &f->m);
	v[C_WAIT] = fnum((double)f->wait_ns / 1e6);
	if (f->type == INV_PI_BOOST) {
		v[C_BOOST] = num(f->boost_prio);
	} else {
		v[C_DELAY] = fnum((double)f->delay_ns / 1e6);
		others_text(f, list, sizeof(list));
		v[C_OTHERS] = str(list, -1);
	}
	if (f->type == INV_BLOCKING) {
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)f->futex);
		v[C_FUTEX] = str(addr, -1);
	}
	out_row(&r->out, v);
}

static int on_record(void *ctx, const void *data, uint32_t size)
{
	struct inv_run *r = ctx;

	inv_detect_record(&r->det, data, size);
	return 0;
}

static int parse(struct inv_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_STREAM_LONG,
		{ "threshold", required_argument, 0, 't' },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, bad = 0;

	cli_init(c, "inversion");
	o->prog.tp.pid = o->prog.tp.cpu = -1;
	o->threshold_ms = 10;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_STREAM_SHORT "t:", longopts,
					   help)) >= 0)
		bad = cli_decimal(c, optarg, 0, 86400000, "milliseconds", &o->threshold_ms);
	o->prog.tp.perfbuf = c->perf_buffer;
	return cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

static int has_event(const char *tracefs, const char *system, const char *event)
{
	struct tp_format fmt;
	int err = tracefs_format_load(tracefs, system, event, &fmt);

	tracefs_format_free(&fmt);
	return err != -ENOENT;
}

/* The futex programs, appended to progs; returns how many. syscalls:
 * sys_enter_futex needs CONFIG_FTRACE_SYSCALLS; without the per-syscall
 * events, raw_syscalls:sys_enter filtered on the numbers. 32-bit kernels
 * also have futex_time32, the call C libraries make without a timeout. */
static int futex_progs(const struct tap_prog_def **progs)
{
	char path[256];
	int mounted = 0, n = 0;

	if (tracefs_find(path, sizeof(path), &mounted)) {
		progs[n++] = &prog_inv_futex;	/* tap_obj_open says what is wrong */
		return n;
	}
	if (!has_event(path, "syscalls", "sys_enter_futex")) {
		progs[n++] = &prog_inv_futex_raw;
		return n;
	}
	progs[n++] = &prog_inv_futex;
	if (has_event(path, "syscalls", "sys_enter_futex_time32"))
		progs[n++] = &prog_inv_futex32;
	return n;
}

int cmd_inversion(int argc, char **argv)
{
	const struct tap_prog_def *progs[5] = { &prog_inv_switch, &prog_inv_wakeup,
						&prog_inv_pi };
	static struct inv_opts o;
	static struct inv_run r;
	static struct session s;
	struct event_reader *rd = NULL;
	int err, ret;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	if ((ret = parse(&o, argc, argv)) >= 0)
		return ret;
	stream_choose_buffer(&o.prog.tp.perfbuf);
	err = session_open(&s, &o.cli, progs, 3 + futex_progs(progs + 3), &o.prog);
	if (!err) {
		struct sched_state states;

		sched_state_decode(&s.obj.progs[0].fmt, &states);
		if (inv_detect_init(&r.det, &states, (uint64_t)(o.threshold_ms * 1e6), found, &r))
			err = msg_errno(-ENOMEM, "allocating the task table");
	}
	if (!err)
		err = stream_open(&rd, o.prog.tp.perfbuf, &s.obj, s.cpu_ids, s.ncpus);
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		out_init(&r.out, s.out, o.cli.fmt, cols, NCOLS);
		r.t0 = sig_now_ns();
		err = stream_run(rd, r.t0, o.cli.duration, on_record, &r, &r.out);
		fprintf(stderr, "schedtap: %llu inversions, %llu PI boosts, %llu records, %llu lost\n",
			(unsigned long long)r.det.reported, (unsigned long long)r.det.boosts,
			(unsigned long long)r.det.records,
			(unsigned long long)stream_lost(&s.obj, rd, s.ncpus, NULL));
		if ((ret = out_flush(&r.out)) && !err)
			err = msg_errno(ret, "writing the report");
	}
	event_reader_free(rd);
	inv_detect_free(&r.det);
	return session_close(&s, err);
}
