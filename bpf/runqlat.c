/* schedtap runqlat: a task is stamped when it becomes runnable (woken,
 * woken new, or preempted while runnable); when it is switched in, now
 * minus the stamp goes into a log2 histogram in the kernel. */
#include "bpf/program.h"
#include "bpf/event_fields.h"
#include "bpf/runqlat.h"
#include "bpf/task_slot.h"
#include "bpf/kfields.h"

#define KEY_OFF (-4)
#define TS_OFF (-16)
#define HIST_OFF (-16 - (int)sizeof(struct runq_hist))

static const struct tap_map_def maps[] = {
	{ "runq_start", BPF_MAP_TYPE_HASH, 4, 8, RUNQ_MAX_STARTS, 0 },
	{ "runq_hist", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct runq_hist), 1, 0 },
	{ "runq_hists", BPF_MAP_TYPE_HASH, 4, sizeof(struct runq_hist), RUNQ_MAX_KEYS, 0 },
};

static const struct runq_params defaults = { RUNQ_KEY_NONE, 0, -1 };

static const struct runq_params *params(const struct tap_build_ctx *ctx)
{
	return ctx->params ? ctx->params : &defaults;
}

/* start[pid in r1] = now (r7); skips idle and, with -p, other tasks. */
static void stamp(struct asm_prog *p, const struct runq_params *rp, const char *skip)
{
	asm_jeq_imm(p, R1, 0, skip);
	if (rp->pid >= 0)
		asm_jne_imm(p, R1, (int32_t)rp->pid, skip);
	asm_stx(p, BPF_W, FP, R1, KEY_OFF);
	asm_stx(p, BPF_DW, FP, R7, TS_OFF);
	asm_map_update(p, "runq_start", KEY_OFF, TS_OFF, BPF_ANY);
}

static int build_wakeup(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_comment(p, "runnable from now: stamp the woken task");
	ev_ld(p, ctx, R1, R6, "pid");
	stamp(p, params(ctx), "out");
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

/* r0 = the histogram to count in (the one per-CPU slot, or the keyed
 * one for the task in r9 / this CPU), or jump to out. */
static void hist_slot(struct asm_prog *p, const struct runq_params *rp)
{
	if (rp->key == RUNQ_KEY_NONE) {
		asm_map_lookup_slot0(p, "runq_hist", KEY_OFF, "out");
		return;
	}
	if (rp->key == RUNQ_KEY_CPU) {
		asm_call(p, BPF_FUNC_get_smp_processor_id);
		asm_stx(p, BPF_W, FP, R0, KEY_OFF);
	} else {
		asm_stx(p, BPF_W, FP, R9, KEY_OFF);
	}
	asm_map_lookup_or_init(p, "runq_hists", KEY_OFF, HIST_OFF, sizeof(struct runq_hist),
			       "out");
}

static void count_latency(struct asm_prog *p, const struct runq_params *rp);

static int build_switch(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct runq_params *rp = params(ctx);
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_comment(p, "prev preempted (R or R+: no sleep bit) waits from now");
	ev_prev_asleep(p, ctx);
	asm_jne_imm(p, R1, 0, "next");
	ev_ld(p, ctx, R1, R6, "prev_pid");
	stamp(p, rp, "next");
	asm_label(p, "next");
	asm_comment(p, "next: latency = now - its stamp, if it has one");
	ev_ld(p, ctx, R9, R6, "next_pid");
	asm_jeq_imm(p, R9, 0, "out");
	asm_stx(p, BPF_W, FP, R9, KEY_OFF);
	asm_map_lookup(p, "runq_start", KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_ldx(p, BPF_DW, R1, R0, 0);
	asm_mov64_reg(p, R8, R7);
	asm_sub64_reg(p, R8, R1);
	asm_map_delete(p, "runq_start", KEY_OFF);
	count_latency(p, rp);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

/* The latency in r8 (ns; the task id in r9) into its histogram, or jump
 * to out. */
static void count_latency(struct asm_prog *p, const struct runq_params *rp)
{
	asm_jmp_imm(p, BPF_JMP, BPF_JSLT, R8, 0, "out");
	hist_slot(p, rp);
	asm_mov64_reg(p, R9, R0);
	asm_comment(p, "sum += ns; count += 1; slots[log2(%s)] += 1", rp->millis ? "ms" : "us");
	asm_ldx(p, BPF_DW, R1, R9, RQ_OFF(sum_ns));
	asm_add64_reg(p, R1, R8);
	asm_stx(p, BPF_DW, R9, R1, RQ_OFF(sum_ns));
	asm_inc_u64(p, R9, RQ_OFF(count), R1, rp->key == RUNQ_KEY_TID);
	asm_alu_imm(p, BPF_ALU64, BPF_DIV, R8, rp->millis ? 1000000 : 1000);
	asm_log2(p, R1, R8, R2);
	asm_jmp_imm(p, BPF_JMP, BPF_JLE, R1, RUNQ_SLOTS - 1, "inrange");
	asm_mov64_imm(p, R1, RUNQ_SLOTS - 1);
	asm_label(p, "inrange");
	asm_alu_imm(p, BPF_ALU64, BPF_LSH, R1, 3);
	asm_add64_reg(p, R9, R1);
	asm_inc_u64(p, R9, RQ_OFF(slots), R1, rp->key == RUNQ_KEY_TID);
}

/* Where the kernel has BTF: tp_btf programs, which the tracepoint calls
 * with its arguments (no perf record built first), and the stamp kept in
 * the task itself (task storage) instead of a hash map keyed by pid. */
static const struct tap_map_def btf_maps[] = {
	{ "runq_stamp", BPF_MAP_TYPE_TASK_STORAGE, 4, 8, 0, 0 },
	{ "runq_hist", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct runq_hist), 1, 0 },
	{ "runq_hists", BPF_MAP_TYPE_HASH, 4, sizeof(struct runq_hist), RUNQ_MAX_KEYS, 0 },
};

/* r0 = the stamp slot of the task at task_reg (created when create), or
 * jump to skip. Clobbers r1-r5. */
static void task_stamp(struct asm_prog *p, int task_reg, int create, const char *skip)
{
	asm_ld_map_fd(p, R1, "runq_stamp");
	asm_mov64_reg(p, R2, task_reg);
	asm_mov64_imm(p, R3, 0);
	asm_mov64_imm(p, R4, create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	asm_call(p, BPF_FUNC_task_storage_get);
	asm_jeq_imm(p, R0, 0, skip);
}

/* The stamp of the task at task_reg = now (r7), unless it is idle or,
 * with -p, another task. */
static void stamp_task(struct asm_prog *p, const struct tap_build_ctx *ctx, int task_reg,
		       const char *skip)
{
	const struct runq_params *rp = params(ctx);

	k_ld_direct(p, ctx, R1, task_reg, "task_struct.pid");
	asm_jeq_imm(p, R1, 0, skip);
	if (rp->pid >= 0)
		asm_jne_imm(p, R1, (int32_t)rp->pid, skip);
	task_stamp(p, task_reg, 1, skip);
	asm_stx(p, BPF_DW, R0, R7, 0);
}

/* Raw tracepoints ignore the return value; 0 as the kernel's own do. */
static int build_wakeup_btf(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	ev_task(p, ctx, R6, R1, 0);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_comment(p, "runnable from now: stamp the woken task");
	stamp_task(p, ctx, R6, "out");
	asm_label(p, "out");
	asm_return(p, 0);
	return 0;
}

static int build_switch_btf(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_comment(p, "prev preempted or still runnable waits from now");
	ev_task(p, ctx, R8, R6, 0);
	ev_prev_asleep(p, ctx);
	asm_jne_imm(p, R1, 0, "next");
	stamp_task(p, ctx, R8, "next");
	asm_label(p, "next");
	asm_comment(p, "next: latency = now - its stamp, if it has one");
	ev_task(p, ctx, R8, R6, 1);
	k_ld_direct(p, ctx, R9, R8, "task_struct.pid");
	asm_jeq_imm(p, R9, 0, "out");
	task_stamp(p, R8, 0, "out");
	asm_ldx(p, BPF_DW, R1, R0, 0);
	asm_jeq_imm(p, R1, 0, "out");
	asm_st(p, BPF_DW, R0, 0, 0);
	asm_mov64_reg(p, R8, R7);
	asm_sub64_reg(p, R8, R1);
	count_latency(p, params(ctx));
	asm_label(p, "out");
	asm_return(p, 0);
	return 0;
}

TAP_BTF_PROGRAM(prog_runq_wakeup_btf, "tap_runq_wake", "sched_wakeup", btf_maps,
		build_wakeup_btf, "stamp woken tasks (task storage)");
TAP_BTF_PROGRAM(prog_runq_wakeup_new_btf, "tap_runq_wnew", "sched_wakeup_new", btf_maps,
		build_wakeup_btf, "stamp new tasks (task storage)");
TAP_BTF_PROGRAM(prog_runq_switch_btf, "tap_runq_switch", "sched_switch", btf_maps,
		build_switch_btf, "run-queue latency into log2 histograms (task storage)");

TAP_PROGRAM(prog_runq_wakeup, "tap_runq_wake", "sched", "sched_wakeup", maps, build_wakeup,
	    "stamp woken tasks");
TAP_PROGRAM(prog_runq_wakeup_new, "tap_runq_wnew", "sched", "sched_wakeup_new", maps, build_wakeup,
	    "stamp new tasks");
TAP_PROGRAM(prog_runq_switch, "tap_runq_switch", "sched", "sched_switch", maps, build_switch,
	    "run-queue latency into log2 histograms");
