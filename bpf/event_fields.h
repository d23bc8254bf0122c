/* A scheduler event's fields by the tracepoint's own names ("prev_pid",
 * "next_comm", "runtime"), wherever the program reads them from: the
 * context at its tracefs format's offsets (a tracepoint), or through the
 * tracepoint's arguments at the offsets BTF gives (tp_btf, where the
 * perf record those offsets describe is never built). One build function
 * then serves both attach paths. */
#ifndef SCHEDTAP_BPF_EVENT_FIELDS_H
#define SCHEDTAP_BPF_EVENT_FIELDS_H

#include "bpf/program.h"

/* dst = the field, zero-extended. ctx_reg holds the context; tp_btf uses
 * dst to hold the argument first. */
void ev_ld(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int ctx_reg,
	   const char *name);
/* Up to max bytes of an array field (a comm) to *(base + off); tmp is
 * clobbered, and r0 too on tp_btf. */
void ev_copy(struct asm_prog *p, const struct tap_build_ctx *ctx, int base, int16_t off,
	     int ctx_reg, const char *name, int tmp, unsigned max);
/* tp_btf: dst = the tracepoint's nth struct task_struct * argument
 * (sched_switch: 0 prev, 1 next). 0, or -ENOENT after an assembler
 * error. */
int ev_task(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int ctx_reg, int nth);
/* sched_switch, context in r6: r1 = 0 when prev is still runnable (R,
 * or preempted: R+), else non-zero. Tracepoint: prev_state's sleep bits
 * as decoded from the print fmt; tp_btf: the preempt argument, then
 * prev_state (an argument from 5.18; before, prev's own __state, and
 * state before 5.14), 0 being TASK_RUNNING, which the print fmt shows as
 * R. Clobbers r2. */
void ev_prev_asleep(struct asm_prog *p, const struct tap_build_ctx *ctx);
#endif
