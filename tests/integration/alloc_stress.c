/* src/core/alloc.c, the static binary's malloc, under four threads that
 * allocate, grow, shrink and free blocks of both kinds (classes and
 * mappings) at random, each block filled with a byte of its own and
 * checked before it changes: a block handed out twice, one that moved
 * without its bytes, a misaligned one, or a size overflow that returned
 * memory prints what and exits 1. Built with musl-gcc by build.sh. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 256
#define ROUNDS 100000

static int check(const unsigned char *p, size_t n, unsigned char want)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != want)
			return 0;
	return 1;
}

static void *worker(void *arg)
{
	unsigned x = (unsigned)(uintptr_t)arg;
	unsigned char *slot[SLOTS] = { 0 };
	size_t size[SLOTS] = { 0 };

	for (int i = 0; i < ROUNDS; i++) {
		int k = (int)((x = x * 1103515245u + 12345u) >> 8) % SLOTS;
		size_t n = (x >> 16) % ((x & 1) ? 200000 : 300), keep;
		unsigned char tag = (unsigned char)(k ^ (uintptr_t)arg);

		if (slot[k] && !check(slot[k], size[k], tag))
			return "a block's bytes changed under it";
		if (slot[k] && (x & 2)) {
			free(slot[k]);
			slot[k] = NULL;
			continue;
		}
		keep = slot[k] ? (size[k] < n ? size[k] : n) : 0;
		slot[k] = slot[k] ? realloc(slot[k], n) : (x & 4) ? calloc(1, n) : malloc(n);
		if (!slot[k])
			return "out of memory";
		if ((uintptr_t)slot[k] & 15)
			return "a block not 16-byte aligned";
		if (!check(slot[k], keep, tag))
			return "realloc lost the bytes";
		memset(slot[k] + keep, tag, n - keep);
		size[k] = n;
	}
	for (int k = 0; k < SLOTS; k++)
		free(slot[k]);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	volatile size_t big = SIZE_MAX / 2;
	void *why;
	int bad = 0;

	for (uintptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)(i + 1));
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &why);
		if (why)
			printf("thread %d: %s\n", i, (const char *)why), bad = 1;
	}
	if (calloc(big, 4) || malloc(big * 2 + 1))
		printf("a size past the address space was allocated\n"), bad = 1;
	if (!bad)
		printf("ok\n");
	return bad;
}
