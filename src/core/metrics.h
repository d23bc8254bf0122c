/* The output layer's form for monitoring systems: Prometheus' text
 * exposition format (0.0.4) or OpenMetrics 1.0, written into a buffer
 * that the HTTP server sends whole. Label values are untrusted bytes
 * (task names): escaped, and made valid UTF-8, so that every sample is
 * one line that Prometheus parses. */
#ifndef SCHEDTAP_METRICS_H
#define SCHEDTAP_METRICS_H

#include <stddef.h>
#include <stdint.h>
#include "core/help.h"

enum metric_type { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

/* name is the family's: a counter's samples add _total, a histogram's
 * _bucket, _sum and _count. help is cold text (help_unpack first). */
struct metric_family {
	const char *name;
	const char *help;
	uint8_t type;
};

/* A family with its help text kept cold (core/help.h). */
#define METRIC_FAMILY(var, fname, ftype, ftext)                               \
	static const char var##_help[] COLD_TEXT = ftext;                     \
	static const struct metric_family var = { fname, var##_help, ftype }

struct metric_label {
	const char *name;
	const char *value;	/* any bytes, NUL-terminated */
};

struct metrics {
	char *buf;
	size_t len, cap, max;
	int openmetrics;
	int err;		/* -ENOMEM, or -E2BIG past max: the page is dropped */
	const struct metric_family *fam;	/* the family being written */
};

/* max: the largest page (a scrape that would pass it fails whole). */
void metrics_init(struct metrics *m, int openmetrics, size_t max);
void metrics_reset(struct metrics *m);
void metrics_free(struct metrics *m);
/* # HELP and # TYPE; the samples that follow belong to f. */
void metrics_family(struct metrics *m, const struct metric_family *f);
/* One sample of the current family: a counter's or gauge's value. */
void metrics_sample(struct metrics *m, const struct metric_label *l, int nl, double v);
/* A histogram's series: bounds[i] is bucket i's upper bound (le), counts[i]
 * its own count (made cumulative here); +Inf and _count are count (the
 * observations past the last bound too), then _sum. */
void metrics_histogram(struct metrics *m, const struct metric_label *l, int nl,
		       const double *bounds, const uint64_t *counts, int n, uint64_t count,
		       double sum);
/* OpenMetrics' "# EOF"; returns m->err. */
int metrics_end(struct metrics *m);

/* Exposed for tests: a label value escaped (\\ \" \n; other controls and
 * bytes that are not UTF-8 become '?') into buf, NUL-terminated like
 * snprintf; returns the length it needs. */
size_t metrics_label_escape(const char *s, char *buf, size_t size);
#endif
