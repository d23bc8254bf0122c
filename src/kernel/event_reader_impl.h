/* Inside the event reader: what event_reader.c, ringbuf.c and perfbuf.c
 * share. Not for its users, who see event_reader.h only. */
#ifndef SCHEDTAP_EVENT_READER_IMPL_H
#define SCHEDTAP_EVENT_READER_IMPL_H

#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>
#include "kernel/event_reader.h"

enum reader_kind { READER_RINGBUF, READER_PERFBUF };

struct perf_ring {
	int fd;			/* -1 for a caller-mapped ring */
	int cpu;
	int in_map;		/* our fd is in the map at key cpu */
	int in_epoll;
	struct perf_event_mmap_page *meta;
	const unsigned char *data;
	uint64_t size;		/* data bytes, a power of 2 */
	void *map_base;		/* NULL when the caller mapped it */
	size_t map_len;
};

struct event_reader {
	enum reader_kind kind;
	int epfd;
	int map_fd;		/* the caller's */
	int flush_ms;		/* wakeups are batched: sleep in slices */
	size_t page_size;
	/* Ring buffer. */
	unsigned long *cons_pos;
	const unsigned long *prod_pos;
	const unsigned char *rb_data;
	unsigned long rb_size;
	int rb_mapped;		/* we mapped it, so we unmap it */
	int rb_in_epoll;
	size_t rb_map_len;
	/* Perf buffers, one per CPU. */
	struct perf_ring *rings;
	int nrings;
	unsigned char *scratch;	/* wrapped perf records are copied here */
	size_t scratch_cap;
	uint64_t lost;
};

/* --- Memory ordering ---------------------------------------------------- */

/* The perf page's head and tail are u64 whatever the word size. 32-bit
 * targets may have no single-copy-atomic 64-bit access: read until two
 * reads agree, then fence. The kernel uses the tail only modulo the ring
 * size, so a torn tail store cannot mislead it. */
static inline uint64_t load_acquire_u64(const __u64 *p)
{
#if __SIZEOF_POINTER__ >= 8
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
#else
	const volatile __u64 *v = p;
	uint64_t a = *v, b;

	for (int i = 0; i < 8; i++) {
		b = *v;
		if (a == b)
			break;
		a = b;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return a;
#endif
}

static inline uint64_t load_own_u64(const __u64 *p)
{
	/* data_tail: only we write it, so no tearing and no ordering. */
	return *(const volatile __u64 *)p;
}

static inline void store_release_u64(__u64 *p, uint64_t v)
{
#if __SIZEOF_POINTER__ >= 8
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
#else
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*(volatile __u64 *)p = v;
#endif
}

/* Records waiting, and deliver them (counting into *delivered, *progress
 * set when anything moved). 0 or the callback's / a corruption's error. */
int rb_pending(const struct event_reader *r);
int rb_drain(struct event_reader *r, event_fn fn, void *ctx, int *delivered, int *progress);
int perf_pending(const struct event_reader *r);
int perf_drain(struct event_reader *r, struct perf_ring *pr, event_fn fn, void *ctx,
	       int *delivered, int *progress);

size_t reader_page_size(void);
int reader_is_pow2(uint64_t v);
int reader_new(struct event_reader **out, enum reader_kind kind, int map_fd);
/* Watch fd in the reader's epoll set, reporting idx. 0 or -errno. */
int reader_epoll_add(int epfd, int fd, uint32_t idx);
/* The map's type and size, when the kernel can tell (4.13+). */
int reader_map_info(int map_fd, struct bpf_map_info *info);
#endif
