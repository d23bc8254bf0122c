#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/cli.h"
#include "core/help.h"
#include "core/decimal.h"
#include "core/msg.h"
#include "core/sig.h"

int cli_parse_only;

void cli_group_help(const struct cli_group *g, FILE *f)
{
	help_unpack();
	fputs(g->head, f);
	for (const struct command *c = g->cmds; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs(g->foot, f);
}

int cli_dispatch(const struct cli_group *g, int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (name && (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help"))) {
		cli_group_help(g, stdout);
		return EXIT_OK;
	}
	for (const struct command *c = g->cmds; name && c->name; c++)
		if (!strcmp(name, c->name))
			return c->run(argc - 1, argv + 1);
	if (name)
		fprintf(stderr, "%s: unknown %s '%s'\n\n", g->name, g->item, name);
	else
		fprintf(stderr, "%s: a %s is required\n\n", g->name, g->item);
	cli_group_help(g, stderr);
	return EXIT_USAGE;
}

void cli_init(struct cli_common *c, const char *cmd)
{
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	c->interval = 1.0;
	c->fmt = OUT_TABLE;
	c->opt = "";
}

int cli_usage_error_at(const struct cli_common *c, const char *fmt, ...)
{
	va_list ap;

	help_unpack();
	fprintf(stderr, "schedtap %s: ", c->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'schedtap %s --help'.\n", c->cmd);
	return -1;
}

static int bad(const struct cli_common *c, const char *arg, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "bad -p 'x' (a PID, 1 to 4194304)" */
static int bad(const struct cli_common *c, const char *arg, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cli_usage_error(c, "bad %s '%s' (%s)", c->opt, arg, what);
}

int cli_parse_long(const char *s, long min, long max, long *out)
{
	long long v;
	const char *end = decimal_int(s, min, max, &v);

	if (!end || *end)
		return -1;
	*out = (long)v;
	return 0;
}

int cli_long(const struct cli_common *c, const char *arg, long min, long max, long *out)
{
	if (cli_parse_long(arg, min, max, out))
		return bad(c, arg, "an integer, %ld to %ld", min, max);
	return 0;
}

int cli_decimal(const struct cli_common *c, const char *arg, double min, double max,
		const char *unit, double *out)
{
	double v;

	if (decimal_parse(arg, strlen(arg), &v) || v < min || v > max)
		return bad(c, arg, "%s, %g to %g", unit, min, max);
	*out = v;
	return 0;
}

int cli_seconds(const struct cli_common *c, const char *arg, double *out)
{
	return cli_decimal(c, arg, CLI_MIN_SECONDS, CLI_MAX_SECONDS, "seconds", out);
}

int cli_pid(const struct cli_common *c, const char *arg, long *out)
{
	if (cli_parse_long(arg, 1, CLI_PID_MAX, out))
		return bad(c, arg, "a PID, 1 to %ld", CLI_PID_MAX);
	return 0;
}

int cli_cpu(const struct cli_common *c, const char *arg, long max, long *out)
{
	if (cli_parse_long(arg, 0, max, out))
		return bad(c, arg, "a CPU number, 0 to %ld", max);
	return 0;
}

int cli_comm(const struct cli_common *c, const char *arg, const char **out)
{
	if (!*arg || strlen(arg) > CLI_COMM_MAX)
		return cli_usage_error(c, "bad %s: a task name is 1 to %d bytes (the kernel "
				       "keeps no more), not %zu", c->opt, CLI_COMM_MAX,
				       strlen(arg));
	*out = arg;
	return 0;
}

int cli_choice(const struct cli_common *c, const char *arg, const char *const *names,
	       int n, int *out)
{
	char list[300];
	size_t at = 0;

	for (int i = 0; i < n; i++)
		if (!strcmp(arg, names[i])) {
			*out = i;
			return 0;
		}
	list[0] = 0;
	for (int i = 0; i < n && at < sizeof(list); i++)
		at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "",
				       names[i]);
	return bad(c, arg, "one of %s", list);
}

int cli_choice_list(const struct cli_common *c, const char *arg, const char *const *names,
		    int n, int *idx, int max)
{
	const char *p = arg;
	int count = 0;

	do {
		size_t len = strcspn(p, ",");
		int k = 0;

		while (k < n && (strlen(names[k]) != len || strncmp(p, names[k], len)))
			k++;
		if (k == n) {
			char one[64];

			snprintf(one, sizeof(one), "%.*s", (int)(len < 60 ? len : 60), p);
			return cli_choice(c, one, names, n, &k);
		}
		for (int i = 0; i < count; i++)
			if (idx[i] == k)
				return bad(c, arg, "%s twice", names[k]);
		if (count == max)
			return bad(c, arg, "at most %d", max);
		idx[count++] = k;
		p += len;
	} while (*p++ == ',');
	return count;
}

int cli_pid_list(const struct cli_common *c, const char *arg, uint32_t *pids, int max)
{
	const char *p = arg;
	int n = 0;

	do {
		char one[16];
		size_t len = strcspn(p, ",");
		long v;

		if (n == max)
			return bad(c, arg, "at most %d PIDs", max);
		if (len && len < sizeof(one)) {
			memcpy(one, p, len);
			one[len] = 0;
		}
		if (!len || len >= sizeof(one) || cli_parse_long(one, 1, CLI_PID_MAX, &v))
			return bad(c, arg, "PIDs 1 to %ld, separated by commas", CLI_PID_MAX);
		pids[n++] = (uint32_t)v;
		p += len;
	} while (*p++ == ',');
	return n;
}

/* c->opt: how the user wrote the option being parsed, without its value. */
static void name_option(struct cli_common *c, int opt, const struct option *longopts)
{
	if (opt > 0 && opt < 0x100 && opt != '?' && opt != ':') {
		snprintf(c->opt_buf, sizeof(c->opt_buf), "-%c", opt);
	} else {
		snprintf(c->opt_buf, sizeof(c->opt_buf), "option");
		for (const struct option *o = longopts; o && o->name; o++)
			if (o->val == opt) {
				snprintf(c->opt_buf, sizeof(c->opt_buf), "--%s", o->name);
				break;
			}
	}
	c->opt = c->opt_buf;
}

/* What getopt refused: a negative number (not an option), an unknown
 * option, or one without its value. */
static int refused(struct cli_common *c, int opt, int argc, char **argv)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";

	int letter = optopt > ' ' && optopt < 0x7f;

	if (opt == ':' && letter && strncmp(arg, "--", 2))
		return cli_usage_error(c, "-%c needs a value", optopt);
	if (opt == ':')
		return cli_usage_error(c, "%s needs a value", arg);
	if (optopt >= '0' && optopt <= '9') {
		/* getopt saw "-1" as an option: the whole word says more. */
		for (int i = 1; i < argc; i++)
			if (argv[i][0] == '-' && argv[i][1] == optopt)
				return cli_usage_error(c, "bad interval or count '%s' (a positive "
						       "number)", argv[i]);
	}
	if (letter && strncmp(arg, "--", 2))
		return cli_usage_error(c, "unknown option '-%c'", optopt);
	return cli_usage_error(c, "unknown option '%s'", arg);
}

static int set_format(struct cli_common *c, enum out_format fmt)
{
	if (c->fmt_given && c->fmt != fmt)
		return cli_usage_error(c, "choose one of --csv and --json");
	c->fmt = fmt;
	c->fmt_given = 1;
	return 1;
}

/* A common option: 1 handled, 0 not common, -1 usage error. */
static int common_opt(struct cli_common *c, int opt, const char *arg)
{
	switch (opt) {
	case 'i':
		if (cli_seconds(c, arg, &c->interval))
			return -1;
		c->interval_given = 1;
		return 1;
	case 'd':
		return cli_seconds(c, arg, &c->duration) ? -1 : 1;
	case 'o':
		c->output = arg;
		return 1;
	case OPT_CSV:
		return set_format(c, OUT_CSV);
	case OPT_JSON:
		return set_format(c, OUT_JSON);
	case OPT_DUMP:
		c->dump = 1;
		return 1;
	case OPT_PERF_BUFFER:
		c->perf_buffer = 1;
		return 1;
	}
	return 0;
}

int cli_next_opt(struct cli_common *c, int argc, char **argv, const char *shortopts,
		 const struct option *longopts, const char *help)
{
	char shorts[64] = ":";
	int opt, h;

	/* A leading ':' makes getopt tell a missing value from an unknown
	 * option; its own messages are off: ours name the command. */
	strncat(shorts, shortopts, sizeof(shorts) - 2);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		if (opt == 'h') {
			help_unpack();
			fputs(help, stdout);
			return CLI_HELP;
		}
		if (opt == '?' || opt == ':')
			return refused(c, opt, argc, argv), CLI_BAD;
		name_option(c, opt, longopts);
		h = common_opt(c, opt, optarg);
		if (h < 0)
			return CLI_BAD;
		if (!h)
			return opt;
	}
	return -1;
}

static int positional(struct cli_common *c, int argc, char **argv, int first)
{
	int n = argc - first, max = c->interval_given ? 1 : 2;
	const char *count = NULL;

	if (n > max)
		return cli_usage_error(c, "unexpected argument '%s'", argv[first + max]);
	c->opt = "interval";
	if (c->interval_given) {
		count = n ? argv[first] : NULL;
	} else if (n >= 1) {
		if (cli_seconds(c, argv[first], &c->interval))
			return -1;
		count = n == 2 ? argv[first + 1] : NULL;
	}
	c->opt = "count";
	if (count && cli_long(c, count, 1, 1000000000L, &c->count))
		return -1;
	return 0;
}

int cli_operands_done(struct cli_common *c, int opt, int argc, char **argv,
		      int min, int max, const char *missing)
{
	if (opt == CLI_HELP)
		return EXIT_OK;
	if (opt == CLI_BAD)
		return EXIT_USAGE;
	if (argc - optind < min)
		return cli_usage_error(c, "%s", missing), EXIT_USAGE;
	if (max >= 0 && argc - optind > max)
		return cli_usage_error(c, "unexpected argument '%s'", argv[optind + max]),
		       EXIT_USAGE;
	return cli_parse_only ? EXIT_OK : -1;
}

int cli_opts_done(struct cli_common *c, int opt, int argc, char **argv,
		  enum cli_positionals pos)
{
	if (pos == CLI_NO_ARGS || opt == CLI_HELP || opt == CLI_BAD)
		return cli_operands_done(c, opt, argc, argv, 0, 0, NULL);
	if (pos == CLI_INTERVAL_OR_ONCE && optind == argc && !c->interval_given) {
		c->once = 1;
		c->interval = CLI_MAX_SECONDS;
		c->count = 1;
	} else if (positional(c, argc, argv, optind)) {
		return EXIT_USAGE;
	}
	return cli_parse_only ? EXIT_OK : -1;
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

	/* Not strftime: for one format, 3 KiB of musl. */
	localtime_r(&t, &tm);
	n = (size_t)snprintf(buf, len, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n < len)
		snprintf(buf + n, len - n, "  interval %.3f s", iv);
}
