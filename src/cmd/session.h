/* What every tracing subcommand does around its own work, in one order:
 * catch Ctrl-C and SIGTERM (so that teardown always runs), assemble the
 * programs (all that --dump needs), learn the possible CPUs,
 * open the output, load; the caller attaches (tap_obj_attach) once its
 * readers are ready, and session_close undoes it all. */
#ifndef SCHEDTAP_SESSION_H
#define SCHEDTAP_SESSION_H

#include <stdio.h>
#include "core/cli.h"
#include "kernel/loader.h"
#include "btf/koffsets.h"

/* Far above any NR_CPUS that per-CPU map values are read for. */
#define SESSION_MAX_CPUS 8192

struct session {
	struct tap_obj obj;
	FILE *out;			/* -o FILE, or stdout */
	int *cpu_ids;			/* the possible CPUs, ascending */
	int ncpus;
	const struct cli_common *cli;
	/* Set before session_open by commands with programs on bare
	 * tracepoints: where kernel struct fields are. */
	const struct koffsets *ko;
	/* Set before session_open by a command whose programs are of two
	 * families (record --pelt): each program's own params, in order. */
	const void *const *params_each;
	struct koffsets own_ko;		/* session_btf_typed's, freed at close */
	int own_ko_loaded;
};

/* Before session_open: 1 when this kernel takes BTF-typed programs with
 * task storage (BTF, tp_btf, bpf_task_storage_get from tracing: 5.12+),
 * with s->ko then its BTF; 0 when the tracepoint programs are the ones to
 * load. Prints nothing: the tracepoints are a complete fallback. */
int session_btf_typed(struct session *s);

/* 0: loaded, ready to attach. 1: --dump printed the programs, nothing more
 * to do. Negative errno: printed. session_close is due in every case. */
int session_open(struct session *s, const struct cli_common *cli,
		 const struct tap_prog_def *const *defs, int n, const void *params);
/* Detach, close, and close the output file. Returns the exit code for
 * err (the caller's outcome): EXIT_RUNTIME if it or the close failed. */
int session_close(struct session *s, int err);
/* A command of pins with no options but -h (`lottery unload`, `exporter
 * unload`): parse, check privileges, run(stdout), flush. An exit code. */
int session_run_pins_cmd(int argc, char **argv, const char *cmd, const char *help,
			 int (*run)(FILE *out));
#endif
