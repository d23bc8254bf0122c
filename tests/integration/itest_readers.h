/* The event-reader integration checks, split as src/kernel is:
 *   itest_readers.c       the producer (a BPF program writing numbered
 *                         records), the consumer that checks them, helpers,
 *                         and itest_readers(), which runs every check;
 *   itest_event_reader.c  what both readers share (event_reader.c), run on
 *                         a ring buffer and on a perf buffer;
 *   itest_ringbuf.c       the ring buffer only (ringbuf.c);
 *   itest_perfbuf.c       the perf buffer only (perfbuf.c). */
#ifndef ITEST_READERS_H
#define ITEST_READERS_H

#include <stdint.h>
#include "kernel/event_reader.h"

/* Print PASS/FAIL verifier/name and count a failure for itest.c. */
void reader_result(int ok, const char *name, const char *why);

/* Byte i of every record (past its 8-byte sequence number). */
uint8_t pattern(uint32_t i);

/* --- The producer -------------------------------------------------------- */

struct fixture {
	int perf;		/* perf buffer, else ring buffer */
	int state, src, out;	/* map fds */
	int prog;
	const uint32_t *sizes;	/* record k has sizes[k % nsizes] bytes */
	int nsizes;
	int rb_flags;		/* bpf_ringbuf_output flags */
};

int fixture_open_flags(struct fixture *f, int perf, uint32_t out_entries,
		       const uint32_t *sizes, int nsizes, int rb_flags);
int fixture_open(struct fixture *f, int perf, uint32_t out_entries,
		 const uint32_t *sizes, int nsizes);
void fixture_close(struct fixture *f);
int produce(const struct fixture *f, uint32_t n);
int producer_state(const struct fixture *f, uint64_t *seq, uint64_t *failed,
		   int64_t *last);
int producer_counts(const struct fixture *f, uint64_t *seq, uint64_t *failed);
uint32_t ring_bytes(const struct fixture *f, uint32_t n);
uint32_t batch_for(const struct fixture *f, uint32_t cap);

/* --- The consumer -------------------------------------------------------- */

struct check {
	const struct fixture *f;
	uint64_t next;		/* the sequence number expected next */
	uint64_t got;
	uint64_t gaps;		/* records skipped (allowed when !strict) */
	int strict;
	uint64_t stop_at;	/* return -ECANCELED after this many (0: never) */
	char why[200];
};

void check_init(struct check *c, const struct fixture *f, int strict);
int on_record(void *ctx, const void *data, uint32_t size);

/* --- Helpers --------------------------------------------------------------- */

int cpu_lists(int *possible, int *npossible, int *online, int *nonline);
int pin(int cpu);
int open_reader(struct event_reader **r, const struct fixture *f,
		uint32_t ring, const int *cpus, int ncpus, int pages);
int reader_readable(const struct event_reader *r, int timeout_ms);

/* --- The checks ------------------------------------------------------------ */

/* itest_event_reader.c */
void check_stream(const char *name, int perf, const uint32_t *sizes,
		  int nsizes, int batches, int use_poll);
void check_overflow(const char *name, int perf);
void check_callback_stop(const char *name, int perf);
void check_poll_timeout(const char *name, int perf);
void check_poll_wakes(const char *name, int perf, int rb_flags);
void check_drain_until_empty(const char *name, int perf);
void check_poll_signal(const char *name, int perf);
void check_bad_arguments(const char *name);

/* itest_ringbuf.c */
void check_ringbuf_in_memory(const char *name);

/* itest_perfbuf.c */
void check_wakeup_policy(const char *name);
void check_free_clears_slots(const char *name);
void check_perfbuf_in_memory(const char *name);

/* Run them all (called from itest.c's main). */
void itest_readers(int *failures);

#endif
