#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/cli.h"
#include "lottery/rows.h"
#include "kernel/maps.h"
#include "core/sig.h"

int lot_filter_opt(struct lot_filter *f, const struct cli_common *c, int opt, const char *arg,
		   double *min_share)
{
	double pct;
	int n;

	switch (opt) {
	case 'p':
		n = cli_pid_list(c, arg, f->pids + f->npids, LOT_MAX_PIDS - f->npids);
		if (n < 0)
			return -1;
		f->npids += n;
		return 1;
	case 'c':
		return cli_comm(c, arg, &f->comm) ? -1 : 1;
	case LOT_OPT_MIN_SHARE:
		if (cli_decimal(c, arg, 0, 100, "percent", &pct))
			return -1;
		*min_share = pct / 100;
		return 1;
	}
	return 0;
}

int lot_filter_match(const struct lot_filter *f, const struct lot_row *r)
{
	int hit = !f->npids;

	for (int i = 0; i < f->npids && !hit; i++)
		hit = f->pids[i] == r->pid;
	if (hit && f->comm)
		hit = !strncmp(f->comm, r->t.comm, sizeof(r->t.comm)) &&
		      strlen(f->comm) <= sizeof(r->t.comm);
	return hit;
}

struct read_ctx {
	struct lot_snapshot *s;
	const struct lot_filter *f;
	size_t cap, max;
};

static int add_entry(void *ctx, const void *key, const void *value)
{
	struct read_ctx *c = ctx;
	struct lot_row r;

	memset(&r, 0, sizeof(r));
	memcpy(&r.pid, key, sizeof(r.pid));
	memcpy(&r.t, value, sizeof(r.t));
	if (!lot_filter_match(c->f, &r))
		return 0;
	if (c->s->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct lot_row *m;

		if (c->cap >= c->max)
			return -E2BIG;	/* more than max_entries: not our map */
		m = realloc(c->s->rows, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		c->s->rows = m, c->cap = cap;
	}
	c->s->rows[c->s->n++] = r;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	uint32_t x = ((const struct lot_row *)a)->pid, y = ((const struct lot_row *)b)->pid;

	return x < y ? -1 : x > y;
}

int lot_snapshot_read(int tasks_fd, uint32_t max_tasks, const struct lot_filter *f,
		      struct lot_snapshot *s)
{
	struct read_ctx c = { s, f, 0, max_tasks };
	int n;

	memset(s, 0, sizeof(*s));
	s->wall_s = cli_wall_seconds();
	s->mono_ns = sig_now_ns();
	n = map_for_each(tasks_fd, 4, sizeof(struct lottery_task), max_tasks, add_entry, &c, NULL);
	if (n < 0) {
		lot_snapshot_free(s);
		return n;
	}
	qsort(s->rows, s->n, sizeof(*s->rows), by_pid);
	return 0;
}

static const struct lot_row *find(const struct lot_snapshot *s, uint32_t pid)
{
	struct lot_row key = { .pid = pid };

	return s && s->n ? bsearch(&key, s->rows, s->n, sizeof(key), by_pid) : NULL;
}

void lot_snapshot_deltas(struct lot_snapshot *now, const struct lot_snapshot *prev,
			 uint32_t gen)
{
	for (size_t i = 0; i < now->n; i++) {
		struct lot_row *r = &now->rows[i];
		const struct lot_row *old = find(prev, r->pid);
		/* Counters that went down belong to a new task with that PID. */
		int same = old && old->t.runtime_ns <= r->t.runtime_ns &&
			   old->t.switches <= r->t.switches;

		r->delta_ns = r->t.runtime_ns - (same ? old->t.runtime_ns : 0);
		r->delta_switches = r->t.switches - (same ? old->t.switches : 0);
		r->cpus = r->t.gen == gen ? r->t.cpus : 0;
	}
}

void lot_snapshot_free(struct lot_snapshot *s)
{
	free(s->rows);
	memset(s, 0, sizeof(*s));
}
