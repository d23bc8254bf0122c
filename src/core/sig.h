/* Ctrl-C and SIGTERM end a run cleanly: they only set a flag, which the
 * report loop checks, so detaching and flushing happen in normal code. */
#ifndef SCHEDTAP_SIG_H
#define SCHEDTAP_SIG_H

#include <signal.h>

/* Block SIGINT/SIGTERM (they are delivered only inside sig_sleep, so no
 * wakeup is lost between a check and a sleep) and install the handler. */
void sig_setup(void);
int sig_stopped(void);
/* Stop as a signal would, from the program itself (a size limit met). */
void sig_stop(void);
/* For loops that compute without sleeping: take a stop signal that is
 * pending, if any. Returns 1 if stopped. */
int sig_poll(void);
/* Sleep until the deadline (CLOCK_MONOTONIC ns) or a stop signal.
 * Returns 1 if stopped. */
int sig_sleep_until(unsigned long long deadline_ns);
unsigned long long sig_now_ns(void);
/* The mask to sleep with (stop signals deliverable), for epoll_pwait. */
const sigset_t *sig_run_mask(void);
#endif
