/* schedtap inversion: the real-time side of the scheduler, streamed to
 * user space where the pairing is done: switches and wakeups that involve
 * a real-time task, futex calls of real-time tasks (their priority learnt
 * on sched_switch, kept per thread in a map) and priority-inheritance
 * changes. */
#include <errno.h>
#include <sys/syscall.h>
#include "bpf/program.h"
#include "bpf/inversion.h"

#ifdef SYS_futex_time64
#define FUTEX_NR2 SYS_futex_time64
#else
#define FUTEX_NR2 (-1)
#endif

#define KEY_OFF (TR_STACK - 8)
#define VAL_OFF (TR_STACK - 16)

static const struct tap_map_def maps[] = {
	{ "events", BPF_MAP_TYPE_RINGBUF, 0, 0, TRACE_RINGBUF_SIZE, 0 },
	{ "events_pb", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, TRACE_PERF_MAX_CPUS, 0 },
	{ "trace_lost", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
	{ "trace_last", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
	{ "inv_prio", BPF_MAP_TYPE_LRU_HASH, 4, 4, INV_PRIO_MAX_TASKS, 0 },
};

static const struct trace_params *tparams(const struct tap_build_ctx *ctx)
{
	const struct inv_params *ip = ctx->params;

	return ip ? &ip->tp : NULL;
}


static void finish(struct asm_prog *p, const struct trace_params *tp)
{
	trace_submit(p, tp);
	asm_label(p, "out");
	asm_return(p, 1);
}

static int build_switch(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct tp_format *fmt = ctx->fmt;

	trace_begin(p, NULL, INV_SWITCH);
	trace_put_switch(p, fmt);

	asm_comment(p, "inv_prio[next_pid] = next_prio (the futex program's filter)");
	asm_ldx(p, BPF_W, R1, FP, TR_STACK + TR_OFF(pid2));
	asm_stx(p, BPF_W, FP, R1, KEY_OFF);
	asm_ldx(p, BPF_W, R1, FP, TR_STACK + TR_OFF(prio2));
	asm_stx(p, BPF_W, FP, R1, VAL_OFF);
	asm_map_update(p, "inv_prio", KEY_OFF, VAL_OFF, BPF_ANY);

	trace_slice_runtime(p, "filter");
	asm_label(p, "filter");
	asm_comment(p, "only switches from or to a real-time task");
	asm_ldx(p, BPF_W, R1, FP, TR_STACK + TR_OFF(prio));
	asm_jmp_imm(p, BPF_JMP32, BPF_JSLT, R1, INV_RT_PRIO, "rt");
	asm_ldx(p, BPF_W, R1, FP, TR_STACK + TR_OFF(prio2));
	asm_jmp_imm(p, BPF_JMP32, BPF_JSGE, R1, INV_RT_PRIO, "out");
	asm_label(p, "rt");
	trace_copy_comm(p, fmt, "prev_comm", TR_OFF(comm));
	trace_copy_comm(p, fmt, "next_comm", TR_OFF(comm2));
	finish(p, tparams(ctx));
	return 0;
}

static int build_wakeup(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	trace_begin(p, NULL, INV_WAKEUP);
	trace_put(p, ctx->fmt, "prio", TR_OFF(prio));
	asm_comment(p, "only real-time tasks");
	asm_jmp_imm(p, BPF_JMP32, BPF_JSGE, R1, INV_RT_PRIO, "out");
	trace_put(p, ctx->fmt, "pid", TR_OFF(pid));
	trace_put(p, ctx->fmt, "target_cpu", TR_OFF(arg));
	trace_copy_comm(p, ctx->fmt, "comm", TR_OFF(comm));
	finish(p, tparams(ctx));
	return 0;
}

/* The current task: tid, tgid, comm; its priority from inv_prio, or out
 * when it is not a real-time task. */
static void futex_current(struct asm_prog *p)
{
	asm_call(p, BPF_FUNC_get_current_pid_tgid);
	asm_stx(p, BPF_W, FP, R0, TR_STACK + TR_OFF(pid));
	asm_stx(p, BPF_W, FP, R0, KEY_OFF);
	asm_alu_imm(p, BPF_ALU64, BPF_RSH, R0, 32);
	asm_stx(p, BPF_W, FP, R0, TR_STACK + TR_OFF(pid2));
	asm_comment(p, "only threads last switched in with a real-time priority");
	asm_map_lookup(p, "inv_prio", KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_ldx(p, BPF_W, R1, R0, 0);
	asm_jmp_imm(p, BPF_JMP32, BPF_JSGE, R1, INV_RT_PRIO, "out");
	asm_stx(p, BPF_W, FP, R1, TR_STACK + TR_OFF(prio));
	asm_mov64_reg(p, R1, FP);
	asm_add64_imm(p, R1, TR_STACK + TR_OFF(comm));
	asm_mov64_imm(p, R2, TRACE_COMM_LEN);
	asm_call(p, BPF_FUNC_get_current_comm);
}

static int build_futex(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct tp_format *fmt = ctx->fmt;

	trace_begin(p, NULL, INV_FUTEX);
	if (!tracefs_field(fmt, "uaddr")) {
		const struct tp_field *args = tracefs_field(fmt, "args");
		const struct tp_field *id = tracefs_field(fmt, "id");
		unsigned w = args ? args->size / 6 : 0;
		int sz = w == 8 ? BPF_DW : BPF_W;

		if (!args || !id || (w != 4 && w != 8) || (id->size != 4 && id->size != 8))
			return asm_error(p, -EINVAL, "raw_syscalls:sys_enter: unexpected args/id");
		asm_comment(p, "futex calls only (raw_syscalls: nr %d, %d)", (int)SYS_futex,
			    (int)FUTEX_NR2);
		asm_ldx(p, id->size == 8 ? BPF_DW : BPF_W, R1, R6, (int16_t)id->offset);
		asm_jeq_imm(p, R1, SYS_futex, "futex");
		if (FUTEX_NR2 >= 0)
			asm_jeq_imm(p, R1, FUTEX_NR2, "futex");
		asm_ja(p, "out");
		asm_label(p, "futex");
		asm_comment(p, "args[0] uaddr, args[1] op");
		asm_ldx(p, sz, R1, R6, (int16_t)args->offset);
		asm_stx(p, BPF_DW, FP, R1, TR_STACK + TR_OFF(state));
		asm_ldx(p, sz, R1, R6, (int16_t)(args->offset + w));
		asm_stx(p, BPF_W, FP, R1, TR_STACK + TR_OFF(arg));
	} else {
		tp_ld_field(p, fmt, R1, R6, "uaddr");
		asm_stx(p, BPF_DW, FP, R1, TR_STACK + TR_OFF(state));
		tp_ld_field(p, fmt, R1, R6, "op");
		asm_stx(p, BPF_W, FP, R1, TR_STACK + TR_OFF(arg));
	}
	futex_current(p);
	finish(p, tparams(ctx));
	return 0;
}

static int build_pi(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	trace_begin(p, NULL, INV_PI);
	trace_put(p, ctx->fmt, "pid", TR_OFF(pid));
	trace_put(p, ctx->fmt, "oldprio", TR_OFF(arg));
	trace_put(p, ctx->fmt, "newprio", TR_OFF(arg2));
	trace_copy_comm(p, ctx->fmt, "comm", TR_OFF(comm));
	asm_call(p, BPF_FUNC_get_current_pid_tgid);
	asm_stx(p, BPF_W, FP, R0, TR_STACK + TR_OFF(pid2));
	asm_mov64_reg(p, R1, FP);
	asm_add64_imm(p, R1, TR_STACK + TR_OFF(comm2));
	asm_mov64_imm(p, R2, TRACE_COMM_LEN);
	asm_call(p, BPF_FUNC_get_current_comm);
	finish(p, tparams(ctx));
	return 0;
}

TAP_PROGRAM(prog_inv_switch, "tap_inv_sw", "sched", "sched_switch", maps, build_switch,
	    "switches from or to real-time tasks; learns priorities");
TAP_PROGRAM(prog_inv_wakeup, "tap_inv_wake", "sched", "sched_wakeup", maps, build_wakeup,
	    "wakeups of real-time tasks");
TAP_PROGRAM(prog_inv_futex, "tap_inv_futex", "syscalls", "sys_enter_futex", maps, build_futex,
	    "futex calls of real-time threads");
/* 32-bit kernels name the old futex (its timeout in a 32-bit time_t,
 * what C libraries still call when there is no timeout) futex_time32. */
TAP_PROGRAM(prog_inv_futex32, "tap_inv_futex32", "syscalls", "sys_enter_futex_time32", maps, build_futex,
	    "32-bit-time futex calls of real-time threads");
TAP_PROGRAM(prog_inv_futex_raw, "tap_inv_futexr", "raw_syscalls", "sys_enter", maps, build_futex,
	    "futex calls of real-time threads (raw_syscalls)");
TAP_PROGRAM(prog_inv_pi, "tap_inv_pi", "sched", "sched_pi_setprio", maps, build_pi,
	    "priority-inheritance changes");
