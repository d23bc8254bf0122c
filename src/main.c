/* schedtap: what the Linux CPU scheduler is doing, from eBPF programs
 * that schedtap assembles itself. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"

#ifndef SCHEDTAP_VERSION
#define SCHEDTAP_VERSION "unknown"
#endif

const struct command commands[] = {
	{ "probe", "what this kernel offers and which fallbacks schedtap uses", cmd_probe },
	{ "cpu", "context switches per CPU: counts and rates per interval", cmd_cpu },
	{ "top", "per-task CPU time, switches (voluntary or not), migrations", cmd_top },
	{ "trace", "the event stream: every switch (and wakeups, forks, exits with -e)", cmd_trace },
	{ "runqlat", "run-queue latency histograms, as BCC's runqlat prints them", cmd_runqlat },
	{ "latency", "per-task scheduling delay, as perf sched latency prints it", cmd_latency },
	{ "inversion", "priority inversions: runnable, futex-blocked, and PI boosts", cmd_inversion },
	{ "lottery", "lottery scheduler monitor: pinned load/dump/unload, shares, simulate", cmd_lottery },
	{ "workload", "test workloads: cpu, pingpong, burst, fork, inversion", cmd_workload },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: schedtap SUBCOMMAND [options]\n\n"
		   "Shows what the Linux CPU scheduler is doing, with eBPF programs\n"
		   "assembled in this binary. Needs root (or CAP_BPF and CAP_PERFMON).\n\n"
		   "subcommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\n'schedtap SUBCOMMAND --help' for its options; --version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("schedtap %s\n", SCHEDTAP_VERSION);
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "schedtap: unknown subcommand '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
