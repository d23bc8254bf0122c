/* What the report draws, computed from trace's records in one pass over
 * a known window: per CPU who ran (in columns of the timeline), run-queue
 * latency histograms (all CPUs and each), and per task CPU time, switches
 * and waits. Memory is bounded whatever the recording holds: tasks past
 * the table go to an "other" row, CPUs past the drawn ones into the
 * all-CPU figures only. */
#ifndef SCHEDTAP_REPORT_SCHED_STATS_H
#define SCHEDTAP_REPORT_SCHED_STATS_H

#include <stdint.h>
#include "bpf/trace.h"
#include "tracefs/sched_state.h"

#define SS_COLUMNS 450		/* timeline columns */
#define SS_CPUS 64		/* CPUs drawn one by one */
#define SS_TASKS 4096		/* tasks kept apart; the rest is "other" */
#define SS_WAKE_SLOTS 65536	/* tasks waiting to run, at once */
#define SS_BUCKETS 27		/* log2 of microseconds: up to 2^26 us */
#define SS_MAX_CPU 8192		/* records of CPUs past it are damaged */

/* A timeline column of a CPU: the task with the longest run in it (idle
 * never counts: a task that ran at all is what a picture should show)
 * and how much of the column was not idle. */
struct ss_column {
	int32_t best_pid, cur_pid;
	uint64_t best_ns, cur_ns, busy_ns;
};

struct ss_task {
	int32_t pid;		/* 0: free slot */
	char comm[TRACE_COMM_LEN];
	uint64_t cpu_ns, switches, involuntary;
	uint64_t waits, wait_ns, wait_max_ns, wait_max_at;
};

struct ss_wake {
	int32_t pid;		/* 0: free */
	uint64_t since;
};

struct sched_stats {
	uint64_t t_start, t_end;	/* the window: records outside it are not drawn */
	struct sched_state states;
	uint64_t events, switches, lost_waits;
	uint64_t bad;			/* records of a CPU past SS_MAX_CPU */
	int max_cpu;			/* highest CPU seen, -1: none */
	uint64_t cpu_last[SS_CPUS];	/* each CPU's last switch */
	struct ss_column cols[SS_CPUS][SS_COLUMNS];
	uint64_t hist[SS_BUCKETS];
	uint64_t cpu_hist[SS_CPUS][SS_BUCKETS];
	struct ss_task tasks[SS_TASKS];
	struct ss_task other;
	unsigned ntasks;
	struct ss_wake wake[SS_WAKE_SLOTS];
	unsigned nwake;
};

void ss_init(struct sched_stats *s, uint64_t t_start, uint64_t t_end,
	     const struct sched_state *states);
void ss_add(struct sched_stats *s, const struct trace_rec *r);
/* The pid that ran longest in column c of a CPU (0: idle throughout). */
int32_t ss_column_pid(const struct ss_column *c);
/* How much of a column is not idle, 0 to 1. */
double ss_column_busy(const struct sched_stats *s, const struct ss_column *c);
/* A task's row by pid, or NULL (not seen, or kept in "other"). */
const struct ss_task *ss_task_of(const struct sched_stats *s, int32_t pid);
#endif
