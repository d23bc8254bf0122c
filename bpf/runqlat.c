/* schedtap runqlat: a task is stamped when it becomes runnable (woken,
 * woken new, or preempted while runnable); when it is switched in, now
 * minus the stamp goes into a log2 histogram in the kernel. */
#include "bpf/program.h"
#include "bpf/runqlat.h"
#include "tracefs/sched_state.h"
#include "bpf/task_slot.h"

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
	tp_ld_field(p, ctx->fmt, R1, R6, "pid");
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

static int build_switch(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct runq_params *rp = params(ctx);
	struct sched_state st;

	if (sched_state_decode(ctx->fmt, &st))
		asm_comment(p, "prev_state print fmt not understood: only state 0 is runnable");
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_comment(p, "prev preempted (R or R+: no sleep bit) waits from now");
	prev_sleep_bits(p, ctx->fmt, &st);
	asm_jne_imm(p, R1, 0, "next");
	tp_ld_field(p, ctx->fmt, R1, R6, "prev_pid");
	stamp(p, rp, "next");
	asm_label(p, "next");
	asm_comment(p, "next: latency = now - its stamp, if it has one");
	tp_ld_field(p, ctx->fmt, R9, R6, "next_pid");
	asm_jeq_imm(p, R9, 0, "out");
	asm_stx(p, BPF_W, FP, R9, KEY_OFF);
	asm_map_lookup(p, "runq_start", KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_ldx(p, BPF_DW, R1, R0, 0);
	asm_mov64_reg(p, R8, R7);
	asm_sub64_reg(p, R8, R1);
	asm_map_delete(p, "runq_start", KEY_OFF);
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
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_runq_wakeup, "tap_runq_wake", "sched", "sched_wakeup", maps, build_wakeup,
	    "stamp woken tasks");
TAP_PROGRAM(prog_runq_wakeup_new, "tap_runq_wnew", "sched", "sched_wakeup_new", maps, build_wakeup,
	    "stamp new tasks");
TAP_PROGRAM(prog_runq_switch, "tap_runq_switch", "sched", "sched_switch", maps, build_switch,
	    "run-queue latency into log2 histograms");
