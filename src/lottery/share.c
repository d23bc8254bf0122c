#include <stdlib.h>
#include "lottery/share.h"

double jain_index(const double *x, size_t n)
{
	double sum = 0, sq = 0;

	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		sq += x[i] * x[i];
	}
	return n && sq > 0 ? sum * sum / ((double)n * sq) : 1.0;
}

static size_t find(size_t *parent, size_t i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void join(size_t *parent, size_t a, size_t b)
{
	a = find(parent, a);
	b = find(parent, b);
	if (a != b)
		parent[b] = a;
}

/* Union rows that share a CPU; CPUs past 63 (one flag) count as one. */
static void union_by_cpu(struct lot_row *rows, size_t n, size_t *parent)
{
	size_t owner[65];
	int seen[65] = { 0 };

	for (size_t i = 0; i < n; i++) {
		parent[i] = i;
		if (!rows[i].competing)
			continue;
		for (int b = 0; b < 65; b++) {
			int on = b < 64 ? (int)((rows[i].cpus >> b) & 1)
					: !!(rows[i].t.flags & LOTTERY_CPU_BEYOND_64);

			if (!on)
				continue;
			if (seen[b])
				join(parent, owner[b], i);
			else
				seen[b] = 1, owner[b] = i;
		}
	}
}

/* Number the groups 0.. and fill expected/actual from each group's sums. */
static int share_by_group(struct lot_row *rows, size_t n, size_t *parent)
{
	double *tickets = calloc(n, sizeof(double)), *runtime = calloc(n, sizeof(double));
	int *number = malloc(n * sizeof(int)), groups = 0;

	if (!tickets || !runtime || !number)
		goto out;
	for (size_t i = 0; i < n; i++)
		number[i] = -1;
	for (size_t i = 0; i < n; i++) {
		size_t r = find(parent, i);

		if (!rows[i].competing)
			continue;
		if (number[r] < 0)
			number[r] = groups++;
		rows[i].group = number[r];
		tickets[r] += rows[i].t.tickets;
		runtime[r] += (double)rows[i].delta_ns;
	}
	for (size_t i = 0; i < n; i++) {
		size_t r = find(parent, i);

		if (!rows[i].competing)
			continue;
		rows[i].expected = rows[i].t.tickets / tickets[r];
		rows[i].actual = runtime[r] > 0 ? (double)rows[i].delta_ns / runtime[r] : 0;
	}
out:
	free(tickets), free(runtime), free(number);
	return groups;
}

void lot_share_compute(struct lot_row *rows, size_t n, uint64_t interval_ns,
		       double min_frac, struct lot_share_summary *s)
{
	size_t *parent = n ? malloc(n * sizeof(*parent)) : NULL;
	double *x = n ? malloc(n * sizeof(*x)) : NULL;
	size_t k = 0;

	*s = (struct lot_share_summary){ .jain = 1.0 };
	for (size_t i = 0; i < n; i++) {
		struct lot_row *r = &rows[i];

		r->competing = r->t.tickets > 0 && r->delta_ns > 0 &&
			       (double)r->delta_ns >= min_frac * (double)interval_ns;
		r->group = -1;
		r->expected = r->actual = 0;
	}
	if (!parent || !x)
		goto out;
	union_by_cpu(rows, n, parent);
	s->groups = share_by_group(rows, n, parent);
	for (size_t i = 0; i < n; i++) {
		double pp;

		if (!rows[i].competing)
			continue;
		pp = (rows[i].actual - rows[i].expected) * 100;
		if (pp < 0)
			pp = -pp;
		if (k == 0 || pp > s->worst_pp)
			s->worst_pp = pp, s->worst_pid = rows[i].pid;
		x[k++] = rows[i].expected > 0 ? rows[i].actual / rows[i].expected : 0;
	}
	s->tasks = (int)k;
	s->jain = jain_index(x, k);
out:
	free(parent);
	free(x);
}
