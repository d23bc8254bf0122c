#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include "core/sig.h"

static volatile sig_atomic_t stop_requested;
static sigset_t run_mask;	/* the mask to sleep with: stop signals open */

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void sig_setup(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &run_mask);
	sigdelset(&run_mask, SIGINT);
	sigdelset(&run_mask, SIGTERM);
}

int sig_stopped(void)
{
	return stop_requested;
}

void sig_stop(void)
{
	stop_requested = 1;
}

int sig_poll(void)
{
	sigset_t pending;

	if (stop_requested)
		return 1;
	if (sigpending(&pending) ||
	    (!sigismember(&pending, SIGINT) && !sigismember(&pending, SIGTERM)))
		return 0;
	/* ppoll opens the mask: the handler takes it at once. */
	return sig_sleep_until(sig_now_ns() + 1000000000ull);
}

unsigned long long sig_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

int sig_sleep_until(unsigned long long deadline_ns)
{
	while (!stop_requested) {
		unsigned long long now = sig_now_ns();
		struct timespec ts;

		if (now >= deadline_ns)
			break;
		ts.tv_sec = (time_t)((deadline_ns - now) / 1000000000ull);
		ts.tv_nsec = (long)((deadline_ns - now) % 1000000000ull);
		/* ppoll swaps in run_mask atomically: a signal sent before
		 * we sleep is delivered now instead of being missed. */
		ppoll(NULL, 0, &ts, &run_mask);
	}
	return stop_requested;
}

const sigset_t *sig_run_mask(void)
{
	return &run_mask;
}
