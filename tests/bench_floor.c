/* make bench's floor: the smallest useful tracepoint program, one
 * increment of a one-slot per-CPU counter and return 1, attached to
 * sched_switch until SIGINT, so its kernel-measured cost per run can be
 * read next to schedtap's programs (name tap_floor). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include "kernel/loader.h"
#include "core/sig.h"

static const struct tap_map_def maps[] = {
	{ "floor", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },
};

static int build(struct asm_prog *p, const struct tap_build_ctx *ctx)
{
	(void)ctx;
	asm_map_lookup_slot0(p, "floor", -4, "out");
	asm_inc_u64(p, R0, 0, R1, 0);
	asm_label(p, "out");
	asm_return(p, 1);
	return 0;
}

static const struct tap_prog_def floor_def = {
	.name = "tap_floor", .summary = "bench floor", .tp_system = "sched",
	.tp_event = "sched_switch", .maps = maps, .nmaps = 1, .build = build,
};

int main(void)
{
	const struct tap_prog_def *defs[] = { &floor_def };
	struct tap_obj o;
	int err;

	sig_setup();
	err = tap_obj_open(&o, defs, 1, NULL, NULL);
	if (!err)
		err = tap_obj_load(&o);
	if (!err)
		err = tap_obj_attach(&o);
	if (!err) {
		printf("attached\n");
		fflush(stdout);
		while (!sig_sleep_until(sig_now_ns() + 3600ull * 1000000000ull))
			;
	}
	tap_obj_close(&o);
	return err ? 1 : 0;
}
