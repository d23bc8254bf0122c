/* schedtap loadtrack: PELT against the truth. For each scenario, a child
 * plays a run/sleep pattern on one CPU while two programs stream when it
 * ran (sched_switch) and its PELT state at every update (pelt_se_tp);
 * then PELT's own arithmetic, replayed over the measured pattern from
 * the first update's state, says what the kernel's util_avg should have
 * been, and the sliding-window truth says what the task really used. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "core/help.h"
#include "bpf/loadtrack.h"
#include "bpf/pelt.h"
#include "cmd/commands.h"
#include "cmd/event_stream.h"
#include "cmd/proc_task.h"
#include "cmd/session.h"
#include "core/cli.h"
#include "core/cpus.h"
#include "core/file.h"
#include "core/msg.h"
#include "core/output.h"
#include "core/sig.h"
#include "kernel/features.h"
#include "loadtrack/analyze.h"
#include "loadtrack/model.h"
#include "loadtrack/scenario.h"

static const char help[] CLI_HELP_TEXT =
	"usage: schedtap loadtrack [-s LIST] [-C CPU] [--timeline] [options]\n"
	"       schedtap loadtrack -p TID [-d SECONDS] [--timeline] [options]\n\n"
	"How well PELT's util_avg and util_est follow what a task really uses.\n"
	"Each scenario runs a child of schedtap pinned to one CPU; sched_switch\n"
	"gives when it ran (the truth, in 1-ms bins) and pelt_se_tp its PELT\n"
	"state at every update that ends a period. PELT's arithmetic (1024-us periods, y^32 = 1/2),\n"
	"replayed over the measured pattern from the first update's state, is\n"
	"the model the kernel's values must follow. Per scenario: the measured\n"
	"duty, the mean truth, util_avg and util_est over the steady span, the\n"
	"worst |kernel - model| over one interval and from the start (DRIFT),\n"
	"util_avg - truth over sliding windows of 8, 32\n"
	"and 100 ms (mean, worst over, worst under), the step's settling time\n"
	"(to within 5%), the ripple of periodic loads against the model's; then\n"
	"the claims of the sched-ebpf prototype, measured.\n\n"
	"scenarios: step (idle 300 ms, busy 600, idle 600), periodic-D-P (duty D%\n"
	"of 25, 50, 75 at periods P of 8, 32, 128 ms, for 1.2 s), io (0.4 ms of\n"
	"work per 4-ms wakeup), ramp (10% to 90% in steps of 200 ms); all: 18 s.\n\n"
	"options:\n"
	"  -s, --scenario LIST     scenarios, comma-separated (default: all)\n"
	"  -C, --cpu CPU           the CPU the scenarios run on (default: the last)\n"
	"      --nice N            the scenarios' child at nice N (default 0): below\n"
	"                          the others', tasks sharing its CPU delay it less\n"
	"  -p, --pid TID           watch this task instead, for -d seconds (default 5)\n"
	"      --timeline          one row per ms (truth, windows, signals, model)\n"
	"                          instead of the summary: for plotting\n"
	"      --offsets FILE      kernel struct offsets from this file, not BTF\n"
	CLI_STREAM_HELP;

struct lt_opts {
	struct cli_common cli;
	const struct lt_scenario *sc[32];
	int nsc;
	long cpu, pid, nice;
	int timeline;
	const char *offsets;
};

enum {
	S_NAME, S_DUTY, S_TRUTH, S_UTIL, S_EST, S_MERR, S_DRIFT, S_MERR_MEAN, S_DEPART,
	S_DEPART_MS, S_UPDATES,
	S_W8, S_W8_OVER, S_W8_UNDER, S_W32, S_W32_OVER, S_W32_UNDER, S_W100, S_W100_OVER,
	S_W100_UNDER, S_E8, S_E32, S_E32_OVER, S_E32_UNDER, S_E100, S_SETTLE, S_SETTLE_DOWN,
	S_AT32, S_AT32_M, S_AT32_C, S_AT64, S_AT64_M, S_AT64_C, S_AT106, S_AT106_M, S_AT106_C,
	S_UNDER50, S_UNDER100, S_RIPPLE, S_MRIPPLE, S_LAG, S_SLICES, S_RUN_MS, S_SCHEDSTAT_MS, S_LAST_UTIL,
	S_PROC_UTIL, S_LAST_EST, S_PROC_EST, NSCOLS
};

#define F(n, t, w, p, fl) { n, t, OUT_F64, w, p, 0, fl }
#define M OUT_MACHINE_ONLY
static const struct out_col sum_cols[NSCOLS] = {
	[S_NAME] = { "scenario", "SCENARIO", OUT_STR, 16, 0, 1, 0 },
	[S_DUTY] = F("duty_pct", "DUTY%", 6, 1, 0),
	[S_TRUTH] = F("truth", "TRUTH", 6, 0, 0),
	[S_UTIL] = F("util_avg", "UTIL", 6, 0, 0),
	[S_EST] = F("util_est", "EST", 6, 0, 0),
	[S_MERR] = F("model_err_max", "MODEL_ERR", 9, 1, 0),
	[S_DRIFT] = F("drift_max", "DRIFT", 6, 1, 0),
	[S_MERR_MEAN] = F("model_err_mean", NULL, 0, 2, M),
	[S_DEPART] = { "departures", NULL, OUT_U64, 0, 0, 0, M },
	[S_DEPART_MS] = F("first_departure_ms", NULL, 0, 1, M),
	[S_UPDATES] = { "updates", NULL, OUT_U64, 0, 0, 0, M },
	[S_W8] = F("err_8ms_mean", NULL, 0, 1, M),
	[S_W8_OVER] = F("err_8ms_over", NULL, 0, 1, M),
	[S_W8_UNDER] = F("err_8ms_under", NULL, 0, 1, M),
	[S_W32] = F("err_32ms_mean", "ERR32", 6, 1, 0),
	[S_W32_OVER] = F("err_32ms_over", "OVER32", 6, 0, 0),
	[S_W32_UNDER] = F("err_32ms_under", "UNDER32", 7, 0, 0),
	[S_W100] = F("err_100ms_mean", NULL, 0, 1, M),
	[S_W100_OVER] = F("err_100ms_over", NULL, 0, 1, M),
	[S_W100_UNDER] = F("err_100ms_under", NULL, 0, 1, M),
	[S_E8] = F("est_err_8ms_mean", NULL, 0, 1, M),
	[S_E32] = F("est_err_32ms_mean", "EST32", 6, 1, 0),
	[S_E32_OVER] = F("est_err_32ms_over", NULL, 0, 1, M),
	[S_E32_UNDER] = F("est_err_32ms_under", NULL, 0, 1, M),
	[S_E100] = F("est_err_100ms_mean", NULL, 0, 1, M),
	[S_SETTLE] = F("settle_ms", "SETTLE", 6, 0, 0),
	[S_SETTLE_DOWN] = F("settle_down_ms", NULL, 0, 0, M),
	[S_AT32] = F("util_at_32ms", NULL, 0, 0, M),
	[S_AT32_M] = F("model_at_32ms", NULL, 0, 1, M),
	[S_AT32_C] = F("closed_form_at_32ms", NULL, 0, 1, M),
	[S_AT64] = F("util_at_64ms", NULL, 0, 0, M),
	[S_AT64_M] = F("model_at_64ms", NULL, 0, 1, M),
	[S_AT64_C] = F("closed_form_at_64ms", NULL, 0, 1, M),
	[S_AT106] = F("util_at_106ms", NULL, 0, 0, M),
	[S_AT106_M] = F("model_at_106ms", NULL, 0, 1, M),
	[S_AT106_C] = F("closed_form_at_106ms", NULL, 0, 1, M),
	[S_UNDER50] = F("missed_first_50ms_pct", NULL, 0, 1, M),
	[S_UNDER100] = F("missed_first_100ms_pct", NULL, 0, 1, M),
	[S_RIPPLE] = F("ripple", "RIPPLE", 6, 0, 0),
	[S_MRIPPLE] = F("model_ripple", "MRIPPLE", 7, 0, 0),
	/* The cross-check with /proc: the truth's total and schedstat's,
	 * the last update's values and /proc/PID/sched's, once asleep. */
	[S_LAG] = F("pelt_clock_lag_ms", NULL, 0, 3, M),
	[S_SLICES] = { "slices", NULL, OUT_U64, 0, 0, 0, M },
	[S_RUN_MS] = F("run_ms", NULL, 0, 3, M),
	[S_SCHEDSTAT_MS] = F("schedstat_run_ms", NULL, 0, 3, M),
	[S_LAST_UTIL] = { "last_util_avg", NULL, OUT_S64, 0, 0, 0, M },
	[S_PROC_UTIL] = { "proc_util_avg", NULL, OUT_S64, 0, 0, 0, M },
	[S_LAST_EST] = { "last_util_est", NULL, OUT_S64, 0, 0, 0, M },
	[S_PROC_EST] = { "proc_util_est", NULL, OUT_S64, 0, 0, 0, M },
};

/* What /proc says of the child once its scenario is over. */
struct lt_proc {
	double run_ms, schedstat_ms;
	uint64_t slices;		/* switched in */
	long long last_util, proc_util, last_est, proc_est;
	int have_schedstat, have_util, have_est;
};

enum { T_NAME, T_MS, T_RUN, T_A8, T_A32, T_A100, T_UTIL, T_NOW, T_EST, T_RUNNABLE, T_LOAD,
       T_MODEL, NTCOLS };
static const struct out_col time_cols[NTCOLS] = {
	[T_NAME] = { "scenario", "SCENARIO", OUT_STR, 16, 0, 1, 0 },
	[T_MS] = { "t_ms", "T_MS", OUT_U64, 6, 0, 0, 0 },
	[T_RUN] = { "run_us", "RUN_US", OUT_U64, 6, 0, 0, 0 },
	[T_A8] = F("truth_8ms", "TRUTH8", 6, 0, 0),
	[T_A32] = F("truth_32ms", "TRUTH32", 7, 0, 0),
	[T_A100] = F("truth_100ms", "TRUTH100", 8, 0, 0),
	[T_UTIL] = { "util_avg", "UTIL", OUT_S64, 5, 0, 0, 0 },
	[T_NOW] = F("util_now", "NOW", 6, 0, 0),
	[T_EST] = { "util_est", "EST", OUT_S64, 5, 0, 0, 0 },
	[T_RUNNABLE] = { "runnable_avg", "RUNNABLE", OUT_S64, 8, 0, 0, 0 },
	[T_LOAD] = { "load_avg", "LOAD", OUT_S64, 5, 0, 0, 0 },
	[T_MODEL] = F("model", "MODEL", 6, 1, 0),
};

enum { C_CLAIM, C_SEED, C_MEASURED, C_UNIT, C_FROM, C_VERDICT, NCCOLS };
static const struct out_col claim_cols[NCCOLS] = {
	[C_CLAIM] = { "claim", "CLAIM (sched-ebpf's README)", OUT_STR, 46, 0, 1, 0 },
	[C_SEED] = { "seed_says", "SAYS", OUT_STR, 8, 0, 1, 0 },
	[C_MEASURED] = F("measured", "MEASURED", 8, 1, 0),
	[C_UNIT] = { "unit", "UNIT", OUT_STR, 24, 0, 1, 0 },
	[C_FROM] = { "scenario", "SCENARIO", OUT_STR, 8, 0, 1, 0 },
	[C_VERDICT] = { "verdict", "VERDICT", OUT_STR, 14, 0, 1, 0 },
};

struct lt_run {
	const struct lt_opts *o;
	struct koffsets ko;
	int btf_typed, perfbuf;
	FILE *f;
	struct out sum, tl, claims;
	struct lt_rec *recs;
	size_t n, cap;
	uint64_t bad;
	/* What the claims are measured from. */
	struct lt_summary step, io;
	int have_step, have_io;
};

static int take_rec(void *ctx, const void *data, uint32_t size)
{
	struct lt_run *r = ctx;

	if (size < sizeof(struct lt_rec)) {
		r->bad++;
		return 0;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 4096;
		struct lt_rec *v;

		/* 10 minutes of a busy task at 4 records a ms: bounded. */
		if (cap > (size_t)LT_MAX_MS * 8)
			return msg_errno(-E2BIG, "more than %zu records: watch for a shorter -d",
					 r->cap);
		if (!(v = realloc(r->recs, cap * sizeof(*v))))
			return -ENOMEM;
		r->recs = v;
		r->cap = cap;
	}
	memcpy(&r->recs[r->n++], data, sizeof(struct lt_rec));
	return 0;
}

/* Load the two programs for tid, attach, start the child (start_fd; -1
 * when watching), stream for secs. *t0: when the pattern started. */
static int record(struct lt_run *r, long tid, int start_fd, double secs, uint64_t *t0)
{
	static struct session s;
	struct cli_common cli = r->o->cli;
	struct pelt_params pp = { .pid = tid, .cpu = -1, .perfbuf = r->perfbuf };
	const struct tap_prog_def *progs[3] = {
		r->btf_typed ? &prog_lt_switch_btf : &prog_lt_switch, &prog_lt_pelt, &prog_lt_est,
	};
	struct event_reader *rd = NULL;
	uint64_t lost;
	int err;

	/* The report goes to the file opened once; each session's own
	 * output is stdout, left unused. */
	cli.output = NULL;
	memset(&s, 0, sizeof(s));
	s.ko = &r->ko;
	r->n = 0;
	err = session_open(&s, &cli, progs, 3, &pp);
	if (!err)
		err = stream_open(&rd, r->perfbuf, &s.obj, s.cpu_ids, s.ncpus);
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		*t0 = sig_now_ns();
		/* A child that could not set itself up is gone: EPIPE, not
		 * SIGPIPE (run_one says why from its exit status). */
		if (start_fd >= 0 && write(start_fd, "g", 1) != 1)
			err = -errno;
	}
	if (!err)
		err = stream_run(rd, *t0, secs, take_rec, r, &r->sum);
	if (!err && (lost = stream_lost(&s.obj, rd, s.ncpus, NULL)))
		msg_err("warning: %llu records lost: the truth and the updates have gaps",
			(unsigned long long)lost);
	if (rd)
		event_reader_free(rd);
	return session_close(&s, err) == EXIT_OK ? (err > 0 ? 1 : 0) : -EIO;
}

static struct out_val num(double v)
{
	return (struct out_val){ .f = v };
}

static void put_summary(struct lt_run *r, const char *name, const struct lt_summary *s,
			const struct lt_proc *pr)
{
	struct out_val v[NSCOLS];
	const struct lt_err *w = s->util;
	int step = s->settle_up_ms != 0 || s->settle_down_ms != 0;

	for (int i = 0; i < NSCOLS; i++)
		v[i] = OUT_NONE;
	v[S_NAME] = (struct out_val){ .str = name, .len = -1 };
	v[S_DUTY] = num(s->duty_pct);
	v[S_TRUTH] = num(s->truth_mean);
	v[S_UTIL] = num(s->util_mean);
	v[S_EST] = num(s->est_mean);
	if (s->model_n) {
		v[S_MERR] = num(s->model_err_max);
		v[S_DRIFT] = num(s->drift_max);
		v[S_MERR_MEAN] = num(s->model_err_mean);
		v[S_DEPART] = (struct out_val){ .u = (uint64_t)s->departures };
		if (s->departures)
			v[S_DEPART_MS] = num(s->first_departure_ms);
	}
	v[S_UPDATES] = (struct out_val){ .u = (uint64_t)s->updates };
	for (int i = 0; i < LT_NWINDOWS; i++) {
		v[S_W8 + 3 * i] = num(w[i].mean);
		v[S_W8_OVER + 3 * i] = num(w[i].over);
		v[S_W8_UNDER + 3 * i] = num(w[i].under);
	}
	v[S_E8] = num(s->est[0].mean);
	v[S_E32] = num(s->est[1].mean);
	v[S_E32_OVER] = num(s->est[1].over);
	v[S_E32_UNDER] = num(s->est[1].under);
	v[S_E100] = num(s->est[2].mean);
	if (step) {
		if (s->settle_up_ms >= 0)
			v[S_SETTLE] = num(s->settle_up_ms);
		if (s->settle_down_ms >= 0)
			v[S_SETTLE_DOWN] = num(s->settle_down_ms);
		for (int i = 0; i < 3; i++) {
			v[S_AT32 + 3 * i] = num(s->at[i]);
			v[S_AT32_M + 3 * i] = num(s->at_model[i]);
			v[S_AT32_C + 3 * i] = num(s->at_closed[i]);
		}
		v[S_UNDER50] = num(s->under_50);
		v[S_UNDER100] = num(s->under_100);
	}
	if (s->ripple || s->model_ripple) {
		v[S_RIPPLE] = num(s->ripple);
		v[S_MRIPPLE] = num(s->model_ripple);
	}
	v[S_LAG] = num(s->clock_lag_ms);
	v[S_SLICES] = (struct out_val){ .u = pr->slices };
	v[S_RUN_MS] = num(pr->run_ms);
	if (pr->have_schedstat)
		v[S_SCHEDSTAT_MS] = num(pr->schedstat_ms);
	if (s->updates) {
		v[S_LAST_UTIL] = (struct out_val){ .s = pr->last_util };
		v[S_LAST_EST] = (struct out_val){ .s = pr->last_est };
	}
	if (pr->have_util)
		v[S_PROC_UTIL] = (struct out_val){ .s = pr->proc_util };
	if (pr->have_est)
		v[S_PROC_EST] = (struct out_val){ .s = pr->proc_est };
	out_row(&r->sum, v);
}

static void put_timeline(struct lt_run *r, const char *name, const struct lt_point *pts,
			 uint32_t ms)
{
	for (uint32_t b = 0; b < ms; b++) {
		const struct lt_point *p = &pts[b];
		struct out_val v[NTCOLS] = {
			[T_NAME] = { .str = name, .len = -1 },
			[T_MS] = { .u = b + 1 },
			[T_RUN] = { .u = p->run_us },
			[T_A8] = num(p->actual[0]),
			[T_A32] = num(p->actual[1]),
			[T_A100] = num(p->actual[2]),
			[T_UTIL] = p->util_avg < 0 ? OUT_NONE : (struct out_val){ .s = p->util_avg },
			[T_NOW] = p->util_now < 0 ? OUT_NONE : num(p->util_now),
			[T_EST] = p->util_est < 0 ? OUT_NONE : (struct out_val){ .s = p->util_est },
			[T_RUNNABLE] = p->runnable_avg < 0 ? OUT_NONE
							   : (struct out_val){ .s = p->runnable_avg },
			[T_LOAD] = p->load_avg < 0 ? OUT_NONE : (struct out_val){ .s = p->load_avg },
			[T_MODEL] = p->model < 0 ? OUT_NONE : num(p->model),
		};

		out_row(&r->tl, v);
	}
}

/* The child asleep after its scenario: its schedstat CPU time and the
 * util /proc/PID/sched shows (util_est is a struct before 6.8). */
static void read_proc(pid_t child, struct lt_proc *pr)
{
	unsigned long long ns;

	if (!proc_task_runtime("/proc", (uint32_t)child, &ns)) {
		pr->schedstat_ms = ns / 1e6;
		pr->have_schedstat = 1;
	}
	pr->have_util = !proc_task_sched("/proc", (uint32_t)child, "se.avg.util_avg", &pr->proc_util);
	pr->have_est = !proc_task_sched("/proc", (uint32_t)child, "se.avg.util_est", &pr->proc_est) ||
		       !proc_task_sched("/proc", (uint32_t)child, "se.avg.util_est.enqueued",
					&pr->proc_est);
}

/* The truth's total and the last update's values. */
static void from_recording(const struct lt_run *r, const struct lt_point *pts, uint32_t ms,
			   struct lt_proc *pr)
{
	for (uint32_t b = 0; b < ms; b++)
		pr->run_ms += pts[b].run_us / 1e3;
	int util = 0, est = 0;

	/* recs are in time order (lt_analyze sorted them). */
	for (size_t i = 0; i < r->n; i++)
		pr->slices += r->recs[i].kind == LT_IN;
	for (size_t i = r->n; i-- > 0 && !(util && est);) {
		const struct lt_rec *rec = &r->recs[i];

		if (rec->kind == LT_PELT && !util++)
			pr->last_util = (long long)rec->util_avg;
		if ((rec->kind == LT_PELT || rec->kind == LT_EST) && !est++)
			pr->last_est = rec->util_est;
	}
}

/* Record one scenario (or the watched task), analyze, write its rows. */
static int run_one(struct lt_run *r, const struct lt_scenario *sc)
{
	const struct lt_opts *o = r->o;
	uint32_t ms = sc->shape == LT_WATCH ? (uint32_t)(o->cli.duration * 1000) : lt_scenario_ms(sc);
	struct lt_point *pts = NULL;
	struct lt_summary s;
	struct lt_proc pr = { 0 };
	int start_fd = -1, err, status;
	pid_t child = 0;
	uint64_t t0 = 0;

	if (sc->shape != LT_WATCH &&
	    (child = lt_scenario_spawn(sc, (int)o->cpu, (int)o->nice, &start_fd)) < 0)
		return msg_errno(child, "starting scenario %s", sc->name);
	err = record(r, sc->shape == LT_WATCH ? o->pid : child, start_fd, ms / 1000.0 + 0.05,
		     &t0);
	if (!err && child > 0 && !sig_stopped())
		read_proc(child, &pr);
	if (start_fd >= 0)
		close(start_fd);
	if (child > 0) {
		/* Stopped early: the child's pattern ends with us. */
		int stopped = err || sig_stopped();

		if (stopped)
			kill(child, SIGKILL);
		if (waitpid(child, &status, 0) == child && WIFEXITED(status) &&
		    WEXITSTATUS(status) == LT_CHILD_SETUP_FAILED)
			return msg_errno(-EINVAL, "scenario %s: its child could not pin itself "
					 "to CPU %ld or take nice %ld (see -C and --nice)",
					 sc->name, o->cpu, o->nice);
		if (!stopped && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			return msg_errno(-ECHILD, "scenario %s: its child ended early (status "
					 "%#x): the recording is incomplete", sc->name, status);
	}
	if (err == -EPIPE)
		err = msg_errno(err, "starting scenario %s", sc->name);
	if (err)
		return err;
	if (sig_stopped())
		return -EINTR;
	/* Capacity and frequency are in the PELT clock the model runs on
	 * (clock_pelt, followed through last_update_time): no scale. */
	err = lt_analyze(r->recs, r->n, t0, ms, sc, 1.0, &pts, &s);
	if (err)
		return msg_errno(err, "analyzing %s", sc->name);
	if (!s.updates)
		msg_err("warning: %s: no PELT update of the task came (pelt_se_tp)", sc->name);
	if (s.departures)
		msg_err("finding: %s: at %d of %d updates (the first at %.0f ms) the kernel's "
			"util_avg was more than 5%% of 1024 from PELT's arithmetic over the "
			"interval before (by up to %.0f)", sc->name, s.departures, s.model_n,
			s.first_departure_ms, s.model_err_max);
	from_recording(r, pts, ms, &pr);
	if (o->timeline)
		put_timeline(r, sc->name, pts, ms);
	else
		put_summary(r, sc->name, &s, &pr);
	if (sc->shape == LT_STEP && !r->have_step++)
		r->step = s;
	if (sc->shape == LT_IO && !r->have_io++)
		r->io = s;
	free(pts);
	err = out_flush(o->timeline ? &r->tl : &r->sum);
	return err ? msg_errno(err, "writing the report") : 0;
}

static void claim(struct lt_run *r, const char *what, const char *says, double measured,
		  const char *unit, const char *from, int holds)
{
	struct out_val v[NCCOLS] = {
		[C_CLAIM] = { .str = what, .len = -1 },
		[C_SEED] = { .str = says, .len = -1 },
		[C_MEASURED] = num(measured),
		[C_UNIT] = { .str = unit, .len = -1 },
		[C_FROM] = { .str = from, .len = -1 },
		[C_VERDICT] = { .str = holds ? "holds" : "does not hold", .len = -1 },
	};

	out_row(&r->claims, v);
}

/* The prototype's three claims, where the scenarios that measure them
 * ran: I/O-bound demand overestimated by 15-20%; bursty compute
 * underestimated for its first 50-100 ms; about 300 ms to converge. */
static void claims(struct lt_run *r)
{
	const struct lt_summary *io = &r->io, *st = &r->step;

	if (!r->have_io && !r->have_step)
		return;
	out_group(&r->claims, "");
	if (r->have_io && io->truth_mean > 0) {
		double u = 100 * (io->util_mean / io->truth_mean - 1);
		double e = 100 * (io->est_mean / io->truth_mean - 1);

		claim(r, "PELT overestimates I/O-bound demand", "+15-20%", u,
		      "% util_avg over truth", "io", u >= 15 && u <= 20);
		claim(r, "PELT overestimates I/O-bound demand", "+15-20%", e,
		      "% util_est over truth", "io", e >= 15 && e <= 20);
	}
	if (r->have_step) {
		claim(r, "underestimates bursty compute at first", "50-100ms", st->under_50,
		      "% demand missed, 50 ms", "step", st->under_50 > 5);
		claim(r, "underestimates bursty compute at first", "50-100ms", st->under_100,
		      "% demand missed, 100 ms", "step", st->under_100 > 5);
		claim(r, "takes about 300 ms to converge", "300 ms", st->settle_up_ms,
		      "ms to within 5% of final", "step",
		      st->settle_up_ms >= 250 && st->settle_up_ms <= 350);
	}
}

static int parse_scenarios(struct lt_opts *o, const char *arg)
{
	const char *names[32];
	int idx[32], n;

	for (n = 0; n < lt_nscenarios && n < 32; n++)
		names[n] = lt_scenarios[n].name;
	if ((o->nsc = cli_choice_list(&o->cli, arg, names, n, idx, 32)) < 0)
		return -1;
	for (int i = 0; i < o->nsc; i++)
		o->sc[i] = &lt_scenarios[idx[i]];
	return 0;
}

static int parse(struct lt_opts *o, int argc, char **argv)
{
	enum { OPT_TIMELINE = OPT_OWN, OPT_OFFSETS, OPT_NICE };
	static const struct option longopts[] = {
		CLI_STREAM_LONG,
		{ "scenario", required_argument, 0, 's' },
		{ "cpu", required_argument, 0, 'C' },
		{ "pid", required_argument, 0, 'p' },
		{ "timeline", no_argument, 0, OPT_TIMELINE },
		{ "offsets", required_argument, 0, OPT_OFFSETS },
		{ "nice", required_argument, 0, OPT_NICE },
		{ 0, 0, 0, 0 },
	};
	struct cli_common *c = &o->cli;
	int opt, bad = 0, r;

	cli_init(c, "loadtrack");
	o->cpu = o->pid = -1;
	while (!bad && (opt = cli_next_opt(c, argc, argv, CLI_STREAM_SHORT "s:C:p:", longopts,
					   help)) >= 0) {
		switch (opt) {
		case 's': bad = parse_scenarios(o, optarg); break;
		case 'C': bad = cli_cpu(c, optarg, CPU_SETSIZE - 1, &o->cpu); break;
		case 'p': bad = cli_pid(c, optarg, &o->pid); break;
		case OPT_TIMELINE: o->timeline = 1; break;
		case OPT_OFFSETS: o->offsets = optarg; break;
		case OPT_NICE: bad = cli_long(c, optarg, -20, 19, &o->nice); break;
		}
	}
	r = cli_opts_done(c, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
	if (r >= 0)
		return r;
	if (o->pid >= 0 && o->nsc)
		return cli_usage_error(c, "choose one of -p (watch a task) and -s (scenarios)"),
		       EXIT_USAGE;
	if (o->pid < 0 && c->duration > 0)
		return cli_usage_error(c, "-d is for -p: scenarios have their own lengths"),
		       EXIT_USAGE;
	if (o->pid >= 0 && c->duration <= 0)
		c->duration = 5;
	if (o->pid >= 0 && c->duration * 1000 > LT_MAX_MS)
		return cli_usage_error(c, "-d: at most %d s of a task", LT_MAX_MS / 1000),
		       EXIT_USAGE;
	if (o->pid < 0 && !o->nsc)
		for (int i = 0; i < lt_nscenarios; i++)
			o->sc[o->nsc++] = &lt_scenarios[i];
	return -1;
}

/* Kernel struct offsets (the PELT program reads the sched_entity), and
 * whether sched_switch can be a tp_btf program. */
static int open_offsets(struct lt_run *r)
{
	char err[200];
	int e;

	if (r->o->offsets) {
		if ((e = koff_from_file(&r->ko, r->o->offsets, err, sizeof(err))))
			msg_err("kernel struct offsets: %s", err);
		return e;
	}
	if ((e = feat_btf()) < 0) {
		msg_err("cannot read /sys/kernel/btf/vmlinux: %s: loadtrack needs root (or "
			"CAP_BPF and CAP_PERFMON) and read access to it", strerror(-e));
		return e;
	}
	if (e == 0) {
		msg_err("loadtrack needs the kernel's BTF (/sys/kernel/btf/vmlinux, %s) to "
			"read the task's sched_avg: give --offsets FILE, made on a build host "
			"with `schedtap btf offsets VMLINUX > FILE`",
			feat_forced("FORCE_NO_BTF") ? "forced off by SCHEDTAP_FORCE_NO_BTF"
						    : "absent here");
		return -ENOENT;
	}
	if ((e = koff_from_btf(&r->ko, NULL, err, sizeof(err)))) {
		msg_err("reading BTF: %s", err);
		return e;
	}
	r->btf_typed = !feat_forced("FORCE_TRACEPOINT") && feat_tp_btf_storage(&r->ko.btf) > 0;
	return 0;
}

/* Keep schedtap itself (its reader wakes every 20 ms) off the scenario's
 * CPU, where it would make the child wait; where there is another CPU. */
static void stay_off(int cpu)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) || !CPU_ISSET(cpu, &set) || CPU_COUNT(&set) < 2)
		return;
	CPU_CLR(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The last CPU we may run on (a cpuset may allow fewer than are online),
 * or -1; with cpu >= 0, 0 if we may run there. */
static int allowed_cpu(int cpu)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return -1;
	if (cpu >= 0)
		return cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set) ? 0 : -1;
	for (int c = CPU_SETSIZE - 1; c >= 0; c--)
		if (CPU_ISSET(c, &set))
			return c;
	return -1;
}

int cmd_loadtrack(int argc, char **argv)
{
	static const struct lt_scenario watch = { "watch", LT_WATCH, 1, { { 0, 0, 0 } } };
	static struct lt_opts o;
	static struct lt_run r;
	int err = 0, p;

	memset(&o, 0, sizeof(o));
	if ((p = parse(&o, argc, argv)) >= 0)
		return p;
	memset(&r, 0, sizeof(r));
	r.o = &o;
	if (!o.cli.dump && feat_require_privileges(o.cli.cmd))
		return EXIT_RUNTIME;
	if (open_offsets(&r))
		return EXIT_RUNTIME;
	if (o.cpu < 0 && (o.cpu = allowed_cpu(-1)) < 0)
		o.cpu = 0;
	if (o.pid < 0 && allowed_cpu((int)o.cpu)) {
		msg_err("CPU %ld is offline or not in this process's CPU set: give -C one of "
			"those `taskset -p $$` lists", o.cpu);
		koff_free(&r.ko);
		return EXIT_RUNTIME;
	}
	if (o.pid < 0)
		stay_off((int)o.cpu);
	r.perfbuf = o.cli.perf_buffer;
	stream_choose_buffer(&r.perfbuf);
	if (o.cli.dump) {
		/* The programs as they would be built: this process stands in
		 * for the task. */
		uint64_t t0;

		record(&r, getpid(), -1, 0, &t0);
		koff_free(&r.ko);
		return EXIT_OK;
	}
	if (!(r.f = cli_open_output(&o.cli))) {
		koff_free(&r.ko);
		return EXIT_RUNTIME;
	}
	out_init(&r.sum, r.f, o.cli.fmt, sum_cols, NSCOLS);
	out_init(&r.tl, r.f, o.cli.fmt, time_cols, NTCOLS);
	out_init(&r.claims, r.f, o.cli.fmt, claim_cols, NCCOLS);
	if (o.pid >= 0)
		err = run_one(&r, &watch);
	for (int i = 0; !err && o.pid < 0 && i < o.nsc; i++)
		err = run_one(&r, o.sc[i]);
	if (!err && !o.timeline)
		claims(&r);
	if (out_flush(&r.claims) && !err)
		err = msg_errno(-EIO, "writing the report");
	if (r.bad)
		msg_err("warning: %llu records of an unknown shape skipped",
			(unsigned long long)r.bad);
	if (r.f != stdout && fclose(r.f) && !err)
		err = msg_errno(-errno, "closing %s", o.cli.output);
	free(r.recs);
	koff_free(&r.ko);
	return err && err != -EINTR ? EXIT_RUNTIME : EXIT_OK;
}
