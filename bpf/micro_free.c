/* schedtap micro, sched_process_free: mark a freed task's entry gone
 * rather than delete it, so that its last slices still reach a report;
 * user space deletes it once read. */
#include "bpf/event_fields.h"
#include "bpf/micro_prog.h"

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	ev_ld(p, ctx, R2, R1, "pid");
	asm_stx(p, BPF_W, FP, R2, MICRO_KEY_OFF);
	asm_map_lookup(p, "micro_tasks", MICRO_KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_st(p, BPF_W, R0, MICRO_TASK_OFF(gone), 1);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_micro_free, "tap_micro_free", "sched", "sched_process_free", micro_maps, build,
	    "mark freed tasks gone (deleted once read)");
