/* The per-task pieces several programs share: a task's slot in a hash
 * map (created if new, a full map counted), prev's sleep bits and tgid at
 * sched_switch, sched_stat_runtime's deltas, and the per-CPU on-CPU slot
 * that times a task's slice from its switch-in to its switch-out. */
#ifndef SCHEDTAP_BPF_TASK_SLOT_H
#define SCHEDTAP_BPF_TASK_SLOT_H

#include <stddef.h>
#include <stdint.h>
#include "asm.h"
#include "sched_state.h"
#include "tracefs.h"

/* Per CPU: who was switched in, and when. Timing a slice from here to the
 * task's switch-out on the same CPU costs one hash lookup per switch
 * (prev's), not two; consumers add the slices running when they read. */
struct oncpu_slot {
	uint64_t start_ns;
	uint32_t pid;
	uint32_t pad;
};
#define ONCPU_OFF(f) ((int16_t)offsetof(struct oncpu_slot, f))

/* Per CPU: the CPU time sched_stat_runtime reported for the task now on
 * the CPU, held here (an array slot, no hash lookup) until its switch-out
 * adds it to its hash slot; readers add what is still pending. */
struct runtime_pending {
	uint64_t runtime_ns;
	uint32_t pid;
	uint32_t pad;
};
#define PENDING_OFF(f) ((int16_t)offsetof(struct runtime_pending, f))

/* r9 = &map[pid in r1], created zeroed if new (key built at fp+key_off,
 * the zero value of val_size bytes at fp+val_off); on a full map count
 * the miss in full_map (a one-slot per-CPU u64) and jump to skip. */
void task_slot(struct asm_prog *p, const char *map, const char *full_map,
	       int16_t key_off, int16_t val_off, int val_size, const char *skip);
/* sched_switch, ctx in r6: r1 = prev_state's sleep bits, as decoded from
 * the print fmt; 0 when prev is still runnable (R, or R+ when preempted).
 * Clobbers r2. */
void prev_sleep_bits(struct asm_prog *p, const struct tp_format *fmt,
		     const struct sched_state *st);
/* sched_switch: the u32 at r9+tgid_off = prev's tgid, the first time only
 * (prev is still current, so the helper answers for it). Clobbers r0, r1. */
void task_learn_tgid(struct asm_prog *p, int16_t tgid_off);
/* A whole sched_stat_runtime program: the u64 at runtime_off in the
 * task's slot (task_slot's arguments) += the event's runtime; with a
 * pending_map (a one-slot per-CPU struct runtime_pending), the time of the
 * task switched in last on this CPU goes there instead. */
void task_stat_runtime(struct asm_prog *p, const struct tp_format *fmt, const char *map,
		       const char *full_map, const char *pending_map, int16_t key_off,
		       int16_t val_off, int val_size, int16_t runtime_off);
/* sched_switch, with this CPU's runtime_pending in r8 and ctx in r6: the
 * u64 at r9+runtime_off += what is pending, if it is prev's (task_slot's
 * r9). Clobbers r1, r2. */
void task_take_pending(struct asm_prog *p, const struct tp_format *fmt, int16_t runtime_off);
/* The pending slot (r8) starts over for next_pid. Clobbers r1. */
void task_mark_pending(struct asm_prog *p, const struct tp_format *fmt);
/* u64 at r9+runtime_off += now (r7) - this CPU's slot start (slot in r8),
 * if the slot names prev, the task being switched out (ctx in r6).
 * Clobbers r1, r2. */
void task_add_slice(struct asm_prog *p, const struct tp_format *fmt, int16_t runtime_off);
/* This CPU's slot (r8) = next_pid, from now (r7); leaves next_pid in r1. */
void task_mark_oncpu(struct asm_prog *p, const struct tp_format *fmt);
#endif
