/* Subcommands: each is `int cmd_X(int argc, char **argv)` returning an
 * exit code (EXIT_OK, EXIT_RUNTIME, EXIT_USAGE). */
#ifndef SCHEDTAP_COMMANDS_H
#define SCHEDTAP_COMMANDS_H

#include "core/cli.h"

int cmd_cpu(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_runqlat(int argc, char **argv);
int cmd_latency(int argc, char **argv);
int cmd_inversion(int argc, char **argv);
int cmd_workload(int argc, char **argv);
int cmd_lottery(int argc, char **argv);
int cmd_pelt(int argc, char **argv);
int cmd_btf(int argc, char **argv);
int cmd_micro(int argc, char **argv);
int cmd_loadtrack(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_exporter(int argc, char **argv);

extern const struct command commands[];
/* All of them, with schedtap's own help: what main dispatches on. */
extern const struct cli_group schedtap_commands;
#endif
