/* The exporter's per-task series with a bounded count: the N tasks that
 * have used the most CPU, and "other" for every task but them, each
 * counter only growing. A task keeps its series until it is freed, or
 * until another has used twice its CPU time (no flapping between two
 * alike); a task that takes a series brings its count so far, which
 * "other" had held (a new series, as Prometheus reads one: rate() starts
 * at its second sample), and "other" grows by what the untracked tasks,
 * gone ones included, did since the last scrape. */
#ifndef SCHEDTAP_EXPORTER_TASK_TOP_H
#define SCHEDTAP_EXPORTER_TASK_TOP_H

#include <stddef.h>
#include <stdint.h>

#define TASK_TOP_MAX 100
#define TASK_TOP_COMM 16

enum { TT_RUNTIME_NS, TT_VOLUNTARY, TT_INVOLUNTARY, TT_MIGRATIONS, TT_NCOUNTERS };

struct tt_task {
	uint32_t tid, tgid;
	char comm[TASK_TOP_COMM];
	uint64_t v[TT_NCOUNTERS];
};

struct task_top {
	int want;			/* series, 1..TASK_TOP_MAX */
	int n;
	struct tt_task tracked[TASK_TOP_MAX];
	uint64_t other[TT_NCOUNTERS];
	uint64_t prev_total[TT_NCOUNTERS];
	int scraped;
};

void task_top_init(struct task_top *t, int want);
/* One scrape: every live task (live[0..n), reordered here) and the totals
 * of all tasks ever (live and gone). */
void task_top_update(struct task_top *t, struct tt_task *live, size_t n,
		     const uint64_t *total);
#endif
