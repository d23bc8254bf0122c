#include <stdlib.h>
#include <string.h>
#include "exporter/task_top.h"

void task_top_init(struct task_top *t, int want)
{
	memset(t, 0, sizeof(*t));
	t->want = want < 1 ? 1 : want > TASK_TOP_MAX ? TASK_TOP_MAX : want;
}

static int by_tid(const void *a, const void *b)
{
	const struct tt_task *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

static int by_runtime_desc(const void *a, const void *b)
{
	const struct tt_task *x = a, *y = b;
	uint64_t rx = x->v[TT_RUNTIME_NS], ry = y->v[TT_RUNTIME_NS];

	if (rx != ry)
		return rx < ry ? 1 : -1;
	return by_tid(a, b);
}

/* The same task at the two scrapes: its counters did not go back (a
 * reused tid starts from zero). */
static int same_task(const struct tt_task *old, const struct tt_task *now)
{
	for (int c = 0; c < TT_NCOUNTERS; c++)
		if (now->v[c] < old->v[c])
			return 0;
	return 1;
}

/* Keep the tracked tasks that still live, adding what they did since the
 * last scrape to delta; mark them in live (tid 0) so that they are not
 * candidates. */
static void keep_live(struct task_top *t, struct tt_task *live, size_t n, uint64_t *delta)
{
	int kept = 0;

	qsort(live, n, sizeof(*live), by_tid);
	for (int i = 0; i < t->n; i++) {
		struct tt_task key = { .tid = t->tracked[i].tid }, *now;

		now = bsearch(&key, live, n, sizeof(*live), by_tid);
		if (!now || !same_task(&t->tracked[i], now))
			continue;
		for (int c = 0; c < TT_NCOUNTERS; c++)
			delta[c] += now->v[c] - t->tracked[i].v[c];
		t->tracked[kept++] = *now;
		now->tid = 0;
	}
	t->n = kept;
}

static int smallest(const struct task_top *t)
{
	int min = 0;

	for (int i = 1; i < t->n; i++)
		if (t->tracked[i].v[TT_RUNTIME_NS] < t->tracked[min].v[TT_RUNTIME_NS])
			min = i;
	return min;
}

/* Free series go to the biggest untracked tasks; a tracked task yields
 * its series to one with over twice its CPU time. */
static void choose(struct task_top *t, struct tt_task *live, size_t n)
{
	size_t next = 0;

	qsort(live, n, sizeof(*live), by_runtime_desc);
	for (; next < n; next++) {
		const struct tt_task *c = &live[next];
		int slot;

		if (!c->tid)
			continue;
		if (t->n < t->want) {
			slot = t->n++;
		} else {
			slot = smallest(t);
			if (c->v[TT_RUNTIME_NS] / 2 <= t->tracked[slot].v[TT_RUNTIME_NS])
				break;
		}
		t->tracked[slot] = *c;
	}
}

void task_top_update(struct task_top *t, struct tt_task *live, size_t n,
		     const uint64_t *total)
{
	uint64_t delta[TT_NCOUNTERS] = { 0 };

	keep_live(t, live, n, delta);
	choose(t, live, n);
	for (int c = 0; c < TT_NCOUNTERS; c++) {
		uint64_t tracked = 0, grew;

		if (!t->scraped) {
			for (int i = 0; i < t->n; i++)
				tracked += t->tracked[i].v[c];
			t->other[c] = total[c] > tracked ? total[c] - tracked : 0;
		} else {
			/* Reads of the totals and of the tasks are not one
			 * instant: a shortfall is never a decrease. */
			grew = total[c] > t->prev_total[c] ? total[c] - t->prev_total[c] : 0;
			t->other[c] += grew > delta[c] ? grew - delta[c] : 0;
		}
		t->prev_total[c] = total[c];
	}
	t->scraped = 1;
}
