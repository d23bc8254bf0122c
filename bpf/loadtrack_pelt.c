/* schedtap loadtrack, pelt_se_tp: the task's sched_avg after each update,
 * with the sums and the position in the current 1024-us period that
 * user space needs to replay PELT's arithmetic from the same state; and
 * sched_util_est_se_tp: the same after util_est changed (at dequeue,
 * after the update). */
#include <errno.h>
#include "bpf/kfields.h"
#include "bpf/loadtrack.h"
#include "bpf/pelt.h"
#include "bpf/trace.h"

#define REC_STACK ((int16_t)(PELT_AVG_OFF - (int)sizeof(struct lt_rec)))
#define REC(f) ((int16_t)(REC_STACK + LT_REC_OFF(f)))

static void put(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *path,
		int16_t rec_off, int size)
{
	k_ld_stack(p, ctx, R1, PELT_AVG_OFF, path);
	asm_stx(p, size, FP, R1, rec_off);
}

static int build_rec(struct asm_prog *p, const struct tap_build_ctx *ctx, uint32_t kind)
{
	const struct pelt_params *pp = ctx->params;

	if (!pp || pp->pid <= 0)
		return asm_error(p, -EINVAL, "loadtrack's PELT program needs the task's TID");
	asm_stx(p, BPF_DW, FP, R1, PELT_CTX);
	asm_comment(p, "args[0]: struct sched_entity *");
	asm_ldx(p, BPF_DW, R6, R1, 0);
	asm_comment(p, "record on the stack, zeroed");
	for (int off = REC_STACK; off < REC_STACK + (int)sizeof(struct lt_rec); off += 8)
		asm_st(p, BPF_DW, FP, (int16_t)off, 0);
	if (pelt_se_task(p, ctx, R1))
		return 0;
	pelt_read_avg(p, ctx, R6, "sched_entity.avg");
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_stx(p, BPF_DW, FP, R0, REC(ts_ns));
	asm_st(p, BPF_W, FP, REC(kind), (int32_t)kind);
	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_stx(p, BPF_W, FP, R0, REC(cpu));
	put(p, ctx, "sched_avg.last_update_time", REC(last_update_time), BPF_DW);
	put(p, ctx, "sched_avg.util_sum", REC(util_sum), BPF_DW);
	put(p, ctx, "sched_avg.period_contrib", REC(period_contrib), BPF_W);
	put(p, ctx, "sched_avg.util_avg", REC(util_avg), BPF_DW);
	put(p, ctx, "sched_avg.runnable_avg", REC(runnable_avg), BPF_DW);
	put(p, ctx, "sched_avg.load_avg", REC(load_avg), BPF_DW);
	pelt_util_est_stack(p, ctx);
	asm_comment(p, "util_est without its UTIL_AVG_UNCHANGED flag bit");
	asm_alu_imm(p, BPF_ALU64, BPF_AND, R1, 0x7fffffff);
	asm_stx(p, BPF_W, FP, R1, REC(util_est));
	if (pp->perfbuf)
		asm_ldx(p, BPF_DW, R6, FP, PELT_CTX);
	trace_output(p, pp->perfbuf, R6, REC_STACK, sizeof(struct lt_rec));
	asm_label(p, "out");
	asm_comment(p, "a raw tracepoint's return value is not looked at");
	asm_return(p, 0);
	return 0;
}

static int build_pelt(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return build_rec(p, ctx, LT_PELT);
}

static int build_est(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return build_rec(p, ctx, LT_EST);
}

TAP_RAW_PROGRAM(prog_lt_pelt, "tap_lt_pelt", "pelt_se_tp", trace_maps, build_pelt,
		"the task's sched_avg after each PELT update");
TAP_RAW_PROGRAM(prog_lt_est, "tap_lt_est", "sched_util_est_se_tp", trace_maps, build_est,
		"the task's sched_avg after each util_est change");
