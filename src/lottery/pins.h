/* schedtap lottery's pinned set: programs, links and maps under
 * /sys/fs/bpf/schedtap/lottery that keep counting with no process left,
 * a version/layout record beside them, and their removal. */
#ifndef SCHEDTAP_LOTTERY_PINS_H
#define SCHEDTAP_LOTTERY_PINS_H

#include <stdio.h>
#include <sys/types.h>
#include "kernel/bpffs.h"
#include "bpf/lottery.h"

#define LOTTERY_PARENT BPFFS_ROOT "/schedtap"
#define LOTTERY_PIN_DIR LOTTERY_PARENT "/lottery"

struct lottery_load_opts {
	enum lottery_ticket_mode tickets;
	gid_t gid;		/* (gid_t)-1: no --group */
	const char *group;
};

/* Load, attach and pin; prints what was pinned to out. 0 loaded, 1
 * already loaded (said so), negative errno (printed). */
int lottery_load(const struct lottery_load_opts *o, FILE *out);
/* Detach and remove every pin. 0 removed, 1 nothing was loaded (said so),
 * negative errno (printed). */
int lottery_unload(FILE *out);

struct lottery_pinned {
	int meta_fd, tasks_fd, full_fd, gen_fd;
	struct lottery_meta meta;
};
/* Open the pinned maps read-only (the sample counter `gen` read-write
 * when want_gen), checking their shapes and the layout record. Negative
 * errno, printed; -ENOENT when nothing is loaded. */
int lottery_open(struct lottery_pinned *p, int want_gen);
void lottery_close(struct lottery_pinned *p);
/* The sample period now running (the `gen` map), and starting the next:
 * tasks record the CPUs they use per period. 0 or negative errno, printed. */
int lottery_gen_read(const struct lottery_pinned *p, uint32_t *gen);
int lottery_gen_set(const struct lottery_pinned *p, uint32_t gen);
#endif
