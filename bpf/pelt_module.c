/* schedtap pelt without BTF or an offsets file, where the sched_tp module
 * is loaded: programs on its trace events (sched/sched_pelt_cfs, ...),
 * whose format files give the fields like any event's. Each event becomes
 * the record pelt --events streams (struct pelt_rec), then is streamed or
 * kept in the maps bpf/pelt.c fills, so that both modes read the same. */
#include <stddef.h>
#include "bpf/pelt.h"
#include "bpf/trace.h"

#define REC(f) ((int16_t)(PELT_REC_STACK + PELT_REC_OFF(f)))
#define TASK_VAL (PELT_REC_STACK - (int)sizeof(struct pelt_task))

static const struct tap_map_def maps[] = {
	TRACE_MAP_DEFS, PELT_CPU_MAP, PELT_TASKS_MAP, PELT_RD_MAP,
};

/* The record's fields that the event has, by sched_tp's names (older
 * modules call runnable rbl_load). */
static const struct { const char *field; int16_t off; int size; } fields[] = {
	{ "load", PELT_REC_OFF(load), BPF_DW },
	{ "runnable", PELT_REC_OFF(runnable), BPF_DW },
	{ "rbl_load", PELT_REC_OFF(runnable), BPF_DW },
	{ "util", PELT_REC_OFF(util), BPF_DW },
	{ "update_time", PELT_REC_OFF(update_time), BPF_DW },
	{ "capacity", PELT_REC_OFF(capacity), BPF_DW },
	{ "pid", PELT_REC_OFF(pid), BPF_W },
	{ "change", PELT_REC_OFF(change), BPF_W },
	{ "enqueued", PELT_REC_OFF(enqueued), BPF_W },
	{ "ewma", PELT_REC_OFF(ewma), BPF_W },
	{ "nr_running", PELT_REC_OFF(nr_running), BPF_W },
	{ "overutilized", PELT_REC_OFF(overutilized), BPF_W },
};

/* r6 = ctx, r8 = the event's cpu (this CPU if it has none); the record
 * on the stack holds every field the event has. */
static void fill(struct asm_prog *p, const struct tp_format *fmt, uint32_t kind)
{
	asm_mov64_reg(p, R6, R1);
	pelt_rec_begin(p, kind);
	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!tracefs_field(fmt, fields[i].field))
			continue;
		tp_ld_field_sx(p, fmt, R1, R6, fields[i].field);
		asm_stx(p, fields[i].size, FP, R1, (int16_t)(PELT_REC_STACK + fields[i].off));
	}
	if (tracefs_field(fmt, "comm"))
		tp_copy_field(p, fmt, FP, REC(comm), R6, "comm", R1, sizeof(((struct pelt_rec *)0)->comm));
	if (tracefs_field(fmt, "cpu")) {
		tp_ld_field(p, fmt, R8, R6, "cpu");
	} else {
		asm_call(p, BPF_FUNC_get_smp_processor_id);
		asm_mov64_reg(p, R8, R0);
	}
	asm_jmp_imm(p, BPF_JMP32, BPF_JGE, R8, PELT_MAX_CPUS, "out");
	asm_stx(p, BPF_W, FP, R8, REC(cpu));
}

/* path "/": a CPU's root run queue (task groups need BTF: -g). */
static void root_only(struct asm_prog *p, const struct tp_format *fmt)
{
	const struct tp_field *f = tracefs_field(fmt, "path");

	if (!f || f->offset > INT16_MAX - 1)
		return;
	asm_comment(p, "path \"/\" only: a CPU's root run queue");
	asm_ldx(p, BPF_B, R1, R6, (int16_t)f->offset);
	asm_jne_imm(p, R1, '/', "out");
	asm_ldx(p, BPF_B, R1, R6, (int16_t)(f->offset + 1));
	asm_jne_imm(p, R1, 0, "out");
}

static void stream(struct asm_prog *p, const struct pelt_params *pp, uint32_t kind)
{
	if (pp->cpu >= 0) {
		asm_comment(p, "-C %ld", pp->cpu);
		asm_jne_imm(p, R8, (int32_t)pp->cpu, "out");
	}
	if (pp->pid >= 0 && (kind == PELT_EV_SE || kind == PELT_EV_UTIL_EST_SE)) {
		asm_comment(p, "-p %ld", pp->pid);
		asm_ldx(p, BPF_W, R1, FP, REC(pid));
		asm_jne_imm(p, R1, (int32_t)pp->pid, "out");
	}
	trace_output(p, pp->perfbuf, R6, PELT_REC_STACK, sizeof(struct pelt_rec));
}

/* A record field into the struct at r9. */
static void copy(struct asm_prog *p, int size, int16_t rec_off, int16_t dst_off)
{
	asm_ldx(p, size, R1, FP, (int16_t)(PELT_REC_STACK + rec_off));
	asm_stx(p, size, R9, R1, dst_off);
}

static void keep_cpu(struct asm_prog *p, uint32_t kind)
{
	pelt_cpu_slot(p);
	switch (kind) {
	case PELT_EV_CFS:
		copy(p, BPF_DW, PELT_REC_OFF(util), PELT_CPU_OFF(util_avg));
		copy(p, BPF_DW, PELT_REC_OFF(load), PELT_CPU_OFF(load_avg));
		copy(p, BPF_DW, PELT_REC_OFF(runnable), PELT_CPU_OFF(runnable_avg));
		pelt_mark_seen(p, PELT_SEEN_CFS);
		break;
	case PELT_EV_UTIL_EST_CFS:
		copy(p, BPF_W, PELT_REC_OFF(enqueued), PELT_CPU_OFF(util_est));
		pelt_mark_seen(p, PELT_SEEN_EST);
		break;
	case PELT_EV_RT:
		copy(p, BPF_DW, PELT_REC_OFF(util), PELT_CPU_OFF(rt_util));
		pelt_mark_seen(p, PELT_SEEN_RT);
		break;
	case PELT_EV_DL:
		copy(p, BPF_DW, PELT_REC_OFF(util), PELT_CPU_OFF(dl_util));
		pelt_mark_seen(p, PELT_SEEN_DL);
		break;
	case PELT_EV_IRQ:
		copy(p, BPF_DW, PELT_REC_OFF(util), PELT_CPU_OFF(irq_util));
		pelt_mark_seen(p, PELT_SEEN_IRQ);
		break;
	case PELT_EV_CAPACITY:
		copy(p, BPF_DW, PELT_REC_OFF(capacity), PELT_CPU_OFF(capacity));
		pelt_mark_seen(p, PELT_SEEN_CAP);
		break;
	case PELT_EV_NR_RUNNING:
		copy(p, BPF_W, PELT_REC_OFF(nr_running), PELT_CPU_OFF(nr_running));
		pelt_mark_seen(p, PELT_SEEN_NR);
		break;
	}
}

/* A task's entity (pid > 0: sched_tp gives group entities pid -1). */
static void keep_task(struct asm_prog *p, const struct pelt_params *pp, uint32_t kind)
{
	asm_ldx(p, BPF_W, R1, FP, REC(pid));
	asm_jmp_imm(p, BPF_JMP32, BPF_JSLE, R1, 0, "out");
	if (pp->pid >= 0) {
		asm_comment(p, "-p %ld", pp->pid);
		asm_jne_imm(p, R1, (int32_t)pp->pid, "out");
	}
	if (kind == PELT_EV_UTIL_EST_SE) {
		asm_map_lookup(p, "pelt_tasks", REC(pid));
		asm_jeq_imm(p, R0, 0, "out");
		asm_mov64_reg(p, R9, R0);
		copy(p, BPF_W, PELT_REC_OFF(enqueued), PELT_TASK_OFF(util_est));
		return;
	}
	asm_map_lookup_or_init(p, "pelt_tasks", REC(pid), TASK_VAL, sizeof(struct pelt_task), "out");
	asm_mov64_reg(p, R9, R0);
	copy(p, BPF_DW, PELT_REC_OFF(util), PELT_TASK_OFF(util_avg));
	copy(p, BPF_DW, PELT_REC_OFF(load), PELT_TASK_OFF(load_avg));
	copy(p, BPF_DW, PELT_REC_OFF(runnable), PELT_TASK_OFF(runnable_avg));
	asm_stx(p, BPF_W, R9, R8, PELT_TASK_OFF(cpu));
	asm_inc_u64(p, R9, PELT_TASK_OFF(updates), R1, 0);
}

static void keep(struct asm_prog *p, const struct pelt_params *pp, uint32_t kind)
{
	if (kind == PELT_EV_SE || kind == PELT_EV_UTIL_EST_SE) {
		keep_task(p, pp, kind);
	} else if (kind == PELT_EV_OVERUTILIZED) {
		asm_st(p, BPF_W, FP, PELT_KEY_OFF, 0);
		asm_map_lookup(p, "pelt_rd", PELT_KEY_OFF);
		asm_jeq_imm(p, R0, 0, "out");
		asm_ldx(p, BPF_W, R1, FP, REC(overutilized));
		asm_stx(p, BPF_W, R0, R1, (int16_t)offsetof(struct pelt_rd, overutilized));
		asm_st(p, BPF_W, R0, (int16_t)offsetof(struct pelt_rd, seen), 1);
	} else {
		keep_cpu(p, kind);
	}
}

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx, uint32_t kind)
{
	static const struct pelt_params none = { .pid = -1, .cpu = -1 };
	const struct pelt_params *pp = ctx->params ? ctx->params : &none;

	fill(p, ctx->fmt, kind);
	if (kind == PELT_EV_CFS || kind == PELT_EV_UTIL_EST_CFS)
		root_only(p, ctx->fmt);
	if (pp->events)
		stream(p, pp, kind);
	else
		keep(p, pp, kind);
	asm_label(p, "out");
	asm_comment(p, "1: the event still reaches tracefs and perf");
	asm_return(p, 1);
	return 0;
}

#define MODULE_EVENT(sym, nm, ev, kind, what)                                        \
	static int build_##sym(struct asm_prog *p, const struct tap_build_ctx *ctx)   \
	{                                                                             \
		return build(p, ctx, kind);                                           \
	}                                                                             \
	TAP_PROGRAM(sym, nm, "sched", ev, maps, build_##sym, what)

MODULE_EVENT(prog_pmod_cfs, "tap_pmod_cfs", "sched_pelt_cfs", PELT_EV_CFS,
	     "sched_tp's sched_pelt_cfs: a CPU's root CFS run queue");
MODULE_EVENT(prog_pmod_rt, "tap_pmod_rt", "sched_pelt_rt", PELT_EV_RT,
	     "sched_tp's sched_pelt_rt: a CPU's RT averages");
MODULE_EVENT(prog_pmod_dl, "tap_pmod_dl", "sched_pelt_dl", PELT_EV_DL,
	     "sched_tp's sched_pelt_dl: a CPU's deadline averages");
MODULE_EVENT(prog_pmod_irq, "tap_pmod_irq", "sched_pelt_irq", PELT_EV_IRQ,
	     "sched_tp's sched_pelt_irq: a CPU's IRQ averages");
MODULE_EVENT(prog_pmod_se, "tap_pmod_se", "sched_pelt_se", PELT_EV_SE,
	     "sched_tp's sched_pelt_se: a task's entity");
MODULE_EVENT(prog_pmod_ovu, "tap_pmod_ovu", "sched_overutilized", PELT_EV_OVERUTILIZED,
	     "sched_tp's sched_overutilized: the root domain's flag");
MODULE_EVENT(prog_pmod_nr, "tap_pmod_nr", "sched_update_nr_running", PELT_EV_NR_RUNNING,
	     "sched_tp's sched_update_nr_running: a CPU's runnable tasks");
MODULE_EVENT(prog_pmod_ecfs, "tap_pmod_ecfs", "sched_util_est_cfs", PELT_EV_UTIL_EST_CFS,
	     "sched_tp's sched_util_est_cfs: a CPU's root run queue's util_est");
MODULE_EVENT(prog_pmod_ese, "tap_pmod_ese", "sched_util_est_se", PELT_EV_UTIL_EST_SE,
	     "sched_tp's sched_util_est_se: a task's util_est");
MODULE_EVENT(prog_pmod_cap, "tap_pmod_cap", "sched_cpu_capacity", PELT_EV_CAPACITY,
	     "sched_tp's sched_cpu_capacity: a CPU's capacity");
