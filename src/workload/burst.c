/* schedtap workload burst: a duty cycle, for load-tracking (PELT) studies:
 * each thread works ON ms of its own CPU time, sleeps OFF ms, and again.
 * Counting the work in CPU time keeps the work per period fixed: when the
 * CPU is shared, the period stretches instead of the burst shrinking. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/help.h"
#include "core/cli.h"
#include "core/msg.h"
#include "workload/workload.h"

static const char burst_help[] CLI_HELP_TEXT =
	"usage: schedtap workload burst --on MS --off MS [--duration S] [--threads T]\n"
	"                               [--cpu C]\n\n"
	"T threads (default 1), each repeating: busy for ON ms of its own CPU time,\n"
	"then asleep for OFF ms (alone on a CPU: ON/(ON+OFF) of it). Ctrl-C or\n"
	"SIGTERM ends it early, sleeping or not; it exits 0.\n\n"
	"output (stdout, one line per thread as soon as it runs, flushed):\n"
	"  burst TID               a duty-cycle thread\n\n"
	"options:\n"
	"      --on MS             busy time per period, 1 to 60000 ms (required)\n"
	"      --off MS            sleep per period, 1 to 60000 ms (required)\n"
	"      --duration S        seconds to run (default 0: until Ctrl-C)\n"
	"      --threads T         threads (default 1, at most 256)\n"
	"      --cpu C             pin every thread to CPU C (default: not pinned)\n"
	"  -h, --help              this help\n";

#define BURST_MAX_MS 60000L

struct burst {
	long on_ms, off_ms;	/* 0 = not given */
	int err;		/* a thread's (already reported) */
};

/* ON ms of this thread's CPU time, or until stopped. */
static void burst_work(unsigned long long on_ns)
{
	unsigned long long t0 = wl_clock_ns(CLOCK_THREAD_CPUTIME_ID);

	while (!wl_stopping() && wl_clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0 < on_ns)
		wl_spin();
}

static void *burst_thread(void *arg)
{
	struct burst *b = arg;
	unsigned long long on_ns = (unsigned long long)b->on_ms * 1000000ull;
	unsigned long long off_ns = (unsigned long long)b->off_ms * 1000000ull;

	if (wl_print_tid("burst", wl_gettid())) {
		__atomic_store_n(&b->err, -EIO, __ATOMIC_SEQ_CST);
		wl_stop();
		return NULL;
	}
	/* Each pass works and naps; the stop ends either at once. */
	do
		burst_work(on_ns);
	while (!wl_nap(off_ns));
	return NULL;
}

static int burst_parse(int argc, char **argv, struct cli_common *cli, struct wl_common *wc,
		       struct burst *b, long *threads)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "on", required_argument, 0, WL_OPT_ON },
		{ "off", required_argument, 0, WL_OPT_OFF },
		{ "duration", required_argument, 0, WL_OPT_DURATION },
		{ "threads", required_argument, 0, WL_OPT_THREADS },
		{ "cpu", required_argument, 0, WL_OPT_CPU },
		{ 0, 0, 0, 0 },
	};
	int opt, h, bad = 0;

	while (!bad && (opt = cli_next_opt(cli, argc, argv, "h", longopts, burst_help)) >= 0) {
		if ((h = wl_common_opt(cli, wc, opt, optarg)))
			bad = h < 0;
		else if (opt == WL_OPT_THREADS)
			bad = wl_threads_opt(cli, optarg, threads);
		else
			bad = cli_long(cli, optarg, 1, BURST_MAX_MS,
				       opt == WL_OPT_ON ? &b->on_ms : &b->off_ms);
	}
	if ((h = cli_opts_done(cli, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS)) >= 0)
		return h;
	if (!b->on_ms || !b->off_ms)
		return cli_usage_error(cli, "%s is required (milliseconds %s per period)",
				       b->on_ms ? "--off MS" : "--on MS",
				       b->on_ms ? "asleep" : "busy"), EXIT_USAGE;
	return -1;
}

int workload_burst(int argc, char **argv)
{
	static pthread_t tids[WL_MAX_THREADS];
	static struct burst b;
	struct cli_common cli;
	struct wl_common wc;
	unsigned long long deadline;
	long threads = 1, started;
	int rc, err = 0;

	memset(&b, 0, sizeof(b));
	cli_init(&cli, "workload burst");
	wl_common_init(&wc);
	if ((rc = burst_parse(argc, argv, &cli, &wc, &b, &threads)) >= 0)
		return rc;
	if (wl_setup() || wl_pin(&wc)) {
		wl_teardown();
		return EXIT_RUNTIME;
	}
	deadline = wl_deadline(&wc);
	for (started = 0; started < threads; started++) {
		if ((err = pthread_create(&tids[started], NULL, burst_thread, &b))) {
			msg_errno(-err, "starting burst thread %ld of %ld", started + 1, threads);
			break;
		}
	}
	/* Main only waits: for the deadline, a stop signal or a failure. */
	if (!err)
		wl_wait(deadline);
	wl_stop();
	for (long i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	wl_teardown();
	return err || b.err ? EXIT_RUNTIME : EXIT_OK;
}
