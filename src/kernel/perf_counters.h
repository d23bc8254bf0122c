/* Counting perf events by perf's names ("cycles", "cache-misses"), one
 * per CPU, for programs that read them with bpf_perf_event_read_value. */
#ifndef SCHEDTAP_PERF_COUNTERS_H
#define SCHEDTAP_PERF_COUNTERS_H

#include <stdint.h>

struct perf_counter_def {
	const char *name;	/* perf's event name */
	const char *col;	/* column name: "cache_misses" */
	const char *title;	/* table title: "CMISS" */
	uint32_t type;		/* PERF_TYPE_HARDWARE or PERF_TYPE_SOFTWARE */
	uint64_t config;
};

/* Every counter schedtap knows, hardware ones first; NULL-name ended. */
extern const struct perf_counter_def perf_counter_defs[];

/* The counter named name, or NULL. */
const struct perf_counter_def *perf_counter_find(const char *name);
/* Open d as a counting event on cpu (all tasks), enabled, with the
 * times enabled and running in what read() gives. fd, or negative errno:
 * -ENOENT, -EOPNOTSUPP or -ENODEV where no PMU counts it. */
int perf_counter_open(const struct perf_counter_def *d, int cpu);
/* 1 when err from perf_counter_open means this machine cannot count the
 * event (no PMU, or a PMU without it), not that we may not. */
int perf_counter_absent(int err);
/* The counter's value and the times it was enabled and running (less
 * than enabled when the PMU multiplexed it). 0 or negative errno. */
int perf_counter_read(int fd, uint64_t *value, uint64_t *enabled, uint64_t *running);
#endif
