/* schedtap top, sched_switch: per-task switches (voluntary or not, from
 * prev_state), CPUs used, priority and name; CPU time too where
 * sched_stat_runtime cannot give it (top_params.slice_timing). */
#include "bpf/top_prog.h"
#include "bpf/event_fields.h"

const struct tap_map_def top_maps[TOP_NMAPS] = {
	{ "tasks", BPF_MAP_TYPE_HASH, 4, sizeof(struct top_task), TOP_MAX_TASKS, 0 },
	{ "top_full", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
	{ "top_oncpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct cpu_slot), 1, 0 },
	{ "top_gone", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct top_task), 1, 0 },
};

static const struct top_params defaults;

static const struct top_params *params(const struct tap_build_ctx *ctx)
{
	return ctx->params ? ctx->params : &defaults;
}

static enum cpu_slot_kind slot_kind(const struct tap_build_ctx *ctx)
{
	return params(ctx)->slice_timing ? CPU_SLOT_SINCE : CPU_SLOT_PENDING;
}

/* r6 ctx, r8 this CPU's top_oncpu, r9 the task; with slice timing r7 now. */
static void switch_out(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_comment(p, "--- prev: switched out ---");
	ev_ld(p, ctx, R1, R6, "prev_pid");
	asm_jeq_imm(p, R1, 0, "next");
	task_slot(p, "tasks", "top_full", TOP_KEY_OFF, TOP_VAL_OFF, sizeof(struct top_task), "next");
	task_take_cpu_slot(p, ctx, slot_kind(ctx), TOP_OFF(runtime_ns));
	asm_inc_u64(p, R9, TOP_OFF(switches), R1, 0);
	ev_prev_asleep(p, ctx);
	asm_jeq_imm(p, R1, 0, "preempted");
	asm_inc_u64(p, R9, TOP_OFF(voluntary), R1, 0);
	asm_ja(p, "where");
	asm_label(p, "preempted");
	asm_inc_u64(p, R9, TOP_OFF(involuntary), R1, 0);
	asm_label(p, "where");
	ev_ld(p, ctx, R1, R6, "prev_prio");
	asm_stx(p, BPF_W, R9, R1, TOP_OFF(prio));
	task_note_cpu(p, TOP_OFF(last_cpu), TOP_OFF(cpus), TOP_OFF(flags), TOP_CPU_BEYOND_64);
	task_learn_tgid(p, TOP_OFF(tgid));
	ev_copy(p, ctx, R9, TOP_OFF(comm), R6, "prev_comm", R1, TOP_COMM_LEN);
}

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	if (params(ctx)->slice_timing) {
		asm_comment(p, "slice timing: sched_stat_runtime counts CFS tasks only");
		asm_call(p, BPF_FUNC_ktime_get_ns);
		asm_mov64_reg(p, R7, R0);
	}
	asm_map_lookup_slot0(p, "top_oncpu", TOP_KEY_OFF, "out");
	asm_mov64_reg(p, R8, R0);
	switch_out(p, ctx);
	asm_label(p, "next");
	task_mark_cpu_slot(p, ctx, slot_kind(ctx));
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_top_switch, "tap_top_switch", "sched", "sched_switch", top_maps, build,
	    "per-task switches, CPUs, priority; CPU time added at switch-out");
/* The same program where the kernel has BTF: no perf record built. */
TAP_BTF_PROGRAM(prog_top_switch_btf, "tap_top_switch", "sched_switch", top_maps, build,
		"per-task switches, CPUs, priority; CPU time added at switch-out (tp_btf)");
