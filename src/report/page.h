/* schedtap report's page: one self-contained HTML file (inline CSS and
 * SVG, no script, nothing fetched) from a sched_stats. */
#ifndef SCHEDTAP_REPORT_PAGE_H
#define SCHEDTAP_REPORT_PAGE_H

#include "core/output.h"
#include "report/lt_timeline.h"
#include "report/sched_stats.h"

struct report_meta {
	const char *source;	/* "live on HOST" or the recording's path */
	const char *kernel;	/* uname's release and machine, or NULL */
	uint64_t lost;		/* records the kernel could not write */
	const struct ltt_file *loadtrack;	/* --loadtrack's plots, or NULL */
};

/* The page's sections, by id (tests look for each); "loadtrack" follows
 * with --loadtrack. */
#define REPORT_SECTIONS "summary timeline runqlat tasks latency"

void report_page(struct out *o, const struct sched_stats *s, const struct report_meta *m);
#endif
