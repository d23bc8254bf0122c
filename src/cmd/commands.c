/* schedtap's subcommands: the table main dispatches on. */
#include "cmd/commands.h"

const struct command commands[] = {
	{ "probe", "what this kernel offers and which fallbacks schedtap uses", cmd_probe },
	{ "cpu", "context switches per CPU: counts and rates per interval", cmd_cpu },
	{ "top", "per-task CPU time, switches (voluntary or not), migrations", cmd_top },
	{ "trace", "the event stream: every switch (and wakeups, forks, exits with -e)", cmd_trace },
	{ "runqlat", "run-queue latency histograms, as BCC's runqlat prints them", cmd_runqlat },
	{ "latency", "per-task scheduling delay, as perf sched latency prints it", cmd_latency },
	{ "inversion", "priority inversions: runnable, futex-blocked, and PI boosts", cmd_inversion },
	{ "lottery", "lottery scheduler monitor: pinned load/dump/unload, shares, simulate", cmd_lottery },
	{ "pelt", "load tracking (PELT) per CPU and per task, from the bare tracepoints", cmd_pelt },
	{ "micro", "perf counters per task at every switch: IPC, misses, cycles per ms", cmd_micro },
	{ "loadtrack", "PELT against the truth: scenarios, PELT's model, the seed's claims", cmd_loadtrack },
	{ "record", "a Perfetto trace of the scheduler: CPUs, thread states, wakeups", cmd_record },
	{ "report", "one HTML page: who ran, run-queue latency, CPU time, delays", cmd_report },
	{ "exporter", "Prometheus metrics over HTTP: switches, latency, tasks, load, shares", cmd_exporter },
	{ "btf", "kernel struct offsets from BTF: offsets files for boards without it", cmd_btf },
	{ "workload", "test workloads: cpu, pingpong, burst, fork, inversion", cmd_workload },
	{ NULL, NULL, NULL },
};

const struct cli_group schedtap_commands = {
	.name = "schedtap",
	.item = "subcommand",
	.head = "usage: schedtap SUBCOMMAND [options]\n\n"
		"Shows what the Linux CPU scheduler is doing, with eBPF programs\n"
		"assembled in this binary. Needs root (or CAP_BPF and CAP_PERFMON).\n\n"
		"subcommands:\n",
	.foot = "\n'schedtap SUBCOMMAND --help' for its options; --version.\n",
	.cmds = commands,
};
