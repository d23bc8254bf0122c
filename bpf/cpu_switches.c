/* schedtap cpu: count sched_switch per CPU.
 *
 * A one-slot per-CPU array: each CPU increments its own copy with a plain
 * add (no atomics, no shared cache line), and user space sums nothing,
 * it reads one value per CPU. The program reads no tracepoint field. */
#include "bpf/program.h"

static const struct tap_map_def maps[] = {
	{ "switches", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
};

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	(void)ctx;
	asm_comment(p, "key = 0 (the one slot; the map is per-CPU)");
	asm_map_lookup_slot0(p, "switches", -4, "out");
	asm_comment(p, "this CPU's counter += 1");
	asm_inc_u64(p, R0, 0, R1, 0);
	asm_label(p, "out");
	asm_comment(p, "return 1: keep the event visible to perf and other tracers");
	asm_return(p, 1);
	return 0;
}

TAP_PROGRAM(prog_cpu_switches, "tap_cpu_switch", "sched", "sched_switch", maps, build,
	    "count context switches per CPU");
