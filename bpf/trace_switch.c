/* schedtap trace, sched_switch: one record per switch, with how long
 * prev ran (time since the previous switch on this CPU). */
#include "bpf/program.h"
#include "bpf/trace.h"

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct trace_params *tp = ctx->params;
	const struct tp_format *fmt = ctx->fmt;

	trace_begin(p, tp, TRACE_SWITCH);
	trace_put_switch(p, fmt);
	trace_copy_comm(p, fmt, "prev_comm", TR_OFF(comm));
	trace_copy_comm(p, fmt, "next_comm", TR_OFF(comm2));
	trace_slice_runtime(p, "filter");
	asm_label(p, "filter");
	trace_filter(p, tp, "out");
	trace_submit(p, tp);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_trace_switch, "tap_trace_sw", "sched", "sched_switch", trace_maps, build,
	    "one record per context switch");
