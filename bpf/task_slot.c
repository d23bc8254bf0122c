#include "asm/macros.h"
#include "bpf/event_fields.h"
#include "bpf/task_slot.h"

void task_slot(struct asm_prog *p, const char *map, const char *full_map,
	       int16_t key_off, int16_t val_off, int val_size, const char *skip)
{
	const char *full = asm_new_label(p, "full");
	const char *ok = asm_new_label(p, "slot");

	asm_stx(p, BPF_W, FP, R1, key_off);
	asm_map_lookup_or_init(p, map, key_off, val_off, val_size, full);
	asm_mov64_reg(p, R9, R0);
	asm_ja(p, ok);
	asm_label(p, full);
	asm_comment(p, "map full: count it, never silently");
	asm_map_lookup_slot0(p, full_map, key_off, skip);
	asm_inc_u64(p, R0, 0, R1, 0);
	asm_ja(p, skip);
	asm_label(p, ok);
}

void task_learn_tgid(struct asm_prog *p, int16_t tgid_off)
{
	const char *known = asm_new_label(p, "tgid_known");

	asm_comment(p, "prev is still current: its tgid is ours to read (once)");
	asm_ldx(p, BPF_W, R1, R9, tgid_off);
	asm_jne_imm(p, R1, 0, known);
	asm_call(p, BPF_FUNC_get_current_pid_tgid);
	asm_alu_imm(p, BPF_ALU64, BPF_RSH, R0, 32);
	asm_stx(p, BPF_W, R9, R0, tgid_off);
	asm_label(p, known);
}

void task_note_cpu(struct asm_prog *p, int16_t last_off, int16_t cpus_off, int16_t flags_off,
		   int32_t flag)
{
	const char *wide = asm_new_label(p, "wide"), *done = asm_new_label(p, "cpu_noted");

	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_stx(p, BPF_W, R9, R0, last_off);
	asm_comment(p, "cpus |= 1 << cpu (CPUs past 63 set a flag instead)");
	asm_jmp_imm(p, BPF_JMP, BPF_JGT, R0, 63, wide);
	asm_mov64_imm(p, R1, 1);
	asm_alu_reg(p, BPF_ALU64, BPF_LSH, R1, R0);
	asm_ldx(p, BPF_DW, R2, R9, cpus_off);
	asm_alu_reg(p, BPF_ALU64, BPF_OR, R2, R1);
	asm_stx(p, BPF_DW, R9, R2, cpus_off);
	asm_ja(p, done);
	asm_label(p, wide);
	asm_ldx(p, BPF_W, R1, R9, flags_off);
	asm_alu_imm(p, BPF_ALU64, BPF_OR, R1, flag);
	asm_stx(p, BPF_W, R9, R1, flags_off);
	asm_label(p, done);
}

/* A task's runtime is only updated under its run-queue's lock (it is that
 * queue's current task), so plain adds do not race with themselves; the
 * pending slot is this CPU's, written only under its run-queue's lock. */
void task_stat_runtime(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *map,
		       const char *full_map, const char *cpu_map, int16_t key_off,
		       int16_t val_off, int val_size, int16_t runtime_off)
{
	const char *out = asm_new_label(p, "out");
	const char *slot = asm_new_label(p, "hash_slot");

	asm_mov64_reg(p, R6, R1);
	ev_ld(p, ctx, R1, R6, "pid");
	asm_jeq_imm(p, R1, 0, out);
	if (cpu_map) {
		asm_comment(p, "the task this CPU switched in last: add to its CPU slot");
		asm_mov64_reg(p, R7, R1);
		asm_map_lookup_slot0(p, cpu_map, key_off, slot);
		asm_ldx(p, BPF_W, R2, R0, CPU_SLOT_OFF(pid));
		asm_jmp_reg(p, BPF_JMP, BPF_JNE, R2, R7, slot);
		ev_ld(p, ctx, R1, R6, "runtime");
		asm_ldx(p, BPF_DW, R2, R0, CPU_SLOT_OFF(value));
		asm_add64_reg(p, R2, R1);
		asm_stx(p, BPF_DW, R0, R2, CPU_SLOT_OFF(value));
		asm_ja(p, out);
		asm_label(p, slot);
		asm_comment(p, "another task (a remote update, or none switched in yet)");
		asm_mov64_reg(p, R1, R7);
	}
	task_slot(p, map, full_map, key_off, val_off, val_size, out);
	ev_ld(p, ctx, R1, R6, "runtime");
	asm_ldx(p, BPF_DW, R2, R9, runtime_off);
	asm_add64_reg(p, R2, R1);
	asm_stx(p, BPF_DW, R9, R2, runtime_off);
	asm_label(p, out);
	asm_return(p, 1);
}

void task_take_cpu_slot(struct asm_prog *p, const struct tap_build_ctx *ctx,
			enum cpu_slot_kind kind, int16_t runtime_off)
{
	const char *done = asm_new_label(p, "taken");

	if (kind == CPU_SLOT_SINCE)
		asm_comment(p, "runtime += now - switch-in, if this CPU saw prev go in");
	else
		asm_comment(p, "runtime += what sched_stat_runtime left here, if prev's");
	ev_ld(p, ctx, R1, R6, "prev_pid");
	asm_ldx(p, BPF_W, R2, R8, CPU_SLOT_OFF(pid));
	asm_jmp_reg(p, BPF_JMP, BPF_JNE, R1, R2, done);
	asm_ldx(p, BPF_DW, R2, R8, CPU_SLOT_OFF(value));
	if (kind == CPU_SLOT_SINCE) {
		asm_jeq_imm(p, R2, 0, done);
		asm_mov64_reg(p, R1, R7);
		asm_sub64_reg(p, R1, R2);
		asm_mov64_reg(p, R2, R1);
	}
	asm_ldx(p, BPF_DW, R1, R9, runtime_off);
	asm_add64_reg(p, R1, R2);
	asm_stx(p, BPF_DW, R9, R1, runtime_off);
	asm_label(p, done);
}

void task_mark_cpu_slot(struct asm_prog *p, const struct tap_build_ctx *ctx,
			enum cpu_slot_kind kind)
{
	if (kind == CPU_SLOT_SINCE)
		asm_comment(p, "--- next: remember who went in on this CPU, and when ---");
	else
		asm_comment(p, "--- next: its CPU time gathers here until it goes out ---");
	ev_ld(p, ctx, R1, R6, "next_pid");
	asm_stx(p, BPF_W, R8, R1, CPU_SLOT_OFF(pid));
	if (kind == CPU_SLOT_SINCE)
		asm_stx(p, BPF_DW, R8, R7, CPU_SLOT_OFF(value));
	else
		asm_st(p, BPF_DW, R8, CPU_SLOT_OFF(value), 0);
}
