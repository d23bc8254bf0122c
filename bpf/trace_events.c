/* schedtap trace -e: wakeups, new tasks' wakeups, migrations, forks and
 * exits, one record each, in the same stream as the switches. */
#include "bpf/program.h"
#include "bpf/trace.h"

static void finish(struct asm_prog *p, const struct trace_params *tp)
{
	trace_filter(p, tp, "out");
	trace_submit(p, tp);
	asm_label(p, "out");
	asm_return(p, 1);
}

static int wakeup_body(struct asm_prog *p, const struct tap_build_ctx *ctx, uint32_t kind)
{
	trace_begin(p, ctx->params, kind);
	trace_put(p, ctx->fmt, "pid", TR_OFF(pid));
	trace_put(p, ctx->fmt, "prio", TR_OFF(prio));
	trace_put(p, ctx->fmt, "target_cpu", TR_OFF(arg));
	trace_copy_comm(p, ctx->fmt, "comm", TR_OFF(comm));
	finish(p, ctx->params);
	return 0;
}

static int build_wakeup(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return wakeup_body(p, ctx, TRACE_WAKEUP);
}

static int build_wakeup_new(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return wakeup_body(p, ctx, TRACE_WAKEUP_NEW);
}

static int build_migrate(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	trace_begin(p, ctx->params, TRACE_MIGRATE);
	trace_put(p, ctx->fmt, "pid", TR_OFF(pid));
	trace_put(p, ctx->fmt, "prio", TR_OFF(prio));
	trace_put(p, ctx->fmt, "orig_cpu", TR_OFF(arg));
	trace_put(p, ctx->fmt, "dest_cpu", TR_OFF(arg2));
	trace_copy_comm(p, ctx->fmt, "comm", TR_OFF(comm));
	finish(p, ctx->params);
	return 0;
}

static int build_fork(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	trace_begin(p, ctx->params, TRACE_FORK);
	trace_put(p, ctx->fmt, "parent_pid", TR_OFF(pid));
	trace_put(p, ctx->fmt, "child_pid", TR_OFF(pid2));
	trace_copy_comm(p, ctx->fmt, "parent_comm", TR_OFF(comm));
	trace_copy_comm(p, ctx->fmt, "child_comm", TR_OFF(comm2));
	finish(p, ctx->params);
	return 0;
}

static int build_exit(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	trace_begin(p, ctx->params, TRACE_EXIT);
	trace_put(p, ctx->fmt, "pid", TR_OFF(pid));
	trace_put(p, ctx->fmt, "prio", TR_OFF(prio));
	trace_copy_comm(p, ctx->fmt, "comm", TR_OFF(comm));
	finish(p, ctx->params);
	return 0;
}

TAP_PROGRAM(prog_trace_wakeup, "tap_trace_wake", "sched", "sched_wakeup", trace_maps, build_wakeup,
	    "one record per wakeup");
TAP_PROGRAM(prog_trace_wakeup_new, "tap_trace_wnew", "sched", "sched_wakeup_new", trace_maps, build_wakeup_new,
	    "one record per new task's first wakeup");
TAP_PROGRAM(prog_trace_migrate, "tap_trace_migr", "sched", "sched_migrate_task", trace_maps, build_migrate,
	    "one record per migration");
TAP_PROGRAM(prog_trace_fork, "tap_trace_fork", "sched", "sched_process_fork", trace_maps, build_fork,
	    "one record per fork");
TAP_PROGRAM(prog_trace_exit, "tap_trace_exit", "sched", "sched_process_exit", trace_maps, build_exit,
	    "one record per exit");
