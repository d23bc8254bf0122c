#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "decimal.h"
#include "msg.h"
#include "sig.h"

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
	double v;

	if (decimal_parse(s, strlen(s), &v) || v < MIN_INTERVAL || v > MAX_INTERVAL)
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

int cli_next_opt(struct cli_common *c, int argc, char **argv, const char *shortopts,
		 const struct option *longopts, const char *help)
{
	int opt, h;

	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(help, stdout);
			return CLI_HELP;
		}
		if (opt == '?' || opt == ':')
			return cli_usage_error(c, "unknown option or missing argument"), CLI_BAD;
		h = cli_common_opt(c, opt, optarg);
		if (h < 0)
			return CLI_BAD;
		if (!h)
			return opt;
	}
	return -1;
}

int cli_opts_done(const struct cli_common *c, int opt, int argc, char **argv)
{
	if (opt == CLI_HELP)
		return EXIT_OK;
	if (opt == CLI_BAD)
		return EXIT_USAGE;
	if (optind < argc)
		return cli_usage_error(c, "unexpected argument '%s'", argv[optind]), EXIT_USAGE;
	return -1;
}

int cli_interval_loop(const struct cli_common *c, int (*baseline)(void *ctx),
		      int (*report)(void *ctx, double iv), void *ctx)
{
	unsigned long long last, next;
	int err = baseline ? baseline(ctx) : 0;

	if (err)
		return err;
	last = next = sig_now_ns();

	for (long n = 0; !c->count || n < c->count; n++) {
		unsigned long long now;
		int stopped;

		next += (unsigned long long)(c->interval * 1e9);
		stopped = sig_sleep_until(next);
		now = sig_now_ns();
		err = report(ctx, (double)(now - last) / 1e9);
		if (err)
			return err;
		last = now;
		if (stopped)
			break;
	}
	return 0;
}

double cli_wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cli_interval_title(char *buf, size_t len, double wall_s, double iv)
{
	time_t t = (time_t)wall_s;
	struct tm tm;
	size_t n;

	localtime_r(&t, &tm);
	n = strftime(buf, len, "%H:%M:%S", &tm);
	snprintf(buf + n, len - n, "  interval %.3f s", iv);
}
