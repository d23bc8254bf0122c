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
#endif
