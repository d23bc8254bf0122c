/* loadtrack's scenarios: run/sleep patterns a child of schedtap plays on
 * one CPU, phase after phase, on an absolute schedule (so that a step is
 * where the plan says); what ran when is measured, not assumed. */
#ifndef SCHEDTAP_LOADTRACK_SCENARIO_H
#define SCHEDTAP_LOADTRACK_SCENARIO_H

#include <stdint.h>
#include <sys/types.h>

#define LT_MAX_PHASES 6

enum lt_shape { LT_STEP, LT_PERIODIC, LT_IO, LT_RAMP, LT_WATCH };

/* duty 0: asleep throughout; 100: busy throughout; else busy for duty% of
 * every period_us, then asleep. */
struct lt_phase {
	uint32_t ms, period_us, duty;
};

struct lt_scenario {
	const char *name;
	enum lt_shape shape;
	int nphases;
	struct lt_phase ph[LT_MAX_PHASES];
};

/* The child's exit status when it cannot pin itself or take its nice. */
#define LT_CHILD_SETUP_FAILED 2

extern const struct lt_scenario lt_scenarios[];
extern const int lt_nscenarios;

/* The scenario called name, or NULL. */
const struct lt_scenario *lt_scenario_find(const char *name);
/* Its length in ms, and where phase i starts. */
uint32_t lt_scenario_ms(const struct lt_scenario *sc);
uint32_t lt_phase_start_ms(const struct lt_scenario *sc, int i);

/* A child pinned to cpu, at nice, that waits for a byte on *start_fd, then plays
 * sc and exits 0. Returns its pid (the parent keeps the pipe's write
 * end in *start_fd) or negative errno. */
pid_t lt_scenario_spawn(const struct lt_scenario *sc, int cpu, int nice, int *start_fd);
#endif
