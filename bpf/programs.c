/* The explicit list of built-in programs: what the verifier test loads
 * and what `schedtap ... --dump` can show. */
#include <stddef.h>
#include "program.h"

const struct tap_prog_def *const tap_programs[] = {
	&prog_cpu_switches,
	&prog_top_switch,
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
	NULL,
};
