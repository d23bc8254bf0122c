/* What the output tests share: rendering rows into memory. */
#ifndef SCHEDTAP_TEST_OUTPUT_RENDER_H
#define SCHEDTAP_TEST_OUTPUT_RENDER_H

#include <stdio.h>
#include "core/output.h"

struct render {
	char *buf;
	size_t size;
	FILE *f;
	struct out o;
};

static inline int render_begin(struct render *r, enum out_format fmt, const struct out_col *cols,
			int ncols)
{
	r->buf = NULL;
	r->size = 0;
	r->f = open_memstream(&r->buf, &r->size);
	if (!r->f)
		return -1;
	out_init(&r->o, r->f, fmt, cols, ncols);
	return 0;
}

static inline int render_end(struct render *r)
{
	int err = out_flush(&r->o);

	fclose(r->f);
	return err;
}

/* Four columns of every type but strings past their width. */
static const struct out_col cols[] = {
	{ "comm", "COMM", OUT_STR, 8, 0, 1, 0 },
	{ "pid", "PID", OUT_U64, 6, 0, 0, 0 },
	{ "lat_ms", "LAT(ms)", OUT_F64, 8, 3, 0, 0 },
	{ "delta", "DELTA", OUT_S64, 6, 0, 0, 0 },
};
#endif
