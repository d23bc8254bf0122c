/* What the libFuzzer harnesses in tests/fuzz share. */
#ifndef SCHEDTAP_FUZZ_H
#define SCHEDTAP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A broken invariant is a finding like a sanitizer report: say which one
 * on fd 2 (the harness may have pointed stdio's stderr elsewhere) and
 * abort, so that libFuzzer keeps the input as a reproducer. */
#define FUZZ_CHECK(cond)                                                     \
	do {                                                                 \
		if (!(cond))                                                 \
			fuzz_fail(#cond, __FILE__, __LINE__);                \
	} while (0)

static inline void fuzz_fail(const char *what, const char *file, int line)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "FUZZ_CHECK failed: %s (%s:%d)\n", what, file, line);

	if (n > 0 && write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) < 0)
		n = 0;
	abort();
}

/* The input as a C string in a buffer of exactly size + 1 bytes, so that
 * ASan sees a parser that reads past the terminator. NULL if out of
 * memory (the input is then skipped). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif
