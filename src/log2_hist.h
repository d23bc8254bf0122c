/* Log2 histograms printed the way BCC's tools print them, so people and
 * their scripts read them unchanged; and as one JSON object per line. */
#ifndef SCHEDTAP_LOG2_HIST_H
#define SCHEDTAP_LOG2_HIST_H

#include <stdint.h>
#include <stdio.h>

/* Slot i holds values v with floor(log2(v)) == i (0 and 1 in slot 0).
 * Prints BCC's header and rows up to the highest non-empty slot:
 *      usecs               : count     distribution
 *          0 -> 1          : 5        |****                                    |
 * Nothing at all when every slot is empty, as BCC does. */
void log2_hist_print(FILE *f, const char *unit, const uint64_t *slots, int nslots);
/* {"<label...>,"unit":"usecs","count":N,"sum_ns":N,"mean":F,
 *  "buckets":[{"low":0,"high":1,"count":5},...]} on one line, mean in the
 * histogram's unit (usecs or msecs); label is the caller's leading
 * members ("timestamp_s":...,"pid":12), may be "". */
void log2_hist_json(FILE *f, const char *label, const char *unit, const uint64_t *slots,
		    int nslots, uint64_t sum_ns, uint64_t count);
#endif
