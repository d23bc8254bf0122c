/* What the PELT programs (bpf/pelt.c, pelt_events.c, pelt_module.c) share:
 * a CPU's slot, the CPU of a run queue, a sched_avg's util_est on either
 * layout. */
#include <errno.h>
#include <stddef.h>
#include "bpf/kfields.h"
#include "bpf/pelt.h"

void pelt_rec_begin(struct asm_prog *p, uint32_t kind)
{
	const int end = PELT_REC_STACK + (int)sizeof(struct pelt_rec);

	asm_comment(p, "record on the stack, zeroed");
	for (int off = PELT_REC_STACK; off < end; off += 8)
		asm_st(p, BPF_DW, FP, (int16_t)off, 0);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_stx(p, BPF_DW, FP, R0, (int16_t)(PELT_REC_STACK + PELT_REC_OFF(ts_ns)));
	asm_st(p, BPF_W, FP, (int16_t)(PELT_REC_STACK + PELT_REC_OFF(kind)), (int32_t)kind);
}

void pelt_cpu_slot(struct asm_prog *p)
{
	asm_stx(p, BPF_W, FP, R8, PELT_KEY_OFF);
	asm_map_lookup(p, "pelt_cpu", PELT_KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_mov64_reg(p, R9, R0);
}

void pelt_mark_seen(struct asm_prog *p, uint32_t bit)
{
	asm_ldx(p, BPF_W, R1, R9, PELT_CPU_OFF(seen));
	asm_alu_imm(p, BPF_ALU64, BPF_OR, R1, (int32_t)bit);
	asm_stx(p, BPF_W, R9, R1, PELT_CPU_OFF(seen));
}

void pelt_rq_cpu(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	k_ld(p, ctx, R8, PELT_TMP8, R7, "rq.cpu");
	asm_jmp_imm(p, BPF_JMP32, BPF_JGE, R8, PELT_MAX_CPUS, "out");
}

/* -g: fp[PELT_RQ_VAL].cgroup = the cgroup id of the task group of the
 * cfs_rq in r6 (0 when a pointer on the way is NULL). Clobbers r0-r5, r7. */
static void learn_cgroup(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const int16_t cg = (int16_t)(PELT_RQ_VAL + offsetof(struct pelt_rq, cgroup));

	asm_comment(p, "-g: the group's cgroup id, cfs_rq->tg->css.cgroup->kn->id");
	asm_st(p, BPF_DW, FP, cg, 0);
	k_ld(p, ctx, R7, PELT_TMP8, R6, "cfs_rq.tg");
	asm_jeq_imm(p, R7, 0, "cgroup_done");
	k_ld_inner(p, ctx, R7, PELT_TMP8, R7, "task_group.css", "cgroup_subsys_state.cgroup");
	asm_jeq_imm(p, R7, 0, "cgroup_done");
	k_ld(p, ctx, R7, PELT_TMP8, R7, "cgroup.kn");
	asm_jeq_imm(p, R7, 0, "cgroup_done");
	k_ld(p, ctx, R1, PELT_TMP8, R7, "kernfs_node.id");
	asm_stx(p, BPF_DW, FP, R1, cg);
	asm_label(p, "cgroup_done");
}

/* Most hits cost a lookup instead of reads: a cfs_rq's CPU and group
 * never change while it exists, and a freed one's pointer ages out of
 * the LRU. */
void pelt_cfs_rq_cpu(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct pelt_params *pp = ctx->params;
	int groups = pp && pp->groups;
	struct koff_field cfs;

	asm_stx(p, BPF_DW, FP, R6, PELT_PTR_KEY);
	asm_map_lookup(p, "pelt_rqs", PELT_PTR_KEY);
	asm_jeq_imm(p, R0, 0, "learn");
	asm_ldx(p, BPF_W, R8, R0, (int16_t)offsetof(struct pelt_rq, cpu));
	if (groups) {
		asm_ldx(p, BPF_DW, R1, R0, (int16_t)offsetof(struct pelt_rq, cgroup));
		asm_stx(p, BPF_DW, FP, R1, (int16_t)(PELT_RQ_VAL + offsetof(struct pelt_rq, cgroup)));
	}
	asm_ja(p, "known");
	asm_label(p, "learn");
	if (!k_field(p, ctx, "rq.cfs", &cfs))
		return;
	if (k_has(ctx, "cfs_rq.rq")) {
		asm_comment(p, "task groups: the cfs_rq points at its rq");
		k_ld(p, ctx, R7, PELT_TMP8, R6, "cfs_rq.rq");
	} else {
		asm_comment(p, "no task groups: the cfs_rq is the one inside its rq");
		asm_mov64_reg(p, R7, R6);
		asm_add64_imm(p, R7, -(int32_t)cfs.f.offset);
	}
	k_ld(p, ctx, R8, PELT_TMP8, R7, "rq.cpu");
	asm_comment(p, "a CPU's root run queue is &rq->cfs; others are a group's");
	asm_mov64_reg(p, R1, R7);
	asm_add64_imm(p, R1, (int32_t)cfs.f.offset);
	asm_jmp_reg(p, BPF_JMP, BPF_JEQ, R1, R6, "remember");
	asm_alu_imm(p, BPF_ALU, BPF_OR, R8, (int32_t)PELT_RQ_GROUP);
	asm_label(p, "remember");
	asm_stx(p, BPF_DW, FP, R8, PELT_RQ_VAL);
	if (groups)
		learn_cgroup(p, ctx);
	else
		asm_st(p, BPF_DW, FP, (int16_t)(PELT_RQ_VAL + 8), 0);
	asm_map_update(p, "pelt_rqs", PELT_PTR_KEY, PELT_RQ_VAL, BPF_ANY);
	asm_label(p, "known");
}

void pelt_read_avg(struct asm_prog *p, const struct tap_build_ctx *ctx, int ptr_reg,
		   const char *path)
{
	struct koff_field f;

	if (!k_field(p, ctx, path, &f))
		return;
	if (f.f.size > PELT_AVG_MAX) {
		asm_error(p, -E2BIG, "%s: %u bytes, more than the %u the stack holds", path,
			  f.f.size, PELT_AVG_MAX);
		return;
	}
	k_read(p, ctx, PELT_AVG_OFF, ptr_reg, path);
}

int pelt_overutilized_arg(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	int arg = k_tp_arg(ctx, "sched_overutilized_tp", "_Bool");

	if (arg < 0)
		arg = k_tp_arg(ctx, "sched_overutilized_tp", "bool");
	if (arg < 0)
		asm_error(p, -ENOENT, "sched_overutilized_tp: no bool argument");
	return arg;
}

int pelt_se_task(struct asm_prog *p, const struct tap_build_ctx *ctx, int pid_reg)
{
	const struct pelt_params *pp = ctx->params;
	struct koff_field se;

	if (k_has(ctx, "sched_entity.my_q")) {
		k_ld(p, ctx, R1, PELT_TMP8, R6, "sched_entity.my_q");
		asm_comment(p, "a group's entity: not a task");
		asm_jne_imm(p, R1, 0, "out");
	}
	if (!k_field(p, ctx, "task_struct.se", &se))
		return -ENOENT;
	asm_comment(p, "the task: se - offsetof(task_struct, se)");
	asm_mov64_reg(p, R7, R6);
	asm_add64_imm(p, R7, -(int32_t)se.f.offset);
	k_ld(p, ctx, pid_reg, PELT_TMP8, R7, "task_struct.pid");
	asm_jeq_imm(p, pid_reg, 0, "out");
	if (pp && pp->pid >= 0) {
		asm_comment(p, "-p %ld", pp->pid);
		asm_jne_imm(p, pid_reg, (int32_t)pp->pid, "out");
	}
	return 0;
}

/* UTIL_AVG_UNCHANGED, a #define BTF cannot tell: the top bit of a u32
 * util_est (6.8 on) is a flag, as /proc/PID/sched masks it off. */
static void mask_flag(struct asm_prog *p)
{
	asm_comment(p, "util_est: the top bit is the UTIL_AVG_UNCHANGED flag");
	asm_alu_imm(p, BPF_ALU64, BPF_AND, R1, 0x7fffffff);
}

void pelt_util_est(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *avg_path)
{
	if (k_has(ctx, "sched_avg.util_est.enqueued")) {
		k_ld_inner(p, ctx, R1, PELT_TMP8, R6, avg_path, "sched_avg.util_est.enqueued");
		return;
	}
	k_ld_inner(p, ctx, R1, PELT_TMP8, R6, avg_path, "sched_avg.util_est");
	mask_flag(p);
}

void pelt_util_est_stack(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	if (k_has(ctx, "sched_avg.util_est.enqueued")) {
		asm_comment(p, "util_est is struct util_est (before 6.8): its enqueued value");
		k_ld_stack(p, ctx, R1, PELT_AVG_OFF, "sched_avg.util_est.enqueued");
		return;
	}
	k_ld_stack(p, ctx, R1, PELT_AVG_OFF, "sched_avg.util_est");
	mask_flag(p);
}
