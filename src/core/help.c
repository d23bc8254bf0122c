#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <string.h>
#include "core/help.h"

/* The section's bounds (the linker's), and the blob the second link adds:
 * weak, so that a build without it sees a null address. */
extern char __start_schedtap_help[], __stop_schedtap_help[];
extern const uint8_t help_blob[] __attribute__((weak));
extern const uint32_t help_blob_size __attribute__((weak));

void help_unpack(void)
{
	enum { TODO, BUSY, DONE };
	static int state;
	int expect = TODO;

	if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == DONE || !&help_blob_size ||
	    !help_blob_size)
		return;
	/* A workload's thread can fail while the main one does. */
	if (!__atomic_compare_exchange_n(&state, &expect, BUSY, 0, __ATOMIC_ACQUIRE,
					 __ATOMIC_ACQUIRE)) {
		/* Asleep, not spinning: a real-time waiter on the unpacker's
		 * CPU would keep it from finishing. */
		while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != DONE)
			syscall(SYS_futex, &state, FUTEX_WAIT_PRIVATE, BUSY, NULL, NULL, 0);
		return;
	}
	size_t size = (size_t)(__stop_schedtap_help - __start_schedtap_help);

	/* The build checked the blob; a short one would print nothing. */
	if (help_unpack_blob(help_blob, help_blob_size, __start_schedtap_help, size) != (long)size)
		memcpy(__start_schedtap_help, "(text damaged)\n", 16 < size ? 16 : size);
	__atomic_store_n(&state, DONE, __ATOMIC_RELEASE);
	syscall(SYS_futex, &state, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
