/* Log2 histograms printed the way BCC's tools print them, so people and
 * their scripts read them unchanged; and as values for the output layer. */
#ifndef SCHEDTAP_LOG2_HIST_H
#define SCHEDTAP_LOG2_HIST_H

#include <stdint.h>
#include <stdio.h>
#include "core/output.h"

/* Slot i holds values v with floor(log2(v)) == i (0 and 1 in slot 0).
 * Prints BCC's header and rows up to the highest non-empty slot:
 *      usecs               : count     distribution
 *          0 -> 1          : 5        |****                                    |
 * Nothing at all when every slot is empty, as BCC does. */
void log2_hist_print(FILE *f, const char *unit, const uint64_t *slots, int nslots);
/* The histogram as values for the output layer, after the caller's own
 * columns: unit, count, sum_ns, mean (in the unit: usecs or msecs) and
 * buckets, a list of {low, high, count} up to the highest non-empty slot
 * (JSON: "buckets":[{"low":0,"high":1,"count":5},...]). h holds what
 * the values point to; at most LOG2_HIST_MAX_SLOTS slots. */
#define LOG2_HIST_NCOLS 5
#define LOG2_HIST_MAX_SLOTS 64
extern const struct out_col log2_hist_cols[LOG2_HIST_NCOLS];

struct log2_hist_values {
	struct out_val vals[LOG2_HIST_NCOLS];
	struct out_val buckets[LOG2_HIST_MAX_SLOTS * 3];
	struct out_obj list;
};

void log2_hist_values(struct log2_hist_values *h, const char *unit, const uint64_t *slots,
		      int nslots, uint64_t sum_ns, uint64_t count);
#endif
