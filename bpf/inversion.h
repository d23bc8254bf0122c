/* schedtap inversion: the records its programs emit (struct trace_rec,
 * with kinds of its own) and the options that shape the programs. */
#ifndef SCHEDTAP_BPF_INVERSION_H
#define SCHEDTAP_BPF_INVERSION_H

#include "bpf/trace.h"

/* Kinds, past trace's own. Fields of struct trace_rec used:
 * INV_SWITCH   pid/prio/comm prev, pid2/prio2/comm2 next, state
 *              prev_state, runtime_ns how long prev ran
 * INV_WAKEUP   pid/prio/comm woken, arg target CPU
 * INV_FUTEX    pid tid, pid2 tgid, prio (learnt on switches), arg op,
 *              state uaddr, comm
 * INV_PI       pid/comm the task whose priority changes, arg oldprio,
 *              arg2 newprio, pid2/comm2 the current task */
enum inv_kind {
	INV_SWITCH = 16,
	INV_WAKEUP,
	INV_FUTEX,
	INV_PI,
};

/* Priorities below this are real-time (kernel prio 0..99). */
#define INV_RT_PRIO 100
#define INV_PRIO_MAX_TASKS 32768

struct inv_params {
	struct trace_params tp;	/* perfbuf; pid/cpu/comm stay "any" */
};
#endif
