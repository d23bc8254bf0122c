/* schedtap latency: what the kernel keeps per task (thread) for a
 * `perf sched latency` table, shared by the BPF programs (as offsets) and
 * the consumer (as a struct). */
#ifndef SCHEDTAP_BPF_LATENCY_H
#define SCHEDTAP_BPF_LATENCY_H

#include <stddef.h>
#include <stdint.h>

#define LAT_MAX_TASKS 16384
#define LAT_COMM_LEN 16

/* Where the task is in perf sched latency's state machine. */
enum lat_state {
	LAT_UNKNOWN = 0,	/* not seen yet */
	LAT_SLEEPING = 1,	/* switched out asleep: waits for a wakeup */
	LAT_WAITING = 2,	/* runnable since wake_ns: the delay runs */
	LAT_RUNNING = 3,	/* switched in */
};

#define LAT_EXITED 0x1		/* freed: dropped once reported */

struct lat_task {
	uint64_t runtime_ns;	/* on-CPU time of finished slices */
	uint64_t switches;	/* switch-ins after a wait: delay samples */
	uint64_t delay_sum_ns;
	uint64_t max_delay_ns;
	uint64_t max_start_ns;	/* ktime (CLOCK_MONOTONIC) of the longest wait */
	uint64_t max_end_ns;
	uint64_t wake_ns;	/* runnable since (state LAT_WAITING) */
	uint32_t state;
	uint32_t tgid;		/* learnt when it is switched out */
	uint32_t flags;
	uint32_t pad;
	char comm[LAT_COMM_LEN];
};
#define LAT_OFF(f) ((int16_t)offsetof(struct lat_task, f))

#endif
