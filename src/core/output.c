#include "core/output.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#define OUT_WIDTH_MAX 1024 /* a column wider than this is a caller bug */
#define OUT_PREC_MAX  30

/* Escapers write through a sink: either a caller's buffer (snprintf
 * semantics, len counts what was needed) or straight to a FILE, so that
 * rows never need a heap copy of an arbitrarily long string. */
struct sink {
	struct out *o;	/* a row being written: append to its buffer */
	FILE *f;
	char *buf;
	size_t size;
	size_t len;
	int err; /* negative errno of the first failed write */
};

static void out_put(struct out *o, const char *s, size_t n);
static void out_drain(struct out *o);

static void sink_put(struct sink *k, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (k->o) {
		out_put(k->o, s, n);
	} else if (k->f) {
		if (!k->err && fwrite(s, 1, n, k->f) != n)
			k->err = errno ? -errno : -EIO;
	} else if (k->buf && k->len + 1 < k->size) {
		size_t room = k->size - 1 - k->len;

		memcpy(k->buf + k->len, s, n < room ? n : room);
	}
	k->len += n;
}

static void sink_putc(struct sink *k, char c)
{
	sink_put(k, &c, 1);
}

static void sink_end(struct sink *k)
{
	if (k->buf && k->size)
		k->buf[k->len < k->size ? k->len : k->size - 1] = '\0';
}

/* Length of a string given as (s, len): len -1 means NUL-terminated;
 * otherwise at most len bytes, and a NUL ends it early (task comms are
 * fixed 16-byte arrays that may or may not hold a NUL). */
static size_t str_len(const char *s, int len)
{
	if (!s)
		return 0;
	if (len < 0)
		return strlen(s);
	return strnlen(s, (size_t)len);
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if invalid
 * (overlong forms, surrogates and values past U+10FFFF are invalid). */
size_t out_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* Whether a CSV field needs quotes: a separator, quote or line break in
 * it, or blanks at its ends (which many readers trim). */
static int csv_needs_quotes(const char *s, size_t n)
{
	static const unsigned char special[256] = { [','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1 };
	const unsigned char *u = (const unsigned char *)s;
	unsigned any = 0;

	if (n && (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		return 1;
	for (size_t i = 0; i < n; i++)
		any |= special[u[i]];
	return (int)any;
}

/* s with each quote doubled, at p (room for 2n bytes); returns the end. */
static char *csv_double_quotes(char *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	return p;
}

/* The field at p (room for 2n + 2 bytes); returns the end. */
static char *csv_field(char *p, const char *s, size_t n)
{
	if (!csv_needs_quotes(s, n)) {
		memcpy(p, s, n);
		return p + n;
	}
	*p++ = '"';
	p = csv_double_quotes(p, s, n);
	*p++ = '"';
	return p;
}

static void csv_escape(const char *s, size_t n, struct sink *k)
{
	char chunk[512];

	if (!csv_needs_quotes(s, n)) {
		sink_put(k, s, n);
		return;
	}
	sink_putc(k, '"');
	for (size_t at = 0; at < n; at += sizeof(chunk) / 2) {
		size_t len = n - at < sizeof(chunk) / 2 ? n - at : sizeof(chunk) / 2;

		sink_put(k, chunk, (size_t)(csv_double_quotes(chunk, s + at, len) - chunk));
	}
	sink_putc(k, '"');
}

/* JSON's plain bytes: printable ASCII but the quote and the backslash. */
static int json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* s escaped at p (room for 6n bytes); returns the end. */
static char *json_escape_to(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		unsigned char c = u[i];
		size_t l;

		if (json_plain(c)) {
			*p++ = (char)c;
			i++;
			continue;
		}
		l = c >= 0x80 ? out_utf8_len(u + i, n - i) : 0;
		if (l) {
			memcpy(p, s + i, l);
			p += l;
			i += l;
			continue;
		}
		*p++ = '\\';
		if (c == '"' || c == '\\') {
			*p++ = (char)c;
		} else if (c == '\n' || c == '\t' || c == '\r' || c == '\b' || c == '\f') {
			*p++ = c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : c == '\b' ? 'b' : 'f';
		} else {
			/* Controls, DEL; invalid UTF-8 is read as Latin-1: U+0080..U+00FF. */
			memcpy(p, "u00", 3);
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
		i++;
	}
	return p;
}

/* Through a sink in pieces that never split a UTF-8 sequence (a lead
 * byte goes with its continuation bytes, at most 3). */
static void json_escape(const char *s, size_t n, struct sink *k)
{
	const unsigned char *u = (const unsigned char *)s;
	char out[6 * 256];

	for (size_t at = 0; at < n;) {
		size_t len = n - at < 256 ? n - at : 256, back = 0;

		while (at + len < n && back < 3 && (u[at + len] & 0xc0) == 0x80 && len > 1) {
			len--;
			back++;
		}
		sink_put(k, out, (size_t)(json_escape_to(out, s + at, len) - out));
		at += len;
	}
}

/* One escaped unit of a table cell: its bytes in out[], its columns. */
static size_t table_unit(const unsigned char *u, size_t n, char out[16], size_t *used,
			 int *cols)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = u[0];
	size_t l;

	*used = 1;
	if (c == '\n' || c == '\t' || c == '\r') {
		out[0] = '\\';
		out[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		*cols = 2;
		return 2;
	}
	l = c >= 0x80 ? out_utf8_len(u, n) : 1;
	/* C1 controls (U+0080..U+009F) can drive terminals too. */
	if (c < 0x20 || c == 0x7f || l == 0 || (c == 0xc2 && u[1] < 0xa0)) {
		out[0] = '\\';
		out[1] = 'x';
		out[2] = hex[c >> 4];
		out[3] = hex[c & 15];
		*cols = 4;
		return 4;
	}
	memcpy(out, u, l);
	*used = l;
	*cols = 1; /* one column per code point: good enough for task names */
	return l;
}

/* Escape for a terminal, stopping before a unit that would make the text
 * wider than maxcols (0: no limit). Returns the columns written. */
static int table_escape(const char *s, size_t n, struct sink *k, int maxcols)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	int cols = 0;

	while (i < n) {
		char unit[16];
		size_t used, bl;
		int uc;

		bl = table_unit(u + i, n - i, unit, &used, &uc);
		if (maxcols > 0 && cols + uc > maxcols)
			break;
		sink_put(k, unit, bl);
		cols += uc;
		i += used;
	}
	return cols;
}

static void table_escape_all(const char *s, size_t n, struct sink *k)
{
	table_escape(s, n, k, 0);
}

size_t out_csv_escape(const char *s, int len, char *buf, size_t size)
{
	struct sink k = { .buf = buf, .size = size };

	csv_escape(s, str_len(s, len), &k);
	sink_end(&k);
	return k.len;
}

size_t out_json_escape(const char *s, int len, char *buf, size_t size)
{
	struct sink k = { .buf = buf, .size = size };

	json_escape(s, str_len(s, len), &k);
	sink_end(&k);
	return k.len;
}

size_t out_table_escape(const char *s, int len, char *buf, size_t size)
{
	struct sink k = { .buf = buf, .size = size };

	table_escape(s, str_len(s, len), &k, 0);
	sink_end(&k);
	return k.len;
}

/* ---- writers ------------------------------------------------------ */

/* Rows are assembled at the end of o->wbuf, after the whole rows not yet
 * written, and the file only ever gets whole rows: a row is dozens of
 * small pieces (stdio's per-call locking made those the trace consumer's
 * largest cost), and a stdio buffer flushed when full splits a row, which
 * is what a SIGKILL then leaves at the end of the file. */
static void out_write(struct out *o, const char *s, size_t n)
{
	if (!n || o->err)
		return;
	errno = 0;
	if (fwrite(s, 1, n, o->f) != n || fflush(o->f))
		o->err = errno ? -errno : -EIO;
}

/* A row ends: it joins the rows to write, which go out when the next one
 * might not fit. */
static void out_row_end(struct out *o)
{
	o->rows_len = o->wlen;
	if (o->wlen > sizeof(o->wbuf) / 2)
		out_drain(o);
}

static void out_drain(struct out *o)
{
	out_write(o, o->wbuf, o->rows_len);
	memmove(o->wbuf, o->wbuf + o->rows_len, o->wlen - o->rows_len);
	o->wlen -= o->rows_len;
	o->rows_len = 0;
}

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->err)
		return;
	if (o->wlen + n > sizeof(o->wbuf))
		out_drain(o);
	if (o->wlen + n > sizeof(o->wbuf)) {
		/* One row longer than the buffer: it goes out in pieces. */
		out_write(o, o->wbuf, o->wlen);
		out_write(o, s, n);
		o->wlen = 0;
		return;
	}
	memcpy(o->wbuf + o->wlen, s, n);
	o->wlen += n;
}

static void out_puts(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_spaces(struct out *o, int n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		int c = n < (int)sizeof(sp) - 1 ? n : (int)sizeof(sp) - 1;

		out_put(o, sp, (size_t)c);
		n -= c;
	}
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Decimal digits of v at the end of buf[0..size); returns the start.
 * Number formatting is the trace consumer's hot path: printf's general
 * machinery costs several times this. */
/* Two digits per division: a trace row has a dozen numbers (the output
 * layer is built -O2, so the divisions are multiplications). */
static char *u64_digits(uint64_t v, char *end)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100);

		v /= 100;
		end -= 2;
		memcpy(end, pairs + 2 * d, 2);
	}
	if (v >= 10) {
		end -= 2;
		memcpy(end, pairs + 2 * v, 2);
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

static void fmt_u64(uint64_t v, int neg, char *buf)
{
	char tmp[24], *p = u64_digits(v, tmp + sizeof(tmp));

	if (neg)
		*buf++ = '-';
	memcpy(buf, p, (size_t)(tmp + sizeof(tmp) - p));
	buf[tmp + sizeof(tmp) - p] = 0;
}

/* Fixed-point for |v| * 10^prec below 2^53; anything larger goes through
 * snprintf. It can differ from printf in the last digit where v * 10^prec
 * rounds onto a tie (0.15 is 0.1499.. in binary: printf says 0.1, this
 * 0.2), never by more. */
static const double fixed_scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };

static int fixed_fits(double v, int prec)
{
	return prec >= 0 && prec <= 6 && fabs(v) * fixed_scale[prec] < 9007199254740992.0;
}

/* v at `at` in fixed point (fixed_fits must hold); returns the end. The
 * digits go straight to their place: the trace consumer writes two such
 * numbers a row. */
static char *put_fixed(char *at, double v, int prec)
{
	double a = v < 0 ? -v : v, s = fixed_scale[prec], x = a * s, frac;
	uint64_t n = (uint64_t)x, ip, fp;
	char tmp[24], *q, *end = tmp + sizeof(tmp);

	frac = x - (double)n;
	/* Round half to even, as printf does for exact ties (0.25 -> 0.2). */
	if (frac > 0.5 || (frac == 0.5 && (n & 1)))
		n++;
	ip = n / (uint64_t)s;
	fp = n % (uint64_t)s;
	if (v < 0 && n)
		*at++ = '-';
	for (q = u64_digits(ip, end); q < end;)
		*at++ = *q++;
	if (prec) {
		*at++ = '.';
		for (int i = prec - 1; i >= 0; i--, fp /= 10)
			at[i] = (char)('0' + fp % 10);
		at += prec;
	}
	return at;
}

static int fmt_fixed(double v, int prec, char *buf)
{
	if (!fixed_fits(v, prec))
		return 0;
	*put_fixed(buf, v, prec) = 0;
	return 1;
}

/* Format a number column into buf (room for %.30f of DBL_MAX);
 * returns 0 when the value has no finite representation. */
static int fmt_number(const struct out_col *c, const struct out_val *v, char *buf,
		      size_t size)
{
	if (v->len == OUT_NULL)
		return 0;
	switch (c->type) {
	case OUT_U64:
		fmt_u64(v->u, 0, buf);
		return 1;
	case OUT_S64:
		fmt_u64(v->s < 0 ? 0 - (uint64_t)v->s : (uint64_t)v->s, v->s < 0, buf);
		return 1;
	case OUT_F64:
		if (!isfinite(v->f))
			return 0;
		if (!fmt_fixed(v->f, clamp(c->prec, 0, OUT_PREC_MAX), buf))
			snprintf(buf, size, "%.*f", clamp(c->prec, 0, OUT_PREC_MAX), v->f);
		return 1;
	case OUT_BOOL:
		snprintf(buf, size, "%s", v->u ? "yes" : "no");
		return 1;
	case OUT_STR:
	case OUT_OBJ:
		break;
	}
	return 0;
}

/* One table cell: pad to width on the aligned side; strings are escaped
 * and cut to width. The last left-aligned cell gets no trailing blanks. */
static void table_cell(struct out *o, const struct out_col *c, int last,
		       const char *s, size_t n, int escape, int cut)
{
	int width = clamp(c->width, 0, OUT_WIDTH_MAX), cols, pad;
	struct sink m = { 0 }, k = { .o = o };

	cols = escape ? table_escape(s, n, &m, cut ? width : 0) : (int)n;
	pad = width > cols ? width - cols : 0;
	if (!c->left)
		out_spaces(o, pad);
	if (escape) {
		if (!o->err)
			table_escape(s, n, &k, cut ? width : 0);
	} else {
		out_put(o, s, n);
	}
	if (c->left && !last)
		out_spaces(o, pad);
}

static int in_table(const struct out_col *c)
{
	return !(c->flags & OUT_MACHINE_ONLY);
}

static int in_machine(const struct out_col *c)
{
	return !(c->flags & OUT_TABLE_ONLY);
}

/* Index of the last column a table shows, -1 if none. */
static int table_last(const struct out *o)
{
	int last = -1;

	for (int i = 0; i < o->ncols; i++)
		if (in_table(&o->cols[i]))
			last = i;
	return last;
}

static void table_header(struct out *o)
{
	int last = table_last(o), sep = 0;

	for (int i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const char *t = c->title ? c->title : c->name ? c->name : "";

		if (!in_table(c))
			continue;
		if (sep++)
			out_puts(o, "  ");
		/* Headers are never cut: a narrow column just misaligns. */
		table_cell(o, c, i == last, t, strlen(t), 1, 0);
	}
	out_puts(o, "\n");
	o->header_done = 1;
}

static void table_row(struct out *o, const struct out_val *vals)
{
	int lastcol = table_last(o), sep = 0;
	char num[512];

	if (!o->header_done)
		table_header(o);
	for (int i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const struct out_val *v = &vals[i];
		int last = i == lastcol;

		if (!in_table(c))
			continue;
		if (sep++)
			out_puts(o, "  ");
		if (c->type == OUT_STR && v->str)
			table_cell(o, c, last, v->str, str_len(v->str, v->len), 1, 1);
		else if (c->type != OUT_STR && fmt_number(c, v, num, sizeof(num)))
			table_cell(o, c, last, num, strlen(num), 0, 0);
		else
			table_cell(o, c, last, "-", 1, 0, 0);
	}
	out_puts(o, "\n");
}

static void escaped(struct out *o, const char *s, size_t n,
		    void (*esc)(const char *, size_t, struct sink *))
{
	struct sink k = { .o = o };

	if (!o->err)
		esc(s, n, &k);
}

/* A decimal integer at p (room for 21 bytes); returns the end. */
static char *put_int(char *p, int neg, uint64_t v)
{
	char tmp[20], *end = tmp + sizeof(tmp), *q = u64_digits(v, end);

	if (neg)
		*p++ = '-';
	while (q < end)
		*p++ = *q++;
	return p;
}

/* Room for a number the fast path writes: 20 digits and a sign, or a
 * fixed-point F64 (fmt_fixed: below 2^53 with at most 6 decimals). */
#define CSV_NUM_MAX 32

/* max bytes at the end of the write buffer for a row, after writing out
 * the whole rows before it if need be; NULL if they cannot be had. */
static char *row_room(struct out *o, size_t max)
{
	if (!max || max > sizeof(o->wbuf) || o->err)
		return NULL;
	if (o->wlen + max > sizeof(o->wbuf))
		out_drain(o);
	if (o->err || o->wlen + max > sizeof(o->wbuf))
		return NULL;
	return o->wbuf + o->wlen;
}

/* A number column's value at p (room for CSV_NUM_MAX); the end, or NULL
 * when it has none (NULL, NaN, infinite). */
static char *put_number(char *p, const struct out_col *c, const struct out_val *v)
{
	char num[CSV_NUM_MAX + 8];
	size_t n;

	if ((c->type == OUT_U64 || c->type == OUT_S64) && v->len != OUT_NULL)
		return put_int(p, c->type == OUT_S64 && v->s < 0,
			       c->type == OUT_S64 && v->s < 0 ? 0 - (uint64_t)v->s : v->u);
	if (c->type == OUT_F64 && v->len != OUT_NULL && isfinite(v->f) &&
	    fixed_fits(v->f, clamp(c->prec, 0, OUT_PREC_MAX)))
		return put_fixed(p, v->f, clamp(c->prec, 0, OUT_PREC_MAX));
	if (!fmt_number(c, v, num, sizeof(num)))
		return NULL;
	n = strlen(num);
	memcpy(p, num, n);
	return p + n;
}

/* Bytes a row of vals can take in CSV, or 0 when the fast path cannot
 * write it (a F64 that needs printf). */
static size_t csv_row_max(const struct out *o, const struct out_val *vals)
{
	size_t max = 1;

	for (int i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const struct out_val *v = &vals[i];

		if (!in_machine(c))
			continue;
		if (c->type == OUT_STR)
			max += 1 + (v->str ? 2 * str_len(v->str, v->len) + 2 : 0);
		else if (c->type == OUT_F64 && v->len != OUT_NULL && isfinite(v->f) &&
			 !fixed_fits(v->f, clamp(c->prec, 0, OUT_PREC_MAX)))
			return 0;
		else
			max += 1 + CSV_NUM_MAX;
	}
	return max;
}

/* The whole row written straight into the write buffer, with no call per
 * piece: trace's CSV was 3,500 instructions a row through the sinks. 0
 * when the row needs the general path. */
static int csv_row_fast(struct out *o, const struct out_val *vals)
{
	size_t max = csv_row_max(o, vals);
	char *p;
	int sep = 0;

	if (!(p = row_room(o, max)))
		return 0;
	for (int i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const struct out_val *v = &vals[i];

		if (!in_machine(c))
			continue;
		if (sep++)
			*p++ = ',';
		if (c->type == OUT_STR) {
			if (v->str)
				p = csv_field(p, v->str, str_len(v->str, v->len));
		} else {
			char *end = put_number(p, c, v);

			p = end ? end : p;
		}
	}
	*p++ = '\n';
	o->wlen = (size_t)(p - o->wbuf);
	return 1;
}

static void csv_row(struct out *o, const struct out_val *vals)
{
	char num[512];

	int sep = 0;

	if (!o->header_done) {
		for (int i = 0; i < o->ncols; i++) {
			const char *nm = o->cols[i].name ? o->cols[i].name : "";

			if (!in_machine(&o->cols[i]))
				continue;
			if (sep++)
				out_puts(o, ",");
			escaped(o, nm, strlen(nm), csv_escape);
		}
		out_puts(o, "\n");
		o->header_done = 1;
	}
	if (csv_row_fast(o, vals))
		return;
	sep = 0;
	for (int i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const struct out_val *v = &vals[i];

		if (!in_machine(c))
			continue;
		if (sep++)
			out_puts(o, ",");
		/* Missing strings and NaN stay empty: an empty CSV field. */
		if (c->type == OUT_STR && v->str)
			escaped(o, v->str, str_len(v->str, v->len), csv_escape);
		else if (c->type != OUT_STR && fmt_number(c, v, num, sizeof(num)))
			out_puts(o, num);
	}
	out_puts(o, "\n");
}

static void json_value(struct out *o, const struct out_col *c, const struct out_val *v,
		       int depth);

/* {"name":value,...} of cols and vals (machine columns only). */
static void json_object(struct out *o, const struct out_col *cols, int ncols,
			const struct out_val *vals, int depth)
{
	int sep = 0;

	out_puts(o, "{");
	for (int i = 0; i < ncols; i++) {
		const char *nm = cols[i].name ? cols[i].name : "";

		if (!in_machine(&cols[i]))
			continue;
		out_puts(o, sep++ ? ",\"" : "\"");
		escaped(o, nm, strlen(nm), json_escape);
		out_puts(o, "\":");
		json_value(o, &cols[i], &vals[i], depth);
	}
	out_puts(o, "}");
}

static void json_nested(struct out *o, const struct out_obj *ob, int depth)
{
	if (!ob || depth >= OUT_DEPTH_MAX || ob->ncols < 0) {
		out_puts(o, "null");
		return;
	}
	if (ob->n < 0) {
		json_object(o, ob->cols, ob->ncols, ob->vals, depth + 1);
		return;
	}
	out_puts(o, "[");
	for (int i = 0; i < ob->n; i++) {
		if (i)
			out_puts(o, ",");
		json_object(o, ob->cols, ob->ncols, ob->vals + (size_t)i * (size_t)ob->ncols,
			    depth + 1);
	}
	out_puts(o, "]");
}

static void json_value(struct out *o, const struct out_col *c, const struct out_val *v,
		       int depth)
{
	char num[512];

	if (c->type == OUT_OBJ) {
		json_nested(o, v->obj, depth);
	} else if (c->type == OUT_STR && v->str) {
		out_puts(o, "\"");
		escaped(o, v->str, str_len(v->str, v->len), json_escape);
		out_puts(o, "\"");
	} else if (c->type == OUT_BOOL && v->len != OUT_NULL) {
		out_puts(o, v->u ? "true" : "false");
	} else if (c->type != OUT_STR && fmt_number(c, v, num, sizeof(num))) {
		out_puts(o, num);
	} else {
		out_puts(o, "null"); /* NaN, inf, NULL string */
	}
}

/* Bytes a flat row (no nested objects) can take in JSON, or 0. */
static size_t json_row_max(const struct out *o, const struct out_val *vals)
{
	size_t max = 3;

	for (int i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const struct out_val *v = &vals[i];

		if (!in_machine(c))
			continue;
		max += 4 + 6 * strlen(c->name ? c->name : "");
		if (c->type == OUT_OBJ)
			return 0;
		if (c->type == OUT_STR)
			max += v->str ? 2 + 6 * str_len(v->str, v->len) : 4;
		else if (c->type == OUT_F64 && v->len != OUT_NULL && isfinite(v->f) &&
			 !fixed_fits(v->f, clamp(c->prec, 0, OUT_PREC_MAX)))
			return 0;
		else
			max += CSV_NUM_MAX;
	}
	return max;
}

/* As csv_row_fast, for JSON: 18,600 instructions a trace row through the
 * sinks. */
static int json_row_fast(struct out *o, const struct out_val *vals)
{
	size_t max = json_row_max(o, vals);
	char *p;
	int sep = 0;

	if (!(p = row_room(o, max)))
		return 0;
	*p++ = '{';
	for (int i = 0; i < o->ncols; i++) {
		const struct out_col *c = &o->cols[i];
		const struct out_val *v = &vals[i];
		const char *nm = c->name ? c->name : "";
		char *end;

		if (!in_machine(c))
			continue;
		if (sep++)
			*p++ = ',';
		*p++ = '"';
		p = json_escape_to(p, nm, strlen(nm));
		*p++ = '"';
		*p++ = ':';
		if (c->type == OUT_STR && v->str) {
			*p++ = '"';
			p = json_escape_to(p, v->str, str_len(v->str, v->len));
			*p++ = '"';
		} else if (c->type == OUT_BOOL && v->len != OUT_NULL) {
			size_t n = v->u ? 4 : 5;

			memcpy(p, v->u ? "true" : "false", n);
			p += n;
		} else if (c->type != OUT_STR && (end = put_number(p, c, v))) {
			p = end;
		} else {
			memcpy(p, "null", 4);
			p += 4;
		}
	}
	*p++ = '}';
	*p++ = '\n';
	o->wlen = (size_t)(p - o->wbuf);
	return 1;
}

static void json_row(struct out *o, const struct out_val *vals)
{
	if (json_row_fast(o, vals))
		return;
	json_object(o, o->cols, o->ncols, vals, 0);
	out_puts(o, "\n");
}

void out_init(struct out *o, FILE *f, enum out_format fmt,
	      const struct out_col *cols, int ncols)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->fmt = fmt;
	o->cols = cols;
	o->ncols = cols && ncols > 0 ? ncols : 0;
}

void out_group(struct out *o, const char *title)
{
	if (o->fmt != OUT_TABLE)
		return;
	out_puts(o, "\n");
	if (title) {
		escaped(o, title, strlen(title), table_escape_all);
		out_puts(o, "\n");
	}
	table_header(o);
	out_row_end(o);
}

void out_row(struct out *o, const struct out_val *vals)
{
	if (!vals && o->ncols)
		return;
	switch (o->fmt) {
	case OUT_TABLE:
		table_row(o, vals);
		break;
	case OUT_CSV:
		csv_row(o, vals);
		break;
	case OUT_JSON:
		json_row(o, vals);
		break;
	}
	out_row_end(o);
}

void out_raw(struct out *o, const void *bytes, size_t n)
{
	out_put(o, bytes, n);
	out_row_end(o);
}

void out_summary(struct out *o, const char *text, const struct out_col *cols, int ncols,
		 const struct out_val *vals)
{
	if (o->fmt == OUT_JSON) {
		json_object(o, cols, ncols, vals, 0);
		out_puts(o, "\n");
		out_row_end(o);
		return;
	}
	if (!text)
		return;
	if (o->fmt == OUT_CSV) {
		fprintf(stderr, "%s\n", text);
		return;
	}
	/* Line by line: each one escaped, the breaks kept. */
	for (const char *l = text, *nl; *l; l = nl + 1) {
		nl = strchr(l, '\n');
		if (!nl)
			nl = l + strlen(l);
		escaped(o, l, (size_t)(nl - l), table_escape_all);
		out_puts(o, "\n");
		if (!*nl)
			break;
	}
	out_row_end(o);
}

int out_file_flush(FILE *f)
{
	errno = 0;
	if (fflush(f) != 0)
		return errno ? -errno : -EIO;
	return ferror(f) ? -EIO : 0;
}

int out_flush(struct out *o)
{
	int err;

	out_row_end(o);
	out_drain(o);
	err = out_file_flush(o->f);
	if (err && !o->err)
		o->err = err;
	return o->err;
}
