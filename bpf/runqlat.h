/* schedtap runqlat: run-queue latency histograms, shared by the BPF
 * programs (as offsets) and the consumer. */
#ifndef SCHEDTAP_BPF_RUNQLAT_H
#define SCHEDTAP_BPF_RUNQLAT_H

#include <stddef.h>
#include <stdint.h>

#define RUNQ_SLOTS 32		/* log2 buckets: up to 2^32 us, 71 minutes */
#define RUNQ_MAX_STARTS 10240	/* tasks waiting to run at once */
#define RUNQ_MAX_KEYS 10240	/* histograms with -P, -L or -C */

struct runq_hist {
	uint64_t slots[RUNQ_SLOTS];	/* slot i: floor(log2(latency)) == i */
	uint64_t sum_ns;
	uint64_t count;
};
#define RQ_OFF(f) ((int16_t)offsetof(struct runq_hist, f))

enum runq_key { RUNQ_KEY_NONE, RUNQ_KEY_TID, RUNQ_KEY_CPU };

struct runq_params {
	enum runq_key key;	/* one histogram, or one per task or CPU */
	int millis;		/* buckets in ms, not us */
	long pid;		/* -1: all; else only this task id */
};
#endif
