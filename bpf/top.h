/* What schedtap top keeps per task in the kernel: shared by the BPF
 * programs (as offsets) and the consumer (as a struct). */
#ifndef SCHEDTAP_BPF_TOP_H
#define SCHEDTAP_BPF_TOP_H

#include <stddef.h>
#include <stdint.h>

#define TOP_MAX_TASKS 16384
#define TOP_COMM_LEN 16
/* flags */
#define TOP_CPU_BEYOND_64 0x1	/* ran on a CPU the 64-bit mask cannot show */

struct top_task {
	uint64_t runtime_ns;	/* on-CPU time (see top_params) */
	uint64_t reserved;
	uint64_t switches;	/* switched out */
	uint64_t voluntary;	/* ... asleep (S, D, ...) */
	uint64_t involuntary;	/* ... still runnable (R, R+) */
	uint64_t migrations;	/* sched_migrate_task to another CPU */
	uint64_t cpus;		/* CPUs it ran on, bit n = CPU n (n < 64) */
	uint32_t tgid;		/* learnt when it is switched out */
	uint32_t last_cpu;	/* where it was last switched out */
	int32_t prio;
	uint32_t flags;
	char comm[TOP_COMM_LEN];
};

/* How CPU time is counted, chosen at run time. */
struct top_params {
	/* Time each slice with bpf_ktime_get_ns at sched_switch, where
	 * sched_stat_runtime counts CFS tasks only (before 6.8); otherwise
	 * the tap_top_runtime program adds the scheduler's own deltas. */
	int slice_timing;
};

#define TOP_OFF(f) ((int16_t)offsetof(struct top_task, f))

#endif
