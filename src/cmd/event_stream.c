#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/event_stream.h"
#include "kernel/features.h"
#include "kernel/maps.h"
#include "core/msg.h"
#include "core/sig.h"
#include "bpf/trace.h"

#define PERF_PAGES_PER_CPU 128
/* How long a record may wait before we look: the programs wake us only
 * when a buffer fills up, so this bounds the latency of a quiet stream. */
#define POLL_MS 20

void stream_choose_buffer(int *perfbuf)
{
	static int said;

	if (*perfbuf || feat_ringbuf())
		return;
	*perfbuf = 1;
	feat_note_once(&said, "no ring buffer (%s): using perf buffers",
		       feat_forced("FORCE_PERF_BUFFER") ? "forced by SCHEDTAP_FORCE_PERF_BUFFER"
							: "kernel < 5.8");
}

int stream_open(struct event_reader **rd, int perfbuf, const struct tap_obj *obj,
		const int *ids, int ncpus)
{
	int err;

	if (!perfbuf)
		err = event_reader_ringbuf(rd, tap_map_fd(obj, "events"), TRACE_RINGBUF_SIZE);
	else
		/* Wake on a quarter-full ring, not per record; POLL_MS
		 * bounds how long a quiet CPU's records wait. */
		err = event_reader_perfbuf_opts(rd, tap_map_fd(obj, "events_pb"), ids, ncpus,
						PERF_PAGES_PER_CPU, 0, 0);
	if (err)
		msg_errno(err, "mapping the %s", perfbuf ? "perf buffers" : "ring buffer");
	return err;
}

int stream_run(struct event_reader *rd, unsigned long long t0, double duration,
	       event_fn fn, void *ctx, struct out *out)
{
	unsigned long long end = duration > 0 ? t0 + (unsigned long long)(duration * 1e9) : 0;
	int drained;

	while (!sig_stopped()) {
		unsigned long long now = sig_now_ns();
		int ms = POLL_MS, r;

		if (end && now >= end)
			break;
		if (end && (end - now) / 1000000 < (unsigned long long)ms)
			ms = (int)((end - now) / 1000000) + 1;
		r = event_reader_poll(rd, ms, sig_run_mask(), fn, ctx);
		if (r < 0 && r != -EINTR)
			return msg_errno(r, "reading events");
		if (out && out_flush(out))
			return msg_errno(out->err ? out->err : -EIO, "writing the output");
	}
	/* Stopped: what the kernel already wrote still goes out. */
	drained = event_reader_drain(rd, fn, ctx);
	if (drained < 0)
		return msg_errno(drained, "reading events");
	return out && out_flush(out) ? msg_errno(out->err, "writing the output") : 0;
}

uint64_t stream_lost(const struct tap_obj *obj, const struct event_reader *rd,
		     int ncpus, uint64_t *per_cpu)
{
	uint64_t *lost = calloc((size_t)ncpus, sizeof(*lost)), total = 0;

	if (lost && !map_read_percpu_u64(tap_map_fd(obj, "trace_lost"), 0, lost, ncpus))
		for (int i = 0; i < ncpus; i++)
			total += lost[i];
	if (per_cpu)
		for (int i = 0; i < ncpus; i++)
			per_cpu[i] = lost ? lost[i] : 0;
	free(lost);
	return total + (rd ? event_reader_kernel_lost(rd) : 0);
}

/* CPUs with losses listed in the summary: the rest lost nothing. */
#define SUMMARY_CPUS 64

void stream_summary(struct out *out, const struct tap_obj *obj, const struct event_reader *rd,
		    int ncpus, const int *ids, uint64_t written, uint64_t bad)
{
	static const struct out_col cols[] = {
		{ "summary", NULL, OUT_BOOL, 0, 0, 0, 0 },
		{ "events", NULL, OUT_U64, 0, 0, 0, 0 },
		{ "lost", NULL, OUT_U64, 0, 0, 0, 0 },
		{ "lost_per_cpu", NULL, OUT_OBJ, 0, 0, 0, 0 },
		{ "buffer", NULL, OUT_STR, 0, 0, 0, 0 },
	};
	struct out_col cpu_cols[SUMMARY_CPUS];
	struct out_val cpu_vals[SUMMARY_CPUS], v[5];
	char names[SUMMARY_CPUS][12], text[SUMMARY_CPUS * 24] = "";
	uint64_t *per_cpu = calloc((size_t)ncpus, sizeof(*per_cpu)), lost;
	struct out_obj by_cpu = { cpu_cols, 0, cpu_vals, -1 };
	size_t at = 0;

	lost = stream_lost(obj, rd, ncpus, per_cpu);
	for (int i = 0; per_cpu && i < ncpus && by_cpu.ncols < SUMMARY_CPUS; i++) {
		if (!per_cpu[i])
			continue;
		snprintf(names[by_cpu.ncols], sizeof(names[0]), "%d", ids[i]);
		cpu_cols[by_cpu.ncols] = (struct out_col){ names[by_cpu.ncols], NULL, OUT_U64,
							   0, 0, 0, 0 };
		cpu_vals[by_cpu.ncols++] = (struct out_val){ .u = per_cpu[i] };
		if (at < sizeof(text))
			at += (size_t)snprintf(text + at, sizeof(text) - at, "%s%d: %llu",
					       at ? ", " : "", ids[i], (unsigned long long)per_cpu[i]);
	}
	free(per_cpu);
	v[0] = (struct out_val){ .u = 1 };
	v[1] = (struct out_val){ .u = written };
	v[2] = (struct out_val){ .u = lost };
	v[3] = (struct out_val){ .obj = &by_cpu };
	v[4] = (struct out_val){ .str = rd && event_reader_is_ringbuf(rd) ? "ringbuf" : "perfbuf",
				 .len = -1 };
	out_summary(out, NULL, cols, 5, v);
	fprintf(stderr, "schedtap: %llu events written, %llu lost%s%s%s\n",
		(unsigned long long)written, (unsigned long long)lost,
		*text ? " (per CPU: " : "", text, *text ? ")" : "");
	if (bad)
		fprintf(stderr, "schedtap: %llu records of an unknown shape skipped\n",
			(unsigned long long)bad);
}
