/* Unit tests for src/output.c: escaping of untrusted strings and the
 * exact table, CSV and JSON renderings. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/output.h"
#include "unit.h"

/* ---- helpers ------------------------------------------------------- */

/* Strict UTF-8 check (no overlongs, surrogates or > U+10FFFF). */
static int valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned c = u[i], need, cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + need >= n)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += need + 1;
	}
	return 1;
}

/* A JSON line check sufficient for our rows: a flat object of string
 * keys and string/number/null values, no raw control bytes, valid UTF-8. */
static int json_line_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (!valid_utf8(s, n) || n < 2 || s[0] != '{' || s[n - 1] != '}')
		return 0;
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] < 0x20)
			return 0;
	i = 1;
	if (s[i] == '}')
		return i + 1 == n;
	for (;;) {
		/* key */
		if (s[i++] != '"')
			return 0;
		while (i < n && s[i] != '"')
			i += s[i] == '\\' ? 2 : 1;
		if (i >= n || s[++i] != ':')
			return 0;
		i++;
		if (s[i] == '"') {
			i++;
			while (i < n && s[i] != '"') {
				if (s[i] == '\\') {
					if (!strchr("\"\\/bfnrtu", s[i + 1]))
						return 0;
					i++;
				}
				i++;
			}
			i++;
		} else if (!strncmp(s + i, "null", 4)) {
			i += 4;
		} else {
			size_t st = i;

			while (i < n && strchr("-0123456789.eE+", s[i]))
				i++;
			if (i == st)
				return 0;
		}
		if (i >= n)
			return 0;
		if (s[i] == '}')
			return i + 1 == n;
		if (s[i++] != ',')
			return 0;
	}
}

#include "output_render.h"

#define ESC(fn, s, len, want)                                                 \
	do {                                                                  \
		char b_[256];                                                 \
		size_t n_ = fn(s, len, b_, sizeof(b_));                       \
		CHECK_STR(b_, want);                                          \
		CHECK(n_ == strlen(want));                                    \
	} while (0)

/* ---- escaping ------------------------------------------------------ */

static void test_csv_escape(void)
{
	ESC(out_csv_escape, "abc", -1, "abc");
	ESC(out_csv_escape, "", -1, "");
	ESC(out_csv_escape, NULL, -1, "");
	ESC(out_csv_escape, "a,b\"c", -1, "\"a,b\"\"c\"");
	ESC(out_csv_escape, "\"", -1, "\"\"\"\"");
	ESC(out_csv_escape, "a\nb", -1, "\"a\nb\"");
	ESC(out_csv_escape, "a\rb", -1, "\"a\rb\"");
	ESC(out_csv_escape, " lead", -1, "\" lead\"");
	ESC(out_csv_escape, "trail ", -1, "\"trail \"");
	ESC(out_csv_escape, "\ttab", -1, "\"\ttab\"");
	ESC(out_csv_escape, "in\tside", -1, "in\tside");
	ESC(out_csv_escape, "mid space", -1, "mid space");
	ESC(out_csv_escape, "\x01", -1, "\x01");
	ESC(out_csv_escape, "\xff\xfe", -1, "\xff\xfe");
	/* len: a prefix, stopping early at a NUL */
	ESC(out_csv_escape, "abcdef", 3, "abc");
	ESC(out_csv_escape, "ab\0cd", 5, "ab");
	ESC(out_csv_escape, "abc", 0, "");
	ESC(out_csv_escape, "a,b", 1, "a");
}

static void test_json_escape(void)
{
	ESC(out_json_escape, "abc", -1, "abc");
	ESC(out_json_escape, NULL, -1, "");
	ESC(out_json_escape, "a,b\"c", -1, "a,b\\\"c");
	ESC(out_json_escape, "back\\slash", -1, "back\\\\slash");
	ESC(out_json_escape, "a\nb\tc\rd\be\ff", -1, "a\\nb\\tc\\rd\\be\\ff");
	ESC(out_json_escape, "\x01\x1f", -1, "\\u0001\\u001f");
	ESC(out_json_escape, "\x7f", -1, "\\u007f");
	ESC(out_json_escape, "/", -1, "/");
	/* valid UTF-8 passes: é, €, U+10348, U+10FFFF, U+0080 */
	ESC(out_json_escape, "caf\xc3\xa9", -1, "caf\xc3\xa9");
	ESC(out_json_escape, "\xe2\x82\xac", -1, "\xe2\x82\xac");
	ESC(out_json_escape, "\xf0\x90\x8d\x88", -1, "\xf0\x90\x8d\x88");
	ESC(out_json_escape, "\xf4\x8f\xbf\xbf", -1, "\xf4\x8f\xbf\xbf");
	ESC(out_json_escape, "\xc2\x80", -1, "\xc2\x80");
	/* invalid: lone bytes, truncated, overlong, surrogate, > U+10FFFF */
	ESC(out_json_escape, "\xff", -1, "\\u00ff");
	ESC(out_json_escape, "a\x80z", -1, "a\\u0080z");
	ESC(out_json_escape, "\xe2\x82", -1, "\\u00e2\\u0082");
	ESC(out_json_escape, "\xc0\xaf", -1, "\\u00c0\\u00af");
	ESC(out_json_escape, "\xe0\x80\xaf", -1, "\\u00e0\\u0080\\u00af");
	ESC(out_json_escape, "\xed\xa0\x80", -1, "\\u00ed\\u00a0\\u0080");
	ESC(out_json_escape, "\xf4\x90\x80\x80", -1, "\\u00f4\\u0090\\u0080\\u0080");
	ESC(out_json_escape, "\xf5\x80\x80\x80", -1, "\\u00f5\\u0080\\u0080\\u0080");
	/* a sequence cut by len is invalid at the cut */
	ESC(out_json_escape, "\xe2\x82\xac", 2, "\\u00e2\\u0082");
}

static void test_table_escape(void)
{
	ESC(out_table_escape, "kworker/0:1", -1, "kworker/0:1");
	ESC(out_table_escape, "a\nb\tc\rd", -1, "a\\nb\\tc\\rd");
	ESC(out_table_escape, "\x01\x1b[31m", -1, "\\x01\\x1b[31m");
	ESC(out_table_escape, "\x7f", -1, "\\x7f");
	ESC(out_table_escape, "caf\xc3\xa9", -1, "caf\xc3\xa9");
	ESC(out_table_escape, "\xff", -1, "\\xff");
	ESC(out_table_escape, "\xc2\x9b", -1, "\\xc2\\x9b"); /* C1 CSI */
	ESC(out_table_escape, "\xc2\xa0", -1, "\xc2\xa0");
	ESC(out_table_escape, "x\0y", 3, "x");
}

static void test_escape_16_bytes_no_nul(void)
{
	/* A task comm filling all 16 bytes, no terminator, then garbage that
	 * must never be read (ASan would see the overrun of comm[]). */
	struct {
		char comm[16];
		char after[4];
	} t;
	char *heap = malloc(16);
	char b[128];

	memcpy(t.comm, "0123456789abcdef", 16);
	memcpy(t.after, "XYZ", 4);
	CHECK(out_csv_escape(t.comm, 16, b, sizeof(b)) == 16);
	CHECK_STR(b, "0123456789abcdef");
	CHECK(out_json_escape(t.comm, 16, b, sizeof(b)) == 16);
	CHECK_STR(b, "0123456789abcdef");
	CHECK(out_table_escape(t.comm, 16, b, sizeof(b)) == 16);
	CHECK_STR(b, "0123456789abcdef");
	CHECK(heap);
	memcpy(heap, "a,b\"c\n\t\x01\xff" "0123456", 16);
	CHECK(out_csv_escape(heap, 16, b, sizeof(b)) == 19);
	CHECK(out_json_escape(heap, 16, b, sizeof(b)) == 29);
	CHECK_STR(b, "a,b\\\"c\\n\\t\\u0001\\u00ff0123456");
	CHECK(out_table_escape(heap, 16, b, sizeof(b)) == 24);
	free(heap);
}

static void test_escape_small_buffers(void)
{
	char b[8];

	/* snprintf contract: needed length back, always NUL-terminated */
	memset(b, 'Q', sizeof(b));
	CHECK(out_json_escape("\x01\x02", -1, b, 8) == 12);
	CHECK(memchr(b, '\0', 8) == b + 7);
	CHECK(!strncmp(b, "\\u0001\\", 7));
	CHECK(out_csv_escape("a,b", -1, b, 1) == 5 && b[0] == '\0');
	CHECK(out_csv_escape("a,b", -1, NULL, 0) == 5);
	CHECK(out_table_escape("\n", -1, b, 2) == 2);
	CHECK_STR(b, "\\");
	b[0] = 'Q';
	CHECK(out_json_escape("abc", -1, b, 0) == 3 && b[0] == 'Q');
}

/* Every byte value, alone and in pairs, must escape to valid UTF-8 JSON. */
static void test_json_all_bytes(void)
{
	char in[2], out[32];

	for (int a = 0; a < 256; a++) {
		for (int c = 0; c < 256; c++) {
			size_t n;
			char line[40];

			in[0] = (char)a;
			in[1] = (char)c;
			n = out_json_escape(in, 2, out, sizeof(out));
			CHECK(n < sizeof(out));
			snprintf(line, sizeof(line), "{\"k\":\"%s\"}", out);
			CHECK(json_line_ok(line, strlen(line)));
		}
	}
}

/* ---- table --------------------------------------------------------- */

static void row(struct out *o, const char *comm, int len, uint64_t pid, double lat,
		int64_t delta)
{
	struct out_val v[4];

	v[0].str = comm;
	v[0].len = len;
	v[1].u = pid;
	v[2].f = lat;
	v[3].s = delta;
	out_row(o, v);
}

static void test_table_alignment(void)
{
	struct render r;
	const char *want =
		"\n"
		"CPU 0\n"
		"COMM         PID   LAT(ms)   DELTA\n"
		"bash        1234     1.500      -7\n"
		"kworker/  999999  1234.568  123456\n"
		"a\\nb           0         -       0\n"
		"\n"
		"COMM         PID   LAT(ms)   DELTA\n"
		"-         18446744073709551615  12345678901.000  -9223372036854775808\n";

	CHECK(render_begin(&r, OUT_TABLE, cols, 4) == 0);
	out_group(&r.o, "CPU 0");
	row(&r.o, "bash", -1, 1234, 1.5, -7);
	row(&r.o, "kworker/0:1H-events", -1, 999999, 1234.5678, 123456);
	row(&r.o, "a\nb", -1, 0, NAN, 0);
	out_group(&r.o, NULL);
	row(&r.o, NULL, -1, UINT64_MAX, 12345678901.0, INT64_MIN);
	CHECK(render_end(&r) == 0);
	if (strcmp(r.buf, want))
		printf("    got:\n%s", r.buf);
	CHECK(strcmp(r.buf, want) == 0);
	free(r.buf);
}

static void test_table_header_without_group(void)
{
	struct render r;
	const char *want =
		"COMM         PID   LAT(ms)   DELTA\n"
		"x              1     0.000       1\n"
		"y              2     0.000       2\n";

	CHECK(render_begin(&r, OUT_TABLE, cols, 4) == 0);
	row(&r.o, "x", -1, 1, 0, 1);
	row(&r.o, "y", -1, 2, 0, 2);
	CHECK(render_end(&r) == 0);
	CHECK_STR(r.buf, want);
	free(r.buf);
}

static void test_table_truncation(void)
{
	static const struct out_col c[] = {
		{ "pid", NULL, OUT_U64, 3, 0, 0, 0 },
		{ "comm", NULL, OUT_STR, 5, 0, 1, 0 },
	};
	static const char *const in[] = {
		"ab\ncd", "abcdefgh", "\x01\x02", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"ab\tc", "0123456789abcdef",
	};
	static const char *const want[] = {
		"  1  ab\\nc", "  1  abcde", "  1  \\x01", "  1  \xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		"  1  ab\\tc", "  1  01234",
	};
	struct render r;
	char *line;

	CHECK(render_begin(&r, OUT_TABLE, c, 2) == 0);
	for (size_t i = 0; i < 6; i++) {
		struct out_val v[2];

		v[0].u = 1;
		v[1].str = in[i];
		v[1].len = -1;
		out_row(&r.o, v);
	}
	CHECK(render_end(&r) == 0);
	/* Header uses the names; last left column gets no trailing blanks. */
	CHECK(!strncmp(r.buf, "pid  comm\n", 10));
	line = r.buf + 10;
	for (size_t i = 0; i < 6; i++) {
		char *nl = strchr(line, '\n');

		CHECK(nl);
		*nl = '\0';
		if (strcmp(line, want[i]))
			printf("    row %zu: \"%s\"\n", i, line);
		CHECK_STR(line, want[i]);
		line = nl + 1;
	}
	CHECK(*line == '\0');
	free(r.buf);
}

static void test_table_odd_widths(void)
{
	static const struct out_col c[] = {
		{ "a", "A", OUT_U64, 0, 0, 0, 0 },
		{ "b", "B", OUT_F64, 0, 0, 0, 0 },
		{ "c", "C", OUT_F64, 2, 99, 0, 0 },
		{ "d", "D", OUT_STR, 255, 0, 0, 0 },
	};
	struct out_val v[4];
	struct render r;
	const char *last, *end;
	size_t blanks;

	v[0].u = 7;
	v[1].f = 2.5;
	v[2].f = 1e300;
	v[3].str = "z";
	v[3].len = -1;
	CHECK(render_begin(&r, OUT_TABLE, c, 4) == 0);
	out_row(&r.o, v);
	CHECK(render_end(&r) == 0);
	/* width 0 is the value's own, precision caps at 30, a width is at
	 * most 255 (a byte) */
	CHECK(!strncmp(r.buf, "A  B  ", 6));
	CHECK(strstr(r.buf, "\n7  2  1") != NULL); /* 2.5 rounds to even */
	CHECK(strstr(r.buf, ".000000000000000000000000000000  ") != NULL);
	CHECK(strlen(strrchr(r.buf, ' ')) == 3); /* " z\n" */
	/* "0" + 2 separator blanks + 254 pad blanks + "z\n" */
	last = strrchr(r.buf, 'z');
	for (end = last; end > r.buf && end[-1] == ' '; end--)
		;
	blanks = (size_t)(last - end);
	free(r.buf);
	CHECK(blanks == 2 + 254);
}

/* Machine-only columns vanish from tables but stay in CSV and JSON. */
static void test_machine_only_columns(void)
{
	static const struct out_col c[] = {
		{ "ts", "TIME", OUT_F64, 6, 1, 0, OUT_MACHINE_ONLY },
		{ "cpu", "CPU", OUT_STR, 4, 0, 1, 0 },
		{ "n", "N", OUT_U64, 3, 0, 0, 0 },
		{ "iv", "IV", OUT_F64, 4, 1, 0, OUT_MACHINE_ONLY },
	};
	struct out_val v[4] = { { .f = 1.5 }, { .str = "all", .len = -1 }, { .u = 7 },
				{ .f = 0.25 } };
	static const char *const want[] = {
		"\nt\nCPU     N\nall     7\n",
		"ts,cpu,n,iv\n1.5,all,7,0.2\n",
		"{\"ts\":1.5,\"cpu\":\"all\",\"n\":7,\"iv\":0.2}\n",
	};
	static const enum out_format fmts[] = { OUT_TABLE, OUT_CSV, OUT_JSON };
	struct render r;

	for (int i = 0; i < 3; i++) {
		int same;

		CHECK(render_begin(&r, fmts[i], c, 4) == 0);
		out_group(&r.o, "t");
		out_row(&r.o, v);
		CHECK(render_end(&r) == 0);
		same = !strcmp(r.buf, want[i]);
		if (!same)
			printf("    got \"%s\"\n", r.buf);
		free(r.buf);
		CHECK(same);
	}
}

/* ---- CSV ----------------------------------------------------------- */

static void test_csv_rows(void)
{
	static const char comm16[16] = { 'a', ',', 'b', '"', 'c', 'd', 'e', 'f',
					 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n' };
	struct render r;
	const char *want =
		"comm,pid,lat_ms,delta\n"
		"bash,1234,1.500,-7\n"
		"\"a,b\"\"cdefghijklmn\",2,,0\n"
		",3,0.125,9223372036854775807\n"
		"\"x\ny\",4,-1.000,1\n";

	CHECK(render_begin(&r, OUT_CSV, cols, 4) == 0);
	out_group(&r.o, "ignored in CSV");
	row(&r.o, "bash", -1, 1234, 1.5, -7);
	out_group(&r.o, "and again");
	row(&r.o, comm16, 16, 2, INFINITY, 0);
	row(&r.o, NULL, -1, 3, 0.125, INT64_MAX);
	row(&r.o, "x\ny", -1, 4, -1.0, 1);
	CHECK(render_end(&r) == 0);
	if (strcmp(r.buf, want))
		printf("    got:\n%s", r.buf);
	CHECK_STR(r.buf, want);
	free(r.buf);
}

/* Rows the fast path writes and rows it leaves to the general one (a
 * F64 past fixed point) quote, sign and escape alike. */
static void test_csv_fast_and_general_agree(void)
{
	struct render r;
	const char *want =
		"comm,pid,lat_ms,delta\n"
		"\" lead\",18446744073709551615,2.500,-9223372036854775808\n"
		"\" lead\",18446744073709551615,100000000000000000000.000,-9223372036854775808\n"
		"\"q\"\"\r\",0,,1\n"
		"\"q\"\"\r\",0,123456789012345680.000,1\n";

	CHECK(render_begin(&r, OUT_CSV, cols, 4) == 0);
	row(&r.o, " lead", -1, UINT64_MAX, 2.5, INT64_MIN);
	row(&r.o, " lead", -1, UINT64_MAX, 1e20, INT64_MIN);
	row(&r.o, "q\"\r", -1, 0, NAN, 1);
	row(&r.o, "q\"\r", -1, 0, 123456789012345678.0, 1);
	CHECK(render_end(&r) == 0);
	if (strcmp(r.buf, want))
		printf("    got:\n%s", r.buf);
	CHECK_STR(r.buf, want);
	free(r.buf);
}

static void test_csv_long_string(void)
{
	static const struct out_col c[] = { { "s", "S", OUT_STR, 4, 0, 0, 0 } };
	char *big = malloc(10001);
	struct out_val v;
	struct render r;

	CHECK(big);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	big[5000] = ',';
	v.str = big;
	v.len = -1;
	CHECK(render_begin(&r, OUT_CSV, c, 1) == 0);
	out_row(&r.o, &v);
	CHECK(render_end(&r) == 0);
	free(big);
	/* never cut in CSV: "s\n" + quotes + 10000 + "\n" */
	CHECK(r.size == 2 + 2 + 10000 + 1);
	free(r.buf);
}

/* ---- JSON ---------------------------------------------------------- */

/* A string long enough for the general path is escaped in pieces: a
 * UTF-8 sequence across a piece's end stays whole, and the text equals
 * what the fast path writes for its start. */
static void test_json_long_string_pieces(void)
{
	static const struct out_col c[] = { { "s", "S", OUT_STR, 4, 0, 0, 0 } };
	size_t n = 255 + 2 + 20000;
	char *big = malloc(n + 1), *want = malloc(n + 16);
	struct out_val v = { .str = big, .len = -1 };
	struct render r;

	CHECK(big && want);
	if (!big || !want)
		return;
	memset(big, 'a', 255);
	memcpy(big + 255, "\xc3\xa9", 2);
	memset(big + 257, 'b', 20000);
	big[n] = '\0';
	snprintf(want, n + 16, "{\"s\":\"%s\"}\n", big);
	CHECK(render_begin(&r, OUT_JSON, c, 1) == 0);
	out_row(&r.o, &v);		/* 6 x 20257 bytes may not fit: general path */
	big[300] = '\0';
	out_row(&r.o, &v);		/* the fast path */
	CHECK(render_end(&r) == 0);
	CHECK(r.size == strlen(want) + 6 + 300 + 3);
	CHECK(!strncmp(r.buf, want, strlen(want)));
	CHECK(!strncmp(r.buf + strlen(want), want, 6 + 300) &&
	      !strcmp(r.buf + strlen(want) + 306, "\"}\n"));
	free(r.buf);
	free(big);
	free(want);
}

static void test_json_rows(void)
{
	static const char comm16[16] = "0123456789abcdef"; /* no NUL */
	struct render r;
	const char *want =
		"{\"comm\":\"bash\",\"pid\":1234,\"lat_ms\":1.500,\"delta\":-7}\n"
		"{\"comm\":\"0123456789abcdef\",\"pid\":2,\"lat_ms\":null,\"delta\":0}\n"
		"{\"comm\":null,\"pid\":18446744073709551615,\"lat_ms\":null,"
		"\"delta\":-9223372036854775808}\n"
		"{\"comm\":\"a,b\\\"c\\n\\t\\u0001\\u00ff\",\"pid\":4,\"lat_ms\":0.001,"
		"\"delta\":1}\n";
	char *line;
	int lines = 0;

	CHECK(render_begin(&r, OUT_JSON, cols, 4) == 0);
	out_group(&r.o, "ignored");
	row(&r.o, "bash", -1, 1234, 1.5, -7);
	row(&r.o, comm16, 16, 2, NAN, 0);
	row(&r.o, NULL, -1, UINT64_MAX, -INFINITY, INT64_MIN);
	row(&r.o, "a,b\"c\n\t\x01\xff", -1, 4, 0.0005001, 1);
	CHECK(render_end(&r) == 0);
	if (strcmp(r.buf, want))
		printf("    got:\n%s", r.buf);
	CHECK_STR(r.buf, want);
	for (line = r.buf; *line; lines++) {
		char *nl = strchr(line, '\n');

		CHECK(nl);
		CHECK(json_line_ok(line, (size_t)(nl - line)));
		line = nl + 1;
	}
	CHECK(lines == 4);
	free(r.buf);
}

static void test_json_key_escape_and_empty(void)
{
	static const struct out_col c[] = { { "we\"ird", NULL, OUT_U64, 0, 0, 0, 0 } };
	struct out_val v = { .u = 5 };
	struct render r;

	CHECK(render_begin(&r, OUT_JSON, c, 1) == 0);
	out_row(&r.o, &v);
	CHECK(out_flush(&r.o) == 0);
	out_init(&r.o, r.f, OUT_JSON, NULL, 0);
	out_row(&r.o, NULL);
	CHECK(render_end(&r) == 0);
	CHECK_STR(r.buf, "{\"we\\\"ird\":5}\n{}\n");
	free(r.buf);
}

/* Booleans: yes/no for people and CSV, true/false for JSON. */
static void test_bool_columns(void)
{
	static const struct out_col c[] = { { "ok", "OK", OUT_BOOL, 3, 0, 1, 0 } };
	struct out_val v[2] = { { .u = 1 }, { .u = 0 } };
	struct render r;

	CHECK(render_begin(&r, OUT_JSON, c, 1) == 0);
	out_row(&r.o, &v[0]);
	out_row(&r.o, &v[1]);
	CHECK(render_end(&r) == 0);
	CHECK_STR(r.buf, "{\"ok\":true}\n{\"ok\":false}\n");
	free(r.buf);
	CHECK(render_begin(&r, OUT_CSV, c, 1) == 0);
	out_row(&r.o, &v[0]);
	out_row(&r.o, &v[1]);
	CHECK(render_end(&r) == 0);
	CHECK_STR(r.buf, "ok\nyes\nno\n");
	free(r.buf);
}

/* ---- errors -------------------------------------------------------- */

UNIT_SUITE(output_tests) = {
	UNIT(test_csv_escape),
	UNIT(test_csv_fast_and_general_agree),
	UNIT(test_json_long_string_pieces),
	UNIT(test_json_escape),
	UNIT(test_table_escape),
	UNIT(test_escape_16_bytes_no_nul),
	UNIT(test_escape_small_buffers),
	UNIT(test_json_all_bytes),
	UNIT(test_table_alignment),
	UNIT(test_table_header_without_group),
	UNIT(test_table_truncation),
	UNIT(test_table_odd_widths),
	UNIT(test_machine_only_columns),
	UNIT(test_csv_rows),
	UNIT(test_csv_long_string),
	UNIT(test_json_rows),
	UNIT(test_json_key_escape_and_empty),
	UNIT(test_bool_columns),
	UNIT_END,
};
