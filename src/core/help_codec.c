/* The cold texts' codec (core/help.h): the two stages that undo
 * toolchain/helpz.c, free of the section, so that helpz checks its blob
 * with them and the unit tests run them. */
#include <stdlib.h>
#include <string.h>
#include "core/help.h"

long help_lz_unpack(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned t = in[i++];

		if (t < 0x80) {
			size_t len = t + 1;

			if (len > n - i || len > cap - o)
				return -1;
			for (size_t k = 0; k < len; k++)
				out[o++] = (char)in[i++];
		} else {
			size_t len = (t & 0x7f) + 4, dist;

			if (n - i < 2)
				return -1;
			dist = in[i] | (size_t)in[i + 1] << 8;
			i += 2;
			if (!dist || dist > o || len > cap - o)
				return -1;
			for (size_t k = 0; k < len; k++, o++)
				out[o] = out[o - dist];
		}
	}
	return (long)o;
}

/* A canonical Huffman code of 256 symbols, lengths 1 to 15 (0: unused). */
struct huff {
	uint16_t count[16];
	uint8_t sym[256];
};

static void huff_build(struct huff *h, const uint8_t *nibbles)
{
	uint16_t offs[16];
	unsigned n = 0;

	memset(h, 0, sizeof(*h));
	for (unsigned s = 0; s < 256; s++)
		h->count[(nibbles[s / 2] >> (4 * (s & 1))) & 15]++;
	h->count[0] = 0;
	for (unsigned l = 1; l < 16; l++) {
		offs[l] = (uint16_t)n;
		n += h->count[l];
	}
	for (unsigned s = 0; s < 256; s++) {
		unsigned l = (nibbles[s / 2] >> (4 * (s & 1))) & 15;

		if (l)
			h->sym[offs[l]++] = (uint8_t)s;
	}
}

struct bits {
	const uint8_t *p;
	size_t n, at; /* at: bits read */
};

/* The next symbol, or -1 at the input's end or for a code not in h. */
static int huff_decode(struct bits *b, const struct huff *h)
{
	unsigned code = 0, first = 0, index = 0;

	for (unsigned l = 1; l < 16; l++) {
		if (b->at >= b->n * 8)
			return -1;
		code |= (b->p[b->at / 8] >> (7 - b->at % 8)) & 1;
		b->at++;
		if (code - first < h->count[l])
			return h->sym[index + code - first];
		index += h->count[l];
		first = (first + h->count[l]) << 1;
		code <<= 1;
	}
	return -1;
}

long help_huff_unpack(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	static struct huff tables[HELP_HUFF_TABLES];
	struct bits b;
	size_t len, o = 0;
	unsigned left = 0, dist_bytes = 0;

	if (n < 4 + HELP_HUFF_TABLES * 128)
		return -1;
	len = in[0] | (size_t)in[1] << 8 | (size_t)in[2] << 16 | (size_t)in[3] << 24;
	if (len > cap)
		return -1;
	for (int t = 0; t < HELP_HUFF_TABLES; t++)
		huff_build(&tables[t], in + 4 + 128 * t);
	b = (struct bits){ in + 4 + HELP_HUFF_TABLES * 128, n - 4 - HELP_HUFF_TABLES * 128, 0 };
	/* Each LZ byte's class follows from the ones before it: a token,
	 * then its literals or its distance's two bytes. */
	while (o < len) {
		int t = left ? HELP_HUFF_LITERAL : dist_bytes ? HELP_HUFF_DIST_LO + 2 - (int)dist_bytes
							     : HELP_HUFF_TOKEN;
		int c = huff_decode(&b, &tables[t]);

		if (c < 0)
			return -1;
		out[o++] = (uint8_t)c;
		if (left)
			left--;
		else if (dist_bytes)
			dist_bytes--;
		else if (c < 0x80)
			left = (unsigned)c + 1;
		else
			dist_bytes = 2;
	}
	return (long)o;
}

long help_unpack_blob(const uint8_t *in, size_t n, char *out, size_t cap)
{
	size_t lz_cap = n >= 4 ? (in[0] | (size_t)in[1] << 8 | (size_t)in[2] << 16 | (size_t)in[3] << 24) : 0;
	uint8_t *lz = lz_cap <= (1u << 24) ? malloc(lz_cap + 1) : NULL;
	long lzn, r = -1;

	if (!lz)
		return -1;
	if ((lzn = help_huff_unpack(in, n, lz, lz_cap)) >= 0)
		r = help_lz_unpack(lz, (size_t)lzn, out, cap);
	free(lz);
	return r;
}
