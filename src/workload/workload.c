/* What the workload modes share: their common options, the stop protocol
 * (see workload.h), pinning, busy work and the "ROLE TID" lines. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "core/output.h"
#include "core/msg.h"
#include "core/sig.h"
#include "workload/workload.h"

/* Longest single sleep: "until stopped" must not overflow a timespec. */
#define WL_MAX_SLEEP_NS 3600000000000ull

static int stop_flag;
static int stop_pipe[2] = { -1, -1 };	/* readable once stopped */

void wl_common_init(struct wl_common *c)
{
	c->duration_s = 0;
	c->cpu = WL_NO_CPU;
}

int wl_common_opt(const struct cli_common *cli, struct wl_common *c, int opt,
		  const char *arg)
{
	switch (opt) {
	case WL_OPT_DURATION:
		return cli_decimal(cli, arg, 0, CLI_MAX_SECONDS, "seconds; 0 = until Ctrl-C",
				   &c->duration_s) ? -1 : 1;
	case WL_OPT_CPU:
		return cli_cpu(cli, arg, CPU_SETSIZE - 1, &c->cpu) ? -1 : 1;
	}
	return 0;
}

int wl_threads_opt(const struct cli_common *cli, const char *arg, long *threads)
{
	return cli_long(cli, arg, 1, WL_MAX_THREADS, threads);
}

int wl_setup(void)
{
	sig_setup();
	if (pipe2(stop_pipe, O_CLOEXEC))
		return msg_errno(-errno, "creating the workload's stop pipe");
	return 0;
}

void wl_teardown(void)
{
	for (int i = 0; i < 2; i++) {
		if (stop_pipe[i] >= 0)
			close(stop_pipe[i]);
		stop_pipe[i] = -1;
	}
}

unsigned long long wl_deadline(const struct wl_common *c)
{
	if (c->duration_s <= 0)
		return ~0ull;
	return sig_now_ns() + (unsigned long long)(c->duration_s * 1e9);
}

int wl_pin(const struct wl_common *c)
{
	cpu_set_t set;
	int err;

	if (c->cpu == WL_NO_CPU)
		return 0;
	CPU_ZERO(&set);
	CPU_SET((int)c->cpu, &set);
	if (!sched_setaffinity(0, sizeof(set), &set))
		return 0;
	err = -errno;
	msg_err("pinning to CPU %ld: %s", c->cpu, strerror(-err));
	if (err == -EINVAL)
		msg_err("CPU %ld is offline or outside this task's cpuset: see "
			"/sys/devices/system/cpu/online", c->cpu);
	return err;
}

void wl_stop(void)
{
	/* The flag first: whoever wakes on the pipe sees it set. Written
	 * once, never read: the pipe stays readable for every later nap. */
	if (__atomic_exchange_n(&stop_flag, 1, __ATOMIC_SEQ_CST))
		return;
	if (stop_pipe[1] >= 0 && write(stop_pipe[1], "x", 1) != 1)
		msg_errno(-errno, "waking the workload's threads (they stop at their next check)");
}

int wl_stopping(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_SEQ_CST);
}

static struct timespec ns_to_ts(unsigned long long ns)
{
	struct timespec ts;

	if (ns > WL_MAX_SLEEP_NS)
		ns = WL_MAX_SLEEP_NS;
	ts.tv_sec = (time_t)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	return ts;
}

int wl_poll_stop(void)
{
	return wl_stopping() || sig_poll();
}

int wl_wait(unsigned long long deadline_ns)
{
	struct pollfd pfd = { .fd = stop_pipe[0], .events = POLLIN };

	/* Each pass sleeps until the deadline, a signal or the pipe. */
	for (;;) {
		unsigned long long now = sig_now_ns();
		struct timespec ts;

		if (sig_stopped() || wl_stopping())
			return 1;
		if (now >= deadline_ns)
			return wl_poll_stop();
		ts = ns_to_ts(deadline_ns - now);
		/* ppoll opens the stop signals only while asleep (as
		 * sig_sleep_until does), and wakes on wl_stop's byte. */
		ppoll(&pfd, 1, &ts, sig_run_mask());
	}
}

int wl_nap(unsigned long long ns)
{
	struct pollfd pfd = { .fd = stop_pipe[0], .events = POLLIN };
	struct timespec ts = ns_to_ts(ns);

	if (wl_stopping())
		return 1;
	ppoll(&pfd, 1, &ts, NULL);
	return wl_stopping();
}

void wl_spin(void)
{
	/* volatile: the compiler must not fold the loop away. */
	for (volatile unsigned int i = 0; i < 10000; i++)
		;
}

unsigned long long wl_clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

pid_t wl_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

int wl_print_tid(const char *role, pid_t tid)
{
	int err = 0;

	flockfile(stdout);
	errno = 0;
	if (printf("%s %d\n", role, (int)tid) < 0 || out_file_flush(stdout))
		err = errno ? -errno : -EIO;
	funlockfile(stdout);
	if (err)
		msg_err("writing \"%s %d\" to stdout: %s (was it closed?)", role, (int)tid,
			strerror(-err));
	return err;
}
