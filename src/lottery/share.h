/* Fairness analysis of one interval: who competed with whom, the share
 * each was owed (its tickets over its group's tickets) and the share it
 * got (its CPU time over its group's). Pure arithmetic, unit-tested. */
#ifndef SCHEDTAP_LOTTERY_SHARE_H
#define SCHEDTAP_LOTTERY_SHARE_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/lottery.h"

struct lot_row {
	struct lottery_task t;	/* as read from the map */
	uint32_t pid;
	uint64_t delta_ns;	/* CPU time in the interval */
	uint64_t delta_switches;
	uint64_t cpus;		/* CPUs used in the interval (0: unknown) */
	int competing;		/* in the analysis */
	int group;		/* index of its CPU group, competing rows only */
	double expected, actual;	/* fractions of the group */
};

struct lot_share_summary {
	int tasks;		/* competing */
	int groups;
	double worst_pp;	/* largest |actual - expected|, percentage points */
	uint32_t worst_pid;
	double jain;		/* Jain's index of actual/expected, 1 = fair */
};

/* A task competes when it is in the lottery (tickets) and ran at least
 * min_frac of one CPU over the interval: a kernel thread that woke for
 * 10 us would otherwise be owed a full share it never asked for. Tasks
 * sharing a CPU (transitively) form a group; each group is its own
 * lottery. Fills competing, group, expected, actual and *s. */
void lot_share_compute(struct lot_row *rows, size_t n, uint64_t interval_ns,
		       double min_frac, struct lot_share_summary *s);
/* (sum x)^2 / (n sum x^2): 1 when all x are equal, 1/n when one takes all. */
double jain_index(const double *x, size_t n);
#endif
