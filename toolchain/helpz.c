/* Build-time host tool: compress the help texts' section into the blob
 * src/core/help.c unpacks (the format is in src/core/help.h).
 *   helpz SECTION.bin OUT.c
 * LZ77 over a 64 KiB window with 4-byte hash chains, parsed for the
 * fewest bytes (hz_compress). Also included by the unit tests (HELPZ_NO_MAIN). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The blob unpacked as src/core/help.c will, compared with the texts. */
static int hz_check(const uint8_t *z, size_t zn, const uint8_t *src, size_t n)
{
	uint8_t *back = malloc(n + 1);
	size_t i = 0, o = 0;
	int ok = back != NULL;

	while (ok && i < zn) {
		unsigned t = z[i++];
		size_t len = t < 0x80 ? t + 1u : (t & 0x7fu) + HZ_MIN, dist = 0;

		if (t >= 0x80) {
			ok = zn - i >= 2;
			dist = ok ? (size_t)z[i] | (size_t)z[i + 1] << 8 : 0;
			i += 2;
			ok = ok && dist && dist <= o;
		} else {
			ok = len <= zn - i;
		}
		ok = ok && len <= n - o;
		for (size_t k = 0; ok && k < len; k++, o++)
			back[o] = t < 0x80 ? z[i++] : back[o - dist];
	}
	ok = ok && o == n && !memcmp(back, src, n);
	free(back);
	return ok;
}

#ifndef HELPZ_NO_MAIN
int main(int argc, char **argv)
{
	FILE *in, *out;
	uint8_t *src, *z;
	long n;
	size_t zn;

	if (argc != 3 || !(in = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: helpz SECTION.bin OUT.c\n");
		return 2;
	}
	fseek(in, 0, SEEK_END);
	n = ftell(in);
	rewind(in);
	src = malloc((size_t)n + 1);
	z = malloc((size_t)n + (size_t)n / 128 + 16);
	if (!src || !z || fread(src, 1, (size_t)n, in) != (size_t)n) {
		fprintf(stderr, "helpz: cannot read %s\n", argv[1]);
		return 1;
	}
	fclose(in);
	zn = hz_compress(src, (size_t)n, z);
	if (!zn && n) {
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
	fprintf(out, "/* Generated by toolchain/helpz.c: %ld bytes of help in %zu. */\n"
		     "#include <stdint.h>\nconst uint32_t help_blob_size = %zu;\n"
		     "const uint8_t help_blob[] = {", n, zn, zn);
	for (size_t i = 0; i < zn; i++)
		fprintf(out, "%s%u,", i % 24 ? "" : "\n", z[i]);
	fprintf(out, "\n};\n");
	return fclose(out) ? 1 : 0;
}
#endif
