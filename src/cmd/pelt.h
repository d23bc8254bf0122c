/* What schedtap pelt reads of the kernel: the struct members and bare
 * tracepoints an offsets file must describe (`schedtap btf offsets`). */
#ifndef SCHEDTAP_CMD_PELT_H
#define SCHEDTAP_CMD_PELT_H

extern const char *const pelt_paths[];		/* NULL-terminated */
extern const char *const pelt_tracepoints[];	/* NULL-terminated */

#include "bpf/pelt.h"
#include "btf/koffsets.h"
#include "core/cli.h"

/* pelt --events (src/cmd/pelt_events.c). parse: the events of a LIST
 * ("all", or sched_tp's names joined by commas; NULL: the default set,
 * the task's events with -p) as bits 1 << PELT_EV_*; -1 after a usage
 * error. run: stream them; named: a missing one fails. Returns the exit code. */
extern const char pelt_event_names[];
struct cgroup_paths;
/* -g: cg opened and scanned, or NULL after a warning (groups unnamed). */
struct cgroup_paths *pelt_cgroup_names(struct cgroup_paths *cg);
int pelt_events_parse(const struct cli_common *c, const char *list, long pid, unsigned *mask);
int pelt_events(const struct cli_common *cli, struct pelt_params *pp,
		const struct koffsets *ko, unsigned mask, int named);
/* The per-CPU programs (pelt_cpu's values) this kernel takes with ko:
 * at most PELT_CPU_PROGS into progs; their count. */
#define PELT_CPU_PROGS 7
int pelt_cpu_programs(const struct koffsets *ko, const struct tap_prog_def **progs);
#endif
