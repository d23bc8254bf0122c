/* `schedtap loadtrack --timeline --csv` read back, for report's plots:
 * each scenario's points (its time, the actual utilization over 8 ms,
 * util_avg, util_est and PELT's model). The file is untrusted: lines and
 * fields are bounded, every number checked; a row that is not one is
 * counted and skipped. */
#ifndef SCHEDTAP_REPORT_LT_TIMELINE_H
#define SCHEDTAP_REPORT_LT_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#define LTT_SCENARIOS 32
#define LTT_POINTS 30000	/* 30 s at loadtrack's 1 ms */
#define LTT_NAME 32
#define LTT_LINE 4096

struct ltt_point {
	float t_ms, actual, util, est, model;	/* NAN: no value */
};

struct ltt_scenario {
	char name[LTT_NAME];
	struct ltt_point *pts;
	uint32_t n, dropped;
};

struct ltt_file {
	struct ltt_scenario sc[LTT_SCENARIOS];
	int n;
	uint64_t rows, bad;
};

/* The fields of one CSV line, in place (quotes undone, RFC 4180): their
 * count, at most max, or -EINVAL for a quote left open. */
int ltt_split(char *line, char **fields, int max);
/* Read a whole file into t (ltt_free it after, even on error). 0, or
 * negative errno with the reason in why. */
int ltt_read(FILE *f, struct ltt_file *t, char *why, size_t len);
void ltt_free(struct ltt_file *t);
#endif
