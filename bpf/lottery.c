/* schedtap lottery: the lottery scheduler monitor's programs. Per task
 * (TID) in an LRU hash that outlives the loader (pinned): runtime,
 * switches, prio and the tickets it buys, and the CPUs it used since the
 * dumpers' last sample. Runtime is what the scheduler itself accounts
 * (sched_stat_runtime, the deltas that sum to /proc/PID/schedstat): in a
 * VM, wall-clock slices would also count the time the host stole, which
 * is not CFS's to give. Exited tasks are kept (marked) until evicted, so a
 * finished workload can still be dumped; a new task that reuses a PID
 * starts from zero (sched_process_fork forgets the old one). */
#include "bpf/lottery.h"
#include "bpf/program.h"
#include "bpf/event_fields.h"
#include "bpf/task_slot.h"

#define KEY_OFF (-4)
#define VAL_OFF (-8 - (int)sizeof(struct lottery_task))

/* The names are the pins' names too (src/lottery_pins.c). */
#define TASKS_MAP { "lottery_tasks", BPF_MAP_TYPE_LRU_HASH, 4, sizeof(struct lottery_task), LOTTERY_MAX_TASKS, 0 }

static const struct tap_map_def switch_maps[] = {
	TASKS_MAP,
	{ "lottery_full", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
	{ "lottery_ticket", BPF_MAP_TYPE_ARRAY, 4, 4, LOTTERY_PRIOS, 0 },
	{ "lottery_gen", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0 },
};
static const struct tap_map_def tasks_only[] = { TASKS_MAP };
static const struct tap_map_def runtime_maps[] = {
	TASKS_MAP,
	{ "lottery_full", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
};

/* r9 = the task: tickets = ticket[prio], 0 past the table (a deadline
 * task's prio is -1). */
static void set_prio_tickets(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	ev_ld(p, ctx, R1, R6, "prev_prio");
	asm_stx(p, BPF_W, R9, R1, LOT_OFF(prio));
	asm_mov64_imm(p, R2, 0);
	asm_stx(p, BPF_W, R9, R2, LOT_OFF(tickets));
	asm_jmp_imm(p, BPF_JMP, BPF_JGE, R1, LOTTERY_PRIOS, "cpus");
	asm_stx(p, BPF_W, FP, R1, KEY_OFF);
	asm_map_lookup(p, "lottery_ticket", KEY_OFF);
	asm_jeq_imm(p, R0, 0, "cpus");
	asm_ldx(p, BPF_W, R1, R0, 0);
	asm_stx(p, BPF_W, R9, R1, LOT_OFF(tickets));
}

/* cpus |= 1 << cpu, starting a fresh set when the dumpers moved gen on. */
static void mark_cpu(struct asm_prog *p)
{
	asm_label(p, "cpus");
	asm_map_lookup_slot0(p, "lottery_gen", KEY_OFF, "comm");
	asm_ldx(p, BPF_W, R1, R0, 0);
	asm_ldx(p, BPF_W, R2, R9, LOT_OFF(gen));
	asm_jmp_reg(p, BPF_JMP, BPF_JEQ, R1, R2, "set");
	asm_comment(p, "a new sample period: forget the old CPU set");
	asm_stx(p, BPF_W, R9, R1, LOT_OFF(gen));
	asm_st(p, BPF_DW, R9, LOT_OFF(cpus), 0);
	asm_label(p, "set");
	task_note_cpu(p, LOT_OFF(last_cpu), LOT_OFF(cpus), LOT_OFF(flags), LOTTERY_CPU_BEYOND_64);
}

static int build_switch(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	asm_mov64_reg(p, R6, R1);
	asm_comment(p, "prev, switched out (the idle task holds no tickets)");
	ev_ld(p, ctx, R1, R6, "prev_pid");
	asm_jeq_imm(p, R1, 0, "out");
	task_slot(p, "lottery_tasks", "lottery_full", KEY_OFF, VAL_OFF,
		  sizeof(struct lottery_task), "out");
	asm_inc_u64(p, R9, LOT_OFF(switches), R1, 0);
	set_prio_tickets(p, ctx);
	mark_cpu(p);
	asm_label(p, "comm");
	ev_copy(p, ctx, R9, LOT_OFF(comm), R6, "prev_comm", R1, LOTTERY_COMM_LEN);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

/* The task ran `runtime` ns more (the scheduler's own accounting). */
static int build_runtime(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	task_stat_runtime(p, ctx, "lottery_tasks", "lottery_full", NULL, KEY_OFF,
			  VAL_OFF, sizeof(struct lottery_task), LOT_OFF(runtime_ns));
	return 0;
}

/* Mark, not delete: the exiting task still has its last switch-out to
 * count, and its totals stay readable until the LRU needs the slot. A
 * task that exits before it was ever switched out gets its slot here. */
static int build_exit(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	ev_ld(p, ctx, R2, R1, "pid");
	asm_stx(p, BPF_W, FP, R2, KEY_OFF);
	asm_map_lookup_or_init(p, "lottery_tasks", KEY_OFF, VAL_OFF,
			       sizeof(struct lottery_task), "out");
	asm_st(p, BPF_W, R0, LOT_OFF(exited), 1);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

/* A new task may reuse the PID of one we still keep: start it afresh. */
static int build_fork(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	ev_ld(p, ctx, R2, R1, "child_pid");
	asm_stx(p, BPF_W, FP, R2, KEY_OFF);
	asm_map_delete(p, "lottery_tasks", KEY_OFF);
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_lot_switch, "tap_lot_switch", "sched", "sched_switch", switch_maps, build_switch,
	    "lottery: per-task switches, tickets, CPUs");

TAP_PROGRAM(prog_lot_runtime, "tap_lot_runtime", "sched", "sched_stat_runtime", runtime_maps, build_runtime,
	    "lottery: per-task CPU time, as the scheduler accounts it");

TAP_PROGRAM(prog_lot_exit, "tap_lot_exit", "sched", "sched_process_exit", tasks_only, build_exit,
	    "lottery: mark exited tasks");

TAP_PROGRAM(prog_lot_fork, "tap_lot_fork", "sched", "sched_process_fork", tasks_only, build_fork,
	    "lottery: a reused PID starts afresh");
