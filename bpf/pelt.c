/* schedtap pelt: programs on the scheduler's bare PELT tracepoints (no
 * tracefs event: sched_tp's module turns them into events; these read the
 * same structs with probe_read_kernel at offsets from BTF or an offsets
 * file). Each hit updates one map slot: per CPU for run queues, per task
 * for entities; the event stream is left to trace. */
#include <errno.h>
#include <stddef.h>
#include "bpf/kfields.h"
#include "bpf/pelt.h"

#define KEY_OFF PELT_KEY_OFF
#define TMP8 PELT_TMP8
#define AVG_OFF PELT_AVG_OFF
#define TASK_VAL (AVG_OFF - (int)sizeof(struct pelt_task))

static const struct tap_map_def maps[] = {
	PELT_CPU_MAP, PELT_RQS_MAP, PELT_TASKS_MAP, PELT_RD_MAP, PELT_GROUPS_MAP,
};

static void finish(struct asm_prog *p)
{
	asm_label(p, "out");
	asm_comment(p, "a raw tracepoint's return value is not looked at");
	asm_return(p, 0);
}

/* The four averages of the sched_avg read to AVG_OFF into the struct at
 * r9: util, load and runnable (unsigned longs) and util_est. */
static void store_avg(struct asm_prog *p, const struct tap_build_ctx *ctx, int16_t util,
		      int16_t load, int16_t runnable, int16_t est)
{
	k_ld_stack(p, ctx, R1, AVG_OFF, "sched_avg.util_avg");
	asm_stx(p, BPF_DW, R9, R1, util);
	k_ld_stack(p, ctx, R1, AVG_OFF, "sched_avg.load_avg");
	asm_stx(p, BPF_DW, R9, R1, load);
	k_ld_stack(p, ctx, R1, AVG_OFF, "sched_avg.runnable_avg");
	asm_stx(p, BPF_DW, R9, R1, runnable);
	pelt_util_est_stack(p, ctx);
	asm_stx(p, BPF_W, R9, R1, est);
}

/* -g: a task group's run queue (r8 = its CPU | PELT_RQ_GROUP) into
 * pelt_groups under (cgroup id, CPU); a group with no id is left out. */
static void group_rq(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const int16_t key = PELT_GROUP_KEY;

	asm_label(p, "group");
	asm_ldx(p, BPF_DW, R1, FP, (int16_t)(PELT_RQ_VAL + offsetof(struct pelt_rq, cgroup)));
	asm_jeq_imm(p, R1, 0, "out");
	asm_stx(p, BPF_DW, FP, R1, (int16_t)(key + offsetof(struct pelt_group_key, cgroup)));
	asm_alu_imm(p, BPF_ALU, BPF_AND, R8, (int32_t)~PELT_RQ_GROUP);
	asm_stx(p, BPF_W, FP, R8, (int16_t)(key + offsetof(struct pelt_group_key, cpu)));
	asm_st(p, BPF_W, FP, (int16_t)(key + offsetof(struct pelt_group_key, pad)), 0);
	pelt_read_avg(p, ctx, R6, "cfs_rq.avg");
	asm_map_lookup_or_init(p, "pelt_groups", key, TASK_VAL, sizeof(struct pelt_task), "out");
	asm_mov64_reg(p, R9, R0);
	store_avg(p, ctx, PELT_TASK_OFF(util_avg), PELT_TASK_OFF(load_avg),
		  PELT_TASK_OFF(runnable_avg), PELT_TASK_OFF(util_est));
	asm_stx(p, BPF_W, R9, R8, PELT_TASK_OFF(cpu));
	asm_inc_u64(p, R9, PELT_TASK_OFF(updates), R1, 0);
	asm_ja(p, "out");
}

static int build_cfs(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct pelt_params *pp = ctx->params;
	int groups = pp && pp->groups;

	asm_comment(p, "args[0]: struct cfs_rq *");
	asm_ldx(p, BPF_DW, R6, R1, 0);
	pelt_cfs_rq_cpu(p, ctx);
	if (groups) {
		asm_comment(p, "-g: a task group's run queue");
		asm_jmp_imm(p, BPF_JMP32, BPF_JSET, R8, (int32_t)PELT_RQ_GROUP, "group");
	}
	asm_comment(p, "a CPU's root run queue (a group's is past the bound)");
	asm_jmp_imm(p, BPF_JMP32, BPF_JGE, R8, PELT_MAX_CPUS, "out");
	pelt_read_avg(p, ctx, R6, "cfs_rq.avg");
	pelt_cpu_slot(p);
	store_avg(p, ctx, PELT_CPU_OFF(util_avg), PELT_CPU_OFF(load_avg),
		  PELT_CPU_OFF(runnable_avg), PELT_CPU_OFF(util_est));
	pelt_mark_seen(p, PELT_SEEN_CFS | PELT_SEEN_EST);
	if (groups) {
		asm_ja(p, "out");
		group_rq(p, ctx);
	}
	finish(p);
	return 0;
}

/* A struct rq * tracepoint: one scalar of the rq into a CPU's slot. */
static int rq_scalar(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *path,
		     int16_t slot_off, int dw, uint32_t bit)
{
	asm_comment(p, "args[0]: struct rq *");
	asm_ldx(p, BPF_DW, R7, R1, 0);
	pelt_rq_cpu(p, ctx);
	k_ld(p, ctx, R6, TMP8, R7, path);
	pelt_cpu_slot(p);
	asm_stx(p, dw ? BPF_DW : BPF_W, R9, R6, slot_off);
	pelt_mark_seen(p, bit);
	finish(p);
	return 0;
}

static int build_rt(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_scalar(p, ctx, "rq.avg_rt.util_avg", PELT_CPU_OFF(rt_util), 1, PELT_SEEN_RT);
}

static int build_dl(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_scalar(p, ctx, "rq.avg_dl.util_avg", PELT_CPU_OFF(dl_util), 1, PELT_SEEN_DL);
}

static int build_irq(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_scalar(p, ctx, "rq.avg_irq.util_avg", PELT_CPU_OFF(irq_util), 1,
			 PELT_SEEN_IRQ);
}

static int build_capacity(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_scalar(p, ctx, "rq.cpu_capacity", PELT_CPU_OFF(capacity), 1, PELT_SEEN_CAP);
}

static int build_nr_running(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_scalar(p, ctx, "rq.nr_running", PELT_CPU_OFF(nr_running), 0, PELT_SEEN_NR);
}

/* (struct root_domain *, bool): the flag's place comes from BTF or the
 * offsets file (older kernels had the arguments the other way round). */
static int build_overutilized(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	int arg = pelt_overutilized_arg(p, ctx);

	if (arg < 0)
		return 0;
	asm_comment(p, "args[%d]: bool overutilized", arg);
	asm_ldx(p, BPF_DW, R6, R1, (int16_t)(8 * arg));
	asm_st(p, BPF_W, FP, KEY_OFF, 0);
	asm_map_lookup(p, "pelt_rd", KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_alu_imm(p, BPF_ALU64, BPF_AND, R6, 1);
	asm_stx(p, BPF_W, R0, R6, (int16_t)offsetof(struct pelt_rd, overutilized));
	asm_st(p, BPF_W, R0, (int16_t)offsetof(struct pelt_rd, seen), 1);
	finish(p);
	return 0;
}

/* A task's entity (my_q NULL: it runs no group's queue): its averages
 * under its TID. */
static int build_se(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_comment(p, "args[0]: struct sched_entity *");
	asm_ldx(p, BPF_DW, R6, R1, 0);
	if (pelt_se_task(p, ctx, R8))
		return 0;
	pelt_read_avg(p, ctx, R6, "sched_entity.avg");
	asm_stx(p, BPF_W, FP, R8, KEY_OFF);
	asm_map_lookup_or_init(p, "pelt_tasks", KEY_OFF, TASK_VAL, sizeof(struct pelt_task),
			       "out");
	asm_mov64_reg(p, R9, R0);
	store_avg(p, ctx, PELT_TASK_OFF(util_avg), PELT_TASK_OFF(load_avg),
		  PELT_TASK_OFF(runnable_avg), PELT_TASK_OFF(util_est));
	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_stx(p, BPF_W, R9, R0, PELT_TASK_OFF(cpu));
	asm_inc_u64(p, R9, PELT_TASK_OFF(updates), R1, 0);
	finish(p);
	return 0;
}

/* A task's util_est, into its entry if it has one (pelt_se_tp made it). */
static int build_est_se(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	struct koff_field se;

	asm_comment(p, "args[0]: struct sched_entity *");
	asm_ldx(p, BPF_DW, R6, R1, 0);
	if (!k_field(p, ctx, "task_struct.se", &se))
		return 0;
	asm_mov64_reg(p, R7, R6);
	asm_add64_imm(p, R7, -(int32_t)se.f.offset);
	k_ld(p, ctx, R8, TMP8, R7, "task_struct.pid");
	asm_stx(p, BPF_W, FP, R8, KEY_OFF);
	asm_map_lookup(p, "pelt_tasks", KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_mov64_reg(p, R9, R0);
	pelt_util_est(p, ctx, "sched_entity.avg");
	asm_stx(p, BPF_W, R9, R1, PELT_TASK_OFF(util_est));
	finish(p);
	return 0;
}

TAP_RAW_PROGRAM(prog_pelt_cfs, "tap_pelt_cfs", "pelt_cfs_tp", maps, build_cfs,
		"per CPU: the root CFS run queue's util, load, runnable, util_est");
TAP_RAW_PROGRAM(prog_pelt_rt, "tap_pelt_rt", "pelt_rt_tp", maps, build_rt,
		"per CPU: RT utilization");
TAP_RAW_PROGRAM(prog_pelt_dl, "tap_pelt_dl", "pelt_dl_tp", maps, build_dl,
		"per CPU: deadline utilization");
TAP_RAW_PROGRAM(prog_pelt_irq, "tap_pelt_irq", "pelt_irq_tp", maps, build_irq,
		"per CPU: IRQ utilization");
TAP_RAW_PROGRAM(prog_pelt_cap, "tap_pelt_cap", "sched_cpu_capacity_tp", maps, build_capacity,
		"per CPU: capacity");
TAP_RAW_PROGRAM(prog_pelt_nr, "tap_pelt_nr", "sched_update_nr_running_tp", maps,
		build_nr_running, "per CPU: runnable tasks");
TAP_RAW_PROGRAM(prog_pelt_ovu, "tap_pelt_ovu", "sched_overutilized_tp", maps,
		build_overutilized, "the root domain's overutilized flag");
TAP_RAW_PROGRAM(prog_pelt_se, "tap_pelt_se", "pelt_se_tp", maps, build_se,
		"per task: its entity's util, load, runnable, util_est");
TAP_RAW_PROGRAM(prog_pelt_est_se, "tap_pelt_ese", "sched_util_est_se_tp", maps, build_est_se,
		"per task: its util_est");
