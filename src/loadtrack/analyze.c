#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "loadtrack/analyze.h"
#include "loadtrack/model.h"

#define MS 1000000ull

const uint32_t lt_windows_ms[LT_NWINDOWS] = { 8, 32, 100 };
const uint32_t lt_at_ms[3] = { 32, 64, 106 };

static int cmp_ts(const void *a, const void *b)
{
	const struct lt_rec *x = a, *y = b;

	return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

static void err_add(struct lt_err *e, double d)
{
	if (!e->n || d > e->over)
		e->over = d;
	if (!e->n || d < e->under)
		e->under = d;
	e->mean += d;
	e->n++;
}

static void err_done(struct lt_err *e)
{
	if (e->n)
		e->mean /= e->n;
	if (e->under > 0)
		e->under = 0;
	if (e->over < 0)
		e->over = 0;
}

/* The replay: the truth in bins, the kernel's last values, the model. */
struct replay {
	const struct lt_rec *r;
	size_t n, k;
	int running;
	uint64_t since;			/* running from */
	const struct lt_rec *last;	/* the last PELT update */
	int64_t est;			/* the last util_est, -1 before any */
	struct pelt_model m;
	struct pelt_model now;		/* the last update's state, carried on */
	int model_on;
	double scale;
	uint64_t steady_from, steady_to;	/* ns: where ripple is measured */
	double umin, umax, mmin, mmax;
	int nsteady;
	struct lt_summary *sum;
	const struct lt_rec **upd;	/* the PELT updates, in time order */
	size_t nupd, j;
	uint64_t edge_after;		/* the last switch: an edge's update comes after */
	uint64_t t0;
	uint32_t last_cpu;		/* the CPU of the last update */
};

static double lag_of(const struct lt_rec *r)
{
	return (double)r->ts_ns - (double)r->last_update_time;
}

/* ktime t on the PELT clock, the one the model runs on: the kernel's
 * clock_pelt counts no IRQ or steal time, so it lags ktime by what each
 * update's last_update_time says, and between two updates by a share of
 * what the later one adds (a VM's host stealing a running vCPU for 5 ms
 * would otherwise look like 5 ms of running PELT did not count). t only
 * grows from call to call. */
static uint64_t pelt_time(struct replay *rp, uint64_t t)
{
	const struct lt_rec *a, *b;
	double lag;

	if (!rp->nupd)
		return t;
	while (rp->j < rp->nupd && rp->upd[rp->j]->ts_ns < t)
		rp->j++;
	b = rp->upd[rp->j < rp->nupd ? rp->j : rp->nupd - 1];
	a = rp->j ? rp->upd[rp->j - 1] : b;
	lag = lag_of(a);
	if (b->ts_ns > a->ts_ns && t > a->ts_ns)
		lag += (lag_of(b) - lag) * (double)(t - a->ts_ns) / (double)(b->ts_ns - a->ts_ns);
	return (uint64_t)((double)t - lag);
}

static double fabs_(double v)
{
	return v < 0 ? -v : v;
}

static void on_update(struct replay *rp, const struct lt_rec *r)
{
	struct lt_summary *s = rp->sum;

	s->updates++;
	rp->last = r;
	rp->est = r->util_est;
	if (!rp->model_on) {
		pelt_model_init(&rp->m, r->last_update_time, (double)r->util_sum,
				r->period_contrib, (double)r->util_avg, rp->scale);
		pelt_model_init(&rp->now, r->last_update_time, (double)r->util_sum,
				r->period_contrib, (double)r->util_avg, rp->scale);
		rp->model_on = 1;
		rp->last_cpu = r->cpu;
		return;
	}
	/* On another CPU (-p: the task migrated), the kernel re-attached
	 * its averages to that run queue's clock, with no tracepoint: both
	 * models start again from here. */
	if (rp->last_cpu != r->cpu) {
		rp->last_cpu = r->cpu;
		pelt_model_init(&rp->m, r->last_update_time, (double)r->util_sum,
				r->period_contrib, (double)r->util_avg, rp->scale);
		pelt_model_init(&rp->now, r->last_update_time, (double)r->util_sum,
				r->period_contrib, (double)r->util_avg, rp->scale);
		return;
	}
	/* From the previous update's state to this one: the kernel's
	 * arithmetic over one interval. */
	pelt_model_advance(&rp->now, r->last_update_time, rp->running);
	double d = fabs_(r->util_avg - rp->now.util_avg);

	s->model_err_max = d > s->model_err_max ? d : s->model_err_max;
	s->model_err_mean += d;
	s->model_n++;
	if (d > LT_DEPARTURE && !s->departures++)
		s->first_departure_ms = (double)(r->ts_ns - rp->t0) / 1e6;
	/* From the first update on: what the errors of all intervals add
	 * up to. */
	pelt_model_advance(&rp->m, r->last_update_time, rp->running);
	d = fabs_(r->util_avg - rp->m.util_avg);
	s->drift_max = d > s->drift_max ? d : s->drift_max;
	pelt_model_init(&rp->now, r->last_update_time, (double)r->util_sum, r->period_contrib,
			(double)r->util_avg, rp->scale);
	if (r->ts_ns >= rp->steady_from && r->ts_ns < rp->steady_to) {
		double u = (double)r->util_avg, mu = rp->m.util_avg;

		if (!rp->nsteady++) {
			rp->umin = rp->umax = u;
			rp->mmin = rp->mmax = mu;
		}
		rp->umin = u < rp->umin ? u : rp->umin;
		rp->umax = u > rp->umax ? u : rp->umax;
		rp->mmin = mu < rp->mmin ? mu : rp->mmin;
		rp->mmax = mu > rp->mmax ? mu : rp->mmax;
	}
}

/* Where a switch at ktime t is on the PELT clock. The scheduler reads
 * its clock once per __schedule, and the updates it makes there (prev's
 * at dequeue or put_prev, next's at set_next) are at that time, some
 * microseconds before the sched_switch tracepoint, more on the way to
 * sleep (dequeue, util_est) than on the way in. Timing the edges at the
 * tracepoint made the model run long by that much per slice: the io
 * scenario's mean |kernel - model| was 6.0 units, 0.45 with the edges
 * at the updates. An update within LT_EDGE_NS before the switch, and
 * after the one before, is the switch's own: its last_update_time is
 * the edge. */
#define LT_EDGE_NS 200000ull
static uint64_t edge(struct replay *rp, uint64_t t)
{
	const struct lt_rec *u = rp->last;

	if (u && u->ts_ns <= t && t - u->ts_ns < LT_EDGE_NS && u->ts_ns >= rp->edge_after)
		return u->last_update_time;
	return pelt_time(rp, t);
}

/* Everything before end: returns the running time in [from, end). */
static uint64_t replay_until(struct replay *rp, uint64_t from, uint64_t end)
{
	uint64_t run = 0;

	for (; rp->k < rp->n && rp->r[rp->k].ts_ns < end; rp->k++) {
		const struct lt_rec *r = &rp->r[rp->k];
		uint64_t at = r->ts_ns > from ? r->ts_ns : from;

		switch (r->kind) {
		case LT_IN:
			if (rp->running)
				break;
			if (rp->model_on) {
				uint64_t pt = edge(rp, r->ts_ns);

				pelt_model_advance(&rp->m, pt, 0);
				pelt_model_advance(&rp->now, pt, 0);
			}
			rp->running = 1;
			rp->since = at;
			rp->edge_after = r->ts_ns;
			break;
		case LT_OUT:
			if (!rp->running)
				break;
			if (rp->model_on) {
				uint64_t pt = edge(rp, r->ts_ns);

				pelt_model_advance(&rp->m, pt, 1);
				pelt_model_advance(&rp->now, pt, 1);
			}
			run += at > rp->since ? at - rp->since : 0;
			rp->running = 0;
			rp->edge_after = r->ts_ns;
			break;
		case LT_PELT:
			on_update(rp, r);
			break;
		case LT_EST:
			rp->est = r->util_est;
			break;
		}
	}
	if (rp->running) {
		run += end > rp->since ? end - rp->since : 0;
		rp->since = end;
	}
	return run;
}

/* Was the task running at the start? Its first switch record says. */
static int running_at_start(const struct lt_rec *r, size_t n, uint64_t t0)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].kind == LT_IN || r[i].kind == LT_OUT)
			return r[i].ts_ns >= t0 ? r[i].kind == LT_OUT : 0;
	return 0;
}

static double held(const struct lt_point *p, int est)
{
	return est ? p->util_est : p->util_now;
}

static void windows(struct lt_point *pts, uint32_t ms, uint32_t from, struct lt_summary *s)
{
	uint64_t *prefix = calloc(ms + 1, sizeof(*prefix));

	if (!prefix)
		return;
	for (uint32_t b = 0; b < ms; b++)
		prefix[b + 1] = prefix[b] + pts[b].run_us;
	for (int w = 0; w < LT_NWINDOWS; w++) {
		uint32_t len = lt_windows_ms[w];

		for (uint32_t b = 0; b < ms; b++) {
			uint32_t lo = b + 1 >= len ? b + 1 - len : 0;
			double a = 1024.0 * (double)(prefix[b + 1] - prefix[lo]) / (len * 1000.0);

			pts[b].actual[w] = (float)a;
			if (b < from || b + 1 < len || pts[b].util_avg < 0)
				continue;
			err_add(&s->util[w], pts[b].util_now - a);
			err_add(&s->est[w], pts[b].util_est - a);
		}
		err_done(&s->util[w]);
		err_done(&s->est[w]);
	}
	free(prefix);
}

/* Means over bins [from, to): a signal, and 1024 * the running share. */
static double mean_of(const struct lt_point *pts, uint32_t from, uint32_t to, int what)
{
	double sum = 0;
	uint32_t n = 0;

	for (uint32_t b = from; b < to; b++, n++)
		sum += what < 0 ? 1024.0 * pts[b].run_us / 1000.0 : held(&pts[b], what);
	return n ? sum / n : 0;
}

static void step(const struct lt_point *pts, uint32_t ms, const struct lt_scenario *sc,
		 struct lt_summary *s)
{
	uint32_t up = lt_phase_start_ms(sc, 1), down = lt_phase_start_ms(sc, 2);
	double final, u0;

	s->settle_up_ms = s->settle_down_ms = -1;
	if (up < 1 || down > ms || down <= up + 106)
		return;
	final = pts[down - 1].util_now;
	/* The closed form starts where the model is at the step. */
	u0 = pts[up - 1].model > 0 ? pts[up - 1].model : 0;
	for (uint32_t b = up; b < down && s->settle_up_ms < 0; b++)
		if (pts[b].util_avg >= 0 && pts[b].util_now >= 0.95 * final)
			s->settle_up_ms = b - up + 1;
	for (uint32_t b = down; b < ms && s->settle_down_ms < 0; b++)
		if (pts[b].util_avg >= 0 && pts[b].util_now <= 0.05 * 1024)
			s->settle_down_ms = b - down + 1;
	for (int i = 0; i < 3; i++) {
		uint32_t b = up + lt_at_ms[i] - 1;

		s->at[i] = pts[b].util_now;
		s->at_model[i] = pts[b].model;
		s->at_closed[i] = pelt_step_closed_form(u0, (double)lt_at_ms[i] * MS);
	}
	s->under_50 = 100.0 * (1 - mean_of(pts, up, up + 50, 0) / mean_of(pts, up, up + 50, -1));
	s->under_100 = 100.0 * (1 - mean_of(pts, up, up + 100, 0) / mean_of(pts, up, up + 100, -1));
}

int lt_analyze(struct lt_rec *recs, size_t n, uint64_t t0, uint32_t ms,
	       const struct lt_scenario *sc, double scale, struct lt_point **out,
	       struct lt_summary *s)
{
	uint32_t active = sc->nphases > 1 ? lt_phase_start_ms(sc, 1) : 0;
	uint32_t last = sc->nphases > 1 ? lt_phase_start_ms(sc, sc->nphases - 1) : 0;
	int periodic = sc->shape == LT_PERIODIC || sc->shape == LT_IO;
	/* Periodic loads are judged once settled: the second half of their
	 * phase; steps and ramps over everything after the warm-up. */
	uint32_t steady = periodic ? last + (ms - last) / 2 : active;
	struct replay rp = { .r = recs, .n = n, .scale = scale, .sum = s, .est = -1, .t0 = t0 };
	struct lt_point *pts;

	memset(s, 0, sizeof(*s));
	*out = NULL;
	if (!ms || ms > LT_MAX_MS || active >= ms)
		return -EINVAL;
	if (!(pts = calloc(ms, sizeof(*pts))))
		return -ENOMEM;
	qsort(recs, n, sizeof(*recs), cmp_ts);
	if (!(rp.upd = calloc(n ? n : 1, sizeof(*rp.upd)))) {
		free(pts);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		if (recs[i].kind == LT_PELT)
			rp.upd[rp.nupd++] = &recs[i];
	if (rp.nupd > 1)
		s->clock_lag_ms = (lag_of(rp.upd[rp.nupd - 1]) - lag_of(rp.upd[0])) / 1e6;
	rp.running = running_at_start(recs, n, t0);
	rp.since = t0;
	rp.steady_from = t0 + steady * MS;
	rp.steady_to = periodic ? t0 + ms * MS : 0;
	/* What came before the start only sets the state. */
	replay_until(&rp, t0, t0);
	for (uint32_t b = 0; b < ms; b++) {
		uint64_t from = t0 + b * MS;
		struct lt_point *p = &pts[b];

		p->run_us = (uint32_t)(replay_until(&rp, from, from + MS) / 1000);
		p->util_avg = rp.last ? (int32_t)rp.last->util_avg : -1;
		p->util_est = (int32_t)rp.est;
		p->runnable_avg = rp.last ? (int32_t)rp.last->runnable_avg : -1;
		p->load_avg = rp.last ? (int32_t)rp.last->load_avg : -1;
		p->model = p->util_now = -1;
		if (rp.model_on) {
			struct pelt_model m = rp.m, now = rp.now;
			uint64_t pt = pelt_time(&rp, from + MS);

			pelt_model_advance(&m, pt, rp.running);
			pelt_model_advance(&now, pt, rp.running);
			p->model = (float)m.util_avg;
			p->util_now = (float)now.util_avg;
		}
	}
	if (s->model_n)
		s->model_err_mean /= s->model_n;
	s->ripple = rp.nsteady ? rp.umax - rp.umin : 0;
	s->model_ripple = rp.nsteady ? rp.mmax - rp.mmin : 0;
	windows(pts, ms, steady, s);
	s->duty_pct = 100.0 * mean_of(pts, active, ms, -1) / 1024;
	s->util_mean = mean_of(pts, steady, ms, 0);
	s->est_mean = mean_of(pts, steady, ms, 1);
	s->truth_mean = mean_of(pts, steady, ms, -1);
	if (sc->shape == LT_STEP)
		step(pts, ms, sc, s);
	free(rp.upd);
	*out = pts;
	return 0;
}
