/* The explicit list of built-in programs: what the verifier test loads
 * and what `schedtap ... --dump` can show. */
#include <stddef.h>
#include "bpf/program.h"

const struct tap_prog_def *const tap_programs[] = {
	&prog_cpu_switches,
	&prog_top_switch,
	&prog_top_runtime,
	&prog_top_migrate,
	&prog_top_free,
	&prog_trace_switch,
	&prog_trace_wakeup,
	&prog_trace_wakeup_new,
	&prog_trace_migrate,
	&prog_trace_fork,
	&prog_trace_exit,
	&prog_runq_wakeup,
	&prog_runq_wakeup_new,
	&prog_runq_switch,
	&prog_lat_wakeup,
	&prog_lat_wakeup_new,
	&prog_lat_switch,
	&prog_lat_free,
	&prog_inv_switch, &prog_inv_wakeup, &prog_inv_futex, &prog_inv_futex32, &prog_inv_futex_raw, &prog_inv_pi,
	&prog_lot_switch, &prog_lot_runtime, &prog_lot_exit, &prog_lot_fork,
	&prog_micro_switch, &prog_micro_free,
	NULL,
};
