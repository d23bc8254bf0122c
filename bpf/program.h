/* What a built-in BPF program declares: its tracepoint, the fields it
 * reads, the maps it uses and the function that writes its code. The
 * loader (src/loader.c) does the rest. */
#ifndef SCHEDTAP_PROGRAM_H
#define SCHEDTAP_PROGRAM_H

#include <linux/bpf.h>
#include "asm/asm.h"
#include "asm/macros.h"
#include "bpf/fields.h"
#include "tracefs/tracefs.h"

struct tap_map_def {
	const char *name;
	enum bpf_map_type type;
	uint32_t key_size, value_size, max_entries, flags;
};

struct koffsets;

struct tap_build_ctx {
	const struct tp_format *fmt;	/* the tracepoint's parsed format */
	const void *params;		/* subcommand options (filters) */
	/* Bare tracepoints: where kernel struct fields are (BTF or an
	 * offsets file), and the helper that reads kernel memory. */
	const struct koffsets *ko;
	int probe_read;			/* BPF_FUNC_probe_read_kernel, or probe_read */
	/* tp_btf programs: the tracepoint (fields through its arguments). */
	const char *btf_tp;
};

/* The fields a program reads are named where it reads them (tp_ld_field
 * and friends): one missing on this kernel fails the build with its name. */
struct tap_prog_def {
	const char *name;		/* BPF object name, <= 15 chars */
	const char *summary;		/* one line, printed by --dump */
	const char *tp_system, *tp_event;
	/* A bare tracepoint (no tracefs event: PELT's): a raw tracepoint
	 * program whose context is the tracepoint's arguments (u64 each). */
	const char *raw_tp;
	/* A BTF-typed tracepoint (tp_btf, where the kernel has BTF): raw_tp's
	 * context, but each pointer argument typed, so that fields are plain
	 * loads at BTF's offsets and task storage takes the task. */
	const char *btf_tp;
	const struct tap_map_def *maps;
	int nmaps;
	int (*build)(struct asm_prog *p, const struct tap_build_ctx *ctx);
};

#define TAP_ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Every program is declared this way: its symbol, object name,
 * tracepoint, maps (an array of known size), build function, summary. */
#define TAP_PROGRAM(sym, nm, sys, ev, map_table, fn, what)                  \
	const struct tap_prog_def sym = {                                  \
		.name = nm, .summary = what, .tp_system = sys, .tp_event = ev, \
		.maps = map_table, .nmaps = TAP_ARRAY_SIZE(map_table),     \
		.build = fn,                                               \
	}

/* A program of a bare tracepoint: symbol, object name, tracepoint, maps,
 * build function, summary. */
#define TAP_RAW_PROGRAM(sym, nm, tp, map_table, fn, what)                   \
	const struct tap_prog_def sym = {                                  \
		.name = nm, .summary = what, .raw_tp = tp,                 \
		.maps = map_table, .nmaps = TAP_ARRAY_SIZE(map_table),     \
		.build = fn,                                               \
	}

/* A program of a BTF-typed tracepoint: symbol, object name, tracepoint
 * ("sched_switch"), maps, build function, summary. */
#define TAP_BTF_PROGRAM(sym, nm, tp, map_table, fn, what)                   \
	const struct tap_prog_def sym = {                                  \
		.name = nm, .summary = what, .btf_tp = tp,                 \
		.maps = map_table, .nmaps = TAP_ARRAY_SIZE(map_table),     \
		.build = fn,                                               \
	}

/* Every built-in program, NULL-terminated (bpf/programs.c). */
extern const struct tap_prog_def *const tap_programs[];

extern const struct tap_prog_def prog_cpu_switches;
extern const struct tap_prog_def prog_top_switch;
extern const struct tap_prog_def prog_top_runtime;
extern const struct tap_prog_def prog_top_migrate;
extern const struct tap_prog_def prog_top_free;
extern const struct tap_prog_def prog_trace_switch;
extern const struct tap_prog_def prog_trace_wakeup;
extern const struct tap_prog_def prog_trace_wakeup_new;
extern const struct tap_prog_def prog_trace_migrate;
extern const struct tap_prog_def prog_trace_fork;
extern const struct tap_prog_def prog_trace_exit;
extern const struct tap_prog_def prog_runq_wakeup;
extern const struct tap_prog_def prog_runq_wakeup_new;
extern const struct tap_prog_def prog_runq_switch;
/* Where the kernel has BTF (tp_btf; runqlat's with task storage): not in
 * tap_programs. */
extern const struct tap_prog_def prog_runq_wakeup_btf, prog_runq_wakeup_new_btf,
	prog_runq_switch_btf;
extern const struct tap_prog_def prog_top_switch_btf, prog_top_runtime_btf;
extern const struct tap_prog_def prog_lat_wakeup_btf, prog_lat_wakeup_new_btf, prog_lat_switch_btf;
extern const struct tap_prog_def prog_lat_wakeup;
extern const struct tap_prog_def prog_lat_wakeup_new;
extern const struct tap_prog_def prog_lat_switch;
extern const struct tap_prog_def prog_lat_free;
extern const struct tap_prog_def prog_inv_switch, prog_inv_wakeup, prog_inv_futex, prog_inv_futex32, prog_inv_futex_raw, prog_inv_pi;
extern const struct tap_prog_def prog_lot_switch, prog_lot_runtime, prog_lot_exit, prog_lot_fork;
extern const struct tap_prog_def prog_micro_switch, prog_micro_switch_btf, prog_micro_free;
/* micro --events (built with micro_params.events; not in tap_programs). */
extern const struct tap_prog_def prog_micro_events, prog_micro_events_btf;
/* loadtrack: built for one task (its TID in the code), so not in
 * tap_programs; the PELT one is on a bare tracepoint. */
extern const struct tap_prog_def prog_lt_switch, prog_lt_switch_btf, prog_lt_pelt, prog_lt_est;
/* Bare tracepoints (they need kernel struct offsets: not in tap_programs). */
extern const struct tap_prog_def prog_pelt_cfs, prog_pelt_rt, prog_pelt_dl, prog_pelt_irq,
	prog_pelt_cap, prog_pelt_nr, prog_pelt_ovu, prog_pelt_se, prog_pelt_est_se;
extern const struct tap_prog_def prog_pev_cfs, prog_pev_rt, prog_pev_dl, prog_pev_irq,
	prog_pev_se, prog_pev_ovu, prog_pev_nr, prog_pev_ecfs, prog_pev_ese, prog_pev_cap;
/* The sched_tp module's events, where no BTF says where the structs are. */
extern const struct tap_prog_def prog_pmod_cfs, prog_pmod_rt, prog_pmod_dl, prog_pmod_irq,
	prog_pmod_se, prog_pmod_ovu, prog_pmod_nr, prog_pmod_ecfs, prog_pmod_ese, prog_pmod_cap;
#endif
