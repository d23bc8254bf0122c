/* loadtrack's numbers, from one recording: the truth (when the task ran,
 * in 1-ms bins, and its utilization over sliding windows), the kernel's
 * PELT signals as the scheduler saw them at each moment (the last update
 * before it), and PELT's model driven by the truth from the first
 * update's state. */
#ifndef SCHEDTAP_LOADTRACK_ANALYZE_H
#define SCHEDTAP_LOADTRACK_ANALYZE_H

#include <stddef.h>
#include <stdint.h>
#include "bpf/loadtrack.h"
#include "loadtrack/scenario.h"

#define LT_NWINDOWS 3
extern const uint32_t lt_windows_ms[LT_NWINDOWS];	/* 8, 32, 100 */
#define LT_MAX_MS (10 * 60 * 1000)	/* a recording's bound: 10 minutes */
#define LT_DEPARTURE 51.2		/* 5% of 1024: a finding past it */

/* One millisecond. Signals are -1 before the first update. util_avg is
 * the value the last update left; util_now is that state carried to the
 * end of this ms with the kernel's own arithmetic, as the kernel does
 * lazily at the next update (a sleeping task is updated only when it
 * wakes: its stored util_avg is its value before the sleep). */
struct lt_point {
	uint32_t run_us;			/* running time in this ms */
	float actual[LT_NWINDOWS];		/* 1024 * running fraction over the window */
	int32_t util_avg, util_est, runnable_avg, load_avg;
	float util_now;
	float model;				/* -1 before the model starts */
};

/* A signal against the truth over one window size: util_now (util_est)
 * - actual, over the steady span. */
struct lt_err {
	double mean, over, under;	/* under is <= 0 */
	int n;
};

struct lt_summary {
	int updates;			/* PELT records */
	double duty_pct;		/* measured: running share of the active span */
	double util_mean, truth_mean;	/* util_now and the truth over the steady span */
	double est_mean;
	/* |kernel - model| at each update, the model started from the
	 * previous update's state: PELT's arithmetic over one interval. */
	double model_err_max, model_err_mean;
	int model_n;
	/* Updates more than LT_DEPARTURE off it, and when the first was. */
	int departures;
	double first_departure_ms;
	/* |kernel - model| with the model run from the first update on. */
	double drift_max;
	/* How far the PELT clock fell behind ktime over the recording: IRQ
	 * and (in a VM) steal time, which PELT does not count. */
	double clock_lag_ms;
	struct lt_err util[LT_NWINDOWS], est[LT_NWINDOWS];
	/* LT_STEP: time to within 5% of the final value (ms; -1: never),
	 * util at 32, 64 and 106 ms after the step, the model's there and
	 * the closed form's; the share of demand missed in the first 50
	 * and 100 ms (%). */
	double settle_up_ms, settle_down_ms;
	double at[3], at_model[3], at_closed[3];
	double under_50, under_100;
	/* LT_PERIODIC, LT_IO: max - min of util_avg at the steady span's
	 * updates, and of the model at the same moments. */
	double ripple, model_ripple;
};

extern const uint32_t lt_at_ms[3];	/* 32, 64, 106 */

/* Analyze recs (n, any order: sorted here) of a recording that started
 * at t0 (CLOCK_MONOTONIC ns) and lasted ms; pts gets ms points (malloc'd,
 * for the timeline). scale: running time's weight in PELT (capacity /
 * 1024). 0 or negative errno. */
int lt_analyze(struct lt_rec *recs, size_t n, uint64_t t0, uint32_t ms,
	       const struct lt_scenario *sc, double scale, struct lt_point **pts,
	       struct lt_summary *sum);
#endif
