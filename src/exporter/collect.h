/* The exporter's collectors: what each reads from its maps (kept in the
 * kernel between scrapes) and the metric families it writes. */
#ifndef SCHEDTAP_EXPORTER_COLLECT_H
#define SCHEDTAP_EXPORTER_COLLECT_H

#include "core/metrics.h"
#include "exporter/task_top.h"
#include "kernel/loader.h"
#include "lottery/rows.h"

enum {
	COLLECT_CPU = 1 << 0,		/* context switches per CPU */
	COLLECT_RUNQLAT = 1 << 1,	/* run-queue latency histogram */
	COLLECT_TASKS = 1 << 2,		/* the top N tasks and "other" */
	COLLECT_PELT = 1 << 3,		/* load tracking per CPU (BTF) */
	COLLECT_LOTTERY = 1 << 4,	/* the pinned lottery monitor's shares */
	COLLECT_ALL = (1 << 5) - 1,
};

struct collect {
	unsigned on;			/* COLLECT_* loaded */
	int per_cpu;			/* runqlat: a histogram per CPU too */
	const struct tap_obj *obj;
	const int *cpu_ids;		/* the possible CPUs */
	int ncpus;
	const char *proc;		/* /proc */
	struct task_top top;
	struct tt_task *live;		/* one scrape's tasks */
	void *percpu;			/* one per-CPU lookup */
	struct lot_snapshot lot_prev;
	int lot_said;			/* a bad pinned set, said once */
	unsigned long long scrapes;
};

/* 0 or -ENOMEM. */
int collect_init(struct collect *c, int top_n);
void collect_free(struct collect *c);
/* One scrape into m. 0 or negative errno (a map that cannot be read). */
int collect_render(struct collect *c, struct metrics *m);
#endif
