/* schedtap top, sched_stat_runtime: CPU time as the scheduler accounts it
 * (the deltas that sum to /proc/PID/schedstat), so sched_switch needs no
 * clock. Used where the event covers every scheduling class (6.8+). */
#include "program.h"
#include "task_slot.h"
#include "top.h"

#define KEY_OFF (-4)
#define VAL_OFF (-8 - (int)sizeof(struct top_task))

static const struct tap_map_def maps[] = {
	{ "tasks", BPF_MAP_TYPE_HASH, 4, sizeof(struct top_task), TOP_MAX_TASKS, 0 },
	{ "top_full", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
};

static const char *const fields[] = { "pid", "runtime", NULL };

/* A task's runtime is only updated under its run-queue's lock (it is that
 * queue's current task), so a plain add does not race with itself. */
static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	asm_ld_field(p, ctx->fmt, R1, R6, "pid");
	asm_jeq_imm(p, R1, 0, "out");
	task_slot(p, "tasks", "top_full", KEY_OFF, VAL_OFF, sizeof(struct top_task), "out");
	asm_ld_field(p, ctx->fmt, R1, R6, "runtime");
	asm_ldx(p, BPF_DW, R2, R9, TOP_OFF(runtime_ns));
	asm_add64_reg(p, R2, R1);
	asm_stx(p, BPF_DW, R9, R2, TOP_OFF(runtime_ns));
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

const struct tap_prog_def prog_top_runtime = {
	.name = "tap_top_runtime",
	.summary = "per-task CPU time from the scheduler's accounting",
	.tp_system = "sched",
	.tp_event = "sched_stat_runtime",
	.fields = fields,
	.maps = maps,
	.nmaps = TAP_ARRAY_SIZE(maps),
	.build = build,
};
