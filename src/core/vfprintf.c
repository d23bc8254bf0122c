/* vfprintf in the musl build: core/format.c's formatting in place of
 * musl's (core/format.h says why). printf, fprintf, snprintf, dprintf and
 * asprintf all come here; the linker takes this definition and leaves
 * musl's vfprintf.o out. glibc builds (unit tests, fuzzers) keep theirs. */
#include <stdio.h>
#include "core/format.h"

#ifndef __GLIBC__
struct file_sink {
	FILE *f;
	int locked;
};

/* Output longer than the buffer goes out in pieces: the lock keeps them
 * together against other threads' output to f. */
static int flush_to_file(struct fmt_sink *s)
{
	struct file_sink *fs = s->ctx;

	if (!fs->locked) {
		flockfile(fs->f);
		fs->locked = 1;
	}
	if (fwrite(s->buf, 1, s->len, fs->f) != s->len)
		return -1;
	s->len = 0;
	return 0;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	char buf[256];
	struct file_sink fs = { .f = f };
	struct fmt_sink s = { .buf = buf, .cap = sizeof(buf), .flush = flush_to_file, .ctx = &fs };
	int n = fmt_vformat(&s, fmt, ap);

	if (n >= 0 && s.len && fwrite(buf, 1, s.len, f) != s.len)
		n = -1;
	if (fs.locked)
		funlockfile(f);
	return n;
}
#endif
