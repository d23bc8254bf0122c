/* schedtap micro, sched_switch: each counter of this CPU read once
 * (bpf_perf_event_read_value), the deltas since the last switch charged
 * to prev with the slice's time, and where BTF types the tracepoint,
 * prev's util_avg and util_est as it leaves. */
#include <errno.h>
#include "bpf/event_fields.h"
#include "bpf/kfields.h"
#include "bpf/micro_prog.h"
#include "bpf/task_slot.h"
#include "bpf/trace.h"

#define KEY_OFF MICRO_KEY_OFF
#define VAL_OFF MICRO_VAL_OFF
/* struct bpf_perf_event_value (counter, enabled, running) per counter. */
#define BUF_OFF(i) ((int16_t)(VAL_OFF - 24 * ((i) + 1)))
#define CPU_OFF (BUF_OFF(MICRO_MAX_COUNTERS) - 8)
/* --events: set once the record below holds prev's slice. */
#define FLAG_OFF (CPU_OFF - 4)
#define REC_OFF ((int16_t)(FLAG_OFF - 4 - (int)sizeof(struct micro_rec)))
#define REC(f) ((int16_t)(REC_OFF + offsetof(struct micro_rec, f)))

const struct tap_map_def micro_maps[MICRO_NMAPS] = {
	{ "micro_tasks", BPF_MAP_TYPE_HASH, 4, sizeof(struct micro_task), MICRO_MAX_TASKS, 0 },
	{ "micro_full", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
	{ "micro_oncpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct micro_cpu), 1, 0 },
	{ "micro_ctrs", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
	  MICRO_MAX_COUNTERS * MICRO_MAX_CPUS, 0 },
};

const struct tap_map_def micro_event_maps[MICRO_EVENT_NMAPS] = {
	{ "micro_oncpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct micro_cpu), 1, 0 },
	{ "micro_ctrs", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4,
	  MICRO_MAX_COUNTERS * MICRO_MAX_CPUS, 0 },
	TRACE_MAP_DEFS,
};

static const struct micro_params defaults = { .ncounters = 2, .pid = -1 };

static const struct micro_params *params(const struct tap_build_ctx *ctx)
{
	return ctx->params ? ctx->params : &defaults;
}

/* fp[BUF_OFF(i)] = counter i of this CPU; where the kernel refuses the
 * read (the counter is not on this CPU now), the value the slice started
 * from, so that prev is charged nothing rather than garbage. */
static void read_counter(struct asm_prog *p, int i)
{
	const char *ok = asm_new_label(p, "read");

	asm_comment(p, "counter %d of this CPU: slot %d * %d + cpu", i, i, MICRO_MAX_CPUS);
	asm_ld_map_fd(p, R1, "micro_ctrs");
	asm_ldx(p, BPF_W, R2, FP, CPU_OFF);
	if (i)
		asm_add64_imm(p, R2, i * MICRO_MAX_CPUS);
	asm_mov64_reg(p, R3, FP);
	asm_add64_imm(p, R3, BUF_OFF(i));
	asm_mov64_imm(p, R4, 24);
	asm_call(p, BPF_FUNC_perf_event_read_value);
	asm_jeq_imm(p, R0, 0, ok);
	asm_ldx(p, BPF_DW, R1, R8, (int16_t)(MICRO_CPU_OFF(start) + 8 * i));
	asm_stx(p, BPF_DW, FP, R1, BUF_OFF(i));
	asm_inc_u64(p, R8, MICRO_CPU_OFF(read_failed), R1, 0);
	asm_label(p, ok);
}

/* prev as it leaves: its se.avg, read from the BTF-typed task, to the
 * u32s at base + util_off and base + est_off. */
static void note_util(struct asm_prog *p, const struct tap_build_ctx *ctx, int base,
		      int16_t util_off, int16_t est_off)
{
	if (!params(ctx)->util) {
		asm_st(p, BPF_W, base, util_off, (int32_t)MICRO_NO_UTIL);
		asm_st(p, BPF_W, base, est_off, (int32_t)MICRO_NO_UTIL);
		return;
	}
	if (ev_task(p, ctx, R3, R6, 0))
		return;
	k_ld_direct(p, ctx, R1, R3, "task_struct.se.avg.util_avg");
	asm_stx(p, BPF_W, base, R1, util_off);
	if (k_has(ctx, "sched_avg.util_est.enqueued")) {
		asm_comment(p, "util_est is struct util_est (before 6.8): its enqueued value");
		k_ld_direct(p, ctx, R1, R3, "task_struct.se.avg.util_est.enqueued");
	} else {
		k_ld_direct(p, ctx, R1, R3, "task_struct.se.avg.util_est");
	}
	/* UTIL_AVG_UNCHANGED, a #define BTF cannot tell (5.13 on). */
	asm_comment(p, "util_est: the top bit is the UTIL_AVG_UNCHANGED flag");
	asm_alu_imm(p, BPF_ALU64, BPF_AND, R1, 0x7fffffff);
	asm_stx(p, BPF_W, base, R1, est_off);
}

/* --events: prev's slice into the record (r6 ctx, r7 now, r8 this CPU's
 * micro_oncpu), sent once next's slice is set up. -p: prev's TID or,
 * prev still being current, its TGID. */
static void slice_record(struct asm_prog *p, const struct tap_build_ctx *ctx, int n)
{
	long pid = params(ctx)->pid;

	if (pid > 0) {
		asm_comment(p, "-p %ld: the TID, or the TGID of current (prev)", pid);
		asm_jeq_imm(p, R1, (int32_t)pid, "wanted");
		asm_call(p, BPF_FUNC_get_current_pid_tgid);
		asm_alu_imm(p, BPF_ALU64, BPF_RSH, R0, 32);
		asm_jne_imm(p, R0, (int32_t)pid, "next");
		asm_label(p, "wanted");
	}
	asm_comment(p, "the record on the stack, zeroed");
	for (int off = REC_OFF; off < REC_OFF + (int)sizeof(struct micro_rec); off += 8)
		asm_st(p, BPF_DW, FP, (int16_t)off, 0);
	asm_stx(p, BPF_DW, FP, R7, REC(ts_ns));
	asm_ldx(p, BPF_DW, R1, R8, MICRO_CPU_OFF(since));
	asm_mov64_reg(p, R2, R7);
	asm_sub64_reg(p, R2, R1);
	asm_stx(p, BPF_DW, FP, R2, REC(runtime_ns));
	for (int i = 0; i < n; i++) {
		asm_ldx(p, BPF_DW, R1, FP, BUF_OFF(i));
		asm_ldx(p, BPF_DW, R2, R8, (int16_t)(MICRO_CPU_OFF(start) + 8 * i));
		asm_sub64_reg(p, R1, R2);
		asm_stx(p, BPF_DW, FP, R1, (int16_t)(REC(ctr) + 8 * i));
	}
	asm_ldx(p, BPF_W, R1, FP, CPU_OFF);
	asm_stx(p, BPF_W, FP, R1, REC(cpu));
	ev_ld(p, ctx, R1, R6, "prev_pid");
	asm_stx(p, BPF_W, FP, R1, REC(pid));
	note_util(p, ctx, FP, REC(util_avg), REC(util_est));
	ev_copy(p, ctx, FP, REC(comm), R6, "prev_comm", R1, MICRO_COMM_LEN);
	asm_st(p, BPF_W, FP, FLAG_OFF, 1);
}

/* r6 ctx, r7 now, r8 this CPU's micro_oncpu, r9 prev's entry. */
static void switch_out(struct asm_prog *p, const struct tap_build_ctx *ctx, int n)
{
	asm_comment(p, "--- prev: charge its slice, if this CPU saw it go in ---");
	ev_ld(p, ctx, R1, R6, "prev_pid");
	asm_jeq_imm(p, R1, 0, "next");
	asm_ldx(p, BPF_W, R2, R8, MICRO_CPU_OFF(pid));
	asm_jmp_reg(p, BPF_JMP, BPF_JNE, R1, R2, "next");
	asm_ldx(p, BPF_W, R2, R8, MICRO_CPU_OFF(valid));
	asm_jeq_imm(p, R2, 0, "next");
	if (params(ctx)->events) {
		slice_record(p, ctx, n);
		return;
	}
	task_slot(p, "micro_tasks", "micro_full", KEY_OFF, VAL_OFF, sizeof(struct micro_task),
		  "next");
	asm_ldx(p, BPF_DW, R1, R8, MICRO_CPU_OFF(since));
	asm_mov64_reg(p, R2, R7);
	asm_sub64_reg(p, R2, R1);
	asm_ldx(p, BPF_DW, R1, R9, MICRO_TASK_OFF(runtime_ns));
	asm_add64_reg(p, R1, R2);
	asm_stx(p, BPF_DW, R9, R1, MICRO_TASK_OFF(runtime_ns));
	asm_inc_u64(p, R9, MICRO_TASK_OFF(switches), R1, 0);
	for (int i = 0; i < n; i++) {
		asm_comment(p, "ctr[%d] += counter - start", i);
		asm_ldx(p, BPF_DW, R1, FP, BUF_OFF(i));
		asm_ldx(p, BPF_DW, R2, R8, (int16_t)(MICRO_CPU_OFF(start) + 8 * i));
		asm_sub64_reg(p, R1, R2);
		asm_ldx(p, BPF_DW, R2, R9, (int16_t)(MICRO_TASK_OFF(ctr) + 8 * i));
		asm_add64_reg(p, R2, R1);
		asm_stx(p, BPF_DW, R9, R2, (int16_t)(MICRO_TASK_OFF(ctr) + 8 * i));
	}
	asm_ldx(p, BPF_W, R1, FP, CPU_OFF);
	asm_stx(p, BPF_W, R9, R1, MICRO_TASK_OFF(last_cpu));
	note_util(p, ctx, R9, MICRO_TASK_OFF(util_avg), MICRO_TASK_OFF(util_est));
	task_learn_tgid(p, MICRO_TASK_OFF(tgid));
	ev_copy(p, ctx, R9, MICRO_TASK_OFF(comm), R6, "prev_comm", R1, MICRO_COMM_LEN);
}

static void switch_in(struct asm_prog *p, const struct tap_build_ctx *ctx, int n)
{
	asm_comment(p, "--- next: its slice starts at now and these counter values ---");
	ev_ld(p, ctx, R1, R6, "next_pid");
	asm_stx(p, BPF_W, R8, R1, MICRO_CPU_OFF(pid));
	asm_stx(p, BPF_DW, R8, R7, MICRO_CPU_OFF(since));
	for (int i = 0; i < n; i++) {
		asm_ldx(p, BPF_DW, R1, FP, BUF_OFF(i));
		asm_stx(p, BPF_DW, R8, R1, (int16_t)(MICRO_CPU_OFF(start) + 8 * i));
	}
	asm_st(p, BPF_W, R8, MICRO_CPU_OFF(valid), 1);
}

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	int n = params(ctx)->ncounters;

	if (n < 0 || n > MICRO_MAX_COUNTERS)
		return asm_error(p, -EINVAL, "%d counters: at most %d", n, MICRO_MAX_COUNTERS);
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_map_lookup_slot0(p, "micro_oncpu", KEY_OFF, "out");
	asm_mov64_reg(p, R8, R0);
	asm_call(p, BPF_FUNC_get_smp_processor_id);
	asm_jmp_imm(p, BPF_JMP, BPF_JGE, R0, MICRO_MAX_CPUS, "out");
	asm_stx(p, BPF_W, FP, R0, CPU_OFF);
	if (params(ctx)->events)
		asm_st(p, BPF_W, FP, FLAG_OFF, 0);
	for (int i = 0; i < n; i++)
		read_counter(p, i);
	switch_out(p, ctx, n);
	asm_label(p, "next");
	switch_in(p, ctx, n);
	if (params(ctx)->events) {
		asm_comment(p, "--- prev's slice out, if it was one to send ---");
		asm_ldx(p, BPF_W, R1, FP, FLAG_OFF);
		asm_jeq_imm(p, R1, 0, "out");
		trace_output(p, params(ctx)->perfbuf, R6, REC_OFF, sizeof(struct micro_rec));
	}
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_micro_switch, "tap_micro_sw", "sched", "sched_switch", micro_maps, build,
	    "per task: perf counter deltas and run time over each slice");
TAP_BTF_PROGRAM(prog_micro_switch_btf, "tap_micro_sw", "sched_switch", micro_maps, build,
		"per task: perf counter deltas, run time and util at each switch-out (tp_btf)");
TAP_PROGRAM(prog_micro_events, "tap_micro_ev", "sched", "sched_switch", micro_event_maps, build,
	    "a record per slice: perf counter deltas and run time");
TAP_BTF_PROGRAM(prog_micro_events_btf, "tap_micro_ev", "sched_switch", micro_event_maps, build,
		"a record per slice: perf counter deltas, run time, util (tp_btf)");
