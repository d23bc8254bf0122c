/* schedtap report's page: one self-contained HTML file (inline CSS and
 * SVG, no script, nothing fetched) from a sched_stats. */
#ifndef SCHEDTAP_REPORT_PAGE_H
#define SCHEDTAP_REPORT_PAGE_H

#include "core/output.h"
#include "report/lt_timeline.h"
#include "report/sched_stats.h"

/* A runnable inversion as the page shows it (cmd/report.c has them
 * from inversion's detector): h waited, m ran the most of the lower. */
struct report_task_id {
	int32_t pid, prio;
	char comm[TRACE_COMM_LEN];
};

struct report_inversion {
	uint64_t ts_ns, wait_ns, delay_ns;
	int32_t cpu;
	struct report_task_id h, m;
};

/* The lottery monitor's shares over the window, when it is loaded. */
struct report_share {
	int32_t pid;
	char comm[TRACE_COMM_LEN];
	uint32_t tickets;
	double expected, actual, cpu_ms;	/* fractions of the task's group */
};

struct report_lottery {
	int loaded;
	int nrows, tasks, groups;	/* rows kept; competing tasks; groups */
	double worst_pp, jain;
	struct report_share rows[25];
};

struct report_meta {
	const char *source;	/* "live on HOST" or the recording's path */
	const char *kernel;	/* uname's release and machine, or NULL */
	uint64_t lost;		/* records the kernel could not write */
	const struct ltt_file *loadtrack;	/* --loadtrack's plots, or NULL */
	/* Runnable inversions inversion's detector found in the events:
	 * the first ninv of ntotal (ninv 0 and ntotal 0: none). */
	const struct report_inversion *inv;
	int ninv;
	uint64_t inv_total;
	double inv_thresh_ms;
	const struct report_lottery *lottery;	/* NULL: not loaded */
};

/* The page's sections, by id (tests look for each); "loadtrack" follows
 * with --loadtrack. */
#define REPORT_SECTIONS "summary timeline runqlat tasks latency inversions"
/* and "lottery" when the lottery monitor is loaded (live only). */

void report_page(struct out *o, const struct sched_stats *s, const struct report_meta *m);
#endif
