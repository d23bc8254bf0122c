/* schedtap loadtrack: the records its two programs stream for one task:
 * when it goes on and off a CPU (the truth), and its entity's PELT state
 * at every update (what the kernel estimates). */
#ifndef SCHEDTAP_BPF_LOADTRACK_H
#define SCHEDTAP_BPF_LOADTRACK_H

#include <stddef.h>
#include <stdint.h>

enum lt_kind {
	LT_IN = 1,	/* switched in */
	LT_OUT,		/* switched out */
	LT_PELT,	/* pelt_se_tp: its sched_avg, just updated */
	LT_EST,		/* sched_util_est_se_tp: its util_est, just changed */
};

struct lt_rec {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC */
	/* LT_PELT: the sched_avg as the update left it. */
	uint64_t last_update_time;	/* the PELT clock, ns */
	uint64_t util_sum;
	uint64_t util_avg, runnable_avg, load_avg;
	uint32_t util_est, period_contrib;
	uint32_t kind, cpu;
};

#define LT_REC_OFF(f) ((int16_t)offsetof(struct lt_rec, f))
#endif
