/* What schedtap micro keeps in the kernel: per task, the perf counters'
 * deltas over the slices it ran, charged at its switch-out; per CPU, the
 * counters' values and the time at the last switch. Shared by the BPF
 * program (as offsets) and the consumer (as structs). */
#ifndef SCHEDTAP_BPF_MICRO_H
#define SCHEDTAP_BPF_MICRO_H

#include <stddef.h>
#include <stdint.h>

#define MICRO_MAX_TASKS 16384
#define MICRO_MAX_COUNTERS 6
/* The counters' PERF_EVENT_ARRAY holds counter i of CPU c at
 * i * MICRO_MAX_CPUS + c: 6144 slots, 48 KiB of kernel memory. */
#define MICRO_MAX_CPUS 1024
#define MICRO_COMM_LEN 16
#define MICRO_NO_UTIL 0xffffffffu	/* no BTF: util_avg/util_est unknown */

struct micro_task {
	uint64_t runtime_ns;	/* the slices it ran, switch-in to switch-out */
	uint64_t switches;	/* slices ended (switched out) */
	uint64_t ctr[MICRO_MAX_COUNTERS];	/* counter deltas over those slices */
	uint32_t tgid;
	uint32_t last_cpu;
	uint32_t util_avg;	/* se.avg at its last switch-out, or MICRO_NO_UTIL */
	uint32_t util_est;
	uint32_t gone;		/* freed: user space reads it once more, then deletes it */
	uint32_t pad;
	char comm[MICRO_COMM_LEN];
};

/* Per CPU: who went in last, when, and each counter's value then. */
struct micro_cpu {
	uint64_t since;
	uint32_t pid;
	uint32_t valid;		/* 1 once this CPU's first switch set start[] */
	uint64_t start[MICRO_MAX_COUNTERS];
	uint64_t read_failed;	/* counter reads the kernel refused */
};

/* micro --events: one record per slice that ended (prev's). */
struct micro_rec {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC, at the switch */
	uint64_t runtime_ns;	/* the slice */
	uint64_t ctr[MICRO_MAX_COUNTERS];	/* the counters over it */
	uint32_t cpu, pid;
	uint32_t util_avg, util_est;	/* as it left, or MICRO_NO_UTIL */
	char comm[MICRO_COMM_LEN];
};

struct micro_params {
	int ncounters;		/* 0..MICRO_MAX_COUNTERS, in the map's order */
	int util;		/* read prev's se.avg (tp_btf only) */
	int events;		/* stream a micro_rec per slice, keep no task map */
	int perfbuf;		/* ... to perf buffers, not the ring buffer */
	long pid;		/* --events -p: a TID or TGID; -1 any */
};

#define MICRO_TASK_OFF(f) ((int16_t)offsetof(struct micro_task, f))
#define MICRO_CPU_OFF(f) ((int16_t)offsetof(struct micro_cpu, f))

#endif
