/* The command line, one grammar for every subcommand: a dispatcher for
 * nested commands, the options they share (BCC's positional `[interval
 * [count]]`, -i, -d, --csv/--json, -o, --dump, --help), and value parsers
 * that all name the option and its bounds the same way. */
#ifndef SCHEDTAP_CLI_H
#define SCHEDTAP_CLI_H

#include <getopt.h>
#include "core/msg.h"
#include "core/output.h"

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* A command of a table: schedtap's subcommands, lottery's, workload's. */
struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* A table of commands and its help: head, then a line per command, then
 * foot. */
struct cli_group {
	const char *name;		/* "schedtap", "schedtap lottery" */
	const char *item;		/* what a command is called: "subcommand", "mode" */
	const char *head, *foot;
	const struct command *cmds;	/* ends with a NULL name */
};

/* The one dispatcher: argv[1] names the command of g to run (argv[0] is
 * the group's own word). -h, --help and help print g's help (stdout,
 * exit 0); a missing or unknown command says so (stderr, exit 2).
 * Returns the command's exit code. */
int cli_dispatch(const struct cli_group *g, int argc, char **argv);
void cli_group_help(const struct cli_group *g, FILE *f);

enum {
	OPT_CSV = 0x100,
	OPT_JSON,
	OPT_DUMP,
	OPT_PERF_BUFFER,
	OPT_OWN = 0x200,	/* a command's own long-only options start here */
};

/* Where positionals are allowed (cli_opts_done). CLI_INTERVAL_OR_ONCE:
 * as CLI_INTERVAL_COUNT, but with neither an interval nor -i, one report
 * at Ctrl-C (BCC's runqlat, perf sched latency); c->once says so. */
enum cli_positionals { CLI_NO_ARGS, CLI_INTERVAL_COUNT, CLI_INTERVAL_OR_ONCE };

struct cli_common {
	const char *cmd;	/* subcommand name, for messages */
	double interval;	/* seconds between reports */
	int interval_given;	/* -i seen: positionals are then [count] */
	int once;		/* no interval: one report, at Ctrl-C */
	long count;		/* reports to print, 0 = until interrupted */
	double duration;	/* -d: seconds to run, 0 = until interrupted */
	enum out_format fmt;
	int fmt_given;		/* --csv or --json seen */
	int dump;
	int perf_buffer;	/* --perf-buffer */
	const char *output;	/* -o FILE, NULL = stdout */
	const char *opt;	/* the option being parsed, as typed: "-p", "--min-share" */
	char opt_buf[40];
};

/* Commands reporting at intervals. */
#define CLI_COMMON_SHORT "hi:o:"
#define CLI_COMMON_LONG                                  \
	{ "help", no_argument, 0, 'h' },                 \
	{ "interval", required_argument, 0, 'i' },       \
	{ "output", required_argument, 0, 'o' },         \
	{ "csv", no_argument, 0, OPT_CSV },              \
	{ "json", no_argument, 0, OPT_JSON },            \
	{ "dump", no_argument, 0, OPT_DUMP }

#define CLI_COMMON_HELP                                                      \
	"  -i, --interval SECONDS  seconds between reports (default 1)\n"   \
	"  -o, --output FILE       write the report to FILE\n"              \
	"      --csv               comma-separated values, one header row\n" \
	"      --json              one JSON object per line\n"              \
	"      --dump              print the BPF programs as assembly, exit\n" \
	"  -h, --help              this help\n"

/* Commands streaming events until -d or Ctrl-C. */
#define CLI_STREAM_SHORT "ho:d:"
#define CLI_STREAM_LONG                                   \
	{ "help", no_argument, 0, 'h' },                  \
	{ "output", required_argument, 0, 'o' },          \
	{ "csv", no_argument, 0, OPT_CSV },               \
	{ "json", no_argument, 0, OPT_JSON },             \
	{ "dump", no_argument, 0, OPT_DUMP },             \
	{ "duration", required_argument, 0, 'd' },        \
	{ "perf-buffer", no_argument, 0, OPT_PERF_BUFFER }

/* Commands streaming into a file of their own format (record, report):
 * no --csv or --json. */
#define CLI_FILE_LONG                                     \
	{ "help", no_argument, 0, 'h' },                  \
	{ "output", required_argument, 0, 'o' },          \
	{ "duration", required_argument, 0, 'd' },        \
	{ "dump", no_argument, 0, OPT_DUMP },             \
	{ "perf-buffer", no_argument, 0, OPT_PERF_BUFFER }

#define CLI_STREAM_HELP                                                       \
	"  -d, --duration SECONDS  stop after this long (default: until Ctrl-C)\n" \
	"      --perf-buffer       use a perf buffer even where a ring buffer exists\n" \
	"  -o, --output FILE       write the report to FILE\n"               \
	"      --csv               comma-separated values, one header row\n"  \
	"      --json              one JSON object per line\n"               \
	"      --dump              print the BPF programs as assembly, exit\n" \
	"  -h, --help              this help\n"

/* Bounds every command uses for the same kind of value. */
#define CLI_MIN_SECONDS 0.001
#define CLI_MAX_SECONDS 86400.0	/* a day: longer is almost certainly a typo */
#define CLI_PID_MAX 4194304L	/* PID_MAX_LIMIT: no pid or tid is larger */
#define CLI_COMM_MAX 15		/* TASK_COMM_LEN - 1: the kernel keeps no more */

void cli_init(struct cli_common *c, const char *cmd);

/* getopt_long with one set of messages: returns the next option that is
 * the command's own, -1 at the end, CLI_HELP once help is printed, CLI_BAD
 * after a usage error (already reported). The common options above are
 * handled here. c->opt names the option for the value parsers. */
enum { CLI_HELP = -2, CLI_BAD = -3 };
int cli_next_opt(struct cli_common *c, int argc, char **argv, const char *shortopts,
		 const struct option *longopts, const char *help);
/* After the cli_next_opt loop: EXIT_OK once help is printed, EXIT_USAGE
 * after a usage error or a stray argument (reported), -1 to go on. With
 * CLI_INTERVAL_COUNT, the positional [interval [count]] are parsed (just
 * [count] after -i, so `-i 1 3` and `1 3` agree). */
int cli_opts_done(struct cli_common *c, int opt, int argc, char **argv,
		  enum cli_positionals pos);
/* As cli_opts_done, for a command whose positionals are its own operands
 * (files, struct members): between min and max of them (max -1: no limit),
 * left at argv[optind..argc); fewer than min: "missing" is the usage error. */
int cli_operands_done(struct cli_common *c, int opt, int argc, char **argv,
		      int min, int max, const char *missing);
/* For fuzzing the parsers: once set, cli_opts_done returns EXIT_OK where
 * it would go on, so a command stops as soon as its options are parsed. */
extern int cli_parse_only;

/* "schedtap CMD: <msg>" and a pointer to --help; returns -1. The format
 * is cold text (core/msg.h). */
#define cli_usage_error(c, fmt, ...)                                                  \
	({ MSG_COLD_FMT(fmt, ##__VA_ARGS__); cli_usage_error_at(c, msg_fmt_, ##__VA_ARGS__); })
int cli_usage_error_at(const struct cli_common *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Value parsers for the option being parsed (c->opt): 0, or -1 after
 * "schedtap CMD: bad OPT 'VALUE' (what it must be)". */
int cli_long(const struct cli_common *c, const char *arg, long min, long max, long *out);
int cli_decimal(const struct cli_common *c, const char *arg, double min, double max,
		const char *unit, double *out);
int cli_seconds(const struct cli_common *c, const char *arg, double *out);
int cli_pid(const struct cli_common *c, const char *arg, long *out);
int cli_cpu(const struct cli_common *c, const char *arg, long max, long *out);
/* A task name: at most CLI_COMM_MAX bytes. */
int cli_comm(const struct cli_common *c, const char *arg, const char **out);
/* One of names[0..n): its index in *out. */
int cli_choice(const struct cli_common *c, const char *arg, const char *const *names,
	       int n, int *out);
/* A comma-separated list of names, each one of names[0..n) and each
 * once, at most max: their count (indexes in idx), or -1 after the
 * usage error. */
int cli_choice_list(const struct cli_common *c, const char *arg, const char *const *names,
		    int n, int *idx, int max);
/* A comma-separated list of PIDs, at most max: their count, or -1. */
int cli_pid_list(const struct cli_common *c, const char *arg, uint32_t *pids, int max);

/* Number parsing without messages (files, not command lines). */
int cli_parse_long(const char *s, long min, long max, long *out);

/* Open c->output (or stdout). Returns NULL after printing why. */
FILE *cli_open_output(const struct cli_common *c);

/* Every c->interval seconds until c->count reports or a stop signal:
 * report(ctx, seconds since the previous report). baseline(ctx), when not
 * NULL, reads the counters once before the first interval starts, so that
 * what the programs counted while the others were being attached is not
 * put in the first interval (top showed 109.8% for a busy thread where
 * attaching was slow). Returns the first error, 0 otherwise. */
int cli_interval_loop(const struct cli_common *c, int (*baseline)(void *ctx),
		      int (*report)(void *ctx, double iv), void *ctx);
/* Wall-clock seconds, and a report heading "HH:MM:SS  interval 1.000 s". */
double cli_wall_seconds(void);
void cli_interval_title(char *buf, size_t len, double wall_s, double iv);
#endif
