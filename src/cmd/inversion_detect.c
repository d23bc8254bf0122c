/* Priority inversions from a stream of real-time scheduler events: the
 * slices that ran on each CPU, and per task when it became runnable, when
 * it blocked on which futex, and its PI boost. */
#include <errno.h>
#include <linux/futex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/inversion_detect.h"

struct inv_slice {
	uint64_t start, end;
	struct inv_task_id id;
};

struct inv_cpu_slices {
	struct inv_slice s[INV_NSLICES];
	unsigned n;		/* total added; the ring holds the last INV_NSLICES */
};

struct ival {
	uint64_t start, end;
	int32_t cpu;
};

struct inv_task {
	struct inv_task_id id;
	uint64_t runnable_since;	/* 0: not waiting on a run queue */
	uint64_t blocked_since;		/* futex wait; 0: none */
	uint64_t uaddr;
	int32_t tgid;
	struct ival iv[INV_NIVALS];
	unsigned niv;
	uint64_t boost_since;		/* PI boost; 0: none */
	int32_t boost_base, boost_to;
	struct inv_task_id booster;
};

int inv_detect_init(struct inv_detector *d, const struct sched_state *states,
		    uint64_t thresh_ns, void (*found)(void *ctx, const struct inv_finding *f),
		    void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->states = *states;
	d->thresh_ns = thresh_ns;
	d->found = found;
	d->ctx = ctx;
	d->tasks = calloc(INV_NTASKS, sizeof(*d->tasks));
	return d->tasks ? 0 : -ENOMEM;
}

void inv_detect_free(struct inv_detector *d)
{
	for (int i = 0; i < INV_SLICE_CPUS; i++)
		free(d->cpus[i]);
	free(d->tasks);
	memset(d, 0, sizeof(*d));
}

/* Once per record, before any task is looked up: a record looks up at
 * most two, and clearing the table while one is held would leave it
 * pointing at a freed slot that a later task takes over, with the old
 * task's state (a false inversion). */
static void make_room(struct inv_detector *d)
{
	if (d->ntasks < INV_NTASKS * 3 / 4)
		return;
	memset(d->tasks, 0, INV_NTASKS * sizeof(*d->tasks));
	d->ntasks = 0;
}

/* Never more than 3/4 full (make_room), so the probe always ends. */
static struct inv_task *task_get(struct inv_detector *d, int32_t tid)
{
	unsigned h;

	if (tid <= 0)
		return NULL;
	for (h = (unsigned)tid * 2654435761u % INV_NTASKS;; h = (h + 1) % INV_NTASKS) {
		struct inv_task *t = &d->tasks[h];

		if (t->id.pid == tid)
			return t;
		if (!t->id.pid) {
			t->id.pid = tid;
			d->ntasks++;
			return t;
		}
	}
}

static void task_seen(struct inv_task *t, int32_t prio, const char *comm)
{
	t->id.prio = prio;
	memcpy(t->id.comm, comm, TRACE_COMM_LEN);
}

static struct inv_cpu_slices *cpu_get(struct inv_detector *d, int32_t cpu)
{
	if (cpu < 0 || cpu >= INV_SLICE_CPUS)
		return NULL;
	if (!d->cpus[cpu])
		d->cpus[cpu] = calloc(1, sizeof(struct inv_cpu_slices));
	return d->cpus[cpu];
}

/* Add to o[] the time tasks with prio > above (lower priority), other
 * than skip1/skip2, ran on cpu within [from, to]. */
static void lower_ran(struct inv_detector *d, int32_t cpu, uint64_t from, uint64_t to,
		      int32_t above, int32_t skip1, int32_t skip2, struct inv_other *o, int *no)
{
	struct inv_cpu_slices *cs = cpu_get(d, cpu);
	unsigned first;

	if (!cs || to <= from)
		return;
	first = cs->n > INV_NSLICES ? cs->n - INV_NSLICES : 0;
	for (unsigned i = cs->n; i-- > first;) {
		const struct inv_slice *s = &cs->s[i % INV_NSLICES];
		uint64_t a = s->start > from ? s->start : from, b = s->end < to ? s->end : to;
		int k;

		if (s->end <= from)
			break;
		if (b <= a || s->id.prio <= above || s->id.pid == skip1 || s->id.pid == skip2 ||
		    !s->id.pid)
			continue;
		for (k = 0; k < *no && o[k].id.pid != s->id.pid; k++)
			;
		if (k == *no) {
			if (*no == INV_NOTHERS)
				continue;
			o[k] = (struct inv_other){ s->id, 0 };
			(*no)++;
		}
		o[k].ns += b - a;
	}
}

/* The index of the one that ran longest (-1: none), and the sum. */
static int longest(const struct inv_other *o, int no, uint64_t *sum)
{
	int top = -1;

	*sum = 0;
	for (int k = 0; k < no; k++) {
		*sum += o[k].ns;
		if (top < 0 || o[k].ns > o[top].ns)
			top = k;
	}
	return top;
}

static void report(struct inv_detector *d, struct inv_finding *f)
{
	if (f->type == INV_PI_BOOST)
		d->boosts++;
	else
		d->reported++;
	d->found(d->ctx, f);
}

/* next waited on a run queue since runnable_since: an inversion if it is
 * real-time, waited longer than the threshold and lower priorities ran. */
static void runnable_wait(struct inv_detector *d, const struct trace_rec *e,
			  struct inv_task *next)
{
	uint64_t wait = e->ts_ns - next->runnable_since, sum;
	struct ival *iv = &next->iv[next->niv++ % INV_NIVALS];
	struct inv_other o[INV_NOTHERS];
	int no = 0, top;

	*iv = (struct ival){ next->runnable_since, e->ts_ns, (int32_t)e->cpu };
	if (wait <= d->thresh_ns || next->id.prio >= INV_RT_PRIO)
		return;
	lower_ran(d, (int32_t)e->cpu, iv->start, iv->end, next->id.prio, next->id.pid, -1,
		  o, &no);
	top = longest(o, no, &sum);
	if (top < 0)
		return;
	report(d, &(struct inv_finding){ .type = INV_RUNNABLE, .ts_ns = e->ts_ns,
		.cpu = (int32_t)e->cpu, .h = next->id, .m = o[top].id, .wait_ns = wait,
		.delay_ns = sum, .others = o, .nothers = no });
}

static void on_switch(struct inv_detector *d, const struct trace_rec *e)
{
	struct inv_cpu_slices *cs = cpu_get(d, (int32_t)e->cpu);
	struct inv_task *prev = task_get(d, e->pid), *next = task_get(d, e->pid2);

	if (cs && e->runtime_ns && e->runtime_ns < e->ts_ns) {
		struct inv_slice *s = &cs->s[cs->n++ % INV_NSLICES];

		*s = (struct inv_slice){ e->ts_ns - e->runtime_ns, e->ts_ns,
					 { e->pid, e->prio, { 0 } } };
		memcpy(s->id.comm, e->comm, TRACE_COMM_LEN);
	}
	if (prev) {
		task_seen(prev, e->prio, e->comm);
		prev->runnable_since = sched_state_runnable(&d->states, e->state) ? e->ts_ns : 0;
	}
	if (!next)
		return;
	task_seen(next, e->prio2, e->comm2);
	next->blocked_since = 0;
	if (next->runnable_since && next->runnable_since < e->ts_ns)
		runnable_wait(d, e, next);
	next->runnable_since = 0;
}

static void on_wakeup(struct inv_detector *d, const struct trace_rec *e)
{
	struct inv_task *t = task_get(d, e->pid);

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
static void blocking(struct inv_detector *d, const struct trace_rec *e, struct inv_task *l)
{
	for (unsigned i = 0; i < INV_NTASKS; i++) {
		struct inv_task *h = &d->tasks[i];
		struct inv_other o[INV_NOTHERS];
		uint64_t sum;
		int no = 0, top, cpu = -1;

		if (!h->id.pid || !h->blocked_since || h->uaddr != e->state ||
		    h->tgid != e->pid2 || h == l || h->id.prio >= l->id.prio)
			continue;
		for (unsigned k = 0; k < INV_NIVALS && k < l->niv; k++) {
			const struct ival *iv = &l->iv[(l->niv - 1 - k) % INV_NIVALS];
			uint64_t a = iv->start > h->blocked_since ? iv->start : h->blocked_since;
			uint64_t b = iv->end < e->ts_ns ? iv->end : e->ts_ns;

			if (b > a) {
				lower_ran(d, iv->cpu, a, b, h->id.prio, l->id.pid, h->id.pid, o, &no);
				cpu = iv->cpu;
			}
		}
		top = longest(o, no, &sum);
		if (top < 0 || o[top].ns < d->thresh_ns)
			continue;
		report(d, &(struct inv_finding){ .type = INV_BLOCKING, .ts_ns = e->ts_ns,
			.cpu = cpu, .h = h->id, .l = l->id, .m = o[top].id, .futex = h->uaddr,
			.wait_ns = e->ts_ns - h->blocked_since, .delay_ns = o[top].ns,
			.others = o, .nothers = no });
		h->blocked_since = 0;
	}
}

static void on_futex(struct inv_detector *d, const struct trace_rec *e)
{
	struct inv_task *t = task_get(d, e->pid);
	int cmd = e->arg & FUTEX_CMD_MASK;

	if (!t)
		return;
	task_seen(t, e->prio, e->comm);
	if (futex_waits(cmd)) {
		t->blocked_since = e->ts_ns;
		t->uaddr = e->state;
		t->tgid = e->pid2;
	} else if (futex_wakes(cmd)) {
		blocking(d, e, t);
	}
}

static void on_pi(struct inv_detector *d, const struct trace_rec *e)
{
	struct inv_task *t = task_get(d, e->pid);

	if (!t)
		return;
	memcpy(t->id.comm, e->comm, TRACE_COMM_LEN);
	t->id.prio = e->arg2;
	if (e->arg2 < e->arg) {
		if (!t->boost_since) {
			t->boost_since = e->ts_ns;
			t->boost_base = e->arg;
			t->boost_to = e->arg2;
			t->booster = (struct inv_task_id){ e->pid2, 0, { 0 } };
			memcpy(t->booster.comm, e->comm2, TRACE_COMM_LEN);
		} else if (e->arg2 < t->boost_to) {
			t->boost_to = e->arg2;
		}
		return;
	}
	if (t->boost_since && e->arg2 >= t->boost_base) {
		struct inv_task_id h = t->booster, l = t->id;

		h.prio = t->boost_to;
		l.prio = t->boost_base;
		report(d, &(struct inv_finding){ .type = INV_PI_BOOST, .ts_ns = e->ts_ns,
			.cpu = (int32_t)e->cpu, .h = h, .l = l, .boost_prio = t->boost_to,
			.wait_ns = e->ts_ns - t->boost_since });
		t->boost_since = 0;
	}
}

void inv_detect_record(struct inv_detector *d, const void *data, uint32_t size)
{
	struct trace_rec e;

	if (size < sizeof(e)) {
		d->bad++;
		return;
	}
	memcpy(&e, data, sizeof(e));
	d->records++;
	make_room(d);
	switch (e.kind) {
	case INV_SWITCH:
		on_switch(d, &e);
		break;
	case INV_WAKEUP:
		on_wakeup(d, &e);
		break;
	case INV_FUTEX:
		on_futex(d, &e);
		break;
	case INV_PI:
		on_pi(d, &e);
		break;
	default:
		d->bad++;
	}
}
