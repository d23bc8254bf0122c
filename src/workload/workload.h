/* schedtap workload: what the modes share. Each mode is one file
 * (workload_MODE.c) with one entry point, listed in cmd_workload.c.
 *
 * Stopping: stop signals are blocked (sig_setup) and delivered only where
 * the main thread waits for them (wl_wait) or finds one pending
 * (wl_poll_stop). The main thread then calls wl_stop(), which the other
 * threads see through wl_stopping() and which ends their naps (wl_nap).
 * A thread may call wl_stop() too (it is done, or failed): main's wl_wait
 * returns then. */
#ifndef SCHEDTAP_WORKLOAD_H
#define SCHEDTAP_WORKLOAD_H

#include <sys/types.h>
#include <time.h>
#include "core/cli.h"

/* The modes. */
int workload_inversion(int argc, char **argv);
int workload_cpu(int argc, char **argv);
int workload_pingpong(int argc, char **argv);
int workload_burst(int argc, char **argv);
int workload_fork(int argc, char **argv);

/* Options several modes take. */
enum {
	WL_OPT_DURATION = 0x300,
	WL_OPT_CPU,
	WL_OPT_THREADS,
	WL_OPT_NICE,
	WL_OPT_COUNT,
	WL_OPT_ON,
	WL_OPT_OFF,
	WL_OPT_RATE,
	WL_OPT_LOOPS,
};

#define WL_MAX_THREADS 256
#define WL_NO_CPU (-1L)

/* --duration S (0 = until stopped) and --cpu C (WL_NO_CPU = not pinned),
 * already parsed. */
struct wl_common {
	double duration_s;
	long cpu;
};

void wl_common_init(struct wl_common *c);
/* Parse a --duration, --cpu or --threads argument into c or *threads:
 * 1 handled, 0 not one of them, -1 usage error (already reported). */
int wl_common_opt(const struct cli_common *cli, struct wl_common *c, int opt,
		  const char *arg);
int wl_threads_opt(const struct cli_common *cli, const char *arg, long *threads);

/* sig_setup, and the stop pipe that wakes nappers. 0 or -errno (reported). */
int wl_setup(void);
void wl_teardown(void);
/* CLOCK_MONOTONIC ns when the run ends; ~0ull for "until stopped". */
unsigned long long wl_deadline(const struct wl_common *c);
/* Pin the calling thread (and the threads it starts later) to c->cpu, if
 * given. 0 or -errno (reported). */
int wl_pin(const struct wl_common *c);

void wl_stop(void);
int wl_stopping(void);
/* Main thread only: sleep until deadline_ns, a stop signal or wl_stop().
 * Returns 1 if the run should end (stopped or the deadline passed). */
int wl_wait(unsigned long long deadline_ns);
/* Main thread only, for loops that never sleep: take a pending stop
 * signal, if any. Returns 1 if stopping. */
int wl_poll_stop(void);
/* Any thread: sleep ns unless stopped (wl_stop ends it early). Returns 1
 * if stopping. */
int wl_nap(unsigned long long ns);

/* About 10 us of pure CPU work. */
void wl_spin(void);
unsigned long long wl_clock_ns(clockid_t c);
pid_t wl_gettid(void);
/* "ROLE TID" on stdout, flushed at once (a test reads it while the
 * workload runs). 0 or -EIO. */
int wl_print_tid(const char *role, pid_t tid);
#endif
