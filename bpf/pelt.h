/* schedtap pelt: the load-tracking signals of the bare PELT tracepoints,
 * kept in maps: per CPU (its root CFS run queue, RT/DL/IRQ utilization,
 * capacity, nr_running) and per task. */
#ifndef SCHEDTAP_BPF_PELT_H
#define SCHEDTAP_BPF_PELT_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/program.h"

#define PELT_MAX_CPUS 1024
#define PELT_MAX_TASKS 8192
#define PELT_MAX_RQS 4096	/* cfs_rq pointers known: root (a CPU) or not */
#define PELT_MAX_GROUPS 4096	/* -g: (task group, CPU) run queues */

/* Which of a CPU's values some tracepoint has set. */
enum {
	PELT_SEEN_CFS = 1 << 0,
	PELT_SEEN_RT = 1 << 1,
	PELT_SEEN_DL = 1 << 2,
	PELT_SEEN_IRQ = 1 << 3,
	PELT_SEEN_CAP = 1 << 4,
	PELT_SEEN_NR = 1 << 5,
	PELT_SEEN_EST = 1 << 6,	/* util_est: not in sched_tp's sched_pelt_cfs */
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

/* -g: a task group's run queue on one CPU (the value is a struct
 * pelt_task: the same four averages, the CPU, the updates). */
struct pelt_group_key {
	uint64_t cgroup;	/* the group's cgroup id (its kernfs node id) */
	uint32_t cpu, pad;
};

/* The root domain's overutilized flag, in slot 0 of pelt_rd. */
struct pelt_rd {
	uint32_t overutilized, seen;
};

/* pelt --events: one record per tracepoint hit, in sched_tp's event
 * vocabulary (the kinds below, named as its events are). */
enum pelt_event {
	PELT_EV_CFS = 1,	/* sched_pelt_cfs */
	PELT_EV_RT,		/* sched_pelt_rt */
	PELT_EV_DL,		/* sched_pelt_dl */
	PELT_EV_IRQ,		/* sched_pelt_irq */
	PELT_EV_SE,		/* sched_pelt_se */
	PELT_EV_OVERUTILIZED,	/* sched_overutilized */
	PELT_EV_NR_RUNNING,	/* sched_update_nr_running */
	PELT_EV_UTIL_EST_CFS,	/* sched_util_est_cfs */
	PELT_EV_UTIL_EST_SE,	/* sched_util_est_se */
	PELT_EV_CAPACITY,	/* sched_cpu_capacity */
	PELT_EV_MAX = PELT_EV_CAPACITY,
};

struct pelt_rec {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC */
	uint64_t load, runnable, util;	/* the sched_avg's *_avg */
	uint64_t update_time;	/* its last_update_time */
	uint64_t capacity;
	uint64_t cgroup;	/* -g: a group's run queue; 0 for a CPU's root */
	uint32_t kind, cpu;
	int32_t pid, change;	/* an entity's task; nr_running's change */
	uint32_t enqueued, ewma;	/* util_est (one value since 6.8) */
	uint32_t nr_running, overutilized;
	char comm[16];
};
#define PELT_REC_OFF(f) ((int16_t)offsetof(struct pelt_rec, f))

struct pelt_params {
	long pid;		/* -1: every task; else a TID */
	long cpu;		/* --events -C: -1 every CPU */
	int perfbuf;		/* --events to perf buffers */
	int groups;		/* -g: task groups' run queues too */
	int events;		/* the module's programs: stream, not aggregate */
};

/* The programs' stack (bpf/pelt*.c): */
#define PELT_KEY_OFF (-4)	/* u32: a CPU, a TID */
#define PELT_PTR_KEY (-16)	/* u64: a cfs_rq pointer */
#define PELT_TMP8 (-24)		/* one scalar read */
#define PELT_CTX (-32)		/* the raw tracepoint's ctx, for perf_event_output */
#define PELT_RQ_VAL (-48)	/* struct pelt_rq: what pelt_rqs holds */
#define PELT_GROUP_KEY (-64)	/* struct pelt_group_key */
#define PELT_AVG_OFF (-192)	/* a struct sched_avg, to -64 at most */
#define PELT_AVG_MAX 128u
#define PELT_REC_STACK (PELT_AVG_OFF - (int)sizeof(struct pelt_rec))

/* pelt_rqs' value, per cfs_rq pointer: its CPU, with PELT_RQ_GROUP for a
 * task group's (not a CPU's root run queue), and with -g the group's
 * cgroup id. */
struct pelt_rq {
	uint32_t cpu, pad;
	uint64_t cgroup;
};
#define PELT_RQ_GROUP 0x80000000u
#define PELT_CPU_MAP { "pelt_cpu", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct pelt_cpu), PELT_MAX_CPUS, 0 }
#define PELT_TASKS_MAP { "pelt_tasks", BPF_MAP_TYPE_LRU_HASH, 4, sizeof(struct pelt_task), \
			 PELT_MAX_TASKS, 0 }
#define PELT_RD_MAP { "pelt_rd", BPF_MAP_TYPE_ARRAY, 4, sizeof(struct pelt_rd), 1, 0 }
#define PELT_GROUPS_MAP { "pelt_groups", BPF_MAP_TYPE_LRU_HASH, sizeof(struct pelt_group_key), \
			  sizeof(struct pelt_task), PELT_MAX_GROUPS, 0 }
#define PELT_RQS_MAP { "pelt_rqs", BPF_MAP_TYPE_LRU_HASH, 8, sizeof(struct pelt_rq), \
		       PELT_MAX_RQS, 0 }

/* --events: a struct pelt_rec at PELT_REC_STACK, zeroed, with its time
 * and kind. Clobbers r0-r5. */
void pelt_rec_begin(struct asm_prog *p, uint32_t kind);
/* r9 = &pelt_cpu[r8], or jump to "out". */
void pelt_cpu_slot(struct asm_prog *p);
/* pelt_cpu[r8].seen |= bit, with r9 its slot. */
void pelt_mark_seen(struct asm_prog *p, uint32_t bit);
/* r8 = the CPU of the run queue in r7, or jump to "out" when out of range. */
void pelt_rq_cpu(struct asm_prog *p, const struct tap_build_ctx *ctx);
/* r8 = the CPU of the cfs_rq in r6, | PELT_RQ_GROUP for a task group's;
 * with -g, fp[PELT_RQ_VAL] is its struct pelt_rq (the group's cgroup id).
 * Remembered per pointer in pelt_rqs. Clobbers r0-r5, r7. */
void pelt_cfs_rq_cpu(struct asm_prog *p, const struct tap_build_ctx *ctx);
/* r1 = the util_est of the sched_avg at member avg_path of the struct at
 * r6, without the UTIL_AVG_UNCHANGED flag; only those bytes are read. */
void pelt_util_est(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *avg_path);
/* fp[PELT_AVG_OFF] = the struct sched_avg at path in the struct at
 * ptr_reg; an error if it is larger than PELT_AVG_MAX. */
void pelt_read_avg(struct asm_prog *p, const struct tap_build_ctx *ctx, int ptr_reg,
		   const char *path);
/* The index of sched_overutilized_tp's bool argument (from BTF or the
 * offsets file: older kernels had the arguments the other way round), or
 * -1 after an assembler error. */
int pelt_overutilized_arg(struct asm_prog *p, const struct tap_build_ctx *ctx);
/* r6 = a sched_entity: a task's only (my_q NULL, else to "out"), r7 = its
 * task, pid_reg = its pid (0, the idle task, or not -p's: to "out").
 * Clobbers r0-r5. -ENOENT after an assembler error. */
int pelt_se_task(struct asm_prog *p, const struct tap_build_ctx *ctx, int pid_reg);
/* r1 = util_est of the sched_avg already read to fp+PELT_AVG_OFF. */
void pelt_util_est_stack(struct asm_prog *p, const struct tap_build_ctx *ctx);
#endif
