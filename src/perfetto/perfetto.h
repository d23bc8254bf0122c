/* Perfetto's trace format (protos/perfetto/trace/) from schedtap's
 * records: Trace{packet=1} as a stream of TracePackets, written as they
 * fill, so that memory stays bounded and a file cut at any packet is
 * still a whole trace. The field numbers are perfetto's, checked against
 * its protos (ftrace_event.proto, sched.proto, trace_packet.proto,
 * ps/process_tree.proto, system_info.proto, track_event/). */
#ifndef SCHEDTAP_PERFETTO_PERFETTO_H
#define SCHEDTAP_PERFETTO_PERFETTO_H

#include <stdint.h>
#include <stdio.h>
#include <sys/utsname.h>
#include "bpf/trace.h"
#include "core/output.h"
#include "perfetto/pb.h"

/* TracePacket */
enum {
	PF_PACKET = 1,		/* Trace.packet */
	PF_FTRACE_EVENTS = 1,
	PF_PROCESS_TREE = 2,
	PF_TIMESTAMP = 8,
	PF_SEQUENCE_ID = 10,	/* trusted_packet_sequence_id */
	PF_TRACK_EVENT = 11,
	PF_SEQUENCE_FLAGS = 13,
	PF_SYSTEM_INFO = 45,
	PF_TRACK_DESCRIPTOR = 60,
};

/* FtraceEventBundle, FtraceEvent and the sched events in it */
enum {
	PF_BUNDLE_CPU = 1,
	PF_BUNDLE_EVENT = 2,
	PF_BUNDLE_LOST = 3,
	PF_EV_TIMESTAMP = 1,
	PF_EV_PID = 2,
	PF_EV_SCHED_SWITCH = 4,
	PF_EV_SCHED_WAKEUP = 17,
	PF_EV_SCHED_WAKEUP_NEW = 114,
	PF_EV_SCHED_PROCESS_EXIT = 238,
	PF_EV_SCHED_PROCESS_FORK = 239,
};

/* Counter tracks: TrackDescriptor{uuid 1, name 2, counter 8} and
 * TrackEvent{type 9 = COUNTER (4), track_uuid 11, double_counter_value 44}. */
enum {
	PF_TD_UUID = 1,
	PF_TD_NAME = 2,
	PF_TD_COUNTER = 8,
	PF_TE_TYPE = 9,
	PF_TE_TRACK_UUID = 11,
	PF_TE_DOUBLE_VALUE = 44,
	PF_TE_TYPE_COUNTER = 4,
};

/* A bundle per CPU holds this much before it goes out: ~300 switches. */
#define PF_BUNDLE_BYTES (16 * 1024)
#define PF_MAX_CPUS 8192

/* FtraceEventBundle.compact_sched (4): a bundle's switches as columns
 * (CompactSched: switch_timestamp 1, the first absolute and the rest
 * deltas; switch_prev_state 2; switch_next_pid 3; switch_next_prio 4;
 * intern_table 5; switch_next_comm_index 6), prev_* left for the reader
 * to take from the previous switch's next_* on the CPU: right only for
 * a CPU's whole stream of switches, so never with a filter. */
enum {
	PF_BUNDLE_COMPACT = 4,
	PF_CS_TIMESTAMP = 1,
	PF_CS_PREV_STATE = 2,
	PF_CS_NEXT_PID = 3,
	PF_CS_NEXT_PRIO = 4,
	PF_CS_INTERN = 5,
	PF_CS_NEXT_COMM = 6,
};
#define PF_COMPACT_SWITCHES 512
#define PF_COMPACT_COMMS 128
/* The encoding of a full CompactSched, at most: 10-byte varints. */
#define PF_COMPACT_BYTES (PF_COMPACT_SWITCHES * 42 + PF_COMPACT_COMMS * 18 + 64)

struct pf_compact {
	uint32_t n, ncomms;
	uint64_t ts[PF_COMPACT_SWITCHES];
	int64_t state[PF_COMPACT_SWITCHES];
	int32_t pid[PF_COMPACT_SWITCHES], prio[PF_COMPACT_SWITCHES];
	uint16_t comm[PF_COMPACT_SWITCHES];
	char comms[PF_COMPACT_COMMS][TRACE_COMM_LEN];
};

struct pf_bundle {
	struct pb pb;
	uint8_t buf[PF_BUNDLE_BYTES];
	uint32_t events;
	int lost;
	struct pf_compact *compact;	/* with pf_writer.compact */
};

struct pf_writer {
	struct out *out;	/* the output layer writes the bytes */
	uint64_t bytes;		/* written so far */
	uint64_t max_bytes;	/* 0: no limit */
	int capped;		/* max_bytes reached: nothing more goes out */
	int err;		/* a write failed: negative errno */
	uint64_t events, dropped;	/* written; left out (capped, no memory) */
	uint64_t next_uuid;
	int compact;		/* switches as compact_sched (set before records) */
	uint8_t *scratch;	/* PF_COMPACT_BYTES, for a bundle's compact_sched */
	struct pf_bundle *cpus[PF_MAX_CPUS];
};

/* out stays the caller's. */
void pf_init(struct pf_writer *w, struct out *out, uint64_t max_bytes);
/* SystemInfo: the traced kernel's utsname, which prev_state's decoding
 * depends on, and the number of CPUs. */
int pf_system_info(struct pf_writer *w, const struct utsname *u, unsigned ncpus);
/* ProcessTree from /proc (at most max_tasks threads): processes with
 * their ppid and cmdline, threads with their tgid and name. */
int pf_process_tree(struct pf_writer *w, const char *proc, uint64_t ts_ns, unsigned max_tasks);
/* One record into its CPU's bundle (switch, wakeup, wakeup_new, fork,
 * exit; others are skipped: 0). */
int pf_record(struct pf_writer *w, const struct trace_rec *r);
/* A counter track named name: its uuid for pf_counter (0 when capped). */
uint64_t pf_counter_track(struct pf_writer *w, const char *name);
int pf_counter(struct pf_writer *w, uint64_t uuid, uint64_t ts_ns, double value);
/* The CPU's stream lost records: its last bundle says so. */
void pf_lost(struct pf_writer *w, unsigned cpu);
/* Every bundle out and flushed, memory freed. 0 or the first write
 * error. */
int pf_finish(struct pf_writer *w);
#endif
