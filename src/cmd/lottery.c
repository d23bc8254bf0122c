/* schedtap lottery: the lottery scheduler monitor. `load` pins a
 * sched_switch tracer that keeps per-task runtime, switches and
 * nice-derived tickets; `dump` reads it (tables, CSV appended to a file,
 * fairness against the tickets); `simulate` runs a lottery with the same
 * tickets; `unload` removes it all. */
#include <errno.h>
#include <sys/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/group.h"
#include "core/help.h"
#include "core/cli.h"
#include "core/output.h"
#include "cmd/commands.h"
#include "cmd/session.h"
#include "kernel/features.h"
#include "lottery/cmd.h"
#include "lottery/pins.h"
#include "lottery/tickets.h"
#include "core/msg.h"

static const char help_head[] CLI_HELP_TEXT =
	"usage: schedtap lottery load|dump|unload|simulate [options]\n\n"
	"The lottery scheduler monitor. `load` pins a sched_switch tracer under\n"
	BPFFS_ROOT "/schedtap/lottery that keeps counting with no process left:\n"
	"per task (TID), CPU time, switches, and the lottery tickets its nice value\n"
	"buys. `dump` reads it, `simulate` replays the same tickets as a real\n"
	"lottery, `unload` detaches it and removes every pin.\n\n"
	"commands:\n";

static const char load_help[] CLI_HELP_TEXT =
	"usage: schedtap lottery load [--tickets weight|linear] [--group NAME]\n\n"
	"Loads the lottery monitor and pins its programs, links and maps under\n"
	LOTTERY_PIN_DIR " (mounting the BPF filesystem if needed),\n"
	"prints what it pinned and exits: counting goes on until `unload`.\n"
	"Loading again is harmless; a set pinned by an incompatible schedtap is\n"
	"refused (unload it first).\n\n"
	"Tickets come from nice:\n"
	"  weight   CFS's own weights (default): nice 0 = 1024, each nice step\n"
	"           about 1.25x (nice 5 = 335, nice 10 = 110), so a lottery's\n"
	"           ideal share is exactly CFS's ideal share\n"
	"  linear   20 - nice: nice -20 = 40 tickets ... nice 19 = 1\n"
	"Real-time and deadline tasks hold no tickets (they are outside CFS).\n\n"
	"options:\n"
	"      --tickets MODE      weight (default) or linear\n"
	"      --group NAME        make the maps readable by group NAME (0640;\n"
	"                          default: root only, 0600); never world-readable\n"
	"  -h, --help              this help\n";

static int parse_group(const char *name, gid_t *gid)
{
	long v;

	if (group_lookup(name, &v) && cli_parse_long(name, 0, 0x7fffffff, &v))
		return -ENOENT;
	*gid = (gid_t)v;
	return 0;
}

static int run_load(int argc, char **argv)
{
	enum { OPT_TICKETS = 0x200, OPT_GROUP };
	static const struct option longopts[] = {
		{ "help", no_argument, 0, 'h' },
		{ "tickets", required_argument, 0, OPT_TICKETS },
		{ "group", required_argument, 0, OPT_GROUP },
		{ 0, 0, 0, 0 },
	};
	static const char *const modes[] = { "weight", "linear" };
	struct lottery_load_opts o = { LOTTERY_TICKETS_WEIGHT, (gid_t)-1, NULL };
	struct cli_common cli;
	int opt, err, mode;

	cli_init(&cli, "lottery load");
	while ((opt = cli_next_opt(&cli, argc, argv, "h", longopts, load_help)) >= 0) {
		if (opt == OPT_TICKETS) {
			if (cli_choice(&cli, optarg, modes, 2, &mode))
				return EXIT_USAGE;
			o.tickets = mode ? LOTTERY_TICKETS_LINEAR : LOTTERY_TICKETS_WEIGHT;
		} else if (parse_group(optarg, &o.gid)) {
			return cli_usage_error(&cli, "bad --group '%s' (no such group)", optarg),
			       EXIT_USAGE;
		} else {
			o.group = optarg;
		}
	}
	if ((err = cli_opts_done(&cli, opt, argc, argv, CLI_NO_ARGS)) >= 0)
		return err;
	if (feat_require_privileges(cli.cmd))
		return EXIT_RUNTIME;
	err = lottery_load(&o, stdout);
	if ((mode = out_file_flush(stdout)) && err >= 0)
		err = msg_errno(mode, "writing to stdout");
	return err < 0 ? EXIT_RUNTIME : EXIT_OK;
}

static const char unload_help[] CLI_HELP_TEXT =
	"usage: schedtap lottery unload\n\n"
	"Detaches the lottery monitor and removes every pin under\n"
	LOTTERY_PIN_DIR " (and " LOTTERY_PARENT " when nothing else is\n"
	"in it). Works on a set pinned by any schedtap version. Says so when\n"
	"nothing was loaded (exit 0).\n";

static int run_unload(int argc, char **argv)
{
	return session_run_pins_cmd(argc, argv, "lottery unload", unload_help, lottery_unload);
}

static const struct command lottery_cmds[] = {
	{ "load", "load and pin the monitor", run_load },
	{ "dump", "read it: tables, CSV rows appended to a file, shares", lottery_dump },
	{ "simulate", "a lottery with the same tickets, against what CFS gave", lottery_simulate },
	{ "unload", "detach it and remove every pin", run_unload },
	{ NULL, NULL, NULL },
};

static const struct cli_group lottery = {
	.name = "schedtap lottery",
	.item = "command",
	.head = help_head,
	.foot = "\n'schedtap lottery COMMAND --help' for each one's options.\n",
	.cmds = lottery_cmds,
};

int cmd_lottery(int argc, char **argv)
{
	return cli_dispatch(&lottery, argc, argv);
}
