#include <string.h>
#include "perfetto/pb.h"

void pb_init(struct pb *b, uint8_t *buf, size_t cap)
{
	b->buf = buf;
	b->len = 0;
	b->cap = cap;
	b->full = 0;
}

size_t pb_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

static void put(struct pb *b, const void *p, size_t n)
{
	if (b->full || n > b->cap - b->len) {
		b->full = 1;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

void pb_raw(struct pb *b, const void *p, size_t n)
{
	put(b, p, n);
}

static void put_varint(struct pb *b, uint64_t v)
{
	uint8_t tmp[10];

	put(b, tmp, pb_varint(tmp, v));
}

static void put_tag(struct pb *b, uint32_t field, unsigned wire)
{
	put_varint(b, (uint64_t)field << 3 | wire);
}

void pb_uint(struct pb *b, uint32_t field, uint64_t v)
{
	put_tag(b, field, PB_VARINT);
	put_varint(b, v);
}

void pb_double(struct pb *b, uint32_t field, double v)
{
	uint8_t le[8];
	uint64_t bits;

	memcpy(&bits, &v, 8);
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)(bits >> (8 * i));
	put_tag(b, field, PB_FIXED64);
	put(b, le, 8);
}

void pb_len_prefix(struct pb *b, uint32_t field, size_t n)
{
	put_tag(b, field, PB_LEN);
	put_varint(b, n);
}

void pb_str(struct pb *b, uint32_t field, const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	put_tag(b, field, PB_LEN);
	put_varint(b, n);
	put(b, s, n);
}

/* One byte is kept for the length: most messages here are shorter than
 * 128 bytes; longer ones move their bytes up when they close. */
size_t pb_open(struct pb *b, uint32_t field)
{
	put_tag(b, field, PB_LEN);
	put(b, "", 1);
	return b->len;
}

void pb_close(struct pb *b, size_t mark)
{
	uint8_t tmp[10];
	size_t body, n;

	if (b->full)
		return;
	body = b->len - mark;
	n = pb_varint(tmp, body);
	if (n - 1 > b->cap - b->len) {
		b->full = 1;
		return;
	}
	memmove(b->buf + mark + n - 1, b->buf + mark, body);
	memcpy(b->buf + mark - 1, tmp, n);
	b->len += n - 1;
}
