/* schedtap pelt: the load-tracking signals of the bare PELT tracepoints,
 * kept in maps: per CPU (its root CFS run queue, RT/DL/IRQ utilization,
 * capacity, nr_running) and per task. */
#ifndef SCHEDTAP_BPF_PELT_H
#define SCHEDTAP_BPF_PELT_H

#include <stddef.h>
#include <stdint.h>

#define PELT_MAX_CPUS 1024
#define PELT_MAX_TASKS 8192
#define PELT_MAX_RQS 4096	/* cfs_rq pointers known: root (a CPU) or not */

/* Which of a CPU's values some tracepoint has set. */
enum {
	PELT_SEEN_CFS = 1 << 0,
	PELT_SEEN_RT = 1 << 1,
	PELT_SEEN_DL = 1 << 2,
	PELT_SEEN_IRQ = 1 << 3,
	PELT_SEEN_CAP = 1 << 4,
	PELT_SEEN_NR = 1 << 5,
};

struct pelt_cpu {
	uint64_t util_avg, load_avg, runnable_avg;	/* the root cfs_rq */
	uint64_t rt_util, dl_util, irq_util;
	uint64_t capacity;
	uint32_t util_est, nr_running;
	uint32_t seen, pad;
};
#define PELT_CPU_OFF(f) ((int16_t)offsetof(struct pelt_cpu, f))

/* A task's own entity, at its last update. */
struct pelt_task {
	uint64_t util_avg, load_avg, runnable_avg;
	uint32_t util_est, cpu;		/* the CPU the update ran on */
	uint64_t updates;
};
#define PELT_TASK_OFF(f) ((int16_t)offsetof(struct pelt_task, f))

/* The root domain's overutilized flag, in slot 0 of pelt_rd. */
struct pelt_rd {
	uint32_t overutilized, seen;
};

struct pelt_params {
	long pid;		/* -1: every task; else a TID */
};
#endif
