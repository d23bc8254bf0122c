/* Options every subcommand shares, parsed one way: BCC's positional
 * `[interval [count]]`, -i, --csv/--json, -o, --dump, --help. */
#ifndef SCHEDTAP_CLI_H
#define SCHEDTAP_CLI_H

#include <getopt.h>
#include "output.h"

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

enum {
	OPT_CSV = 0x100,
	OPT_JSON,
	OPT_DUMP,
};

struct cli_common {
	const char *cmd;	/* subcommand name, for messages */
	double interval;	/* seconds between reports */
	int interval_given;	/* -i seen: positionals are then [count] */
	long count;		/* reports to print, 0 = until interrupted */
	enum out_format fmt;
	int dump;
	const char *output;	/* -o FILE, NULL = stdout */
};

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

void cli_init(struct cli_common *c, const char *cmd);
/* Handle a common option: 1 handled, 0 not common, -1 usage error
 * (already reported). 'h' is left to the caller (it prints its help). */
int cli_common_opt(struct cli_common *c, int opt, const char *arg);
/* Parse the positional [interval [count]] left after getopt (just
 * [count] after -i, so `-i 1 3` and `1 3` agree). 0 or -1. */
int cli_positional(struct cli_common *c, int argc, char **argv, int first);
/* Print "schedtap CMD: <msg>" and a pointer to --help; returns -1. */
int cli_usage_error(const struct cli_common *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_parse_seconds(const char *s, double *out);
int cli_parse_long(const char *s, long min, long max, long *out);
/* Open c->output (or stdout). Returns NULL after printing why. */
FILE *cli_open_output(const struct cli_common *c);

/* getopt_long, with --help and the common options handled here: returns
 * the next option that is the subcommand's own, -1 at the end, CLI_HELP
 * once help is printed, CLI_BAD after a usage error (already reported). */
enum { CLI_HELP = -2, CLI_BAD = -3 };
int cli_next_opt(struct cli_common *c, int argc, char **argv, const char *shortopts,
		 const struct option *longopts, const char *help);

/* After the cli_next_opt loop of a command without positionals: EXIT_OK
 * once help is printed, EXIT_USAGE after a usage error or a stray
 * argument (reported), -1 to go on. */
int cli_opts_done(const struct cli_common *c, int opt, int argc, char **argv);
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
