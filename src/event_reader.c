/* BPF ring buffer and perf buffer consumers (see event_reader.h).
 *
 * Ring buffer (kernel/bpf/ringbuf.c): page 0 of the map holds
 * consumer_pos (ours, mapped RW), page 1 producer_pos (RO), then the data
 * pages, mapped twice in a row so a record is always contiguous. Each
 * record is an 8-byte header { u32 len (+ busy, discard bits), u32 pg_off }
 * followed by the data, padded to 8 bytes. Positions are free-running
 * unsigned longs, as the kernel defines them.
 *
 * Perf buffer (include/uapi/linux/perf_event.h): a struct
 * perf_event_mmap_page with u64 data_head (the kernel's) and data_tail
 * (ours), then 2^n data pages that are mapped once, so a record may wrap
 * around the end. */
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
#include "bpf_sys.h"
#include "event_reader.h"

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
static uint64_t load_acquire_u64(const __u64 *p)
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

static uint64_t load_own_u64(const __u64 *p)
{
	/* data_tail: only we write it, so no tearing and no ordering. */
	return *(const volatile __u64 *)p;
}

static void store_release_u64(__u64 *p, uint64_t v)
{
#if __SIZEOF_POINTER__ >= 8
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
#else
	__atomic_thread_fence(__ATOMIC_RELEASE);
	*(volatile __u64 *)p = v;
#endif
}

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

static int rb_pending(const struct event_reader *r)
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
static int rb_drain(struct event_reader *r, event_fn fn, void *ctx,
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

/* --- Perf buffer -------------------------------------------------------- */

static int perf_pending(const struct event_reader *r)
{
	for (int i = 0; i < r->nrings; i++) {
		const struct perf_ring *pr = &r->rings[i];

		if (load_acquire_u64(&pr->meta->data_head) != load_own_u64(&pr->meta->data_tail))
			return 1;
	}
	return 0;
}

/* Copy len bytes at ring offset off, wrapping at the end. */
static void ring_copy(void *dst, const struct perf_ring *pr, size_t off, size_t len)
{
	size_t first = (size_t)pr->size - off;

	if (len <= first) {
		memcpy(dst, pr->data + off, len);
	} else {
		memcpy(dst, pr->data + off, first);
		memcpy((unsigned char *)dst + first, pr->data, len - first);
	}
}

static const unsigned char *scratch_copy(struct event_reader *r,
					 const struct perf_ring *pr, size_t off,
					 size_t len)
{
	if (len > r->scratch_cap) {
		size_t cap = (len + 4095) & ~(size_t)4095;
		unsigned char *p = realloc(r->scratch, cap);

		if (!p)
			return NULL;
		r->scratch = p;
		r->scratch_cap = cap;
	}
	ring_copy(r->scratch, pr, off, len);
	return r->scratch;
}

struct perf_lost {
	uint64_t id;
	uint64_t lost;
};

static int perf_drain(struct event_reader *r, struct perf_ring *pr, event_fn fn,
		      void *ctx, int *delivered, int *progress)
{
	const size_t hsz = sizeof(struct perf_event_header);
	uint64_t head = load_acquire_u64(&pr->meta->data_head);
	uint64_t tail = load_own_u64(&pr->meta->data_tail);
	uint64_t limit = pr->size / hsz + 1;

	if (head - tail > pr->size)
		return -EINVAL;
	for (uint64_t n = 0; tail != head && n < limit && *delivered < INT_MAX; n++) {
		size_t off = (size_t)(tail & (pr->size - 1));
		const unsigned char *rec = pr->data + off;
		struct perf_event_header h;
		int ret = 0;

		ring_copy(&h, pr, off, hsz);
		if (h.size < hsz || h.size > head - tail)
			return -EINVAL;
		if (off + h.size > pr->size) {
			rec = scratch_copy(r, pr, off, h.size);
			if (!rec)
				return -ENOMEM;
		}
		if (h.type == PERF_RECORD_SAMPLE) {
			uint32_t raw;

			/* PERF_SAMPLE_RAW: u32 size, then the data. */
			if (h.size < hsz + sizeof(raw))
				return -EINVAL;
			memcpy(&raw, rec + hsz, sizeof(raw));
			if (raw > h.size - hsz - sizeof(raw))
				return -EINVAL;
			ret = fn(ctx, rec + hsz + sizeof(raw), raw);
			(*delivered)++;
		} else if (h.type == PERF_RECORD_LOST) {
			struct perf_lost l;

			if (h.size < hsz + sizeof(l))
				return -EINVAL;
			memcpy(&l, rec + hsz, sizeof(l));
			r->lost += l.lost;
		}
		/* Other record types (none expected) are skipped. */
		tail += h.size;
		store_release_u64(&pr->meta->data_tail, tail);
		*progress = 1;
		if (ret)
			return ret;
	}
	return 0;
}

/* --- Common ------------------------------------------------------------- */

static int reader_pending(const struct event_reader *r)
{
	return r->kind == READER_RINGBUF ? rb_pending(r) : perf_pending(r);
}

int event_reader_drain(struct event_reader *r, event_fn fn, void *ctx)
{
	int delivered = 0;

	if (!r || !fn)
		return -EINVAL;
	for (int pass = 0; pass < EVENT_READER_MAX_PASSES && delivered < INT_MAX; pass++) {
		int progress = 0, err = 0;

		if (r->kind == READER_RINGBUF) {
			err = rb_drain(r, fn, ctx, &delivered, &progress);
		} else {
			for (int i = 0; i < r->nrings && !err; i++)
				err = perf_drain(r, &r->rings[i], fn, ctx, &delivered,
						 &progress);
		}
		if (err)
			return err;
		if (!progress)
			break;
	}
	return delivered;
}

/* A perf event that is gone (EPOLLHUP) or revoked (EPOLLERR) stays ready
 * forever in a level-triggered epoll set: drop it from the set, keep
 * draining what its ring still holds. */
static void drop_dead(struct event_reader *r, const struct epoll_event *ev, int n)
{
	for (int i = 0; i < n; i++) {
		uint32_t idx = ev[i].data.u32;

		if (!(ev[i].events & (EPOLLHUP | EPOLLERR)))
			continue;
		if (r->kind == READER_RINGBUF && r->rb_in_epoll) {
			epoll_ctl(r->epfd, EPOLL_CTL_DEL, r->map_fd, NULL);
			r->rb_in_epoll = 0;
		} else if (r->kind == READER_PERFBUF && idx < (uint32_t)r->nrings &&
			   r->rings[idx].in_epoll) {
			epoll_ctl(r->epfd, EPOLL_CTL_DEL, r->rings[idx].fd, NULL);
			r->rings[idx].in_epoll = 0;
		}
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep until a wakeup, a signal or the timeout. With batched wakeups,
 * in slices: records below the threshold wake nobody, so look for them
 * after each slice. */
static int sleep_for_records(struct event_reader *r, int timeout_ms,
			     const sigset_t *mask)
{
	int64_t deadline = timeout_ms > 0 ? now_ms() + timeout_ms : 0;
	struct epoll_event ev[16];

	for (;;) {
		int slice = timeout_ms, n;

		if (r->flush_ms > 0) {
			int64_t left = timeout_ms < 0 ? INT_MAX : deadline - now_ms();

			if (left <= 0)
				return 0;
			slice = left < r->flush_ms ? (int)left : r->flush_ms;
		}
		n = epoll_pwait(r->epfd, ev, (int)(sizeof(ev) / sizeof(ev[0])), slice, mask);
		if (n < 0)
			return -errno;
		drop_dead(r, ev, n);
		if (n > 0 || r->flush_ms <= 0 || reader_pending(r))
			return 0;
	}
}

int event_reader_poll(struct event_reader *r, int timeout_ms, const sigset_t *mask,
		      event_fn fn, void *ctx)
{
	int err;

	if (!r || !fn)
		return -EINVAL;
	if (timeout_ms == 0 || reader_pending(r)) {
		/* No sleep, but a zero-timeout epoll_pwait never reports a
		 * pending signal; ppoll with the mask does. */
		if (mask) {
			struct timespec zero = { 0, 0 };

			if (ppoll(NULL, 0, &zero, mask) < 0)
				return -errno;
		}
	} else {
		err = sleep_for_records(r, timeout_ms, mask);
		if (err)
			return err;
	}
	return event_reader_drain(r, fn, ctx);
}

uint64_t event_reader_kernel_lost(const struct event_reader *r)
{
	return r ? r->lost : 0;
}

int event_reader_is_ringbuf(const struct event_reader *r)
{
	return r && r->kind == READER_RINGBUF;
}

int event_reader_fd(const struct event_reader *r)
{
	return r ? r->epfd : -EINVAL;
}

void event_reader_free(struct event_reader *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nrings; i++) {
		struct perf_ring *pr = &r->rings[i];

		/* Without this the map keeps the event alive and BPF keeps
		 * writing into a ring nobody reads. */
		if (pr->in_map)
			bpf_map_delete(r->map_fd, &pr->cpu);
		if (pr->map_base)
			munmap(pr->map_base, pr->map_len);
		if (pr->fd >= 0)
			close(pr->fd);
	}
	if (r->rb_mapped) {
		munmap(r->cons_pos, r->page_size);
		munmap((void *)r->prod_pos, r->rb_map_len);
	}
	if (r->epfd >= 0)
		close(r->epfd);
	free(r->rings);
	free(r->scratch);
	free(r);
}

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (size_t)p : 4096;
}

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int reader_new(struct event_reader **out, enum reader_kind kind, int map_fd)
{
	struct event_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->kind = kind;
	r->map_fd = map_fd;
	r->page_size = page_size();
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		int err = -errno;

		free(r);
		return err;
	}
	*out = r;
	return 0;
}

static int epoll_add(int epfd, int fd, uint32_t idx)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = idx;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* The map's type and size, when the kernel can tell (4.13+). */
static int map_info(int map_fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_info(map_fd, info, &len);
}

int event_reader_ringbuf(struct event_reader **out, int map_fd, uint32_t size)
{
	struct bpf_map_info info;
	struct event_reader *r;
	size_t page = page_size();
	void *cons, *prod;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	err = map_info(map_fd, &info);
	if (!err) {
		if (info.type != BPF_MAP_TYPE_RINGBUF || (size && size != info.max_entries))
			return -EINVAL;
		size = info.max_entries;
	} else if (!size) {
		return err;
	}
	if (!is_pow2(size) || size % page)
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
	err = epoll_add(r->epfd, map_fd, 0);
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
	if (!consumer_page || !producer_page || !is_pow2(size) || size < RB_HDR_SZ)
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

/* Where the data lives: data_offset/data_size when the kernel fills them
 * (4.1+), else right after the first page. */
static int perf_layout(struct perf_ring *pr, void *base, size_t map_len, size_t page)
{
	struct perf_event_mmap_page *meta = base;
	uint64_t off = meta->data_offset, size = meta->data_size;

	if (!size) {
		off = page;
		size = map_len - page;
	}
	if (off < sizeof(*meta) || off > map_len || size > map_len - off ||
	    !is_pow2(size) || size < sizeof(struct perf_event_header))
		return -EINVAL;
	pr->meta = meta;
	pr->data = (const unsigned char *)base + (size_t)off;
	pr->size = size;
	return 0;
}

static int perf_output_open(int cpu, uint32_t wakeup_events, uint32_t watermark)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_BPF_OUTPUT;
	attr.sample_type = PERF_SAMPLE_RAW;
	attr.sample_period = 1;
	if (wakeup_events) {
		attr.wakeup_events = wakeup_events;
	} else {
		attr.watermark = 1;
		attr.wakeup_watermark = watermark;
	}
	fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

int event_reader_perfbuf_opts(struct event_reader **out, int map_fd,
			      const int *cpus, int ncpus, int pages_per_cpu,
			      uint32_t wakeup_events, uint32_t watermark_bytes)
{
	size_t page = page_size(), map_len;
	struct bpf_map_info info;
	struct event_reader *r;
	int err, have_info;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cpus || ncpus <= 0 || pages_per_cpu <= 0 || !is_pow2((uint64_t)pages_per_cpu))
		return -EINVAL;
	if ((size_t)pages_per_cpu > SIZE_MAX / page - 1)
		return -E2BIG;
	map_len = ((size_t)pages_per_cpu + 1) * page;
	if (watermark_bytes > map_len - page)
		return -EINVAL;
	if (!wakeup_events && !watermark_bytes)
		watermark_bytes = (map_len - page) / 4 > UINT32_MAX ? UINT32_MAX
			: (uint32_t)((map_len - page) / 4);
	have_info = !map_info(map_fd, &info);
	if (have_info && info.type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
		return -EINVAL;
	for (int i = 0; i < ncpus; i++) {
		if (cpus[i] < 0 || (have_info && (uint32_t)cpus[i] >= info.max_entries))
			return -E2BIG;
	}
	err = reader_new(&r, READER_PERFBUF, map_fd);
	if (err)
		return err;
	r->flush_ms = wakeup_events == 1 ? 0 : EVENT_READER_FLUSH_MS;
	r->rings = calloc((size_t)ncpus, sizeof(*r->rings));
	if (!r->rings) {
		err = -ENOMEM;
		goto fail;
	}
	for (int i = 0; i < ncpus; i++) {
		struct perf_ring *pr = &r->rings[r->nrings];
		int fd = perf_output_open(cpus[i], wakeup_events, watermark_bytes);
		void *base;

		if (fd == -ENODEV)
			continue;	/* offline CPU */
		if (fd < 0) {
			err = fd;
			goto fail;
		}
		pr->fd = fd;
		pr->cpu = cpus[i];
		r->nrings++;
		base = mmap(NULL, map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (base == MAP_FAILED) {
			err = -errno;
			goto fail;
		}
		pr->map_base = base;
		pr->map_len = map_len;
		err = perf_layout(pr, base, map_len, page);
		if (!err)
			err = epoll_add(r->epfd, fd, (uint32_t)(r->nrings - 1));
		if (err)
			goto fail;
		pr->in_epoll = 1;
		err = bpf_map_update(map_fd, &pr->cpu, &fd, BPF_ANY);
		if (err)
			goto fail;
		pr->in_map = 1;
	}
	if (!r->nrings) {
		err = -ENODEV;
		goto fail;
	}
	*out = r;
	return 0;
fail:
	event_reader_free(r);
	return err;
}

int event_reader_perfbuf(struct event_reader **out, int map_fd, const int *cpus,
			 int ncpus, int pages_per_cpu)
{
	return event_reader_perfbuf_opts(out, map_fd, cpus, ncpus, pages_per_cpu, 0, 0);
}

int event_reader_perfbuf_mem(struct event_reader **out, void *user_page,
			     int data_pages)
{
	struct event_reader *r;
	int err;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!user_page || data_pages <= 0 || !is_pow2((uint64_t)data_pages))
		return -EINVAL;
	err = reader_new(&r, READER_PERFBUF, -1);
	if (err)
		return err;
	r->rings = calloc(1, sizeof(*r->rings));
	if (!r->rings) {
		event_reader_free(r);
		return -ENOMEM;
	}
	r->rings[0].fd = -1;
	r->rings[0].cpu = -1;
	err = perf_layout(&r->rings[0], user_page,
			  ((size_t)data_pages + 1) * r->page_size, r->page_size);
	if (err) {
		event_reader_free(r);
		return err;
	}
	r->nrings = 1;
	*out = r;
	return 0;
}
