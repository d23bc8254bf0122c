/* The priority-inversion detector of schedtap inversion: it is fed the
 * records of bpf/inversion.c (struct trace_rec, INV_* kinds) in time
 * order and reports what it finds through a callback. No kernel, no
 * output: the unit tests feed it by hand. */
#ifndef SCHEDTAP_INVERSION_DETECT_H
#define SCHEDTAP_INVERSION_DETECT_H

#include <stdint.h>
#include "bpf/inversion.h"
#include "tracefs/sched_state.h"

#define INV_SLICE_CPUS 1024	/* CPUs whose slices are kept */
#define INV_NSLICES 4096	/* per CPU, a ring */
#define INV_NTASKS 16384	/* open addressing; cleared when 3/4 full */
#define INV_NIVALS 8		/* runnable intervals kept per task */
#define INV_NOTHERS 8		/* tasks listed per finding */

enum inv_type { INV_RUNNABLE, INV_BLOCKING, INV_PI_BOOST };

struct inv_task_id {
	int32_t pid, prio;	/* pid 0: nobody */
	char comm[TRACE_COMM_LEN];
};

/* A lower-priority task that ran while the victim waited, and how long. */
struct inv_other {
	struct inv_task_id id;
	uint64_t ns;
};

/* runnable: h waited (wait_ns) while m and others ran (delay_ns: all of
 * them); blocking: h blocked on futex, released by l, which others kept
 * off its CPU (m the most, delay_ns: m's share); pi_boost: l boosted by h
 * from l.prio to boost_prio for wait_ns. */
struct inv_finding {
	enum inv_type type;
	uint64_t ts_ns;
	int32_t cpu;		/* -1: not known */
	struct inv_task_id h, l, m;
	int32_t boost_prio;
	uint64_t futex;
	uint64_t wait_ns, delay_ns;
	const struct inv_other *others;
	int nothers;
};

struct inv_slice;
struct inv_task;

struct inv_detector {
	struct sched_state states;	/* prev_state decoding */
	uint64_t thresh_ns;
	void (*found)(void *ctx, const struct inv_finding *f);
	void *ctx;
	struct inv_cpu_slices *cpus[INV_SLICE_CPUS];
	struct inv_task *tasks;
	unsigned ntasks;
	uint64_t records, bad, reported, boosts;
};

/* 0 or -ENOMEM. found(ctx, finding) for each inversion and boost. */
int inv_detect_init(struct inv_detector *d, const struct sched_state *states,
		    uint64_t thresh_ns, void (*found)(void *ctx, const struct inv_finding *f),
		    void *ctx);
/* One record of size bytes (short or unknown ones are counted as bad). */
void inv_detect_record(struct inv_detector *d, const void *data, uint32_t size);
void inv_detect_free(struct inv_detector *d);
#endif
