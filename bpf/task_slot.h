/* The per-task pieces several programs share: a task's slot in a hash
 * map (created if new, a full map counted), prev's sleep bits and tgid at
 * sched_switch, sched_stat_runtime's deltas, and the per-CPU on-CPU slot
 * that times a task's slice from its switch-in to its switch-out. */
#ifndef SCHEDTAP_BPF_TASK_SLOT_H
#define SCHEDTAP_BPF_TASK_SLOT_H

#include <stddef.h>
#include <stdint.h>
#include "asm/asm.h"
#include "bpf/program.h"

/* Per CPU: the task switched in last, and what its CPU time so far is
 * measured from. Timing a slice from here to the task's switch-out, or
 * gathering sched_stat_runtime's reports here until then, costs one hash
 * lookup per switch (prev's); readers add what a running task has here. */
struct cpu_slot {
	uint64_t value;		/* CPU_SLOT_SINCE: switch-in time (ktime);
				 * CPU_SLOT_PENDING: ns reported since */
	uint32_t pid;
	uint32_t pad;
};
#define CPU_SLOT_OFF(f) ((int16_t)offsetof(struct cpu_slot, f))
enum cpu_slot_kind { CPU_SLOT_SINCE, CPU_SLOT_PENDING };

/* r9 = &map[pid in r1], created zeroed if new (key built at fp+key_off,
 * the zero value of val_size bytes at fp+val_off); on a full map count
 * the miss in full_map (a one-slot per-CPU u64) and jump to skip. */
void task_slot(struct asm_prog *p, const char *map, const char *full_map,
	       int16_t key_off, int16_t val_off, int val_size, const char *skip);
/* sched_switch: the u32 at r9+tgid_off = prev's tgid, the first time only
 * (prev is still current, so the helper answers for it). Clobbers r0, r1. */
void task_learn_tgid(struct asm_prog *p, int16_t tgid_off);
/* In the task at r9: the u32 at last_off = this CPU; the u64 mask at
 * cpus_off |= 1 << CPU, or for CPUs past 63 the u32 at flags_off |= flag.
 * Clobbers r0-r2. */
void task_note_cpu(struct asm_prog *p, int16_t last_off, int16_t cpus_off, int16_t flags_off,
		   int32_t flag);
/* A whole sched_stat_runtime program: the u64 at runtime_off in the
 * task's slot (task_slot's arguments) += the event's runtime; with a
 * cpu_map (one CPU_SLOT_PENDING cpu_slot per CPU), the time of the task
 * switched in last on this CPU goes there instead. Fields by ev_ld: the
 * tracepoint or tp_btf. */
void task_stat_runtime(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *map,
		       const char *full_map, const char *cpu_map, int16_t key_off,
		       int16_t val_off, int val_size, int16_t runtime_off);
/* sched_switch, this CPU's cpu_slot in r8, ctx in r6 (and, for SINCE, now
 * in r7): if the slot is prev's, the u64 at r9+runtime_off (task_slot's)
 * += now - value (SINCE) or value (PENDING). Clobbers r1, r2. */
void task_take_cpu_slot(struct asm_prog *p, const struct tap_build_ctx *ctx,
			enum cpu_slot_kind kind, int16_t runtime_off);
/* The slot (r8) starts over for next_pid: value = now (r7) or 0. Leaves
 * next_pid in r1. */
void task_mark_cpu_slot(struct asm_prog *p, const struct tap_build_ctx *ctx,
			enum cpu_slot_kind kind);
#endif
