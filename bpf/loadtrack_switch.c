/* schedtap loadtrack, sched_switch: a record each time the task (-p, a
 * TID compiled in) goes on or off a CPU: its running time, exactly. */
#include <errno.h>
#include "bpf/event_fields.h"
#include "bpf/loadtrack.h"
#include "bpf/pelt.h"
#include "bpf/trace.h"

#define REC_STACK (-8 - (int)sizeof(struct lt_rec))

static void emit(struct asm_prog *p, const struct pelt_params *pp, uint32_t kind)
{
	asm_comment(p, "record on the stack, zeroed: time, kind, CPU");
	for (int off = REC_STACK; off < -8; off += 8)
		asm_st(p, BPF_DW, FP, (int16_t)off, 0);
	asm_stx(p, BPF_DW, FP, R7, (int16_t)(REC_STACK + LT_REC_OFF(ts_ns)));
	asm_st(p, BPF_W, FP, (int16_t)(REC_STACK + LT_REC_OFF(kind)), (int32_t)kind);
	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_stx(p, BPF_W, FP, R0, (int16_t)(REC_STACK + LT_REC_OFF(cpu)));
	trace_output(p, pp->perfbuf, R6, REC_STACK, sizeof(struct lt_rec));
}

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct pelt_params *pp = ctx->params;

	if (!pp || pp->pid <= 0)
		return asm_error(p, -EINVAL, "loadtrack's switch program needs the task's TID");
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	ev_ld(p, ctx, R1, R6, "prev_pid");
	asm_jne_imm(p, R1, (int32_t)pp->pid, "not_prev");
	emit(p, pp, LT_OUT);
	asm_label(p, "not_prev");
	ev_ld(p, ctx, R1, R6, "next_pid");
	asm_jne_imm(p, R1, (int32_t)pp->pid, "out");
	emit(p, pp, LT_IN);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_lt_switch, "tap_lt_switch", "sched", "sched_switch", trace_maps, build,
	    "the task on and off a CPU: its running time");
TAP_BTF_PROGRAM(prog_lt_switch_btf, "tap_lt_switch", "sched_switch", trace_maps, build,
		"the task on and off a CPU: its running time (tp_btf)");
