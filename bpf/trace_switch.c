/* schedtap trace, sched_switch: one record per switch, with how long
 * prev ran (time since the previous switch on this CPU). */
#include "program.h"
#include "trace.h"

static const char *const fields[] = {
	"prev_comm", "prev_pid", "prev_prio", "prev_state",
	"next_comm", "next_pid", "next_prio", NULL
};

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct trace_params *tp = ctx->params;
	const struct tp_format *fmt = ctx->fmt;

	trace_begin(p, tp, TRACE_SWITCH);
	asm_ld_field_sx(p, fmt, R1, R6, "prev_pid");
	asm_stx(p, BPF_W, FP, R1, TR_STACK + TR_OFF(pid));
	asm_ld_field_sx(p, fmt, R1, R6, "prev_prio");
	asm_stx(p, BPF_W, FP, R1, TR_STACK + TR_OFF(prio));
	asm_ld_field(p, fmt, R1, R6, "prev_state");
	asm_stx(p, BPF_DW, FP, R1, TR_STACK + TR_OFF(state));
	asm_ld_field_sx(p, fmt, R1, R6, "next_pid");
	asm_stx(p, BPF_W, FP, R1, TR_STACK + TR_OFF(pid2));
	asm_ld_field_sx(p, fmt, R1, R6, "next_prio");
	asm_stx(p, BPF_W, FP, R1, TR_STACK + TR_OFF(prio2));
	trace_copy_comm(p, fmt, "prev_comm", TR_OFF(comm));
	trace_copy_comm(p, fmt, "next_comm", TR_OFF(comm2));

	asm_comment(p, "runtime = now - this CPU's previous switch; then remember now");
	asm_map_lookup_slot0(p, "trace_last", TR_STACK - 4, "filter");
	asm_ldx(p, BPF_DW, R1, R0, 0);
	asm_stx(p, BPF_DW, R0, R7, 0);
	asm_jeq_imm(p, R1, 0, "filter");
	asm_mov64_reg(p, R2, R7);
	asm_sub64_reg(p, R2, R1);
	asm_stx(p, BPF_DW, FP, R2, TR_STACK + TR_OFF(runtime_ns));
	asm_label(p, "filter");
	trace_filter(p, tp, "out");
	trace_submit(p, tp);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

const struct tap_prog_def prog_trace_switch = {
	.name = "tap_trace_sw",
	.summary = "one record per context switch",
	.tp_system = "sched",
	.tp_event = "sched_switch",
	.fields = fields,
	.maps = trace_maps,
	.nmaps = 4,
	.build = build,
};
