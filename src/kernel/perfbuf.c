/* Perf buffers (include/uapi/linux/perf_event.h): per CPU, a struct
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
#include "kernel/bpf_sys.h"
#include "kernel/event_reader_impl.h"

/* --- Perf buffer -------------------------------------------------------- */

int perf_pending(const struct event_reader *r)
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

int perf_drain(struct event_reader *r, struct perf_ring *pr, event_fn fn,
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
	    !reader_is_pow2(size) || size < sizeof(struct perf_event_header))
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
	size_t page = reader_page_size(), map_len;
	struct bpf_map_info info;
	struct event_reader *r;
	int err, have_info;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cpus || ncpus <= 0 || pages_per_cpu <= 0 || !reader_is_pow2((uint64_t)pages_per_cpu))
		return -EINVAL;
	if ((size_t)pages_per_cpu > SIZE_MAX / page - 1)
		return -E2BIG;
	map_len = ((size_t)pages_per_cpu + 1) * page;
	if (watermark_bytes > map_len - page)
		return -EINVAL;
	if (!wakeup_events && !watermark_bytes)
		watermark_bytes = (map_len - page) / 4 > UINT32_MAX ? UINT32_MAX
			: (uint32_t)((map_len - page) / 4);
	have_info = !reader_map_info(map_fd, &info);
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
			err = reader_epoll_add(r->epfd, fd, (uint32_t)(r->nrings - 1));
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
	if (!user_page || data_pages <= 0 || !reader_is_pow2((uint64_t)data_pages))
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
