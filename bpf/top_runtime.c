/* schedtap top, sched_stat_runtime: CPU time as the scheduler accounts it
 * (the deltas that sum to /proc/PID/schedstat), so sched_switch needs no
 * clock. Used where the event covers every scheduling class (6.8+). The
 * current task's time gathers in a per-CPU slot that sched_switch empties
 * into its entry: one hash lookup per switch, not one per event too. */
#include "bpf/top_prog.h"
#include "bpf/event_fields.h"

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	task_stat_runtime(p, ctx, "tasks", "top_full", "top_oncpu", TOP_KEY_OFF, TOP_VAL_OFF,
			  sizeof(struct top_task), TOP_OFF(runtime_ns));
	return 0;
}

TAP_PROGRAM(prog_top_runtime, "tap_top_runtime", "sched", "sched_stat_runtime", top_maps, build,
	    "per-task CPU time from the scheduler's accounting");
TAP_BTF_PROGRAM(prog_top_runtime_btf, "tap_top_runtime", "sched_stat_runtime", top_maps, build,
		"per-task CPU time from the scheduler's accounting (tp_btf)");
