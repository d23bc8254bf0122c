/* schedtap workload pingpong: two threads that wake each other through a
 * pair of pipes, one byte each way per round trip: a steady source of
 * wakeups and voluntary switches (each side sleeps in read() once per
 * round trip) for wakeup-latency measurements. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/help.h"
#include "core/cli.h"
#include "core/output.h"
#include "core/msg.h"
#include "workload/workload.h"

static const char pingpong_help[] CLI_HELP_TEXT =
	"usage: schedtap workload pingpong [--duration S] [--cpu C] [--count N]\n\n"
	"Two threads wake each other through pipes: ping writes a byte and sleeps\n"
	"in read() until pong, woken by it, writes one back; one round trip\n"
	"each. Ends after S seconds, N round trips, or Ctrl-C/SIGTERM; exits 0.\n\n"
	"output (stdout):\n"
	"  ping TID                as soon as ping runs (flushed)\n"
	"  pong TID                as soon as pong runs (flushed)\n"
	"  round_trips N           at the end: round trips done\n\n"
	"options:\n"
	"      --duration S        seconds to run (default 0: until Ctrl-C or N)\n"
	"      --cpu C             pin both threads to CPU C (default: not pinned)\n"
	"      --count N           stop after N round trips (default 0: no limit)\n"
	"  -h, --help              this help\n";

/* Each thread owns the write end it writes to and closes it when it
 * ends: the other side's read() then returns 0 and it ends too, so
 * neither can be left waiting whichever stops first. */
struct pingpong {
	int to_pong[2];		/* ping writes [1], pong reads [0] */
	int to_ping[2];		/* pong writes [1], ping reads [0] */
	long count;		/* 0 = no limit */
	unsigned long long trips;
	int err;		/* a thread's (already reported) */
};

static void pp_fail(struct pingpong *p, const char *what, int err)
{
	msg_err("%s: %s", what, strerror(-err));
	__atomic_store_n(&p->err, err, __ATOMIC_SEQ_CST);
}

static void *ping_thread(void *arg)
{
	struct pingpong *p = arg;
	unsigned long long n = 0;
	char c = 'p';
	ssize_t r;

	if (wl_print_tid("ping", wl_gettid())) {
		__atomic_store_n(&p->err, -EIO, __ATOMIC_SEQ_CST);
		goto out;
	}
	for (; !wl_stopping() && (!p->count || n < (unsigned long long)p->count); n++) {
		if (write(p->to_pong[1], &c, 1) != 1) {
			pp_fail(p, "ping: writing to pong's pipe", -errno);
			break;
		}
		r = read(p->to_ping[0], &c, 1);
		if (r != 1) {
			/* 0: pong ended (and said why). */
			if (r < 0)
				pp_fail(p, "ping: reading pong's answer", -errno);
			break;
		}
	}
out:
	p->trips = n;
	close(p->to_pong[1]);
	/* --count reached: end the run now, not at the deadline. */
	wl_stop();
	return NULL;
}

static void *pong_thread(void *arg)
{
	struct pingpong *p = arg;
	char c;
	ssize_t r;

	if (wl_print_tid("pong", wl_gettid())) {
		__atomic_store_n(&p->err, -EIO, __ATOMIC_SEQ_CST);
		goto out;
	}
	/* Ends when ping closes its end (read returns 0). */
	while ((r = read(p->to_pong[0], &c, 1)) == 1) {
		if (write(p->to_ping[1], &c, 1) != 1) {
			pp_fail(p, "pong: answering ping", -errno);
			goto out;
		}
	}
	if (r < 0)
		pp_fail(p, "pong: reading ping's byte", -errno);
out:
	close(p->to_ping[1]);
	return NULL;
}

static int pp_parse(int argc, char **argv, struct cli_common *cli, struct wl_common *wc,
		    struct pingpong *p)
{
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "duration", required_argument, 0, WL_OPT_DURATION },
		{ "cpu", required_argument, 0, WL_OPT_CPU },
		{ "count", required_argument, 0, WL_OPT_COUNT },
		{ 0, 0, 0, 0 },
	};
	int opt, h, bad = 0;

	while (!bad && (opt = cli_next_opt(cli, argc, argv, "h", longopts, pingpong_help)) >= 0) {
		if ((h = wl_common_opt(cli, wc, opt, optarg)))
			bad = h < 0;
		else	/* --count: round trips, 0 = no limit */
			bad = cli_long(cli, optarg, 0, LONG_MAX, &p->count);
	}
	return cli_opts_done(cli, bad ? CLI_BAD : opt, argc, argv, CLI_NO_ARGS);
}

/* Both threads, or none: with ping alone, nothing would answer it. Either
 * way both write ends are closed (or owned by a running thread) after. */
static int pp_start(struct pingpong *p, pthread_t *ping, pthread_t *pong)
{
	int err;

	if ((err = pthread_create(pong, NULL, pong_thread, p))) {
		close(p->to_pong[1]);
		close(p->to_ping[1]);
		return msg_errno(-err, "starting the pong thread");
	}
	if ((err = pthread_create(ping, NULL, ping_thread, p))) {
		msg_errno(-err, "starting the ping thread");
		close(p->to_pong[1]);	/* pong reads EOF, closes its end, ends */
		pthread_join(*pong, NULL);
		return -err;
	}
	return 0;
}

int workload_pingpong(int argc, char **argv)
{
	static struct pingpong p;
	struct cli_common cli;
	struct wl_common wc;
	pthread_t ping, pong;
	int rc, err = 0;

	memset(&p, 0, sizeof(p));
	cli_init(&cli, "workload pingpong");
	wl_common_init(&wc);
	if ((rc = pp_parse(argc, argv, &cli, &wc, &p)) >= 0)
		return rc;
	if (wl_setup() || wl_pin(&wc)) {
		wl_teardown();
		return EXIT_RUNTIME;
	}
	if (pipe2(p.to_pong, O_CLOEXEC)) {
		err = msg_errno(-errno, "creating ping's pipe");
		goto out;
	}
	if (pipe2(p.to_ping, O_CLOEXEC)) {
		err = msg_errno(-errno, "creating pong's pipe");
		close(p.to_pong[0]);
		close(p.to_pong[1]);
		goto out;
	}
	if (!(err = pp_start(&p, &ping, &pong))) {
		wl_wait(wl_deadline(&wc));
		wl_stop();
		pthread_join(ping, NULL);
		pthread_join(pong, NULL);
	}
	close(p.to_ping[0]);
	close(p.to_pong[0]);
out:
	wl_teardown();
	if (!err && (printf("round_trips %llu\n", p.trips) < 0 || out_file_flush(stdout)))
		err = msg_errno(-EIO, "writing the round trips to stdout");
	return err || p.err ? EXIT_RUNTIME : EXIT_OK;
}
