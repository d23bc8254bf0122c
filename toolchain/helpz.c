/* Build-time host tool: compress the cold texts' section into the blob
 * src/core/help_codec.c unpacks (the format is in src/core/help.h).
 *   helpz SECTION.bin OUT.c
 * LZ77 over a 64 KiB window with 4-byte hash chains, parsed for the
 * fewest bytes (hz_compress), then a Huffman code per class of byte
 * (hz_huff_pack): 46739 bytes of text, 20151 in LZ77, 15274 in all. Also included by the unit tests (HELPZ_NO_MAIN). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* The decoders hz_check runs: the binary's own (the unit tests link
 * them with the library). */
#ifndef HELPZ_NO_MAIN
#include "core/help_codec.c"
#else
#include "core/help.h"
#endif

#define HZ_WINDOW 65535
#define HZ_MIN 4
#define HZ_MAX (0x7f + HZ_MIN)
#define HZ_HASH 4096

static unsigned hz_hash(const uint8_t *p)
{
	return ((unsigned)p[0] * 2654435761u ^ (unsigned)p[1] * 40503u ^ (unsigned)p[2] * 97u ^
		p[3]) % HZ_HASH;
}

static void hz_literals(const uint8_t *src, size_t from, size_t to, uint8_t *out, size_t *o)
{
	while (from < to) {
		size_t len = to - from > 128 ? 128 : to - from;

		out[(*o)++] = (uint8_t)(len - 1);
		memcpy(out + *o, src + from, len);
		*o += len;
		from += len;
	}
}

/* The longest match at each position (len[i] < HZ_MIN: none) and its
 * distance, from 4-byte hash chains over the window. 0 or -1 (memory). */
static int hz_matches(const uint8_t *src, size_t n, uint8_t *len, uint16_t *dist)
{
	long *head = malloc(HZ_HASH * sizeof(long)), *prev = malloc((n + 1) * sizeof(long));

	if (!head || !prev) {
		free(head);
		free(prev);
		return -1;
	}
	for (int h = 0; h < HZ_HASH; h++)
		head[h] = -1;
	for (size_t i = 0; i < n; i++) {
		size_t best = 0;
		unsigned h;

		len[i] = 0;
		dist[i] = 0;
		if (i + HZ_MIN > n)
			continue;
		h = hz_hash(src + i);
		for (long c = head[h], tries = 0; c >= 0 && i - (size_t)c <= HZ_WINDOW && tries < 512;
		     c = prev[c], tries++) {
			size_t l = 0;

			while (l < HZ_MAX && i + l < n && src[c + l] == src[i + l])
				l++;
			if (l > best) {
				best = l;
				dist[i] = (uint16_t)(i - (size_t)c);
			}
		}
		len[i] = (uint8_t)best;
		prev[i] = head[h];
		head[h] = (long)i;
	}
	free(head);
	free(prev);
	return 0;
}

/* out must hold n + n / 128 + 1 bytes. Returns the compressed size, 0
 * when out of memory (for n > 0).
 * The parse is optimal for a cost of 3 bytes a match, 1 a literal and
 * 1 a literal run's header (runs longer than 128 pay one more): cost[i]
 * is the fewest bytes for src[i..n) after a match (a literal here opens
 * a run), run[i] the same inside a run. Against the greedy parse it
 * replaced: 1984 bytes less of x86-64's binary (325760 -> 323776), with
 * 46 KiB of cold text. */
static size_t hz_compress(const uint8_t *src, size_t n, uint8_t *out)
{
	uint8_t *len = malloc(n + 1);
	uint16_t *dist = malloc((n + 1) * sizeof(*dist));
	uint32_t *cost = malloc((n + 1) * sizeof(*cost)), *run = malloc((n + 1) * sizeof(*run));
	uint8_t *take = malloc(n + 1), *take_run = malloc(n + 1);
	size_t o = 0, i = 0, lit = 0;
	int in_run = 0;

	if (!len || !dist || !cost || !run || !take || !take_run || hz_matches(src, n, len, dist)) {
		free(len), free(dist), free(cost), free(run), free(take), free(take_run);
		return 0;
	}
	cost[n] = run[n] = 0;
	for (size_t p = n; p-- > 0;) {
		uint32_t bm = UINT32_MAX;
		uint8_t bl = 0;

		for (size_t l = HZ_MIN; l <= len[p]; l++)
			if (3 + cost[p + l] < bm) {
				bm = 3 + cost[p + l];
				bl = (uint8_t)l;
			}
		/* take: 0 a literal, else the match's length. */
		cost[p] = 2 + run[p + 1] <= bm ? 2 + run[p + 1] : bm;
		take[p] = 2 + run[p + 1] <= bm ? 0 : bl;
		run[p] = 1 + run[p + 1] <= bm ? 1 + run[p + 1] : bm;
		take_run[p] = 1 + run[p + 1] <= bm ? 0 : bl;
	}
	while (i < n) {
		uint8_t l = in_run ? take_run[i] : take[i];

		if (!l) {
			in_run = 1;
			i++;
			continue;
		}
		hz_literals(src, lit, i, out, &o);
		out[o++] = (uint8_t)(0x80 | (l - HZ_MIN));
		out[o++] = (uint8_t)(dist[i] & 0xff);
		out[o++] = (uint8_t)(dist[i] >> 8);
		i += l;
		lit = i;
		in_run = 0;
	}
	hz_literals(src, lit, n, out, &o);
	free(len), free(dist), free(cost), free(run), free(take), free(take_run);
	return o;
}

/* The class of each LZ byte, as help_huff_unpack reads them. */
static void hz_classes(const uint8_t *lz, size_t n, uint8_t *cls)
{
	unsigned left = 0, dist_bytes = 0;

	for (size_t i = 0; i < n; i++) {
		cls[i] = left ? HELP_HUFF_LITERAL : dist_bytes ? (uint8_t)(HELP_HUFF_DIST_LO + 2 - dist_bytes)
							    : HELP_HUFF_TOKEN;
		if (left)
			left--;
		else if (dist_bytes)
			dist_bytes--;
		else if (lz[i] < 0x80)
			left = lz[i] + 1u;
		else
			dist_bytes = 2;
	}
}

/* Huffman code lengths of 256 symbols, at most 15 bits: the frequencies
 * are halved until the tree is that shallow. */
static void hz_lengths(const uint32_t *freq, uint8_t *len)
{
	uint32_t f[256], w[511];
	int parent[511], used[511], nodes, leaves, max;

	memcpy(f, freq, sizeof(f));
	for (;;) {
		nodes = leaves = 0;
		for (int s = 0; s < 256; s++) {
			len[s] = 0;
			if (f[s]) {
				w[s] = f[s];
				leaves++;
			}
		}
		if (leaves == 1)
			for (int s = 0; s < 256; s++)
				if (f[s])
					len[s] = 1;
		if (leaves <= 1)
			return;
		for (int k = 0; k < 511; k++)
			parent[k] = -1, used[k] = k < 256 ? !f[k] : 1;
		nodes = 256;
		for (int merged = 0; merged < leaves - 1; merged++) {
			int a = -1, b = -1;

			for (int k = 0; k < nodes; k++) {
				if (used[k])
					continue;
				if (a < 0 || w[k] < w[a])
					b = a, a = k;
				else if (b < 0 || w[k] < w[b])
					b = k;
			}
			w[nodes] = w[a] + w[b];
			used[a] = used[b] = 1;
			used[nodes] = 0;
			parent[a] = parent[b] = nodes++;
		}
		max = 0;
		for (int s = 0; s < 256; s++) {
			int d = 0;

			if (!f[s])
				continue;
			for (int k = s; parent[k] >= 0; k = parent[k])
				d++;
			len[s] = (uint8_t)d;
			max = d > max ? d : max;
		}
		if (max <= 15)
			return;
		for (int s = 0; s < 256; s++)
			f[s] = f[s] ? (f[s] + 1) / 2 : 0;
	}
}

/* The canonical codes of the lengths: shorter first, then by symbol. */
static void hz_codes(const uint8_t *len, uint16_t *code)
{
	unsigned count[16] = { 0 }, next[16], c = 0;

	for (int s = 0; s < 256; s++)
		count[len[s]]++;
	count[0] = 0;
	for (int l = 1; l < 16; l++) {
		c = (c + count[l - 1]) << 1;
		next[l] = c;
	}
	for (int s = 0; s < 256; s++)
		if (len[s])
			code[s] = (uint16_t)next[len[s]]++;
}

/* The LZ bytes through a Huffman code per class (core/help.h's format).
 * out holds 4 + 512 + 2 * n bytes at most. Returns its size. */
static size_t hz_huff_pack(const uint8_t *lz, size_t n, uint8_t *out)
{
	uint32_t freq[HELP_HUFF_TABLES][256] = { { 0 } };
	uint8_t len[HELP_HUFF_TABLES][256], *cls = malloc(n + 1);
	uint16_t code[HELP_HUFF_TABLES][256];
	size_t o = 4 + HELP_HUFF_TABLES * 128, bit = 0;

	if (!cls)
		return 0;
	hz_classes(lz, n, cls);
	for (size_t i = 0; i < n; i++)
		freq[cls[i]][lz[i]]++;
	for (int t = 0; t < HELP_HUFF_TABLES; t++) {
		hz_lengths(freq[t], len[t]);
		hz_codes(len[t], code[t]);
		for (int s = 0; s < 256; s += 2)
			out[4 + 128 * t + s / 2] = (uint8_t)(len[t][s] | len[t][s + 1] << 4);
	}
	for (int k = 0; k < 4; k++)
		out[k] = (uint8_t)(n >> (8 * k));
	memset(out + o, 0, 2 * n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned l = len[cls[i]][lz[i]], c = code[cls[i]][lz[i]];

		for (unsigned k = l; k-- > 0; bit++)
			out[o + bit / 8] |= (uint8_t)(((c >> k) & 1) << (7 - bit % 8));
	}
	free(cls);
	return o + (bit + 7) / 8;
}

/* The blob unpacked by src/core/help_codec.c, compared with the texts. */
static int hz_check(const uint8_t *z, size_t zn, const uint8_t *src, size_t n)
{
	char *back = malloc(n + 1);
	int ok = back && help_unpack_blob(z, zn, back, n) == (long)n && !memcmp(back, src, n);

	free(back);
	return ok;
}

#ifndef HELPZ_NO_MAIN
int main(int argc, char **argv)
{
	FILE *in, *out;
	uint8_t *src, *lz, *z;
	long n;
	size_t lzn, zn;

	if (argc != 3 || !(in = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: helpz SECTION.bin OUT.c\n");
		return 2;
	}
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	src = malloc((size_t)n + 1);
	lz = malloc((size_t)n + (size_t)n / 128 + 16);
	z = malloc(4 + HELP_HUFF_TABLES * 128 + 2 * ((size_t)n + (size_t)n / 128 + 16) + 1);
	if (!src || !lz || !z || fread(src, 1, (size_t)n, in) != (size_t)n) {
		fprintf(stderr, "helpz: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(in);
	lzn = hz_compress(src, (size_t)n, lz);
	zn = lzn || !n ? hz_huff_pack(lz, lzn, z) : 0;
	if (!zn) {
		fprintf(stderr, "helpz: out of memory\n");
		return 1;
	}
	if (!hz_check(z, zn, src, (size_t)n)) {
		fprintf(stderr, "helpz: the blob does not unpack to the texts\n");
		return 1;
	}
	if (!(out = fopen(argv[2], "w"))) {
		fprintf(stderr, "helpz: cannot write %s\n", argv[2]);
		return 1;
	}
	fprintf(out, "/* Generated by toolchain/helpz.c: %ld bytes of cold text, %zu in LZ77, "
		     "%zu with Huffman. */\n"
		     "#include <stdint.h>\nconst uint32_t help_blob_size = %zu;\n"
		     "const uint8_t help_blob[] = {", n, lzn, zn, zn);
	for (size_t i = 0; i < zn; i++)
		fprintf(out, "%s%u,", i % 24 ? "" : "\n", z[i]);
	fprintf(out, "\n};\n");
	return fclose(out) ? 1 : 0;
}
#endif
