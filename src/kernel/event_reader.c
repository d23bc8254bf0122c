/* BPF ring buffer and perf buffer consumers (see event_reader.h): what
 * both share, waiting, delivering and freeing; ringbuf.c and perfbuf.c
 * each read one kind. */
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

/* getpagesize, not sysconf: the kernel's AT_PAGESZ either way, without
 * musl's table of every _SC_ name (1 KiB). */
size_t reader_page_size(void)
{
	return (size_t)getpagesize();
}

int reader_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

int reader_new(struct event_reader **out, enum reader_kind kind, int map_fd)
{
	struct event_reader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->kind = kind;
	r->map_fd = map_fd;
	r->page_size = reader_page_size();
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		int err = -errno;

		free(r);
		return err;
	}
	*out = r;
	return 0;
}

int reader_epoll_add(int epfd, int fd, uint32_t idx)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = idx;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

/* The map's type and size, when the kernel can tell (4.13+). */
int reader_map_info(int map_fd, struct bpf_map_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_info(map_fd, info, &len);
}
