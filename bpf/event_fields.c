#include <errno.h>
#include <string.h>
#include "bpf/event_fields.h"
#include "bpf/fields.h"
#include "bpf/kfields.h"
#include "tracefs/sched_state.h"

/* Where each field named by the tracepoints' formats is among a tp_btf
 * program's arguments: in the task_struct of the nth task argument, or
 * (member NULL) the argument `after` places past that task. */
static const struct btf_ev_field {
	const char *tp, *name;
	int task;
	const char *member;
	int after;
} btf_fields[] = {
	{ "sched_switch", "prev_pid", 0, "task_struct.pid", 0 },
	{ "sched_switch", "prev_prio", 0, "task_struct.prio", 0 },
	{ "sched_switch", "prev_comm", 0, "task_struct.comm", 0 },
	{ "sched_switch", "next_pid", 1, "task_struct.pid", 0 },
	{ "sched_switch", "next_prio", 1, "task_struct.prio", 0 },
	{ "sched_switch", "next_comm", 1, "task_struct.comm", 0 },
	{ "sched_wakeup", "pid", 0, "task_struct.pid", 0 },
	{ "sched_wakeup", "prio", 0, "task_struct.prio", 0 },
	{ "sched_wakeup", "comm", 0, "task_struct.comm", 0 },
	{ "sched_wakeup_new", "pid", 0, "task_struct.pid", 0 },
	{ "sched_wakeup_new", "prio", 0, "task_struct.prio", 0 },
	{ "sched_wakeup_new", "comm", 0, "task_struct.comm", 0 },
	{ "sched_stat_runtime", "pid", 0, "task_struct.pid", 0 },
	{ "sched_stat_runtime", "comm", 0, "task_struct.comm", 0 },
	{ "sched_stat_runtime", "runtime", 0, NULL, 1 },
};

/* The index of the nth argument of type struct task_struct *, or -1. */
static int task_arg(const struct tap_build_ctx *ctx, int nth)
{
	char args[4][48];
	int n = ctx->ko ? koff_tp_args(ctx->ko, ctx->btf_tp, args, 4) : -1;

	for (int i = 0; i < n && i < 4; i++)
		if (!strcmp(args[i], "struct task_struct *") && nth-- == 0)
			return i;
	return -1;
}

/* dst = the argument `after` places past the nth task argument; what
 * says what it is, for --dump. 0, or -ENOENT after an assembler error. */
static int ld_task_arg(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst,
		       int ctx_reg, int nth, int after, const char *what)
{
	int arg = task_arg(ctx, nth);

	if (arg < 0)
		return asm_error(p, -ENOENT, "%s: no task argument %d in the BTF", ctx->btf_tp,
				 nth);
	arg += after;
	asm_comment(p, "r%d = %s's argument %d (%s)", dst, ctx->btf_tp, arg, what);
	asm_ldx(p, BPF_DW, dst, ctx_reg, (int16_t)(8 * arg));
	return 0;
}

int ev_task(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int ctx_reg, int nth)
{
	return ld_task_arg(p, ctx, dst, ctx_reg, nth, 0, "a task");
}

/* dst = the argument holding the field (a task, or the scalar itself);
 * the field's entry, or NULL after an assembler error. */
static const struct btf_ev_field *ld_arg(struct asm_prog *p, const struct tap_build_ctx *ctx,
					 int dst, int ctx_reg, const char *name)
{
	for (size_t i = 0; i < sizeof(btf_fields) / sizeof(btf_fields[0]); i++) {
		const struct btf_ev_field *f = &btf_fields[i];

		if (strcmp(f->tp, ctx->btf_tp) || strcmp(f->name, name))
			continue;
		return ld_task_arg(p, ctx, dst, ctx_reg, f->task, f->after,
				   f->member ? "a task" : name) ? NULL : f;
	}
	return asm_error(p, -ENOENT, "%s: field %s not known on tp_btf", ctx->btf_tp, name), NULL;
}

void ev_ld(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int ctx_reg,
	   const char *name)
{
	const struct btf_ev_field *f;

	if (!ctx->btf_tp) {
		tp_ld_field(p, ctx->fmt, dst, ctx_reg, name);
		return;
	}
	f = ld_arg(p, ctx, dst, ctx_reg, name);
	if (f && f->member)
		k_ld_direct(p, ctx, dst, dst, f->member);
}

void ev_copy(struct asm_prog *p, const struct tap_build_ctx *ctx, int base, int16_t off,
	     int ctx_reg, const char *name, int tmp, unsigned max)
{
	const struct btf_ev_field *f;
	struct koff_field kf;

	if (!ctx->btf_tp) {
		tp_copy_field(p, ctx->fmt, base, off, ctx_reg, name, tmp, max);
		return;
	}
	f = ld_arg(p, ctx, tmp, ctx_reg, name);
	if (!f || !f->member || !k_field(p, ctx, f->member, &kf))
		return;
	if (kf.f.size < max)
		max = kf.f.size;
	if (max % 8 || kf.f.offset > INT16_MAX - max) {
		asm_error(p, -EINVAL, "%s: %u bytes at +%u, not copied in words", f->member,
			  kf.f.size, kf.f.offset);
		return;
	}
	asm_comment(p, "%s: %u bytes at +%u (BTF)", f->member, max, kf.f.offset);
	for (unsigned i = 0; i < max; i += 8) {
		asm_ldx(p, BPF_DW, R0, tmp, (int16_t)(kf.f.offset + i));
		asm_stx(p, BPF_DW, base, R0, (int16_t)(off + (int)i));
	}
}

static void prev_asleep_btf(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const char *done = asm_new_label(p, "state_read");
	int preempt = k_tp_arg(ctx, ctx->btf_tp, "_Bool");
	int state = k_tp_arg(ctx, ctx->btf_tp, "unsigned int");

	if (preempt < 0)
		preempt = k_tp_arg(ctx, ctx->btf_tp, "bool");
	if (preempt < 0) {
		asm_error(p, -ENOENT, "%s: no bool (preempt) argument in the BTF", ctx->btf_tp);
		return;
	}
	asm_comment(p, "prev asleep unless preempted (argument %d) or in state 0 (R)", preempt);
	asm_ldx(p, BPF_DW, R2, R6, (int16_t)(8 * preempt));
	asm_mov64_imm(p, R1, 0);
	asm_jne_imm(p, R2, 0, done);
	if (state >= 0) {
		asm_comment(p, "r1 = prev_state (argument %d)", state);
		asm_ldx(p, BPF_DW, R1, R6, (int16_t)(8 * state));
	} else {
		asm_comment(p, "r1 = prev's own state (no prev_state argument before 5.18)");
		ev_task(p, ctx, R1, R6, 0);
		k_ld_direct(p, ctx, R1, R1,
			    k_has(ctx, "task_struct.__state") ? "task_struct.__state"
							      : "task_struct.state");
	}
	asm_label(p, done);
}

void ev_prev_asleep(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	struct sched_state st;

	if (ctx->btf_tp) {
		prev_asleep_btf(p, ctx);
		return;
	}
	if (sched_state_decode(ctx->fmt, &st))
		asm_comment(p, "prev_state print fmt not understood: "
			    "any state bit but the preemption marker means asleep");
	asm_comment(p, "prev asleep unless no sleep bit is set (R, R+); bits from the print fmt");
	tp_ld_field(p, ctx->fmt, R1, R6, "prev_state");
	asm_ld_imm64(p, R2, st.sleep_mask & ~st.preempt_bit);
	asm_alu_reg(p, BPF_ALU64, BPF_AND, R1, R2);
}
