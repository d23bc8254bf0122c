/* schedtap workload: small, well-defined scheduler workloads to check the
 * other subcommands against. Each mode is a row in `modes` and a file of
 * its own (workload_MODE.c); workload.c has what they share. */
#include "core/cli.h"
#include "cmd/commands.h"
#include "workload/workload.h"

static const struct command modes[] = {
	{ "inversion", "L, M, H at SCHED_FIFO 10/20/30 on one CPU: M keeps L from "
		       "releasing H's mutex (--pi: boosted)", workload_inversion },
	{ "cpu", "T busy-loop threads at nice N, optionally pinned", workload_cpu },
	{ "pingpong", "two threads waking each other through pipes", workload_pingpong },
	{ "burst", "a duty cycle: busy --on MS, asleep --off MS", workload_burst },
	{ "fork", "fork/exit churn, --rate a second or as fast as possible", workload_fork },
	{ NULL, NULL, NULL },
};

static const struct cli_group workload = {
	.name = "schedtap workload",
	.item = "mode",
	.head = "usage: schedtap workload MODE [options]\n\n"
		"Runs a small scheduler workload, to check the other subcommands against.\n"
		"Each prints its threads as \"ROLE TID\" lines on stdout (flushed as soon\n"
		"as they run, except inversion's), ends on Ctrl-C, SIGTERM or --duration\n"
		"(seconds; 0 or absent: until stopped) and exits 0.\n\n"
		"modes:\n",
	.foot = "\n'schedtap workload MODE --help' for its options and output.\n",
	.cmds = modes,
};

int cmd_workload(int argc, char **argv)
{
	return cli_dispatch(&workload, argc, argv);
}
