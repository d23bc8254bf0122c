/* schedtap workload inversion: the classic three-thread SCHED_FIFO
 * priority inversion (L holds a mutex, H blocks on it, M keeps L off the
 * CPU), optionally with a priority-inheritance mutex. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/help.h"
#include "core/cli.h"
#include "core/output.h"
#include "core/msg.h"
#include "core/sig.h"
#include "workload/workload.h"

static const char inv_help[] CLI_HELP_TEXT =
	"usage: schedtap workload inversion [--pi] [--spin-ms N] [--cpu C]\n\n"
	"Three SCHED_FIFO threads pinned to one CPU: L (FIFO 10) takes a pthread\n"
	"mutex, H (FIFO 30) blocks on it, M (FIFO 20) spins while L holds it and\n"
	"is runnable: H waits for M, a lower-priority thread (priority inversion).\n"
	"With --pi the mutex is PTHREAD_PRIO_INHERIT: L runs at H's priority and\n"
	"M cannot run until H has the mutex. Prints the threads' TIDs, one per\n"
	"line (\"L 1234\"), once they are done.\n\n"
	"options:\n"
	"      --pi                a priority-inheritance mutex\n"
	"      --spin-ms N         how long M spins (default 200; at most 900:\n"
	"                          real-time throttling allows 950 ms a second)\n"
	"      --cpu C             the CPU to pin everything to (default 0)\n"
	"  -h, --help              this help\n";

/* L's critical section, in L's own CPU time, and main's pause between
 * starting H and M (H blocks, L works on). */
#define INV_HOLD_NS 30000000ull
#define INV_PAUSE_NS 5000000ull
enum { PRIO_MAIN = 40, PRIO_H = 30, PRIO_M = 20, PRIO_L = 10 };

struct inv {
	pthread_mutex_t mu;
	long spin_ms;
	volatile int l_locked;
	volatile pid_t tid_l, tid_m, tid_h;
	volatile int done;	/* threads finished */
	int err;
};

static void *thread_l(void *arg)
{
	struct inv *w = arg;
	unsigned long long t0;

	w->tid_l = wl_gettid();
	if (pthread_mutex_lock(&w->mu)) {
		w->err = -EINVAL;
		w->l_locked = 1;
		__atomic_add_fetch(&w->done, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	t0 = wl_clock_ns(CLOCK_THREAD_CPUTIME_ID);
	w->l_locked = 1;
	/* Busy in the critical section: runnable all along, so M keeps it
	 * off the CPU (without --pi). */
	while (wl_clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < INV_HOLD_NS && !sig_stopped())
		;
	pthread_mutex_unlock(&w->mu);
	__atomic_add_fetch(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *thread_h(void *arg)
{
	struct inv *w = arg;

	w->tid_h = wl_gettid();
	if (pthread_mutex_lock(&w->mu) == 0)
		pthread_mutex_unlock(&w->mu);
	__atomic_add_fetch(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *thread_m(void *arg)
{
	struct inv *w = arg;
	unsigned long long end;

	w->tid_m = wl_gettid();
	end = wl_clock_ns(CLOCK_MONOTONIC) + (unsigned long long)w->spin_ms * 1000000ull;
	while (wl_clock_ns(CLOCK_MONOTONIC) < end && !sig_stopped())
		;
	__atomic_add_fetch(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static int start(pthread_t *t, int prio, void *(*fn)(void *), struct inv *w)
{
	struct sched_param sp = { .sched_priority = prio };
	pthread_attr_t a;
	int err;

	pthread_attr_init(&a);
	pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&a, SCHED_FIFO);
	pthread_attr_setschedparam(&a, &sp);
	err = pthread_create(t, &a, fn, w);
	pthread_attr_destroy(&a);
	return err ? msg_errno(-err, "starting a SCHED_FIFO %d thread", prio) : 0;
}

/* Sleep (letting the lower-priority threads run) without missing a stop. */
static void pause_ns(unsigned long long ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	/* Once stopped, sig_sleep_until returns at once: sleep anyway, the
	 * threads below us on this CPU need it to finish. */
	if (sig_stopped() || sig_sleep_until(sig_now_ns() + ns))
		nanosleep(&ts, NULL);
}

int workload_inversion(int argc, char **argv)
{
	enum { OPT_PI = 0x200, OPT_SPIN, OPT_CPU };
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "pi", no_argument, 0, OPT_PI },
		{ "spin-ms", required_argument, 0, OPT_SPIN },
		{ "cpu", required_argument, 0, OPT_CPU },
		{ 0, 0, 0, 0 },
	};
	struct cli_common cli;
	struct sched_param sp = { .sched_priority = PRIO_MAIN };
	static struct inv w;
	pthread_mutexattr_t ma;
	pthread_t tl, tm, th;
	cpu_set_t set;
	long cpu = 0;
	int pi = 0, opt, err, started = 0, bad = 0;

	memset(&w, 0, sizeof(w));
	w.spin_ms = 200;
	cli_init(&cli, "workload inversion");
	while (!bad && (opt = cli_next_opt(&cli, argc, argv, "h", longopts, inv_help)) >= 0) {
		if (opt == OPT_PI)
			pi = 1;
		else if (opt == OPT_SPIN)
			bad = cli_long(&cli, optarg, 1, 900, &w.spin_ms);
		else
			bad = cli_cpu(&cli, optarg, CPU_SETSIZE - 1, &cpu);
	}
	if ((err = cli_opts_done(&cli, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS)) >= 0)
		return err;

	sig_setup();
	CPU_ZERO(&set);
	CPU_SET((int)cpu, &set);
	/* The threads inherit the affinity: all on one CPU. */
	if (sched_setaffinity(0, sizeof(set), &set))
		return msg_errno(-errno, "pinning to CPU %ld", cpu), EXIT_RUNTIME;
	/* Main above all three, so that it sets the scene step by step. */
	/* (musl's sched_setscheduler is ENOSYS by design: per thread only.) */
	if ((err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp)))
		return msg_err("SCHED_FIFO %d: %s: run as root, or grant CAP_SYS_NICE", PRIO_MAIN,
			       strerror(err)), EXIT_RUNTIME;
	pthread_mutexattr_init(&ma);
	if (pi && (err = pthread_mutexattr_setprotocol(&ma, PTHREAD_PRIO_INHERIT))) {
		pthread_mutexattr_destroy(&ma);
		return msg_errno(-err, "a priority-inheritance mutex"), EXIT_RUNTIME;
	}
	pthread_mutex_init(&w.mu, &ma);
	pthread_mutexattr_destroy(&ma);

	/* L runs as soon as main sleeps; it takes the mutex and works on. */
	err = start(&tl, PRIO_L, thread_l, &w);
	if (!err) {
		started = 1;
		while (!w.l_locked && !sig_stopped())
			pause_ns(1000000);
		err = w.err;
	}
	/* H blocks on the mutex; L runs again for the pause. */
	if (!err && !sig_stopped() && !(err = start(&th, PRIO_H, thread_h, &w))) {
		started = 2;
		pause_ns(INV_PAUSE_NS);
	}
	/* M spins while L (runnable, holding the mutex) waits. */
	if (!err && !sig_stopped() && !(err = start(&tm, PRIO_M, thread_m, &w)))
		started = 3;
	/* Stop signals reach us only in sig_sleep: wait there, not in join. */
	while (started && __atomic_load_n(&w.done, __ATOMIC_SEQ_CST) < started)
		pause_ns(20000000);
	if (started >= 1)
		pthread_join(tl, NULL);
	if (started >= 2)
		pthread_join(th, NULL);
	if (started >= 3)
		pthread_join(tm, NULL);
	pthread_mutex_destroy(&w.mu);
	if (started >= 1)
		printf("L %d\n", (int)w.tid_l);
	if (started >= 3)
		printf("M %d\n", (int)w.tid_m);
	if (started >= 2)
		printf("H %d\n", (int)w.tid_h);
	if (out_file_flush(stdout))
		err = -EIO;
	return err ? EXIT_RUNTIME : EXIT_OK;
}
