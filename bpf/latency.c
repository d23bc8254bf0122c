/* schedtap latency: perf sched latency's per-task numbers, computed in the
 * kernel. A task waits for a CPU from its wakeup (or new-task wakeup, or
 * a preemption that left it runnable: prev_state R or R+, decoded from
 * the tracepoint's print fmt) to its next switch-in; each such switch-in
 * is one "switch" with its delay (sum and maximum, with when the longest
 * wait started and ended). Runtime is timed from switch-in to switch-out
 * on the same CPU. sched_process_free marks a task exited; the consumer
 * drops it after it has been reported once. */
#include "bpf/latency.h"
#include "bpf/program.h"
#include "bpf/event_fields.h"
#include "bpf/task_slot.h"

#define KEY_OFF (-4)
#define VAL_OFF (-8 - (int)sizeof(struct lat_task))

static const struct tap_map_def maps[] = {
	{ "lat_tasks", BPF_MAP_TYPE_HASH, 4, sizeof(struct lat_task), LAT_MAX_TASKS, 0 },
	{ "lat_full", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
	{ "lat_oncpu", BPF_MAP_TYPE_PERCPU_ARRAY, 4, sizeof(struct cpu_slot), 1, 0 },
};

/* The task in r9 waits for a CPU from now (r7). */
static void start_wait(struct asm_prog *p)
{
	asm_stx(p, BPF_DW, R9, R7, LAT_OFF(wake_ns));
	asm_st(p, BPF_W, R9, LAT_OFF(state), LAT_WAITING);
}

/* A wakeup's start: r6 ctx, r7 now, r9 the woken task's slot (pid 0,
 * the idle task, goes to out). */
static void woken_task(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	ev_ld(p, ctx, R1, R6, "pid");
	asm_jeq_imm(p, R1, 0, "out");
	task_slot(p, "lat_tasks", "lat_full", KEY_OFF, VAL_OFF, sizeof(struct lat_task), "out");
}

static int build_wakeup(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	woken_task(p, ctx);
	asm_comment(p, "a wakeup starts a wait only for a sleeping (or unseen) task, as in perf");
	asm_ldx(p, BPF_W, R1, R9, LAT_OFF(state));
	asm_jeq_imm(p, R1, LAT_WAITING, "out");
	asm_jeq_imm(p, R1, LAT_RUNNING, "out");
	start_wait(p);
	asm_comment(p, "its name, for tasks not yet switched out");
	ev_copy(p, ctx, R9, LAT_OFF(comm), R6, "comm", R1, LAT_COMM_LEN);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

static int build_wakeup_new(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	woken_task(p, ctx);
	asm_comment(p, "a new task: a reused TID starts from zero");
	asm_mov64_imm(p, R1, 0);
	asm_stx(p, BPF_DW, R9, R1, LAT_OFF(runtime_ns));
	asm_stx(p, BPF_DW, R9, R1, LAT_OFF(switches));
	asm_stx(p, BPF_DW, R9, R1, LAT_OFF(delay_sum_ns));
	asm_stx(p, BPF_DW, R9, R1, LAT_OFF(max_delay_ns));
	asm_stx(p, BPF_DW, R9, R1, LAT_OFF(max_start_ns));
	asm_stx(p, BPF_DW, R9, R1, LAT_OFF(max_end_ns));
	asm_stx(p, BPF_W, R9, R1, LAT_OFF(tgid));
	asm_stx(p, BPF_W, R9, R1, LAT_OFF(flags));
	ev_copy(p, ctx, R9, LAT_OFF(comm), R6, "comm", R1, LAT_COMM_LEN);
	start_wait(p);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

static int build_switch(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	asm_call(p, BPF_FUNC_ktime_get_ns);
	asm_mov64_reg(p, R7, R0);
	asm_map_lookup_slot0(p, "lat_oncpu", KEY_OFF, "out");
	asm_mov64_reg(p, R8, R0);

	asm_comment(p, "--- prev: switched out ---");
	ev_ld(p, ctx, R1, R6, "prev_pid");
	asm_jeq_imm(p, R1, 0, "oncpu");
	task_slot(p, "lat_tasks", "lat_full", KEY_OFF, VAL_OFF, sizeof(struct lat_task), "oncpu");
	task_take_cpu_slot(p, ctx, CPU_SLOT_SINCE, LAT_OFF(runtime_ns));
	asm_comment(p, "still runnable (R, R+) waits from now; else it sleeps");
	ev_prev_asleep(p, ctx);
	asm_jeq_imm(p, R1, 0, "preempted");
	asm_st(p, BPF_W, R9, LAT_OFF(state), LAT_SLEEPING);
	asm_ja(p, "tgid");
	asm_label(p, "preempted");
	start_wait(p);
	asm_label(p, "tgid");
	task_learn_tgid(p, LAT_OFF(tgid));
	ev_copy(p, ctx, R9, LAT_OFF(comm), R6, "prev_comm", R1, LAT_COMM_LEN);

	asm_label(p, "oncpu");
	task_mark_cpu_slot(p, ctx, CPU_SLOT_SINCE);
	asm_jeq_imm(p, R1, 0, "out");
	asm_stx(p, BPF_W, FP, R1, KEY_OFF);
	asm_map_lookup(p, "lat_tasks", KEY_OFF);
	asm_comment(p, "a task never seen waiting has no delay to count");
	asm_jeq_imm(p, R0, 0, "out");
	asm_mov64_reg(p, R9, R0);
	asm_ldx(p, BPF_W, R1, R9, LAT_OFF(state));
	asm_jne_imm(p, R1, LAT_WAITING, "running");
	asm_ldx(p, BPF_DW, R1, R9, LAT_OFF(wake_ns));
	asm_mov64_reg(p, R2, R7);
	asm_sub64_reg(p, R2, R1);
	asm_comment(p, "woken after now (another CPU's clock): ignored, as perf does");
	asm_jmp_imm(p, BPF_JMP, BPF_JSLT, R2, 0, "running");
	asm_comment(p, "switches += 1; delay sum += now - wake; keep the longest");
	asm_inc_u64(p, R9, LAT_OFF(switches), R3, 0);
	asm_ldx(p, BPF_DW, R3, R9, LAT_OFF(delay_sum_ns));
	asm_add64_reg(p, R3, R2);
	asm_stx(p, BPF_DW, R9, R3, LAT_OFF(delay_sum_ns));
	asm_ldx(p, BPF_DW, R3, R9, LAT_OFF(max_delay_ns));
	asm_jmp_reg(p, BPF_JMP, BPF_JLE, R2, R3, "running");
	asm_stx(p, BPF_DW, R9, R2, LAT_OFF(max_delay_ns));
	asm_stx(p, BPF_DW, R9, R1, LAT_OFF(max_start_ns));
	asm_stx(p, BPF_DW, R9, R7, LAT_OFF(max_end_ns));
	asm_label(p, "running");
	asm_st(p, BPF_W, R9, LAT_OFF(state), LAT_RUNNING);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

static int build_free(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	ev_ld(p, ctx, R2, R1, "pid");
	asm_stx(p, BPF_W, FP, R2, KEY_OFF);
	asm_map_lookup(p, "lat_tasks", KEY_OFF);
	asm_jeq_imm(p, R0, 0, "out");
	asm_comment(p, "keep it until reported: the consumer drops exited tasks");
	asm_ldx(p, BPF_W, R1, R0, LAT_OFF(flags));
	asm_alu_imm(p, BPF_ALU64, BPF_OR, R1, LAT_EXITED);
	asm_stx(p, BPF_W, R0, R1, LAT_OFF(flags));
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_lat_wakeup, "tap_lat_wake", "sched", "sched_wakeup", maps, build_wakeup,
	    "a woken sleeper starts waiting");
TAP_PROGRAM(prog_lat_wakeup_new, "tap_lat_wnew", "sched", "sched_wakeup_new", maps, build_wakeup_new,
	    "a new task starts waiting");
TAP_PROGRAM(prog_lat_switch, "tap_lat_switch", "sched", "sched_switch", maps, build_switch,
	    "per-task runtime, delays and their maximum");
TAP_PROGRAM(prog_lat_free, "tap_lat_free", "sched", "sched_process_free", maps, build_free,
	    "mark freed tasks exited");
/* Where the kernel has BTF: the same programs on tp_btf (no perf record
 * built); sched_process_free, once per task, stays a tracepoint. */
TAP_BTF_PROGRAM(prog_lat_wakeup_btf, "tap_lat_wake", "sched_wakeup", maps, build_wakeup,
		"a woken sleeper starts waiting (tp_btf)");
TAP_BTF_PROGRAM(prog_lat_wakeup_new_btf, "tap_lat_wnew", "sched_wakeup_new", maps,
		build_wakeup_new, "a new task starts waiting (tp_btf)");
TAP_BTF_PROGRAM(prog_lat_switch_btf, "tap_lat_switch", "sched_switch", maps, build_switch,
		"per-task runtime, delays and their maximum (tp_btf)");
