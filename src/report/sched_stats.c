#include <string.h>
#include "report/sched_stats.h"

void ss_init(struct sched_stats *s, uint64_t t_start, uint64_t t_end,
	     const struct sched_state *states)
{
	memset(s, 0, sizeof(*s));
	s->t_start = t_start;
	s->t_end = t_end > t_start ? t_end : t_start + 1;
	s->states = *states;
	s->max_cpu = -1;
	memcpy(s->other.comm, "(other)", 8);
}

static uint32_t hash_pid(int32_t pid)
{
	return (uint32_t)pid * 2654435761u;
}

/* A task's row, made on first sight; "other" once the table is full. */
static struct ss_task *task(struct sched_stats *s, int32_t pid, const char *comm)
{
	uint32_t i = hash_pid(pid) % SS_TASKS;

	for (unsigned n = 0; n < SS_TASKS; n++, i = (i + 1) % SS_TASKS) {
		struct ss_task *t = &s->tasks[i];

		if (t->pid == pid) {
			memcpy(t->comm, comm, TRACE_COMM_LEN);
			return t;
		}
		if (!t->pid) {
			/* Three quarters full: probes stay short. */
			if (s->ntasks >= SS_TASKS * 3 / 4)
				break;
			t->pid = pid;
			memcpy(t->comm, comm, TRACE_COMM_LEN);
			s->ntasks++;
			return t;
		}
	}
	return &s->other;
}

const struct ss_task *ss_task_of(const struct sched_stats *s, int32_t pid)
{
	uint32_t i = hash_pid(pid) % SS_TASKS;

	for (unsigned n = 0; n < SS_TASKS && s->tasks[i].pid; n++, i = (i + 1) % SS_TASKS)
		if (s->tasks[i].pid == pid)
			return &s->tasks[i];
	return NULL;
}

/* The waiting tasks: open addressing; a full table starts over (its
 * waits are counted as lost), which a recording meets only with tens of
 * thousands of tasks runnable at once. */
static struct ss_wake *wake_slot(struct sched_stats *s, int32_t pid, int make)
{
	uint32_t i = hash_pid(pid) % SS_WAKE_SLOTS;

	for (unsigned n = 0; n < SS_WAKE_SLOTS; n++, i = (i + 1) % SS_WAKE_SLOTS) {
		if (s->wake[i].pid == pid)
			return &s->wake[i];
		if (!s->wake[i].pid) {
			if (!make)
				return NULL;
			if (s->nwake >= SS_WAKE_SLOTS / 2) {
				s->lost_waits += s->nwake;
				memset(s->wake, 0, sizeof(s->wake));
				s->nwake = 0;
				i = hash_pid(pid) % SS_WAKE_SLOTS;
			}
			s->wake[i].pid = pid;
			s->wake[i].since = 0;
			s->nwake++;
			return &s->wake[i];
		}
	}
	return NULL;
}

/* Removing from linear probing: the entries after it move up. */
static void wake_remove(struct sched_stats *s, struct ss_wake *w)
{
	uint32_t i = (uint32_t)(w - s->wake), j = i;

	s->wake[i].pid = 0;
	s->nwake--;
	for (;;) {
		j = (j + 1) % SS_WAKE_SLOTS;
		if (!s->wake[j].pid)
			return;
		uint32_t home = hash_pid(s->wake[j].pid) % SS_WAKE_SLOTS;

		/* j's entry may fill i when its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			s->wake[i] = s->wake[j];
			s->wake[j].pid = 0;
			i = j;
		}
	}
}

static unsigned bucket_of(uint64_t ns)
{
	uint64_t us = ns / 1000;
	unsigned b = 0;

	while (us > 1 && b < SS_BUCKETS - 1) {
		us >>= 1;
		b++;
	}
	return b;
}

/* Who ran [from, to) on a CPU's row: each column keeps the task with the
 * longest run in it so far (runs of one task are summed while they
 * follow each other, which is what a picture at this scale can show). */
static void timeline_add(struct sched_stats *s, int cpu, int32_t pid, uint64_t from, uint64_t to)
{
	uint64_t span = s->t_end - s->t_start;

	if (cpu >= SS_CPUS || to <= s->t_start || from >= s->t_end)
		return;
	from = from < s->t_start ? s->t_start : from;
	to = to > s->t_end ? s->t_end : to;
	/* In doubles: a recording's times are anything, and span * columns
	 * may not fit 64 bits. Each step ends a column: at most all of them. */
	for (uint64_t t = from, steps = 0; t < to && steps <= SS_COLUMNS; steps++) {
		double pos = (double)(t - s->t_start) * SS_COLUMNS / (double)span;
		unsigned c = pos < SS_COLUMNS ? (unsigned)pos : SS_COLUMNS;
		double offset;
		uint64_t end;
		struct ss_column *col;

		if (c >= SS_COLUMNS)
			break;
		offset = (double)(c + 1) * (double)span / SS_COLUMNS;
		end = offset < (double)(to - s->t_start) ? s->t_start + (uint64_t)offset : to;
		col = &s->cols[cpu][c];
		if (!pid) {
			t = end > t ? end : t + 1;
			continue;
		}
		col->busy_ns += end - t;
		if (col->cur_pid == pid && col->cur_ns) {
			col->cur_ns += end - t;
		} else {
			if (col->cur_ns > col->best_ns) {
				col->best_pid = col->cur_pid;
				col->best_ns = col->cur_ns;
			}
			col->cur_pid = pid;
			col->cur_ns = end - t;
		}
		t = end > t ? end : t + 1;
	}
}

int32_t ss_column_pid(const struct ss_column *c)
{
	return c->cur_ns > c->best_ns ? c->cur_pid : c->best_pid;
}

double ss_column_busy(const struct sched_stats *s, const struct ss_column *c)
{
	double width = (double)(s->t_end - s->t_start) / SS_COLUMNS;

	return c->busy_ns >= width ? 1 : (double)c->busy_ns / width;
}

static void on_switch(struct sched_stats *s, const struct trace_rec *r)
{
	struct ss_task *prev = r->pid ? task(s, r->pid, r->comm) : NULL, *next;
	struct ss_wake *w;
	int cpu = (int)r->cpu;

	s->switches++;
	if (r->pid) {
		prev->cpu_ns += r->runtime_ns;
		prev->switches++;
	}
	if (cpu < SS_CPUS) {
		uint64_t from = s->cpu_last[cpu] ? s->cpu_last[cpu] :
				r->runtime_ns && r->runtime_ns < r->ts_ns ? r->ts_ns - r->runtime_ns : r->ts_ns;

		timeline_add(s, cpu, r->pid, from, r->ts_ns);
		s->cpu_last[cpu] = r->ts_ns;
	}
	/* Preempted: it waits from now. */
	if (prev && sched_state_runnable(&s->states, r->state)) {
		if (prev != &s->other)
			prev->involuntary++;
		if ((w = wake_slot(s, r->pid, 1)))
			w->since = r->ts_ns;
	}
	if (!r->pid2 || !(w = wake_slot(s, r->pid2, 0)))
		return;
	uint64_t wait = r->ts_ns > w->since ? r->ts_ns - w->since : 0;
	unsigned b = bucket_of(wait);

	wake_remove(s, w);
	s->hist[b]++;
	if (cpu < SS_CPUS)
		s->cpu_hist[cpu][b]++;
	next = task(s, r->pid2, r->comm2);
	next->waits++;
	next->wait_ns += wait;
	if (wait > next->wait_max_ns) {
		next->wait_max_ns = wait;
		next->wait_max_at = r->ts_ns;
	}
}

void ss_add(struct sched_stats *s, const struct trace_rec *r)
{
	struct ss_wake *w;

	/* No kernel numbers CPUs this far: a damaged recording. */
	if (r->cpu >= SS_MAX_CPU) {
		s->bad++;
		return;
	}
	s->events++;
	if ((int)r->cpu > s->max_cpu)
		s->max_cpu = (int)r->cpu;
	switch (r->kind) {
	case TRACE_SWITCH:
		on_switch(s, r);
		break;
	case TRACE_WAKEUP:
	case TRACE_WAKEUP_NEW:
		/* A wakeup of a task already waiting keeps the first time. */
		if (r->pid && (w = wake_slot(s, r->pid, 1)) && !w->since)
			w->since = r->ts_ns;
		break;
	case TRACE_EXIT:
		if ((w = wake_slot(s, r->pid, 0)))
			wake_remove(s, w);
		break;
	}
}
