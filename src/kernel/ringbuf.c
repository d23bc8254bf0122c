/* The BPF ring buffer (kernel/bpf/ringbuf.c): page 0 of the map holds
 * consumer_pos (ours, mapped RW), page 1 producer_pos (RO), then the data
 * pages, mapped twice in a row so a record is always contiguous. Each
 * record is an 8-byte header { u32 len (+ busy, discard bits), u32 pg_off }
 * followed by the data, padded to 8 bytes. Positions are free-running
 * unsigned longs, as the kernel defines them. */
#include <errno.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "kernel/bpf_sys.h"
#include "kernel/event_reader_impl.h"

/* --- Ring buffer -------------------------------------------------------- */

#define RB_HDR_SZ 8u	/* BPF_RINGBUF_HDR_SZ */

static int rb_corrupt(const struct event_reader *r, unsigned long cons,
		      unsigned long prod)
{
	return prod - cons > r->rb_size || (cons & (RB_HDR_SZ - 1));
}

static uint32_t rb_hdr_len(const struct event_reader *r, unsigned long pos)
{
	const uint32_t *len = (const uint32_t *)(const void *)
		(r->rb_data + (pos & (r->rb_size - 1)));

	/* Pairs with the kernel's xchg of the header at commit: the data
	 * behind a header we see committed is visible. */
	return __atomic_load_n(len, __ATOMIC_ACQUIRE);
}

int rb_pending(const struct event_reader *r)
{
	unsigned long cons = __atomic_load_n(r->cons_pos, __ATOMIC_RELAXED);
	unsigned long prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);

	if (cons == prod)
		return 0;
	if (rb_corrupt(r, cons, prod))
		return 1;	/* let the drain report it */
	return !(rb_hdr_len(r, cons) & BPF_RINGBUF_BUSY_BIT);
}

/* One pass: consume what the producer position says is there, up to a
 * record still being written. */
int rb_drain(struct event_reader *r, event_fn fn, void *ctx,
		    int *delivered, int *progress)
{
	unsigned long cons = __atomic_load_n(r->cons_pos, __ATOMIC_RELAXED);
	unsigned long prod = __atomic_load_n(r->prod_pos, __ATOMIC_ACQUIRE);
	unsigned long limit = r->rb_size / RB_HDR_SZ + 1;

	if (rb_corrupt(r, cons, prod))
		return -EINVAL;
	for (unsigned long n = 0; cons != prod && n < limit && *delivered < INT_MAX; n++) {
		uint32_t len = rb_hdr_len(r, cons);
		uint32_t size = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		uint64_t total = ((uint64_t)size + RB_HDR_SZ + 7) & ~(uint64_t)7;
		int ret = 0;

		if (len & BPF_RINGBUF_BUSY_BIT)
			break;
		/* A committed record lies wholly below the producer. */
		if (total > prod - cons)
			return -EINVAL;
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			ret = fn(ctx, r->rb_data + (cons & (r->rb_size - 1)) + RB_HDR_SZ,
				 size);
			(*delivered)++;
		}
		cons += (unsigned long)total;
		/* Release: the kernel may reuse the space once it sees this,
		 * so only after the callback is done with the record. */
		__atomic_store_n(r->cons_pos, cons, __ATOMIC_RELEASE);
		*progress = 1;
		if (ret)
			return ret;
	}
	return 0;
}

int event_reader_ringbuf(struct event_reader **out, int map_fd, uint32_t size)
{
	struct bpf_map_info info;
	struct event_reader *r;
	size_t page = reader_page_size();
	void *cons, *prod;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	err = reader_map_info(map_fd, &info);
	if (!err) {
		if (info.type != BPF_MAP_TYPE_RINGBUF || (size && size != info.max_entries))
			return -EINVAL;
		size = info.max_entries;
	} else if (!size) {
		return err;
	}
	if (!reader_is_pow2(size) || size % page)
		return -EINVAL;
	if (size > (SIZE_MAX - page) / 2)
		return -E2BIG;
	err = reader_new(&r, READER_RINGBUF, map_fd);
	if (err)
		return err;
	r->flush_ms = EVENT_READER_FLUSH_MS;
	r->rb_size = size;
	r->rb_map_len = page + 2 * (size_t)size;
	cons = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (cons == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	prod = mmap(NULL, r->rb_map_len, PROT_READ, MAP_SHARED, map_fd, (off_t)page);
	if (prod == MAP_FAILED) {
		err = -errno;
		munmap(cons, page);
		goto fail;
	}
	r->rb_mapped = 1;
	r->cons_pos = cons;
	r->prod_pos = prod;
	r->rb_data = (const unsigned char *)prod + page;
	err = reader_epoll_add(r->epfd, map_fd, 0);
	if (err)
		goto fail;
	r->rb_in_epoll = 1;
	*out = r;
	return 0;
fail:
	event_reader_free(r);
	return err;
}

int event_reader_ringbuf_mem(struct event_reader **out, void *consumer_page,
			     const void *producer_page, uint32_t size)
{
	struct event_reader *r;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!consumer_page || !producer_page || !reader_is_pow2(size) || size < RB_HDR_SZ)
		return -EINVAL;
	err = reader_new(&r, READER_RINGBUF, -1);
	if (err)
		return err;
	r->rb_size = size;
	r->cons_pos = consumer_page;
	r->prod_pos = producer_page;
	r->rb_data = (const unsigned char *)producer_page + r->page_size;
	*out = r;
	return 0;
}
