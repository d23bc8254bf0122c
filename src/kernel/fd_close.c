/* Closing the link or perf event that carries a tracepoint program waits
 * for RCU grace periods in the kernel: 25-32 ms per link and ~48 ms per
 * perf event on this VM, so top's four programs took ~300 ms to detach one
 * after another. Closed from a thread each, the waits overlap. */
#include <pthread.h>
#include <unistd.h>
#include "kernel/fd_close.h"

/* More than any subcommand holds (a link and a perf event per program). */
#define FD_CLOSE_THREADS 64
/* The threads only call close(): musl's default 128 KiB is plenty too
 * much, and 2 KiB (PTHREAD_STACK_MIN) too tight for a signal frame. */
#define FD_CLOSE_STACK (16 * 1024)

static void *close_one(void *arg)
{
	close((int)(long)arg);
	return NULL;
}

void fd_close_all(int *fds, int n)
{
	pthread_t tids[FD_CLOSE_THREADS];
	pthread_attr_t attr;
	int started = 0, attr_ok;

	attr_ok = !pthread_attr_init(&attr) && !pthread_attr_setstacksize(&attr, FD_CLOSE_STACK);
	for (int i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		if (!attr_ok || started == FD_CLOSE_THREADS ||
		    pthread_create(&tids[started], &attr, close_one, (void *)(long)fds[i]))
			close(fds[i]);	/* no thread: close it here, in turn */
		else
			started++;
		fds[i] = -1;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	if (attr_ok)
		pthread_attr_destroy(&attr);
}
