/* schedtap pelt --events: the bare PELT tracepoints as an event stream
 * in the sched_tp module's vocabulary, so that its users' scripts keep
 * their event and field names. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "bpf/pelt.h"
#include "bpf/program.h"
#include "btf/koffsets.h"
#include "cmd/cgroup_path.h"
#include "cmd/event_stream.h"
#include "cmd/pelt.h"
#include "cmd/session.h"
#include "core/msg.h"
#include "core/output.h"
#include "core/sig.h"
#include "kernel/features.h"

/* Not by default: the util_est tracepoints fire at every enqueue and
 * dequeue (2.3 times per pipe round trip here). -p: the task's only. */
#define DEFAULT_RQ 1
#define DEFAULT_TASK 2

/* prog: on the bare tracepoint; module: on the sched_tp module's event. */
static const struct pelt_event_def {
	const char *name;
	const struct tap_prog_def *prog, *module;
	unsigned in_default;
} events[PELT_EV_MAX + 1] = {
	[PELT_EV_CFS] = { "sched_pelt_cfs", &prog_pev_cfs, &prog_pmod_cfs, DEFAULT_RQ },
	[PELT_EV_RT] = { "sched_pelt_rt", &prog_pev_rt, &prog_pmod_rt, DEFAULT_RQ },
	[PELT_EV_DL] = { "sched_pelt_dl", &prog_pev_dl, &prog_pmod_dl, DEFAULT_RQ },
	[PELT_EV_IRQ] = { "sched_pelt_irq", &prog_pev_irq, &prog_pmod_irq, DEFAULT_RQ },
	[PELT_EV_SE] = { "sched_pelt_se", &prog_pev_se, &prog_pmod_se, DEFAULT_RQ | DEFAULT_TASK },
	[PELT_EV_OVERUTILIZED] = { "sched_overutilized", &prog_pev_ovu, &prog_pmod_ovu,
				   DEFAULT_RQ },
	[PELT_EV_NR_RUNNING] = { "sched_update_nr_running", &prog_pev_nr, &prog_pmod_nr,
				 DEFAULT_RQ },
	[PELT_EV_UTIL_EST_CFS] = { "sched_util_est_cfs", &prog_pev_ecfs, &prog_pmod_ecfs, 0 },
	[PELT_EV_UTIL_EST_SE] = { "sched_util_est_se", &prog_pev_ese, &prog_pmod_ese,
				  DEFAULT_TASK },
	[PELT_EV_CAPACITY] = { "sched_cpu_capacity", &prog_pev_cap, &prog_pmod_cap, DEFAULT_RQ },
};

const char pelt_event_names[] =
	"sched_pelt_cfs, sched_pelt_rt, sched_pelt_dl, sched_pelt_irq, sched_pelt_se,\n"
	"sched_overutilized, sched_update_nr_running, sched_util_est_cfs,\n"
	"sched_util_est_se, sched_cpu_capacity";

int pelt_events_parse(const struct cli_common *c, const char *list, long pid, unsigned *mask)
{
	char name[32];

	*mask = 0;
	if (!list || !strcmp(list, "all")) {
		for (int k = 1; k <= PELT_EV_MAX; k++)
			if (list || events[k].in_default & (pid >= 0 ? DEFAULT_TASK : DEFAULT_RQ))
				*mask |= 1u << k;
		return 0;
	}
	for (const char *at = list; *at; at += *at == ',') {
		size_t n = strcspn(at, ",");
		int k;

		for (k = 1; k <= PELT_EV_MAX; k++)
			if (strlen(events[k].name) == n && !strncmp(at, events[k].name, n))
				break;
		if (k > PELT_EV_MAX) {
			snprintf(name, sizeof(name), "%.*s", n < 31 ? (int)n : 31, at);
			return cli_usage_error(c, "unknown event '%s' in %s (the names are in --help)",
					       name, c->opt);
		}
		*mask |= 1u << k;
		at += n;
	}
	return *mask ? 0 : cli_usage_error(c, "%s: no event named", c->opt);
}

enum {
	C_TIME, C_TS, C_CPU, C_EVENT, C_PATH, C_COMM, C_PID, C_LOAD, C_RUNNABLE, C_UTIL, C_UPDATE,
	C_ENQ, C_EWMA, C_CHANGE, C_NR, C_OVU, C_CAP, NCOLS
};

static const struct out_col cols[NCOLS] = {
	[C_TIME] = { "time_ms", "TIME(ms)", OUT_F64, 12, 3, 0, 0 },
	[C_TS] = { "ts_ns", "TS", OUT_U64, 0, 0, 0, OUT_MACHINE_ONLY },
	[C_CPU] = { "cpu", "CPU", OUT_U64, 3, 0, 0, 0 },
	[C_EVENT] = { "event", "EVENT", OUT_STR, 23, 0, 1, 0 },
	[C_PATH] = { "path", "PATH", OUT_STR, 12, 0, 1, 0 },
	[C_COMM] = { "comm", "COMM", OUT_STR, 16, 0, 1, 0 },
	[C_PID] = { "pid", "PID", OUT_S64, 7, 0, 0, 0 },
	[C_LOAD] = { "load", "LOAD", OUT_U64, 7, 0, 0, 0 },
	[C_RUNNABLE] = { "runnable", "RUNNABLE", OUT_U64, 8, 0, 0, 0 },
	[C_UTIL] = { "util", "UTIL", OUT_U64, 5, 0, 0, 0 },
	[C_UPDATE] = { "update_time", "UPDATE_TIME", OUT_U64, 0, 0, 0, OUT_MACHINE_ONLY },
	[C_ENQ] = { "enqueued", "ENQUEUED", OUT_U64, 8, 0, 0, 0 },
	[C_EWMA] = { "ewma", "EWMA", OUT_U64, 5, 0, 0, 0 },
	[C_CHANGE] = { "change", "CHANGE", OUT_S64, 6, 0, 0, 0 },
	[C_NR] = { "nr_running", "NR", OUT_U64, 3, 0, 0, 0 },
	[C_OVU] = { "overutilized", "OVERUTIL", OUT_U64, 8, 0, 0, 0 },
	[C_CAP] = { "capacity", "CAPACITY", OUT_U64, 8, 0, 0, 0 },
};

struct stream {
	struct out out;
	struct cgroup_paths *groups;	/* -g: cgroup names, NULL if unknown */
	unsigned long long t0;
	uint64_t written, bad;
};

/* Which columns each event has, as sched_tp's event of that name. */
static const uint32_t has[PELT_EV_MAX + 1] = {
#define AVG (1u << C_LOAD | 1u << C_RUNNABLE | 1u << C_UTIL | 1u << C_UPDATE)
#define TASK (1u << C_COMM | 1u << C_PID)
#define EST (1u << C_ENQ | 1u << C_EWMA | 1u << C_UTIL)
	[PELT_EV_CFS] = AVG | 1u << C_PATH, [PELT_EV_RT] = AVG, [PELT_EV_DL] = AVG, [PELT_EV_IRQ] = AVG,
	[PELT_EV_SE] = AVG | TASK, [PELT_EV_OVERUTILIZED] = 1u << C_OVU,
	[PELT_EV_NR_RUNNING] = 1u << C_CHANGE | 1u << C_NR, [PELT_EV_UTIL_EST_CFS] = EST | 1u << C_PATH,
	[PELT_EV_UTIL_EST_SE] = EST | TASK, [PELT_EV_CAPACITY] = 1u << C_CAP,
#undef AVG
#undef TASK
#undef EST
};

static int on_record(void *ctx, const void *data, uint32_t size)
{
	struct stream *st = ctx;
	struct out_val v[NCOLS];
	struct pelt_rec r;
	const char *path = "/";

	if (size < sizeof(r)) {
		st->bad++;
		return 0;
	}
	memcpy(&r, data, sizeof(r));	/* perf buffer records: 4-byte aligned */
	if (r.kind < 1 || r.kind > PELT_EV_MAX) {
		st->bad++;
		return 0;
	}
	v[C_TIME] = (struct out_val){ .f = (double)(int64_t)(r.ts_ns - st->t0) / 1e6 };
	v[C_TS] = (struct out_val){ .u = r.ts_ns };
	v[C_CPU] = (struct out_val){ .u = r.cpu };
	v[C_EVENT] = (struct out_val){ .str = events[r.kind].name, .len = -1 };
	/* sched_tp's path: "/" for a CPU's root run queue, a group's cgroup */
	if (r.cgroup && !(path = st->groups ? cgroup_paths_find(st->groups, r.cgroup) : NULL))
		path = "?";
	v[C_PATH] = (struct out_val){ .str = path, .len = -1 };
	v[C_COMM] = (struct out_val){ .str = r.comm, .len = sizeof(r.comm) };
	v[C_PID] = (struct out_val){ .s = r.pid };
	v[C_LOAD] = (struct out_val){ .u = r.load };
	v[C_RUNNABLE] = (struct out_val){ .u = r.runnable };
	v[C_UTIL] = (struct out_val){ .u = r.util };
	v[C_UPDATE] = (struct out_val){ .u = r.update_time };
	v[C_ENQ] = (struct out_val){ .u = r.enqueued };
	v[C_EWMA] = (struct out_val){ .u = r.ewma };
	v[C_CHANGE] = (struct out_val){ .s = r.change };
	v[C_NR] = (struct out_val){ .u = r.nr_running };
	v[C_OVU] = (struct out_val){ .u = r.overutilized };
	v[C_CAP] = (struct out_val){ .u = r.capacity };
	for (int c = C_PATH; c < NCOLS; c++)
		if (!(has[r.kind] & 1u << c))
			v[c] = c <= C_COMM ? (struct out_val){ .str = NULL } : OUT_NONE;
	out_row(&st->out, v);
	st->written++;
	return 0;
}

/* The events asked for that this kernel has: each bare tracepoint (or
 * without ko, each of the sched_tp module's events). One asked for by
 * name and missing fails. */
static int choose(const struct koffsets *ko, unsigned mask, int named,
		  const struct tap_prog_def **progs)
{
	char args[4][48];
	int n = 0;

	for (int k = 1; k <= PELT_EV_MAX; k++) {
		if (!(mask & 1u << k))
			continue;
		if (ko ? koff_tp_args(ko, events[k].prog->raw_tp, args, 4) > 0 :
			 feat_tracepoint("sched", events[k].name) > 0)
			progs[n++] = ko ? events[k].prog : events[k].module;
		else if (named) {
			msg_err("%s: this kernel has no %s%s (%s)", events[k].name,
				ko ? "tracepoint " : "event sched:", ko ? events[k].prog->raw_tp :
				events[k].name, ko ? ko->source : "the sched_tp module's events");
			return -ENOENT;
		}
	}
	if (!n)
		msg_err("none of the events asked for has its tracepoint on this kernel");
	return n ? n : -ENOENT;
}

int pelt_events(const struct cli_common *cli, struct pelt_params *pp,
		const struct koffsets *ko, unsigned mask, int named)
{
	const struct tap_prog_def *progs[PELT_EV_MAX];
	static struct session s;
	static struct cgroup_paths cg;
	struct event_reader *rd = NULL;
	struct stream st;
	int err, n;

	memset(&st, 0, sizeof(st));
	if ((n = choose(ko, mask, named, progs)) < 0)
		return EXIT_RUNTIME;
	if (pp->groups)
		st.groups = pelt_cgroup_names(&cg);
	stream_choose_buffer(&pp->perfbuf);
	pp->events = 1;
	s.ko = ko;
	err = session_open(&s, cli, progs, n, pp);
	if (!err)
		err = stream_open(&rd, pp->perfbuf, &s.obj, s.cpu_ids, s.ncpus);
	/* Before attaching: no record may be older than time 0. */
	st.t0 = sig_now_ns();
	if (!err)
		err = tap_obj_attach(&s.obj);
	if (!err) {
		out_init(&st.out, s.out, cli->fmt, cols, NCOLS);
		err = stream_run(rd, st.t0, cli->duration, on_record, &st, &st.out);
		stream_summary(&st.out, &s.obj, rd, s.ncpus, s.cpu_ids, st.written, st.bad);
		if ((n = out_flush(&st.out)) && !err)
			err = msg_errno(n, "writing events");
	}
	event_reader_free(rd);
	cgroup_paths_free(&cg);
	return session_close(&s, err);
}
