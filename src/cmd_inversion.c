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
#include <linux/futex.h>
#include "cli.h"
#include "commands.h"
#include "event_stream.h"
#include "program.h"
#include "inversion.h"
#include "kernel_features.h"
#include "loader.h"
#include "session.h"
#include "maps.h"
#include "msg.h"
#include "output.h"
#include "sched_state.h"
#include "sig.h"
#include "tracefs.h"

#define SLICE_CPUS 1024		/* CPUs whose slices we keep */
#define NSLICES 4096		/* per CPU, a ring */
#define NTASKS 16384		/* open addressing; cleared when 3/4 full */
#define NIVALS 8		/* runnable intervals kept per task */
#define NOTHERS 8		/* tasks listed per inversion */

static const char help[] =
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
	"  -t, --threshold MS      smallest wait or delay reported (default 10)\n"
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n"
	"      --perf-buffer       use a perf buffer even where a ring buffer exists\n"
	"  -o, --output FILE       write the report to FILE\n"
	"      --csv               comma-separated values, one header row\n"
	"      --json              one JSON object per line\n"
	"      --dump              print the BPF programs as assembly, exit\n"
	"  -h, --help              this help\n";

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

struct slice {
	uint64_t start, end;
	int32_t pid, prio;
	char comm[TRACE_COMM_LEN];
};

struct cpu_slices {
	struct slice s[NSLICES];
	unsigned n;		/* total added; the ring holds the last NSLICES */
};

struct ival {
	uint64_t start, end;
	int32_t cpu;
};

struct task {
	int32_t tid, prio;
	char comm[TRACE_COMM_LEN];
	uint64_t runnable_since;	/* 0: not waiting on a run queue */
	uint64_t blocked_since;		/* futex wait; 0: none */
	uint64_t uaddr;
	int32_t tgid;
	struct ival iv[NIVALS];
	unsigned niv;
	uint64_t boost_since;		/* PI boost; 0: none */
	int32_t boost_base, boost_to, booster, booster_prio;
	char booster_comm[TRACE_COMM_LEN];
};

struct other {
	int32_t pid, prio;
	char comm[TRACE_COMM_LEN];
	uint64_t ns;
};

struct inv_opts {
	struct cli_common cli;
	struct inv_params prog;
	double threshold_ms, duration;
};

struct inv_run {
	struct out out;
	struct sched_state states;
	uint64_t t0, thresh_ns;
	struct cpu_slices *cpus[SLICE_CPUS];
	struct task *tasks;
	unsigned ntasks;
	uint64_t records, bad, reported, boosts;
};

static struct task *task_get(struct inv_run *r, int32_t tid)
{
	unsigned h;

	if (tid <= 0)
		return NULL;
	if (r->ntasks >= NTASKS * 3 / 4) {
		memset(r->tasks, 0, NTASKS * sizeof(*r->tasks));
		r->ntasks = 0;
	}
	for (h = (unsigned)tid * 2654435761u % NTASKS;; h = (h + 1) % NTASKS) {
		struct task *t = &r->tasks[h];

		if (t->tid == tid)
			return t;
		if (!t->tid) {
			t->tid = tid;
			r->ntasks++;
			return t;
		}
	}
}

static void task_seen(struct task *t, int32_t prio, const char *comm)
{
	t->prio = prio;
	memcpy(t->comm, comm, TRACE_COMM_LEN);
}

static struct cpu_slices *cpu_get(struct inv_run *r, uint32_t cpu)
{
	if (cpu >= SLICE_CPUS)
		return NULL;
	if (!r->cpus[cpu])
		r->cpus[cpu] = calloc(1, sizeof(struct cpu_slices));
	return r->cpus[cpu];
}

/* Add to `o` the time tasks with prio > above (lower priority), other
 * than skip1/skip2, ran on cpu within [from, to]. */
static void lower_ran(struct inv_run *r, int32_t cpu, uint64_t from, uint64_t to,
		      int32_t above, int32_t skip1, int32_t skip2, struct other *o, int *no)
{
	struct cpu_slices *cs = cpu >= 0 ? cpu_get(r, (uint32_t)cpu) : NULL;
	unsigned first;

	if (!cs || to <= from)
		return;
	first = cs->n > NSLICES ? cs->n - NSLICES : 0;
	for (unsigned i = cs->n; i-- > first;) {
		const struct slice *s = &cs->s[i % NSLICES];
		uint64_t a = s->start > from ? s->start : from, b = s->end < to ? s->end : to;
		int k;

		if (s->end <= from)
			break;
		if (b <= a || s->prio <= above || s->pid == skip1 || s->pid == skip2 || !s->pid)
			continue;
		for (k = 0; k < *no && o[k].pid != s->pid; k++)
			;
		if (k == *no) {
			if (*no == NOTHERS)
				continue;
			o[k] = (struct other){ s->pid, s->prio, { 0 }, 0 };
			memcpy(o[k].comm, s->comm, TRACE_COMM_LEN);
			(*no)++;
		}
		o[k].ns += b - a;
	}
}

static struct out_val num(int64_t v)
{
	return (struct out_val){ .s = v };
}

static struct out_val fnum(double f)
{
	return (struct out_val){ .f = f };
}

static struct out_val none(void)
{
	return (struct out_val){ .len = OUT_NULL };
}

static struct out_val str(const char *s, int len)
{
	return (struct out_val){ .str = s, .len = len };
}

static void row_init(struct inv_run *r, struct out_val *v, uint64_t ts, const char *type,
		     int32_t cpu)
{
	for (int i = 0; i < NCOLS; i++)
		v[i] = cols[i].type == OUT_STR ? str(NULL, 0) : none();
	v[C_TIME] = fnum((double)(int64_t)(ts - r->t0) / 1e6);
	v[C_TS] = (struct out_val){ .u = ts };
	v[C_TYPE] = str(type, -1);
	v[C_CPU] = cpu >= 0 ? num(cpu) : none();
}

/* The biggest of o[] (index), its total in *sum, and o[] as text. */
static int others_text(struct other *o, int no, uint64_t *sum, char *buf, size_t len)
{
	int top = -1;
	size_t at = 0;

	*sum = 0;
	buf[0] = 0;
	for (int k = 0; k < no; k++) {
		char comm[TRACE_COMM_LEN + 1];

		*sum += o[k].ns;
		if (top < 0 || o[k].ns > o[top].ns)
			top = k;
		memcpy(comm, o[k].comm, TRACE_COMM_LEN);
		comm[TRACE_COMM_LEN] = 0;
		if (at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s/%d:%.3f", at ? " " : "",
					       comm, (int)o[k].pid, (double)o[k].ns / 1e6);
	}
	return top;
}

static void on_switch(struct inv_run *r, const struct trace_rec *e)
{
	struct cpu_slices *cs = cpu_get(r, e->cpu);
	struct task *prev = task_get(r, e->pid), *next = task_get(r, e->pid2);

	if (cs && e->runtime_ns && e->runtime_ns < e->ts_ns) {
		struct slice *s = &cs->s[cs->n++ % NSLICES];

		*s = (struct slice){ e->ts_ns - e->runtime_ns, e->ts_ns, e->pid, e->prio, { 0 } };
		memcpy(s->comm, e->comm, TRACE_COMM_LEN);
	}
	if (prev) {
		task_seen(prev, e->prio, e->comm);
		prev->runnable_since = sched_state_runnable(&r->states, e->state) ? e->ts_ns : 0;
	}
	if (!next)
		return;
	task_seen(next, e->prio2, e->comm2);
	next->blocked_since = 0;
	if (next->runnable_since && next->runnable_since < e->ts_ns) {
		uint64_t wait = e->ts_ns - next->runnable_since;
		struct ival *iv = &next->iv[next->niv++ % NIVALS];
		struct other o[NOTHERS];
		int no = 0;

		*iv = (struct ival){ next->runnable_since, e->ts_ns, (int32_t)e->cpu };
		if (wait > r->thresh_ns && next->prio < INV_RT_PRIO) {
			lower_ran(r, (int32_t)e->cpu, iv->start, iv->end, next->prio, next->tid, -1,
				  o, &no);
			if (no) {
				struct out_val v[NCOLS];
				char list[512];
				uint64_t sum;
				int top = others_text(o, no, &sum, list, sizeof(list));

				row_init(r, v, e->ts_ns, "runnable", (int32_t)e->cpu);
				v[C_HPID] = num(next->tid);
				v[C_HCOMM] = str(next->comm, TRACE_COMM_LEN);
				v[C_HPRIO] = num(next->prio);
				v[C_MPID] = num(o[top].pid);
				v[C_MCOMM] = str(o[top].comm, TRACE_COMM_LEN);
				v[C_MPRIO] = num(o[top].prio);
				v[C_WAIT] = fnum((double)wait / 1e6);
				v[C_DELAY] = fnum((double)sum / 1e6);
				v[C_OTHERS] = str(list, -1);
				out_row(&r->out, v);
				r->reported++;
			}
		}
	}
	next->runnable_since = 0;
}

static void on_wakeup(struct inv_run *r, const struct trace_rec *e)
{
	struct task *t = task_get(r, e->pid);

	if (!t)
		return;
	task_seen(t, e->prio, e->comm);
	if (!t->runnable_since)
		t->runnable_since = e->ts_ns;
}

static int futex_waits(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
	       cmd == FUTEX_WAIT_REQUEUE_PI || cmd == 13 /* FUTEX_LOCK_PI2 */;
}

static int futex_wakes(int cmd)
{
	return cmd == FUTEX_WAKE || cmd == FUTEX_WAKE_BITSET || cmd == FUTEX_UNLOCK_PI ||
	       cmd == FUTEX_WAKE_OP || cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE ||
	       cmd == FUTEX_CMP_REQUEUE_PI;
}

/* L (waker) releases uaddr: every higher-priority task blocked on it was
 * delayed by whatever kept L off its CPU, if that was below its priority. */
static void blocking(struct inv_run *r, const struct trace_rec *e, struct task *l)
{
	for (unsigned i = 0; i < NTASKS; i++) {
		struct task *h = &r->tasks[i];
		struct other o[NOTHERS];
		struct out_val v[NCOLS];
		char list[512], addr[24];
		uint64_t sum;
		int no = 0, top, cpu = -1;

		if (!h->tid || !h->blocked_since || h->uaddr != e->state || h->tgid != e->pid2 ||
		    h == l || h->prio >= l->prio)
			continue;
		for (unsigned k = 0; k < NIVALS && k < l->niv; k++) {
			const struct ival *iv = &l->iv[(l->niv - 1 - k) % NIVALS];
			uint64_t a = iv->start > h->blocked_since ? iv->start : h->blocked_since;
			uint64_t b = iv->end < e->ts_ns ? iv->end : e->ts_ns;

			if (b > a) {
				lower_ran(r, iv->cpu, a, b, h->prio, l->tid, h->tid, o, &no);
				cpu = iv->cpu;
			}
		}
		top = others_text(o, no, &sum, list, sizeof(list));
		if (top < 0 || o[top].ns < r->thresh_ns)
			continue;
		snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)h->uaddr);
		row_init(r, v, e->ts_ns, "blocking", cpu);
		v[C_HPID] = num(h->tid);
		v[C_HCOMM] = str(h->comm, TRACE_COMM_LEN);
		v[C_HPRIO] = num(h->prio);
		v[C_LPID] = num(l->tid);
		v[C_LCOMM] = str(l->comm, TRACE_COMM_LEN);
		v[C_LPRIO] = num(l->prio);
		v[C_MPID] = num(o[top].pid);
		v[C_MCOMM] = str(o[top].comm, TRACE_COMM_LEN);
		v[C_MPRIO] = num(o[top].prio);
		v[C_FUTEX] = str(addr, -1);
		v[C_WAIT] = fnum((double)(e->ts_ns - h->blocked_since) / 1e6);
		v[C_DELAY] = fnum((double)o[top].ns / 1e6);
		v[C_OTHERS] = str(list, -1);
		out_row(&r->out, v);
		r->reported++;
		h->blocked_since = 0;
	}
}

static void on_futex(struct inv_run *r, const struct trace_rec *e)
{
	struct task *t = task_get(r, e->pid);
	int cmd = e->arg & FUTEX_CMD_MASK;

	if (!t)
		return;
	t->prio = e->prio;
	memcpy(t->comm, e->comm, TRACE_COMM_LEN);
	if (futex_waits(cmd)) {
		t->blocked_since = e->ts_ns;
		t->uaddr = e->state;
		t->tgid = e->pid2;
	} else if (futex_wakes(cmd)) {
		blocking(r, e, t);
	}
}

static void on_pi(struct inv_run *r, const struct trace_rec *e)
{
	struct task *t = task_get(r, e->pid);

	if (!t)
		return;
	memcpy(t->comm, e->comm, TRACE_COMM_LEN);
	t->prio = e->arg2;
	if (e->arg2 < e->arg) {
		if (!t->boost_since) {
			t->boost_since = e->ts_ns;
			t->boost_base = e->arg;
			t->boost_to = e->arg2;
			t->booster = e->pid2;
			memcpy(t->booster_comm, e->comm2, TRACE_COMM_LEN);
		} else if (e->arg2 < t->boost_to) {
			t->boost_to = e->arg2;
		}
		return;
	}
	if (t->boost_since && e->arg2 >= t->boost_base) {
		struct out_val v[NCOLS];

		row_init(r, v, e->ts_ns, "pi_boost", (int32_t)e->cpu);
		v[C_HPID] = num(t->booster);
		v[C_HCOMM] = str(t->booster_comm, TRACE_COMM_LEN);
		v[C_HPRIO] = num(t->boost_to);
		v[C_LPID] = num(t->tid);
		v[C_LCOMM] = str(t->comm, TRACE_COMM_LEN);
		v[C_LPRIO] = num(t->boost_base);
		v[C_BOOST] = num(t->boost_to);
		v[C_WAIT] = fnum((double)(e->ts_ns - t->boost_since) / 1e6);
		out_row(&r->out, v);
		r->boosts++;
		t->boost_since = 0;
	}
}

static int on_record(void *ctx, const void *data, uint32_t size)
{
	struct inv_run *r = ctx;
	struct trace_rec e;

	if (size < sizeof(e)) {
		r->bad++;
		return 0;
	}
	memcpy(&e, data, sizeof(e));
	r->records++;
	switch (e.kind) {
	case INV_SWITCH:
		on_switch(r, &e);
		break;
	case INV_WAKEUP:
		on_wakeup(r, &e);
		break;
	case INV_FUTEX:
		on_futex(r, &e);
		break;
	case INV_PI:
		on_pi(r, &e);
		break;
	default:
		r->bad++;
	}
	return 0;
}

enum { OPT_PERF_BUFFER = 0x200 };

static int parse(struct inv_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "output", required_argument, 0, 'o' },
		{ "csv", no_argument, 0, OPT_CSV },
		{ "json", no_argument, 0, OPT_JSON },
		{ "dump", no_argument, 0, OPT_DUMP },
		{ "threshold", required_argument, 0, 't' },
		{ "duration", required_argument, 0, 'd' },
		{ "perf-buffer", no_argument, 0, OPT_PERF_BUFFER },
		{ 0, 0, 0, 0 },
	};
	int opt;

	cli_init(&o->cli, "inversion");
	o->prog.tp.pid = o->prog.tp.cpu = -1;
	o->threshold_ms = 10;
	while ((opt = cli_next_opt(&o->cli, argc, argv, "ho:t:d:", longopts, help)) >= 0) {
		switch (opt) {
		case 't':
			if (cli_parse_seconds(optarg, &o->threshold_ms))
				return cli_usage_error(&o->cli, "bad threshold '%s'", optarg);
			break;
		case 'd':
			if (cli_parse_seconds(optarg, &o->duration))
				return cli_usage_error(&o->cli, "bad duration '%s'", optarg);
			break;
		case OPT_PERF_BUFFER:
			o->prog.tp.perfbuf = 1;
			break;
		default:
			return cli_usage_error(&o->cli, "unknown option");
		}
	}
	if (opt == CLI_HELP)
		return 1;
	if (opt == CLI_BAD)
		return -1;
	if (optind < argc)
		return cli_usage_error(&o->cli, "unexpected argument '%s'", argv[optind]);
	return 0;
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
	ret = parse(&o, argc, argv);
	if (ret)
		return ret > 0 ? EXIT_OK : EXIT_USAGE;
	stream_choose_buffer(&o.prog.tp.perfbuf);
	err = session_open(&s, &o.cli, progs, 3 + futex_progs(progs + 3), &o.prog);
	if (!err) {
		sched_state_decode(&s.obj.progs[0].fmt, &r.states);
		if (!(r.tasks = calloc(NTASKS, sizeof(*r.tasks))))
			err = msg_errno(-ENOMEM, "allocating the task table");
	}
	if (!err)
		err = stream_open(&rd, o.prog.tp.perfbuf, &s.obj, s.cpu_ids, s.ncpus);
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		out_init(&r.out, s.out, o.cli.fmt, cols, NCOLS);
		r.t0 = sig_now_ns();
		r.thresh_ns = (uint64_t)(o.threshold_ms * 1e6);
		err = stream_run(rd, r.t0, o.duration, on_record, &r, &r.out);
		fprintf(stderr, "schedtap: %llu inversions, %llu PI boosts, %llu records, %llu lost\n",
			(unsigned long long)r.reported, (unsigned long long)r.boosts,
			(unsigned long long)r.records,
			(unsigned long long)stream_lost(&s.obj, rd, s.cpu_ids, s.ncpus, NULL, 0));
		if (out_flush(&r.out) && !err)
			err = msg_errno(-EIO, "writing the report");
	}
	event_reader_free(rd);
	for (int i = 0; i < SLICE_CPUS; i++)
		free(r.cpus[i]);
	free(r.tasks);
	return session_close(&s, err);
}
