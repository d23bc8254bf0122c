#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "msg.h"

/* A day; longer intervals are almost certainly a typo. */
#define MAX_INTERVAL 86400.0
#define MIN_INTERVAL 0.001

void cli_init(struct cli_common *c, const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->interval = 1.0;
	c->fmt = OUT_TABLE;
}

int cli_usage_error(const struct cli_common *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "schedtap %s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'schedtap %s --help'.\n", c->cmd);
	return -1;
}

int cli_parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < MIN_INTERVAL ||
	    v > MAX_INTERVAL)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_common_opt(struct cli_common *c, int opt, const char *arg)
{
	switch (opt) {
	case 'i':
		if (cli_parse_seconds(arg, &c->interval))
			return cli_usage_error(c, "bad interval '%s' (seconds, %g to %g)",
					       arg, MIN_INTERVAL, MAX_INTERVAL);
		c->interval_given = 1;
		return 1;
	case 'o':
		c->output = arg;
		return 1;
	case OPT_CSV:
		c->fmt = OUT_CSV;
		return 1;
	case OPT_JSON:
		c->fmt = OUT_JSON;
		return 1;
	case OPT_DUMP:
		c->dump = 1;
		return 1;
	}
	return 0;
}

int cli_positional(struct cli_common *c, int argc, char **argv, int first)
{
	int n = argc - first, max = c->interval_given ? 1 : 2;
	const char *count = NULL;

	if (n > max)
		return cli_usage_error(c, "unexpected argument '%s'", argv[first + max]);
	if (c->interval_given) {
		count = n ? argv[first] : NULL;
	} else if (n >= 1) {
		if (cli_parse_seconds(argv[first], &c->interval))
			return cli_usage_error(c, "bad interval '%s' (seconds, %g to %g)",
					       argv[first], MIN_INTERVAL, MAX_INTERVAL);
		count = n == 2 ? argv[first + 1] : NULL;
	}
	if (count && cli_parse_long(count, 1, 1000000000L, &c->count))
		return cli_usage_error(c, "bad count '%s' (a positive integer)", count);
	return 0;
}

FILE *cli_open_output(const struct cli_common *c)
{
	FILE *f = stdout;

	if (c->output) {
		f = fopen(c->output, "w");
		if (!f) {
			msg_errno(-errno, "cannot open output file %s", c->output);
			return NULL;
		}
	}
	/* Files and pipes get a large buffer (the subcommands flush after
	 * each report or batch); a terminal keeps its line buffering. */
	if (!isatty(fileno(f)))
		setvbuf(f, NULL, _IOFBF, 1 << 16);
	return f;
}
