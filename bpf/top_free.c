/* schedtap top, sched_process_free: forget a task once the kernel frees
 * it, so the map holds live tasks only. (sched_process_exit is too early:
 * the exiting task is switched out once more after it.) Its counts go to
 * this CPU's top_gone first: the exporter's totals include every task
 * that ever ran, so that what the top N leave is an "other" that only
 * grows. */
#include "bpf/top_prog.h"
#include "bpf/event_fields.h"

#define GONE_KEY_OFF (-8)

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	static const int16_t counted[] = {
		TOP_OFF(runtime_ns), TOP_OFF(switches), TOP_OFF(voluntary),
		TOP_OFF(involuntary), TOP_OFF(migrations),
	};

	ev_ld(p, ctx, R2, R1, "pid");
	asm_stx(p, BPF_W, FP, R2, TOP_KEY_OFF);
	asm_map_lookup(p, "tasks", TOP_KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_mov64_reg(p, R9, R0);
	asm_map_lookup_slot0(p, "top_gone", GONE_KEY_OFF, "forget");
	asm_comment(p, "top_gone += the task's counts (this CPU's slot: plain adds)");
	for (unsigned i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
		asm_ldx(p, BPF_DW, R1, R9, counted[i]);
		asm_ldx(p, BPF_DW, R2, R0, counted[i]);
		asm_add64_reg(p, R2, R1);
		asm_stx(p, BPF_DW, R0, R2, counted[i]);
	}
	asm_label(p, "forget");
	asm_map_delete(p, "tasks", TOP_KEY_OFF);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_top_free, "tap_top_free", "sched", "sched_process_free", top_maps, build,
	    "drop freed tasks, their counts kept in top_gone");
