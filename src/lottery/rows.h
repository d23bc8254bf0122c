/* Snapshots of the lottery's task map, sorted by PID, and the per-task
 * differences between two of them. */
#ifndef SCHEDTAP_LOTTERY_ROWS_H
#define SCHEDTAP_LOTTERY_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include "core/cli.h"
#include "lottery/share.h"

#define LOT_MAX_PIDS 64

/* -p PID[,PID...] and -c COMM: which tasks a report shows. */
struct lot_filter {
	uint32_t pids[LOT_MAX_PIDS];
	int npids;
	const char *comm;
};

struct lot_snapshot {
	struct lot_row *rows;	/* sorted by pid */
	size_t n;
	double wall_s;		/* CLOCK_REALTIME when read */
	uint64_t mono_ns;	/* CLOCK_MONOTONIC when read */
};

/* Parse "1,2,3" into f->pids. 0 or -EINVAL. */
/* The task filter dump and simulate share: -p PID,..., -c NAME and
 * --min-share PCT (the share of a CPU a task must have run to compete). */
enum { LOT_OPT_MIN_SHARE = OPT_OWN + 0x80 };
#define LOT_FILTER_SHORT "p:c:"
#define LOT_FILTER_LONG                                                  \
	{ "pid", required_argument, 0, 'p' },                            \
	{ "comm", required_argument, 0, 'c' },                           \
	{ "min-share", required_argument, 0, LOT_OPT_MIN_SHARE }
/* 1 when opt is one of them (parsed into f and *min_share, a fraction),
 * 0 when it is not, -1 after a usage error. */
int lot_filter_opt(struct lot_filter *f, const struct cli_common *c, int opt, const char *arg,
		   double *min_share);
int lot_filter_match(const struct lot_filter *f, const struct lot_row *r);
/* Read every task of the map (filtered) into s. 0 or negative errno. */
int lot_snapshot_read(int tasks_fd, uint32_t max_tasks, const struct lot_filter *f,
		      struct lot_snapshot *s);
/* delta_ns of each row against prev (a task new since prev, or one whose
 * PID was reused, counts from zero); cpus is the row's CPU set when it
 * belongs to sample gen, else 0 (unknown). */
void lot_snapshot_deltas(struct lot_snapshot *now, const struct lot_snapshot *prev,
			 uint32_t gen);
void lot_snapshot_free(struct lot_snapshot *s);
#endif
