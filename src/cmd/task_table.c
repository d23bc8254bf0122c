#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/proc_task.h"
#include "cmd/task_table.h"
#include "core/array.h"

void task_table_init(struct task_table *t)
{
	memset(t, 0, sizeof(*t));
	t->proc = "/proc";
}

void task_table_free(struct task_table *t)
{
	free(t->prev);
	free(t->cur);
	memset(t, 0, sizeof(*t));
}

void task_table_begin(struct task_table *t)
{
	t->ncur = 0;
}

static struct task_snap *append(struct task_table *t)
{
	struct task_snap *s;

	if (array_grow(&t->cur, &t->capcur, t->ncur, sizeof(*t->cur), 256))
		return NULL;
	s = &t->cur[t->ncur++];
	memset(s, 0, sizeof(*s));
	return s;
}

int task_table_update(struct task_table *t, uint32_t tid, const struct top_task *v)
{
	struct task_snap *s = append(t);

	if (!s)
		return -ENOMEM;
	s->tid = tid;
	s->tgid = v->tgid;
	s->prio = v->prio;
	s->last_cpu = v->last_cpu;
	s->flags = v->flags;
	memcpy(s->comm, v->comm, TOP_COMM_LEN);
	s->tot.runtime_ns = v->runtime_ns;
	s->tot.switches = v->switches;
	s->tot.voluntary = v->voluntary;
	s->tot.involuntary = v->involuntary;
	s->tot.migrations = v->migrations;
	s->tot.cpus = v->cpus;
	return 0;
}

static int by_tid(const void *a, const void *b)
{
	const struct task_snap *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

int task_table_add_runtime(struct task_table *t, uint32_t tid, uint64_t ns)
{
	struct task_snap key = { .tid = tid }, *s;

	if (!tid || !ns)
		return 0;
	s = t->ncur ? bsearch(&key, t->cur, t->ncur, sizeof(key), by_tid) : NULL;
	if (!s) {
		/* Running since before its first switch-out: no entry yet. */
		s = append(t);
		if (!s)
			return -ENOMEM;
		s->tid = tid;
		qsort(t->cur, t->ncur, sizeof(*t->cur), by_tid);
		s = bsearch(&key, t->cur, t->ncur, sizeof(key), by_tid);
	}
	s->tot.runtime_ns += ns;
	return 0;
}

void task_table_sort(struct task_table *t)
{
	qsort(t->cur, t->ncur, sizeof(*t->cur), by_tid);
}

static const struct task_snap *find_prev(const struct task_table *t, uint32_t tid)
{
	struct task_snap key = { .tid = tid };

	return t->nprev ? bsearch(&key, t->prev, t->nprev, sizeof(key), by_tid) : NULL;
}

/* Names and thread groups the kernel side has not learnt yet (tasks seen
 * only going in) come from the previous snapshot, else from /proc. */
static void fill_identity(const struct task_table *t, struct task_snap *s,
			  const struct task_snap *old)
{
	char buf[64];

	if (!s->tgid && old)
		s->tgid = old->tgid;
	if (!s->tgid)
		proc_task_tgid(t->proc, s->tid, &s->tgid);
	if (!s->comm[0] && old)
		memcpy(s->comm, old->comm, TOP_COMM_LEN);
	if (!s->comm[0] && !proc_task_comm(t->proc, s->tid, buf, sizeof(buf)))
		memcpy(s->comm, buf, strnlen(buf, TOP_COMM_LEN));
}

/* d = now - then; returns whether then was the same task's. */
static int delta(struct task_counts *d, const struct task_counts *now,
		 const struct task_counts *then)
{
	*d = *now;
	/* Counters only grow; fewer switches mean a new task reused the TID:
	 * count it from zero. */
	if (then && now->switches < then->switches)
		then = NULL;
	if (then) {
		d->runtime_ns = now->runtime_ns > then->runtime_ns ?
				now->runtime_ns - then->runtime_ns : 0;
		d->switches -= then->switches;
		d->voluntary -= then->voluntary;
		d->involuntary -= then->involuntary;
		d->migrations -= then->migrations;
	}
	d->active = d->runtime_ns || d->switches;
	return then != NULL;
}

/* At most window_ns of the time owed (this interval's and what earlier
 * ones carried) is shown; the rest waits for the next interval. */
static void cap_runtime(struct task_counts *d, struct task_snap *s, uint64_t carried,
			uint64_t window_ns)
{
	uint64_t owed = d->runtime_ns + carried;

	d->runtime_ns = window_ns && owed > window_ns ? window_ns : owed;
	s->carry_ns = owed - d->runtime_ns;
}

static void add_counts(struct task_counts *a, const struct task_counts *b)
{
	a->runtime_ns += b->runtime_ns;
	a->switches += b->switches;
	a->voluntary += b->voluntary;
	a->involuntary += b->involuntary;
	a->migrations += b->migrations;
	a->cpus |= b->cpus;
	a->active |= b->active;
}

static int by_id(const void *a, const void *b)
{
	const struct task_row *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Fold thread rows into one row per process (rows sorted by id first). */
static int fold_processes(struct task_row *rows, int n)
{
	int out = 0;

	for (int i = 0; i < n; i++)
		rows[i].id = rows[i].tgid ? rows[i].tgid : rows[i].id;
	qsort(rows, (size_t)n, sizeof(*rows), by_id);
	for (int i = 0; i < n; i++) {
		struct task_row *r = &rows[i];

		if (out && rows[out - 1].id == r->id) {
			struct task_row *p = &rows[out - 1];

			add_counts(&p->t, &r->t);
			add_counts(&p->d, &r->d);
			p->beyond_64 |= r->beyond_64;
			/* The main thread (tid == tgid) names the process. */
			if (r->tid == r->tgid && r->comm[0]) {
				memcpy(p->comm, r->comm, TOP_COMM_LEN);
				p->tid = r->tid;
				p->prio = r->prio;
			}
			continue;
		}
		rows[out++] = *r;
	}
	return out;
}

int task_table_rows(struct task_table *t, int per_process, uint64_t window_ns,
		    struct task_row **out)
{
	struct task_row *rows = calloc(t->ncur ? t->ncur : 1, sizeof(*rows));
	int n = 0;

	if (!rows)
		return -ENOMEM;
	qsort(t->cur, t->ncur, sizeof(*t->cur), by_tid);
	for (size_t i = 0; i < t->ncur; i++) {
		struct task_snap *s = &t->cur[i];
		const struct task_snap *old = find_prev(t, s->tid);
		struct task_row *r = &rows[n++];
		int same;

		fill_identity(t, s, old);
		r->id = r->tid = s->tid;
		r->tgid = s->tgid;
		r->prio = s->prio;
		r->last_cpu = s->last_cpu;
		r->beyond_64 = !!(s->flags & TOP_CPU_BEYOND_64);
		memcpy(r->comm, s->comm, TOP_COMM_LEN);
		r->t = s->tot;
		same = delta(&r->d, &s->tot, old ? &old->tot : NULL);
		cap_runtime(&r->d, s, same ? old->carry_ns : 0, window_ns);
	}
	if (per_process)
		n = fold_processes(rows, n);
	/* This snapshot is the next interval's base; the old base's buffer
	 * takes the next snapshot. */
	{
		struct task_snap *buf = t->prev;
		size_t cap = t->capprev;

		t->prev = t->cur;
		t->nprev = t->ncur;
		t->capprev = t->capcur;
		t->cur = buf;
		t->capcur = cap;
		t->ncur = 0;
	}
	*out = rows;
	return n;
}

void task_cpu_list(uint64_t mask, int beyond_64, char *buf, size_t len)
{
	size_t at = 0;

	if (!len)
		return;
	buf[0] = 0;
	for (int c = 0; c < 64 && at < len; c++) {
		int end = c;

		if (!(mask & (1ull << c)))
			continue;
		while (end < 63 && (mask & (1ull << (end + 1))))
			end++;
		if (end == c)
			at += (size_t)snprintf(buf + at, len - at, "%s%d", at ? "," : "", c);
		else
			at += (size_t)snprintf(buf + at, len - at, "%s%d-%d", at ? "," : "", c, end);
		c = end;
	}
	if (beyond_64 && at < len)
		at += (size_t)snprintf(buf + at, len - at, "%s+", at ? "," : "");
	if (!at)
		snprintf(buf, len, "-");
}
