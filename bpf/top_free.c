/* schedtap top, sched_process_free: forget a task once the kernel frees
 * it, so the map holds live tasks only. (sched_process_exit is too early:
 * the exiting task is switched out once more after it.) */
#include "bpf/top_prog.h"
#include "bpf/event_fields.h"

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	ev_ld(p, ctx, R2, R1, "pid");
	asm_stx(p, BPF_W, FP, R2, TOP_KEY_OFF);
	asm_map_delete(p, "tasks", TOP_KEY_OFF);
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_top_free, "tap_top_free", "sched", "sched_process_free", top_maps, build,
	    "drop freed tasks");
