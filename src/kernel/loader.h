/* Turn program definitions into running programs: parse the tracepoint
 * formats, assemble, create the maps, load (with the verifier log on
 * failure), attach, and tear it all down again. The one attach path. */
#ifndef SCHEDTAP_LOADER_H
#define SCHEDTAP_LOADER_H

#include <stdio.h>
#include "kernel/perf_event.h"
#include "bpf/program.h"

#define TAP_MAX_MAPS 20	/* the exporter: 17 */
#define TAP_MAX_PROGS 20	/* the exporter: up to 15 */

struct tap_map {
	const struct tap_map_def *def;
	int fd;
};

struct tap_prog {
	const struct tap_prog_def *def;
	struct tp_format fmt;
	struct asm_prog code;
	uint32_t attach_btf_id;		/* tp_btf: btf_trace_<name>'s id */
	int prog_fd, perf_fd, link_fd;
};

struct tap_obj {
	struct tap_map maps[TAP_MAX_MAPS];
	int nmaps;
	struct tap_prog progs[TAP_MAX_PROGS];
	int nprogs;
	char tracefs[256];
	int tracefs_mounted;		/* we mounted it (and leave it) */
	enum attach_mode attach;	/* how the programs were attached */
	unsigned long long t_open;	/* CLOCK_MONOTONIC ns at open */
	const struct koffsets *ko;	/* kernel struct offsets (bare tracepoints) */
	int probe_read;			/* the helper that reads kernel memory */
	int said_ioctl;			/* fallback note printed */
};

/* Find tracefs, read each program's format and assemble it. Touches no
 * BPF object, so `--dump` needs only this. Prints its own errors. */
struct koffsets;
/* ko: kernel struct offsets for programs of bare tracepoints (NULL when
 * there are none). */
int tap_obj_open(struct tap_obj *o, const struct tap_prog_def *const *defs,
		 int n, const void *params, const struct koffsets *ko);
/* The same for programs of two families in one object (their maps of
 * one name shared): params[i] is defs[i]'s. */
int tap_obj_open_each(struct tap_obj *o, const struct tap_prog_def *const *defs,
		      int n, const void *const *params, const struct koffsets *ko);
/* Print every program as annotated assembly. */
void tap_obj_dump(const struct tap_obj *o, FILE *out);
/* Create the maps and load every program (the verifier runs here). */
int tap_obj_load(struct tap_obj *o);
/* Attach every program: from here on they run. Consumers that must be
 * ready first (perf buffers) set up in between. Both print their errors. */
int tap_obj_attach(struct tap_obj *o);
/* Detach and close everything; safe on a partly loaded object. */
void tap_obj_close(struct tap_obj *o);
/* The fd of a map by name, or -ENOENT. */
int tap_map_fd(const struct tap_obj *o, const char *name);
/* Load one assembled program; on rejection print the verifier log next to
 * the disassembly. Returns the fd or negative errno. */
int tap_prog_load(const char *name, struct asm_prog *code,
		  enum bpf_prog_type type);
#endif
