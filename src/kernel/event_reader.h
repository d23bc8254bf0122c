/* User-space consumer for BPF event streams, without libbpf: the BPF ring
 * buffer (BPF_MAP_TYPE_RINGBUF, 5.8+) and its fallback, per-CPU perf
 * buffers behind a BPF_MAP_TYPE_PERF_EVENT_ARRAY. One reader, one epoll
 * fd, one callback per record; every function returns a count or a
 * negative errno and none prints.
 *
 * Records are handed to the callback in place (the ring is not released
 * past a record until its callback returns), except perf records that wrap
 * around the end of the ring, which are copied to a scratch buffer first.
 * Alignment of `data`: 8 bytes for the ring buffer; 4 bytes for the perf
 * buffer (the kernel puts a u32 size in front), so callbacks read wider
 * fields with memcpy. Sizes: the ring buffer gives the exact size the BPF
 * program wrote; the perf buffer gives it rounded up to 8n + 4 bytes, and
 * the padding bytes are stale ring contents (the kernel skips them), so
 * the record itself must say how long it is.
 *
 * A reader is not thread-safe: one thread polls and drains it. */
#ifndef SCHEDTAP_EVENT_READER_H
#define SCHEDTAP_EVENT_READER_H

#include <signal.h>
#include <stdint.h>

struct event_reader;

/* Called per record; non-zero return stops the drain and is returned (use
 * a negative value, e.g. -ECANCELED, to tell it apart from a count). The
 * record is consumed either way: the next drain starts after it. */
typedef int (*event_fn)(void *ctx, const void *data, uint32_t size);

/* BPF_MAP_TYPE_RINGBUF map (max_entries = data size, a power-of-2 multiple
 * of the page size; 0 takes it from the map): mmap the consumer page RW and
 * the producer page + twice-mapped data RO, epoll on the map fd. The map
 * fd stays the caller's and must outlive the reader. -EINVAL when the map
 * is not a ring buffer or size is not its size.
 *
 * poll sleeps in slices of EVENT_READER_FLUSH_MS here too, so programs may
 * output with BPF_RB_NO_WAKEUP: the kernel's default (adaptive) wakeup
 * fires whenever the consumer has caught up, which in a steady stream is
 * nearly every record, and cost ~19 us per record in the traced code on a
 * 6.18 VM (~0.3 us without a sleeping consumer). */
int event_reader_ringbuf(struct event_reader **out, int map_fd, uint32_t size);

/* BPF_MAP_TYPE_PERF_EVENT_ARRAY map (max_entries >= highest possible CPU
 * + 1): for each CPU id in cpus[], open a PERF_COUNT_SW_BPF_OUTPUT event
 * (PERF_SAMPLE_RAW, woken when a quarter of the ring is full: see
 * event_reader_perfbuf_opts), mmap 1 + pages_per_cpu pages (a power of
 * 2), store its fd in the map at
 * key = cpu id and add it to epoll. A CPU that is offline (-ENODEV) is
 * skipped: its slot stays empty and bpf_perf_event_output fails there
 * (the BPF program counts that), as it would for any CPU not listed.
 * Handles PERF_RECORD_SAMPLE and PERF_RECORD_LOST (event_reader_kernel_lost).
 * event_reader_free clears the slots again, so free the reader before
 * closing the map fd. */
int event_reader_perfbuf(struct event_reader **out, int map_fd, const int *cpus,
			 int ncpus, int pages_per_cpu);

/* The same with the wakeup policy chosen: wake the poller every
 * wakeup_events samples, or, with wakeup_events 0, when a CPU's ring holds
 * watermark_bytes (0: a quarter of the ring, the default).
 *
 * Each wakeup costs the producer an irq_work self-IPI inside the traced
 * code path: measured on a 6.18 VM, bpf_perf_event_output took ~5.3 us per
 * record with wakeup_events 1 and ~0.2 us with the watermark (the ring
 * buffer: ~0.07 us, its wakeups are adaptive). So by default wakeups are
 * batched, and poll bounds the latency instead: it sleeps in slices of at
 * most EVENT_READER_FLUSH_MS and returns once a slice ends with records
 * waiting, so records on a quiet CPU wait at most about that long.
 * wakeup_events 1 wakes per sample (lowest latency, no slicing). */
int event_reader_perfbuf_opts(struct event_reader **out, int map_fd,
			      const int *cpus, int ncpus, int pages_per_cpu,
			      uint32_t wakeup_events, uint32_t watermark_bytes);
#define EVENT_READER_FLUSH_MS 100

/* Sleep in epoll up to timeout_ms (-1 forever) with the given signal mask
 * swapped in (NULL = the current mask), then drain everything available.
 * Never sleeps while a record is waiting: then it only lets pending
 * signals in (zero-timeout ppoll with the mask) and drains. Returns records
 * delivered (>= 0; 0 after the timeout, or after a wakeup whose records an
 * earlier drain took: perf queues a wakeup per sample), a callback's
 * non-zero value, or negative errno:
 * -EINTR when a signal arrived (nothing drained: check the flag, then call
 * event_reader_drain once more), -EINVAL when a ring is corrupt. */
int event_reader_poll(struct event_reader *r, int timeout_ms, const sigset_t *mask,
		      event_fn fn, void *ctx);

/* Drain without sleeping: pass over every ring until a pass finds nothing
 * new (at most EVENT_READER_MAX_PASSES passes, so a producer faster than
 * the callback cannot keep the caller here forever; poll then does not
 * sleep while records remain). Same returns as poll, without -EINTR. */
int event_reader_drain(struct event_reader *r, event_fn fn, void *ctx);
#define EVENT_READER_MAX_PASSES 64

/* Records the kernel reported lost (perf buffer PERF_RECORD_LOST), 0 for
 * the ring buffer (whose losses the BPF program counts itself when
 * reserve/output fails). */
uint64_t event_reader_kernel_lost(const struct event_reader *r);
int event_reader_is_ringbuf(const struct event_reader *r);
/* The epoll fd, to nest the reader in another event loop (EPOLLIN on it
 * means: call event_reader_drain). */
int event_reader_fd(const struct event_reader *r);

/* munmap, close the perf fds and the epoll fd, clear the perf slots in the
 * map; NULL-safe. */
void event_reader_free(struct event_reader *r);

/* Readers over rings the caller mapped itself, laid out as the kernel lays
 * them out, for tests that must corrupt a ring (the kernel maps its own
 * data read-only). Nothing is mapped, unmapped or closed; poll sleeps on
 * an empty epoll set.
 * Ring buffer: consumer_page starts with consumer_pos (unsigned long);
 * producer_page starts with producer_pos and is followed by the size data
 * bytes mapped twice in a row.
 * Perf buffer: user_page is a struct perf_event_mmap_page followed by
 * data_pages pages of data (or data_offset/data_size, when set). */
int event_reader_ringbuf_mem(struct event_reader **out, void *consumer_page,
			     const void *producer_page, uint32_t size);
int event_reader_perfbuf_mem(struct event_reader **out, void *user_page,
			     int data_pages);
#endif
