/* malloc for the static binary: musl's mallocng is 8 KiB of the file,
 * and schedtap's heap is a few tables that grow to a working size and
 * stay. Power-of-two classes from 16 B to 64 KiB, each block behind a
 * 16-byte header that names its class; a freed block goes on its
 * class's list and is never returned to the kernel. Larger blocks are
 * mappings of their own, unmapped when freed. One spin lock: the threads
 * that allocate (workloads, help_unpack's waiters) do it rarely.
 *
 * Builds against glibc (the unit tests and the fuzzers, under ASan)
 * keep glibc's malloc: the sanitizers need their own. */
#include <stdlib.h>	/* first: glibc's headers are what define __GLIBC__ */
#ifndef __GLIBC__
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define ALLOC_MIN_SHIFT 4		/* 16 B */
#define ALLOC_MAX_SHIFT 16		/* 64 KiB; larger: a mapping */
#define ALLOC_CLASSES (ALLOC_MAX_SHIFT - ALLOC_MIN_SHIFT + 1)
#define ALLOC_CHUNK (256u << 10)	/* mapped at a time, carved into blocks */

/* 16 bytes on every arch, so that blocks keep a 16-byte alignment. */
struct alloc_head {
	uint64_t size;	/* the block's (a class's) or the mapping's length */
	uint64_t mapped;
};
_Static_assert(sizeof(struct alloc_head) == 16, "blocks stay 16-byte aligned");

struct alloc_free {
	struct alloc_free *next;
};

static struct {
	int lock;
	struct alloc_free *free[ALLOC_CLASSES];
	char *chunk;
	size_t left;
} heap;

static void heap_lock(void)
{
	while (__atomic_exchange_n(&heap.lock, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void heap_unlock(void)
{
	__atomic_store_n(&heap.lock, 0, __ATOMIC_RELEASE);
}

static struct alloc_head *head_of(void *p)
{
	return (struct alloc_head *)p - 1;
}

static void *map_block(size_t n)
{
	size_t len = (n + sizeof(struct alloc_head) + 4095) & ~(size_t)4095;
	struct alloc_head *h;

	if (len < n)
		return NULL;
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h == MAP_FAILED)
		return NULL;
	*h = (struct alloc_head){ len, 1 };
	return h + 1;
}

/* A new block of class c from the chunk (a new chunk when it is short:
 * the old one's rest is left unused, at most a block's size). */
static void *carve(int c)
{
	size_t need = sizeof(struct alloc_head) + ((size_t)1 << (c + ALLOC_MIN_SHIFT));
	struct alloc_head *h;

	if (heap.left < need) {
		char *p = mmap(NULL, ALLOC_CHUNK, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return NULL;
		heap.chunk = p;
		heap.left = ALLOC_CHUNK;
	}
	h = (struct alloc_head *)heap.chunk;
	heap.chunk += need;
	heap.left -= need;
	*h = (struct alloc_head){ need - sizeof(*h), 0 };
	return h + 1;
}

void *malloc(size_t n)
{
	int c = 0;
	void *p;

	if (n > ((size_t)1 << ALLOC_MAX_SHIFT)) {
		if (!(p = map_block(n)))
			errno = ENOMEM;
		return p;
	}
	while (((size_t)1 << (c + ALLOC_MIN_SHIFT)) < n)
		c++;
	heap_lock();
	if ((p = heap.free[c]))
		heap.free[c] = heap.free[c]->next;
	else
		p = carve(c);
	heap_unlock();
	if (!p)
		errno = ENOMEM;
	return p;
}

void free(void *p)
{
	struct alloc_head *h;
	int c = 0;

	if (!p)
		return;
	h = head_of(p);
	if (h->mapped) {
		munmap(h, (size_t)h->size);
		return;
	}
	while (((size_t)1 << (c + ALLOC_MIN_SHIFT)) < h->size)
		c++;
	heap_lock();
	((struct alloc_free *)p)->next = heap.free[c];
	heap.free[c] = p;
	heap_unlock();
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	if ((p = malloc(n * size)))
		memset(p, 0, n * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	struct alloc_head *h;
	size_t have;
	void *q;

	if (!p)
		return malloc(n);
	h = head_of(p);
	have = (size_t)(h->mapped ? h->size - sizeof(*h) : h->size);
	if (n <= have && (h->mapped || n > have / 2 || have == 16))
		return p;
	if (!(q = malloc(n)))
		return NULL;
	memcpy(q, p, n < have ? n : have);
	free(p);
	return q;
}
#endif
