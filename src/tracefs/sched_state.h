/* sched_switch's prev_state, decoded from the event's own print fmt, never
 * from hard-coded numbers: the bits and the preemption marker ("R+")
 * moved between kernel versions. */
#ifndef SCHEDTAP_SCHED_STATE_H
#define SCHEDTAP_SCHED_STATE_H

#include <stddef.h>
#include "tracefs/tracefs.h"

#define SCHED_STATE_MAX_FLAGS 16

struct sched_state {
	struct tp_flag flags[SCHED_STATE_MAX_FLAGS];
	int nflags;
	unsigned long long sleep_mask;	/* bits that mean "not runnable" */
	unsigned long long preempt_bit;	/* the "+" marker, 0 if none */
	int decoded;			/* 0: print fmt not understood */
};

/* Decode from sched_switch's format. Returns 0, or negative errno when
 * the print fmt is not understood; st then falls back to "any non-zero
 * state except the preemption bit means asleep", which holds for every
 * kernel since 2.6. */
int sched_state_decode(const struct tp_format *fmt, struct sched_state *st);
/* The task left the CPU runnable (preempted or yielded): an involuntary
 * switch, as /proc's nonvoluntary_ctxt_switches counts it. */
int sched_state_runnable(const struct sched_state *st, unsigned long long state);
/* "R", "R+", "S", "D", "T|D"...: what the kernel's own trace would print. */
void sched_state_name(const struct sched_state *st, unsigned long long state,
		      char *buf, size_t len);
#endif
