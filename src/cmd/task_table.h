/* schedtap top's user-space side: snapshots of the kernel's per-task
 * counters, turned into per-interval rows (deltas against the previous
 * snapshot), optionally per process. Tasks that vanished are dropped. */
#ifndef SCHEDTAP_TASK_TABLE_H
#define SCHEDTAP_TASK_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/top.h"

struct task_counts {
	uint64_t runtime_ns, switches, voluntary, involuntary, migrations;
	uint64_t cpus;			/* cumulative CPU mask */
	int active;			/* ran or switched in the interval */
};

struct task_row {
	uint32_t id;			/* TID, or TGID per process */
	uint32_t tid;			/* a thread of the row (the main one if folded) */
	uint32_t tgid;
	int32_t prio;
	uint32_t last_cpu;
	int beyond_64;
	char comm[TOP_COMM_LEN];
	struct task_counts t;		/* since start */
	struct task_counts d;		/* this interval */
};

struct task_snap {
	uint32_t tid, tgid;
	int32_t prio;
	uint32_t last_cpu, flags;
	char comm[TOP_COMM_LEN];
	struct task_counts tot;
	uint64_t carry_ns;		/* CPU time counted, not yet shown */
};

struct task_table {
	struct task_snap *prev, *cur;
	size_t nprev, ncur, capcur, capprev;
	/* Where to read names and thread groups the kernel did not give us
	 * (tests point it elsewhere); "/proc" by default. */
	const char *proc;
};

void task_table_init(struct task_table *t);
void task_table_free(struct task_table *t);
/* Start a snapshot; add every map entry; sort; then add the CPU time the
 * kernel holds per CPU and not yet in the map (a running task's), or a
 * busy loop never switched out shows nothing. */
void task_table_begin(struct task_table *t);
int task_table_update(struct task_table *t, uint32_t tid, const struct top_task *v);
void task_table_sort(struct task_table *t);
int task_table_add_runtime(struct task_table *t, uint32_t tid, uint64_t ns);
/* Rows for this snapshot (malloc'd array in *out, count returned); the
 * snapshot becomes the base of the next interval's deltas. No thread is
 * shown more CPU time than window_ns (the interval; 0: no cap): the kernel
 * accounts a running task's time in steps (each tick, each switch), so
 * time run just before one sample can be counted just after it. What is
 * over the window is carried into the thread's next interval, so the
 * totals (t) stay exact. */
int task_table_rows(struct task_table *t, int per_process, uint64_t window_ns,
		    struct task_row **out);
/* "0-3,6" from a CPU mask; "+" appended when CPUs past 63 were used. */
void task_cpu_list(uint64_t mask, int beyond_64, char *buf, size_t len);
#endif
