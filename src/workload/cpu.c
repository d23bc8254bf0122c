/* schedtap workload cpu: T busy threads at one nice level. A lottery
 * (or CFS weight) test runs several of these pinned to one CPU and
 * compares their CPU time, so the loop is pure CPU work and, with one
 * thread, the process is that thread alone: the main thread spins and
 * checks the clock and pending stop signals itself, with no helper. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "core/help.h"
#include "core/cli.h"
#include "core/msg.h"
#include "core/sig.h"
#include "workload/workload.h"

static const char cpu_help[] CLI_HELP_TEXT =
	"usage: schedtap workload cpu [--nice N] [--duration S] [--threads T] [--cpu C]\n"
	"                             [--loops N]\n\n"
	"T busy-loop threads (default 1), each at nice N, optionally all pinned to\n"
	"CPU C. The loop is pure CPU work. With one thread the process is\n"
	"single-threaded: the busy loop runs in the main thread, so its PID is\n"
	"the thread's TID and /proc/PID/schedstat is that thread's CPU time.\n"
	"Ctrl-C or SIGTERM ends it early; it exits 0.\n\n"
	"output (stdout, one line per thread as soon as it runs, flushed):\n"
	"  cpu TID                 a busy thread (the first is the main thread)\n\n"
	"options:\n"
	"      --nice N            nice level, -20 to 19, set on every thread\n"
	"                          (default: unchanged; below the current one needs\n"
	"                          root or CAP_SYS_NICE)\n"
	"      --duration S        seconds to run (default 0: until Ctrl-C)\n"
	"      --threads T         busy threads (default 1, at most 256)\n"
	"      --cpu C             pin every thread to CPU C (default: not pinned)\n"
	"      --loops N           end after N spins of the main thread's loop (a\n"
	"                          fixed 10,000 iterations each: a known amount of\n"
	"                          work, for counting instructions per spin)\n"
	"  -h, --help              this help\n";

/* How often the main thread looks at the clock's deadline and for a
 * pending stop signal: bounds the overrun at the end, costs nothing. */
#define CPU_CHECK_NS 2000000ull

struct cpu_run {
	long nice;
	long loops;	/* 0: until the deadline */
	int set_nice;
	int err;	/* first error of a thread (already reported) */
};

static int set_nice(const struct cpu_run *r, pid_t tid)
{
	int err;

	if (!r->set_nice || !setpriority(PRIO_PROCESS, (id_t)tid, (int)r->nice))
		return 0;
	err = -errno;
	msg_err("setting nice %ld on thread %d: %s", r->nice, (int)tid, strerror(-err));
	if (err == -EPERM || err == -EACCES)
		msg_err("a nice below the current one needs root, CAP_SYS_NICE or a higher "
			"RLIMIT_NICE (ulimit -e)");
	return err;
}

/* Nice first, then the line: a reader of "cpu TID" sees the final nice. */
static int cpu_thread_begin(struct cpu_run *r)
{
	pid_t tid = wl_gettid();
	int err = set_nice(r, tid);

	if (!err)
		err = wl_print_tid("cpu", tid);
	if (err) {
		int none = 0;

		/* Keep the first; the message is out already. */
		__atomic_compare_exchange_n(&r->err, &none, err, 0, __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
		wl_stop();
	}
	return err;
}

static void *cpu_thread(void *arg)
{
	if (cpu_thread_begin(arg))
		return NULL;
	while (!wl_stopping())
		wl_spin();
	return NULL;
}

/* The main thread's share of the work: spin until the deadline, a stop
 * or the last of loops (0: no limit), looking at the first two every
 * CPU_CHECK_NS (the clock is a vDSO read). */
static void cpu_main_loop(unsigned long long deadline, long loops)
{
	unsigned long long next_check = 0;

	for (long n = 0;; n++) {
		unsigned long long now;

		if (loops && n == loops)
			return;
		wl_spin();
		now = sig_now_ns();
		if (now < next_check)
			continue;
		next_check = now + CPU_CHECK_NS;
		if (now >= deadline || wl_poll_stop())
			return;
	}
}

static int cpu_parse(int argc, char **argv, struct cli_common *cli, struct wl_common *wc,
		     struct cpu_run *r, long *threads)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "nice", required_argument, 0, WL_OPT_NICE },
		{ "duration", required_argument, 0, WL_OPT_DURATION },
		{ "threads", required_argument, 0, WL_OPT_THREADS },
		{ "cpu", required_argument, 0, WL_OPT_CPU },
		{ "loops", required_argument, 0, WL_OPT_LOOPS },
		{ 0, 0, 0, 0 },
	};
	int opt, h, bad = 0;

	while (!bad && (opt = cli_next_opt(cli, argc, argv, "h", longopts, cpu_help)) >= 0) {
		if ((h = wl_common_opt(cli, wc, opt, optarg))) {
			bad = h < 0;
		} else if (opt == WL_OPT_THREADS) {
			bad = wl_threads_opt(cli, optarg, threads);
		} else if (opt == WL_OPT_LOOPS) {
			bad = cli_long(cli, optarg, 1, 1000000000L, &r->loops);
		} else {
			bad = cli_long(cli, optarg, -20, 19, &r->nice);
			r->set_nice = 1;
		}
	}
	return cli_opts_done(cli, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

int workload_cpu(int argc, char **argv)
{
	static pthread_t tids[WL_MAX_THREADS];
	static struct cpu_run r;
	struct cli_common cli;
	struct wl_common wc;
	unsigned long long deadline;
	long threads = 1, started = 0;
	int rc, err;

	memset(&r, 0, sizeof(r));
	cli_init(&cli, "workload cpu");
	wl_common_init(&wc);
	if ((rc = cpu_parse(argc, argv, &cli, &wc, &r, &threads)) >= 0)
		return rc;
	if (wl_setup() || wl_pin(&wc)) {
		wl_teardown();
		return EXIT_RUNTIME;
	}
	deadline = wl_deadline(&wc);
	/* The main thread is the first busy thread; the others are 1..T-1
	 * (they inherit the pinning and the blocked stop signals). */
	err = cpu_thread_begin(&r);
	for (started = 1; !err && started < threads; started++) {
		if ((err = pthread_create(&tids[started], NULL, cpu_thread, &r))) {
			msg_errno(-err, "starting busy thread %ld of %ld", started + 1, threads);
			err = -err;
			break;
		}
	}
	if (!err)
		cpu_main_loop(deadline, r.loops);
	wl_stop();
	for (long i = 1; i < started; i++)
		pthread_join(tids[i], NULL);
	wl_teardown();
	return err || r.err ? EXIT_RUNTIME : EXIT_OK;
}
