/* What the streaming subcommands (trace, inversion, pelt --events) share: choosing the
 * ring buffer or the perf-buffer fallback, mapping it, pumping records
 * until a duration or a stop signal, and counting what was lost. */
#ifndef SCHEDTAP_EVENT_STREAM_H
#define SCHEDTAP_EVENT_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/event_reader.h"
#include "kernel/loader.h"
#include "core/output.h"

/* *perfbuf in: forced by an option; out: whether to use perf buffers
 * (no ring buffer on this kernel, or SCHEDTAP_FORCE_PERF_BUFFER), said
 * once on stderr. */
void stream_choose_buffer(int *perfbuf);
/* Map the object's "events" ring buffer or "events_pb" perf buffers
 * (one per possible CPU in ids). Prints its errors. */
int stream_open(struct event_reader **rd, int perfbuf, const struct tap_obj *obj,
		const int *ids, int ncpus);
/* Deliver records to fn until duration seconds after t0 (0: no limit) or
 * a stop signal, flushing out (when not NULL) after every batch; then drain what the
 * kernel already wrote. Prints its errors. */
int stream_run(struct event_reader *rd, unsigned long long t0, double duration,
	       event_fn fn, void *ctx, struct out *out);
/* Records lost: the programs' per-CPU "trace_lost" counts plus the perf
 * buffers' own; per_cpu (ncpus of them, may be NULL) gets the programs'
 * count for each possible CPU, in the order of ids. */
uint64_t stream_lost(const struct tap_obj *obj, const struct event_reader *rd,
		     int ncpus, uint64_t *per_cpu);
/* The end of a stream: JSON's summary object (events, lost, lost per CPU,
 * buffer) and a line on stderr; bad counts records of an unknown shape. */
void stream_summary(struct out *out, const struct tap_obj *obj, const struct event_reader *rd,
		    int ncpus, const int *ids, uint64_t written, uint64_t bad);
#endif
