/* schedtap top, sched_migrate_task: count moves to another CPU, as the
 * kernel's se.nr_migrations does (same CPU is not a migration). */
#include "bpf/top_prog.h"
#include "bpf/event_fields.h"

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	ev_ld(p, ctx, R2, R6, "orig_cpu");
	ev_ld(p, ctx, R3, R6, "dest_cpu");
	asm_jmp_reg(p, BPF_JMP, BPF_JEQ, R2, R3, "out");
	ev_ld(p, ctx, R1, R6, "pid");
	asm_jeq_imm(p, R1, 0, "out");
	asm_stx(p, BPF_W, FP, R1, TOP_KEY_OFF);
	asm_map_lookup_or_init(p, "tasks", TOP_KEY_OFF, TOP_VAL_OFF, sizeof(struct top_task), "out");
	asm_comment(p, "atomic: the migrating CPU is not the task's own");
	asm_inc_u64(p, R0, TOP_OFF(migrations), R1, 1);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_top_migrate, "tap_top_migrate", "sched", "sched_migrate_task", top_maps, build,
	    "per-task migrations");
