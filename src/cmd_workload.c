/* schedtap workload: small, well-defined scheduler workloads to check the
 * other subcommands against. Each mode is a row in `modes` and a file of
 * its own (workload_MODE.c); workload.c has what they share. */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "commands.h"
#include "workload.h"

struct workload_mode {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const char help[] =
	"usage: schedtap workload MODE [options]\n\n"
	"Runs a small scheduler workload, to check the other subcommands against.\n"
	"Each prints its threads as \"ROLE TID\" lines on stdout (flushed as soon\n"
	"as they run, except inversion's), ends on Ctrl-C or SIGTERM too, and\n"
	"exits 0. 'schedtap workload MODE --help' for its options and output.\n\n"
	"modes:\n"
	"  inversion [--pi] [--spin-ms N] [--cpu C]\n"
	"      three SCHED_FIFO threads pinned to CPU C (default 0): L (FIFO 10)\n"
	"      takes a mutex, H (FIFO 30) blocks on it, M (FIFO 20) spins N ms\n"
	"      (default 200) while L holds it and is runnable; then L releases\n"
	"      it and H proceeds. --pi makes the mutex PTHREAD_PRIO_INHERIT, so\n"
	"      L is boosted and M waits instead. Prints \"L TID\", \"M TID\",\n"
	"      \"H TID\" at the end. Needs root (real-time priorities).\n"
	"  cpu [--nice N] [--duration S] [--threads T] [--cpu C]\n"
	"      T busy-loop threads (default 1) at nice N, optionally pinned to\n"
	"      CPU C; with one thread, the process is that thread alone.\n"
	"      Prints \"cpu TID\" per thread.\n"
	"  pingpong [--duration S] [--cpu C] [--count N]\n"
	"      two threads waking each other through pipes. Prints \"ping TID\",\n"
	"      \"pong TID\", and \"round_trips N\" at the end.\n"
	"  burst --on MS --off MS [--duration S] [--threads T] [--cpu C]\n"
	"      a duty cycle: busy ON ms of CPU time, asleep OFF ms, repeated.\n"
	"      Prints \"burst TID\" per thread.\n"
	"  fork [--duration S] [--rate N]\n"
	"      fork/exit churn, N a second or as fast as possible. Prints\n"
	"      \"fork TID\" (the parent), and \"forks N\" at the end.\n\n"
	"--duration S: seconds (0 or absent: until Ctrl-C).\n\n"
	"options:\n"
	"  -h, --help              this help\n";

static const struct workload_mode modes[] = {
	{ "inversion", workload_inversion },
	{ "cpu", workload_cpu },
	{ "pingpong", workload_pingpong },
	{ "burst", workload_burst },
	{ "fork", workload_fork },
	{ NULL, NULL },
};

int cmd_workload(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "schedtap workload: which workload? A MODE is required.\n\n%s", help);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(help, stdout);
		return EXIT_OK;
	}
	for (const struct workload_mode *m = modes; m->name; m++)
		if (!strcmp(argv[1], m->name))
			return m->run(argc - 1, argv + 1);
	fprintf(stderr, "schedtap workload: unknown mode '%s' (modes:", argv[1]);
	for (const struct workload_mode *m = modes; m->name; m++)
		fprintf(stderr, " %s", m->name);
	fprintf(stderr, ")\nTry 'schedtap workload --help'.\n");
	return EXIT_USAGE;
}
