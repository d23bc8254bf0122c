/* schedtap trace: the record every trace program emits, and the options
 * that shape the programs (filters run in the kernel). */
#ifndef SCHEDTAP_BPF_TRACE_H
#define SCHEDTAP_BPF_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include "asm/asm.h"
#include "tracefs/tracefs.h"

#include "bpf/program.h"

#define TRACE_COMM_LEN 16
/* Ring buffer pages count in our RSS once read, twice (the data is mapped
 * twice in a row): 1 MiB holds ~10k records, 0.1 s at 100k switches/s. */
#define TRACE_RINGBUF_SIZE (1u << 20)
#define TRACE_PERF_MAX_CPUS 4096

enum trace_kind {
	TRACE_SWITCH = 1,
	TRACE_WAKEUP,
	TRACE_WAKEUP_NEW,
	TRACE_MIGRATE,
	TRACE_FORK,
	TRACE_EXIT,
};

/* One record. pid/prio/comm: the task the event is about (prev, woken,
 * migrating, parent, exiting); pid2/prio2/comm2: the other one (next,
 * child); arg/arg2: target CPU of a wakeup, orig/dest CPU of a migration. */
struct trace_rec {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC */
	uint64_t state;		/* prev_state, as the tracepoint gives it */
	uint64_t runtime_ns;	/* how long prev ran in this slice */
	uint32_t kind;
	uint32_t cpu;
	int32_t pid, prio, pid2, prio2, arg, arg2;
	char comm[TRACE_COMM_LEN];
	char comm2[TRACE_COMM_LEN];
};

#define TR_OFF(f) ((int16_t)offsetof(struct trace_rec, f))
/* The record is built on the stack, then copied out. */
#define TR_STACK (-(int)sizeof(struct trace_rec))

struct trace_params {
	int perfbuf;		/* emit to a perf buffer, not a ring buffer */
	long pid;		/* -1: any; else a task or thread group id */
	long cpu;		/* -1: any */
	char comm[TRACE_COMM_LEN];	/* "" : any */
};

/* Shared by the trace programs (bpf/trace_emit.c). r6 = ctx after begin. */
void trace_begin(struct asm_prog *p, const struct trace_params *tp, uint32_t kind);
/* Jump to skip unless the record at TR_STACK passes -p / -c. */
void trace_filter(struct asm_prog *p, const struct trace_params *tp, const char *skip);
void trace_submit(struct asm_prog *p, const struct trace_params *tp);
/* The same for any record: size bytes at fp+stack_off to the ring buffer,
 * or the perf buffer with ctx in ctx_reg; a loss counted in trace_lost
 * (key at fp+stack_off-4). Ends at label "out". */
void trace_output(struct asm_prog *p, int perfbuf, int ctx_reg, int16_t stack_off,
		  uint32_t size);
/* Store a signed 32-bit field into the record at rec_off (via r1). */
void trace_put(struct asm_prog *p, const struct tp_format *fmt, const char *field,
	       int16_t rec_off);
/* sched_switch: prev's pid, prio and state, next's pid and prio. */
void trace_put_switch(struct asm_prog *p, const struct tp_format *fmt);
/* runtime_ns = now (r7) - this CPU's previous switch, which becomes now
 * (the per-CPU "trace_last"); falls through to label next. */
void trace_slice_runtime(struct asm_prog *p, const char *next);
/* Copy a comm field, fixed array or __data_loc string, into the record. */
void trace_copy_comm(struct asm_prog *p, const struct tp_format *fmt, const char *field,
		     int16_t rec_off);
/* events (ring buffer), events_pb (perf buffer), trace_lost, trace_last:
 * the table's entries, for programs that stream with maps of their own. */
#define TRACE_MAP_DEFS                                                            \
	{ "events", BPF_MAP_TYPE_RINGBUF, 0, 0, TRACE_RINGBUF_SIZE, 0 },          \
	{ "events_pb", BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, TRACE_PERF_MAX_CPUS, 0 }, \
	{ "trace_lost", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 },                  \
	{ "trace_last", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 1, 0 }
#define TRACE_NMAPS 4
extern const struct tap_map_def trace_maps[TRACE_NMAPS];
#endif
