/* schedtap pelt --events: one record per hit of a bare PELT tracepoint,
 * with the fields of the sched_tp module's event of the same signal
 * (sched_pelt_cfs, sched_pelt_se, ...), into trace's ring buffer or perf
 * buffers. Run-queue records are of a CPU's root run queue (and with -g
 * of task groups'); -C and -p filter in the kernel. */
#include <errno.h>
#include <stddef.h>
#include "bpf/kfields.h"
#include "bpf/pelt.h"
#include "bpf/trace.h"

#define REC(f) ((int16_t)(PELT_REC_STACK + PELT_REC_OFF(f)))

static const struct tap_map_def maps[] = { TRACE_MAP_DEFS, PELT_RQS_MAP };

/* The record zeroed on the stack with its time and kind; r6 = args[0]
 * (the tracepoint's first pointer), ctx kept for perf_event_output. */
static void begin(struct asm_prog *p, uint32_t kind, const char *what)
{
	asm_stx(p, BPF_DW, FP, R1, PELT_CTX);
	asm_comment(p, "args[0]: %s", what);
	asm_ldx(p, BPF_DW, R6, R1, 0);
	pelt_rec_begin(p, kind);
}

/* The record's CPU is r8; -C; out to the buffer; the "out" label. */
static void submit(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct pelt_params *pp = ctx->params;

	if (pp && pp->cpu >= 0) {
		asm_comment(p, "-C %ld", pp->cpu);
		asm_jne_imm(p, R8, (int32_t)pp->cpu, "out");
	}
	asm_stx(p, BPF_W, FP, R8, REC(cpu));
	if (pp && pp->perfbuf)
		asm_ldx(p, BPF_DW, R6, FP, PELT_CTX);
	trace_output(p, pp && pp->perfbuf, R6, PELT_REC_STACK, sizeof(struct pelt_rec));
	asm_label(p, "out");
	asm_comment(p, "a raw tracepoint's return value is not looked at");
	asm_return(p, 0);
}

static void put_stack(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *path,
		      int16_t rec_off, int size)
{
	k_ld_stack(p, ctx, R1, PELT_AVG_OFF, path);
	asm_stx(p, size, FP, R1, rec_off);
}

/* The sched_avg read to PELT_AVG_OFF: what sched_tp's events show of it. */
static void put_avg(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	put_stack(p, ctx, "sched_avg.load_avg", REC(load), BPF_DW);
	put_stack(p, ctx, "sched_avg.runnable_avg", REC(runnable), BPF_DW);
	put_stack(p, ctx, "sched_avg.util_avg", REC(util), BPF_DW);
	put_stack(p, ctx, "sched_avg.last_update_time", REC(update_time), BPF_DW);
}

/* enqueued and ewma: two values before 6.8, one since (both get it). */
static void put_util_est(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	put_stack(p, ctx, "sched_avg.util_avg", REC(util), BPF_DW);
	if (k_has(ctx, "sched_avg.util_est.ewma")) {
		put_stack(p, ctx, "sched_avg.util_est.ewma", REC(ewma), BPF_W);
		pelt_util_est_stack(p, ctx);
		asm_stx(p, BPF_W, FP, R1, REC(enqueued));
		return;
	}
	pelt_util_est_stack(p, ctx);
	asm_stx(p, BPF_W, FP, R1, REC(enqueued));
	asm_stx(p, BPF_W, FP, R1, REC(ewma));
}

/* r6 = a cfs_rq: r8 = its CPU; a CPU's root run queue, or with -g a task
 * group's too (its cgroup id into the record). */
static void cfs_rq_avg(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	const struct pelt_params *pp = ctx->params;

	pelt_cfs_rq_cpu(p, ctx);
	if (pp && pp->groups) {
		asm_comment(p, "-g: a task group's run queue, its cgroup id and CPU");
		asm_jmp_imm(p, BPF_JMP32, BPF_JSET, R8, (int32_t)PELT_RQ_GROUP, "group");
		asm_ja(p, "cpu_known");
		asm_label(p, "group");
		asm_ldx(p, BPF_DW, R1, FP,
			(int16_t)(PELT_RQ_VAL + offsetof(struct pelt_rq, cgroup)));
		asm_jeq_imm(p, R1, 0, "out");
		asm_stx(p, BPF_DW, FP, R1, REC(cgroup));
		asm_alu_imm(p, BPF_ALU, BPF_AND, R8, (int32_t)~PELT_RQ_GROUP);
		asm_label(p, "cpu_known");
	}
	asm_comment(p, "a CPU's run queue (a group's is past the bound without -g)");
	asm_jmp_imm(p, BPF_JMP32, BPF_JGE, R8, PELT_MAX_CPUS, "out");
	pelt_read_avg(p, ctx, R6, "cfs_rq.avg");
}

static int build_cfs(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	begin(p, PELT_EV_CFS, "struct cfs_rq *");
	cfs_rq_avg(p, ctx);
	put_avg(p, ctx);
	submit(p, ctx);
	return 0;
}

static int build_est_cfs(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	begin(p, PELT_EV_UTIL_EST_CFS, "struct cfs_rq *");
	cfs_rq_avg(p, ctx);
	put_util_est(p, ctx);
	submit(p, ctx);
	return 0;
}

/* A struct rq * tracepoint: r7 = the rq, r8 = its CPU. */
static void rq_begin(struct asm_prog *p, const struct tap_build_ctx *ctx, uint32_t kind)
{
	begin(p, kind, "struct rq *");
	asm_mov64_reg(p, R7, R6);
	pelt_rq_cpu(p, ctx);
}

static int rq_avg(struct asm_prog *p, const struct tap_build_ctx *ctx, uint32_t kind,
		  const char *path)
{
	rq_begin(p, ctx, kind);
	pelt_read_avg(p, ctx, R7, path);
	put_avg(p, ctx);
	submit(p, ctx);
	return 0;
}

static int build_rt(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_avg(p, ctx, PELT_EV_RT, "rq.avg_rt");
}

static int build_dl(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_avg(p, ctx, PELT_EV_DL, "rq.avg_dl");
}

static int build_irq(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	return rq_avg(p, ctx, PELT_EV_IRQ, "rq.avg_irq");
}

static int build_capacity(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	rq_begin(p, ctx, PELT_EV_CAPACITY);
	k_ld(p, ctx, R1, PELT_TMP8, R7, "rq.cpu_capacity");
	asm_stx(p, BPF_DW, FP, R1, REC(capacity));
	submit(p, ctx);
	return 0;
}

/* (struct rq *, int change): the change's place from the signature. */
static int build_nr_running(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	int arg = k_tp_arg(ctx, "sched_update_nr_running_tp", "int");

	if (arg < 0)
		return asm_error(p, -ENOENT, "sched_update_nr_running_tp: no int argument");
	rq_begin(p, ctx, PELT_EV_NR_RUNNING);
	asm_comment(p, "args[%d]: int change", arg);
	asm_ldx(p, BPF_DW, R1, FP, PELT_CTX);
	asm_ldx(p, BPF_DW, R1, R1, (int16_t)(8 * arg));
	asm_stx(p, BPF_W, FP, R1, REC(change));
	k_ld(p, ctx, R1, PELT_TMP8, R7, "rq.nr_running");
	asm_stx(p, BPF_W, FP, R1, REC(nr_running));
	submit(p, ctx);
	return 0;
}

/* (struct root_domain *, bool) here; the flag's place from the signature.
 * The CPU is the one that changed it. */
static int build_overutilized(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	int arg = pelt_overutilized_arg(p, ctx);

	if (arg < 0)
		return 0;
	begin(p, PELT_EV_OVERUTILIZED, "the tracepoint's arguments");
	asm_comment(p, "args[%d]: bool overutilized", arg);
	asm_ldx(p, BPF_DW, R1, FP, PELT_CTX);
	asm_ldx(p, BPF_DW, R1, R1, (int16_t)(8 * arg));
	asm_alu_imm(p, BPF_ALU64, BPF_AND, R1, 1);
	asm_stx(p, BPF_W, FP, R1, REC(overutilized));
	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_mov64_reg(p, R8, R0);
	submit(p, ctx);
	return 0;
}

/* r6 = a sched_entity: a task's only (my_q NULL), its pid and comm into
 * the record (-p), its sched_avg to PELT_AVG_OFF, r8 = this CPU. */
static int task_entity(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	struct koff_field comm;

	if (!k_field(p, ctx, "task_struct.comm", &comm) || pelt_se_task(p, ctx, R1))
		return -ENOENT;
	if (comm.f.size != sizeof(((struct pelt_rec *)0)->comm))
		return asm_error(p, -EINVAL, "task_struct.comm: %u bytes, not 16", comm.f.size);
	asm_stx(p, BPF_W, FP, R1, REC(pid));
	k_read(p, ctx, REC(comm), R7, "task_struct.comm");
	pelt_read_avg(p, ctx, R6, "sched_entity.avg");
	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_mov64_reg(p, R8, R0);
	return 0;
}

static int build_se(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	begin(p, PELT_EV_SE, "struct sched_entity *");
	if (task_entity(p, ctx))
		return 0;
	put_avg(p, ctx);
	submit(p, ctx);
	return 0;
}

static int build_est_se(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	begin(p, PELT_EV_UTIL_EST_SE, "struct sched_entity *");
	if (task_entity(p, ctx))
		return 0;
	put_util_est(p, ctx);
	submit(p, ctx);
	return 0;
}

TAP_RAW_PROGRAM(prog_pev_cfs, "tap_pev_cfs", "pelt_cfs_tp", maps, build_cfs,
		"sched_pelt_cfs: a CPU's root CFS run queue, per update");
TAP_RAW_PROGRAM(prog_pev_rt, "tap_pev_rt", "pelt_rt_tp", maps, build_rt,
		"sched_pelt_rt: a CPU's RT averages, per update");
TAP_RAW_PROGRAM(prog_pev_dl, "tap_pev_dl", "pelt_dl_tp", maps, build_dl,
		"sched_pelt_dl: a CPU's deadline averages, per update");
TAP_RAW_PROGRAM(prog_pev_irq, "tap_pev_irq", "pelt_irq_tp", maps, build_irq,
		"sched_pelt_irq: a CPU's IRQ averages, per update");
TAP_RAW_PROGRAM(prog_pev_se, "tap_pev_se", "pelt_se_tp", maps, build_se,
		"sched_pelt_se: a task's entity, per update");
TAP_RAW_PROGRAM(prog_pev_ovu, "tap_pev_ovu", "sched_overutilized_tp", maps, build_overutilized,
		"sched_overutilized: the root domain's flag, per change");
TAP_RAW_PROGRAM(prog_pev_nr, "tap_pev_nr", "sched_update_nr_running_tp", maps,
		build_nr_running, "sched_update_nr_running: a CPU's runnable tasks, per change");
TAP_RAW_PROGRAM(prog_pev_ecfs, "tap_pev_ecfs", "sched_util_est_cfs_tp", maps, build_est_cfs,
		"sched_util_est_cfs: a CPU's root run queue's util_est, per enqueue and dequeue");
TAP_RAW_PROGRAM(prog_pev_ese, "tap_pev_ese", "sched_util_est_se_tp", maps, build_est_se,
		"sched_util_est_se: a task's util_est, per change");
TAP_RAW_PROGRAM(prog_pev_cap, "tap_pev_cap", "sched_cpu_capacity_tp", maps, build_capacity,
		"sched_cpu_capacity: a CPU's capacity, per update");
