/* The explicit list of built-in programs: what the verifier test loads
 * and what `schedtap ... --dump` can show. */
#include <stddef.h>
#include "program.h"

const struct tap_prog_def *const tap_programs[] = {
	&prog_cpu_switches,
	&prog_top_switch,
	&prog_top_migrate,
	&prog_top_free,
	NULL,
};
