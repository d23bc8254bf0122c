/* schedtap workload fork: process churn. The (single-threaded) parent
 * forks a child that exits at once and reaps it before the next fork:
 * one sched_process_fork, wakeup_new, exit and free per child. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "core/help.h"
#include "core/cli.h"
#include "core/output.h"
#include "core/msg.h"
#include "core/sig.h"
#include "workload/workload.h"

static const char fork_help[] CLI_HELP_TEXT =
	"usage: schedtap workload fork [--duration S] [--rate N]\n\n"
	"Forks children that exit at once (_exit), reaping each before the next:\n"
	"N forks a second, or as many as it can. Ctrl-C or SIGTERM ends it;\n"
	"it exits 0.\n\n"
	"output (stdout):\n"
	"  fork TID                the parent, as soon as it runs (flushed)\n"
	"  forks N                 at the end: children forked (and reaped)\n\n"
	"options:\n"
	"      --duration S        seconds to run (default 0: until Ctrl-C)\n"
	"      --rate N            forks per second, at most 1000000 (default 0:\n"
	"                          as fast as possible)\n"
	"  -h, --help              this help\n";

#define FORK_MAX_RATE 1000000L

/* One child: forked, exited, reaped. 0 or -errno (reported). */
static int fork_one(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid < 0) {
		int err = -errno;

		msg_err("fork: %s", strerror(-err));
		if (err == -EAGAIN)
			msg_err("hit the process limit (ulimit -u, kernel.pid_max, "
				"pids cgroup): try a lower --rate");
		return err;
	}
	/* Stop signals are blocked: no EINTR here. */
	if (waitpid(pid, &status, 0) < 0)
		return msg_errno(-errno, "reaping child %d", (int)pid);
	return 0;
}

/* Fork until the deadline or a stop, paced to rate a second if rate > 0.
 * Returns the forks done; *err is set on failure. */
static unsigned long long fork_loop(unsigned long long deadline, long rate, int *err)
{
	unsigned long long n = 0, t0 = sig_now_ns(), r = (unsigned long long)rate;

	*err = 0;
	for (;;) {
		/* The n-th fork is due at t0 + n/rate s: a late one does not
		 * shift the rest (split so that n * 1e9 cannot overflow).
		 * Without a rate, it is due now. */
		unsigned long long due = r ? t0 + n / r * 1000000000ull +
					     n % r * 1000000000ull / r : 0;

		if (wl_wait(due < deadline ? due : deadline) || sig_now_ns() >= deadline)
			return n;
		if ((*err = fork_one()))
			return n;
		n++;
	}
}

static int fork_parse(int argc, char **argv, struct cli_common *cli, struct wl_common *wc,
		      long *rate)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "duration", required_argument, 0, WL_OPT_DURATION },
		{ "rate", required_argument, 0, WL_OPT_RATE },
		{ 0, 0, 0, 0 },
	};
	int opt, bad = 0;

	while (!bad && (opt = cli_next_opt(cli, argc, argv, "h", longopts, fork_help)) >= 0) {
		if (opt == WL_OPT_DURATION)
			bad = wl_common_opt(cli, wc, opt, optarg) < 0;
		else	/* --rate: forks a second, 0 = as fast as possible */
			bad = cli_long(cli, optarg, 0, FORK_MAX_RATE, rate);
	}
	return cli_opts_done(cli, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

int workload_fork(int argc, char **argv)
{
	struct cli_common cli;
	struct wl_common wc;
	unsigned long long n;
	long rate = 0;
	int rc, err;

	cli_init(&cli, "workload fork");
	wl_common_init(&wc);
	if ((rc = fork_parse(argc, argv, &cli, &wc, &rate)) >= 0)
		return rc;
	if ((err = wl_setup()) || (err = wl_print_tid("fork", getpid()))) {
		wl_teardown();
		return EXIT_RUNTIME;
	}
	n = fork_loop(wl_deadline(&wc), rate, &err);
	wl_teardown();
	if (printf("forks %llu\n", n) < 0 || out_file_flush(stdout))
		err = msg_errno(-EIO, "writing the fork count to stdout");
	return err ? EXIT_RUNTIME : EXIT_OK;
}
