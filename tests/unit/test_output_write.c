/* The output layer's writing: errors at the flush, nested values and
 * summaries, whole rows only. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/output.h"
#include "unit.h"
#include "output_render.h"

static void test_flush_reports_write_error(void)
{
	struct out o;
	struct out_val v[4];
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		return; /* no /dev/full in this sandbox: nothing to test */
	out_init(&o, f, OUT_CSV, cols, 4);
	v[0].str = "x";
	v[0].len = -1;
	v[1].u = 1;
	v[2].f = 1;
	v[3].s = 1;
	out_row(&o, v);
	CHECK(out_flush(&o) == -ENOSPC);
	/* sticky: later flushes still report it */
	CHECK(out_flush(&o) == -ENOSPC);
	fclose(f);

	/* unbuffered: the error surfaces when the rows go out, at the flush
	 * at the latest */
	f = fopen("/dev/full", "w");
	CHECK(f);
	setvbuf(f, NULL, _IONBF, 0);
	out_init(&o, f, OUT_JSON, cols, 4);
	out_row(&o, v);
	CHECK(out_flush(&o) == -ENOSPC);
	CHECK(o.err == -ENOSPC);
	fclose(f);
}

/* Nested values: an object and a list of objects, in JSON only; too deep
 * a nesting prints null rather than recursing for ever. */
static void test_nested_values(void)
{
	static const struct out_col inner[] = { { "low", NULL, OUT_U64, 0, 0, 0, 0 },
						{ "name", NULL, OUT_STR, 0, 0, 0, 0 } };
	static const struct out_col cols[] = { { "n", NULL, OUT_U64, 0, 0, 0, 0 },
					       { "one", NULL, OUT_OBJ, 0, 0, 0, OUT_MACHINE_ONLY },
					       { "list", NULL, OUT_OBJ, 0, 0, 0, OUT_MACHINE_ONLY } };
	static const struct out_col self[] = { { "again", NULL, OUT_OBJ, 0, 0, 0, 0 } };
	struct out_val iv[] = { { .u = 1 }, { .str = "a\"b", .len = -1 },
				{ .u = 2 }, { .str = NULL } };
	struct out_obj one = { inner, 2, iv, -1 }, list = { inner, 2, iv, 2 }, none = { inner, 2, iv, 0 };
	struct out_val v[] = { { .u = 7 }, { .obj = &one }, { .obj = &list } };
	struct out_obj loop;
	struct out_val lv = { .obj = &loop };
	struct render r;

	loop = (struct out_obj){ self, 1, &lv, -1 };
	CHECK(render_begin(&r, OUT_JSON, cols, 3) == 0);
	out_row(&r.o, v);
	v[2].obj = &none;
	v[1].obj = NULL;
	out_row(&r.o, v);
	out_summary(&r.o, "not in JSON", self, 1, &lv);
	CHECK(render_end(&r) == 0);
	CHECK_STR(r.buf, "{\"n\":7,\"one\":{\"low\":1,\"name\":\"a\\\"b\"},"
			 "\"list\":[{\"low\":1,\"name\":\"a\\\"b\"},{\"low\":2,\"name\":null}]}\n"
			 "{\"n\":7,\"one\":null,\"list\":[]}\n"
			 "{\"again\":{\"again\":{\"again\":{\"again\":{\"again\":null}}}}}\n");
	free(r.buf);
	/* A table leaves nested columns out; a summary is its text, line by line. */
	CHECK(render_begin(&r, OUT_TABLE, cols, 3) == 0);
	out_summary(&r.o, "first\nsecond\x01", self, 1, &lv);
	CHECK(render_end(&r) == 0);
	CHECK_STR(r.buf, "first\nsecond\\x01\n");
	free(r.buf);
}

/* A SIGKILL leaves what has reached the file: only ever whole rows. */
static void test_file_gets_whole_rows(void)
{
	static const struct out_col c[] = { { "s", NULL, OUT_STR, 0, 0, 0, 0 },
					    { "n", NULL, OUT_U64, 0, 0, 0, 0 } };
	char text[300];
	struct out_val v[2];
	struct out o;
	FILE *f = tmpfile();
	int writes = 0, torn = 0;
	long last = 0;

	CHECK(f);
	/* As cli_open_output buffers files; stdio flushes a full buffer
	 * wherever it is full. */
	setvbuf(f, NULL, _IOFBF, 4096);
	out_init(&o, f, OUT_CSV, c, 2);
	for (int i = 0; i < 5000; i++) {
		long size;

		memset(text, 'a' + i % 26, sizeof(text));
		v[0] = (struct out_val){ .str = text, .len = 1 + i % (int)sizeof(text) };
		v[1] = (struct out_val){ .u = (uint64_t)i };
		out_row(&o, v);
		size = lseek(fileno(f), 0, SEEK_END);
		if (size != last) {
			char end = 0;

			writes++;
			torn += pread(fileno(f), &end, 1, size - 1) != 1 || end != '\n';
			last = size;
		}
	}
	CHECK(out_flush(&o) == 0);
	CHECK(writes > 10 && torn == 0);
	fclose(f);
}

static void test_flush_ok(void)
{
	struct render r;

	CHECK(render_begin(&r, OUT_TABLE, cols, 4) == 0);
	CHECK(out_flush(&r.o) == 0);
	CHECK(render_end(&r) == 0);
	CHECK(r.size == 0);
	free(r.buf);
}

UNIT_SUITE(output_write_tests) = {
	UNIT(test_flush_reports_write_error),
	UNIT(test_nested_values),
	UNIT(test_file_gets_whole_rows),
	UNIT(test_flush_ok),
	UNIT_END,
};
