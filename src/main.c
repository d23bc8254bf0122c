/* schedtap: what the Linux CPU scheduler is doing, from eBPF programs
 * that schedtap assembles itself. */
#include <stdio.h>
#include <string.h>
#include "core/cli.h"
#include "cmd/commands.h"

#ifndef SCHEDTAP_VERSION
#define SCHEDTAP_VERSION "unknown"
#endif

int main(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))) {
		printf("schedtap %s\n", SCHEDTAP_VERSION);
		return EXIT_OK;
	}
	return cli_dispatch(&schedtap_commands, argc, argv);
}
