/* Unit tests for src/core/help.c: toolchain/helpz.c's compression
 * undone exactly (this machine's help texts, runs longer than a token,
 * repeats at the window's edge), and blobs that lie refused. */
#include <string.h>
#define HELPZ_NO_MAIN
#include "toolchain/helpz.c"
#include "core/help.h"
#include "unit.h"

static int round_trip(const uint8_t *src, size_t n)
{
	size_t cap = n + n / 128 + 16, hcap = 4 + HELP_HUFF_TABLES * 128 + 2 * cap + 1;
	uint8_t *z = malloc(cap), *h = malloc(hcap), *lz = malloc(cap);
	char *back = malloc(n + 1);
	size_t zn, hn;
	int ok;

	if (!z || !h || !lz || !back) {
		free(z), free(h), free(lz), free(back);
		return 0;
	}
	memset(z, 0, cap);
	zn = hz_compress(src, n, z);
	ok = help_lz_unpack(z, zn, back, n) == (long)n && !memcmp(src, back, n);
	/* One byte less room, or the LZ stream cut short: refused. */
	if (n)
		ok &= help_lz_unpack(z, zn, back, n - 1) == -1;
	if (zn > 1)
		ok &= help_lz_unpack(z, zn - 1, back, n) < (long)n;
	/* Huffman over it gives the LZ bytes back; the build's own check
	 * agrees, and catches a flipped bit in the codes or the tables. */
	hn = hz_huff_pack(z, zn, h);
	ok &= hn > 0 && help_huff_unpack(h, hn, lz, zn) == (long)zn && !memcmp(lz, z, zn);
	ok &= hz_check(h, hn, src, n);
	if (hn > 4 + HELP_HUFF_TABLES * 128 + 2) {
		h[hn - 2] ^= 0x10;
		ok &= !hz_check(h, hn, src, n);
		h[hn - 2] ^= 0x10;
		/* A literal's code length changed: a text with every byte
		 * value among its literals decodes to something else. */
		if (n >= 100000) {
			h[4 + 128 * HELP_HUFF_LITERAL + 'e' / 2] ^= 0x11;
			ok &= !hz_check(h, hn, src, n);
			h[4 + 128 * HELP_HUFF_LITERAL + 'e' / 2] ^= 0x11;
		}
		/* Its codes cut short: refused. */
		ok &= help_huff_unpack(h, hn - 2, lz, zn) == -1;
	}
	/* No room for the tables, or a length past the room: refused. */
	ok &= help_huff_unpack(h, 100, lz, zn) == -1;
	if (zn)
		ok &= help_huff_unpack(h, hn, lz, zn - 1) == -1;
	free(z), free(h), free(lz), free(back);
	return ok;
}

static void help_round_trips(void)
{
	static const char text[] = "usage: schedtap micro [options] [interval [count]]\n"
				   "  -e, --events LIST       counters, comma-separated\n"
				   "  -p, --pid PID           only this task or process\n";
	static uint8_t big[200000];
	uint32_t x = 1;

	CHECK(round_trip((const uint8_t *)text, sizeof(text) - 1));
	CHECK(round_trip((const uint8_t *)"", 0));
	CHECK(round_trip((const uint8_t *)"abc", 3));
	memset(big, 'a', 1000);
	CHECK(round_trip(big, 1000));
	/* Noise with repeats further back than the window reaches. */
	for (size_t i = 0; i < sizeof(big); i++) {
		x = x * 1103515245u + 12345u;
		big[i] = i >= 100000 ? big[i - 70000 + (x >> 28)] : (uint8_t)(x >> 24);
	}
	CHECK(round_trip(big, sizeof(big)));
}

static void help_rejects_bad_blobs(void)
{
	char out[16];
	/* A match before any output, a distance past it, a literal run
	 * longer than the blob, a match without its distance. */
	static const uint8_t far[] = { 0x80, 1, 0 };
	static const uint8_t past[] = { 0, 'a', 0x80, 2, 0 };
	static const uint8_t longer[] = { 5, 'a' };
	static const uint8_t cut[] = { 0, 'a', 0x80, 1 };
	static const uint8_t ok[] = { 0, 'a', 0x81, 1, 0 };

	CHECK(help_lz_unpack(far, sizeof(far), out, sizeof(out)) == -1);
	CHECK(help_lz_unpack(past, sizeof(past), out, sizeof(out)) == -1);
	CHECK(help_lz_unpack(longer, sizeof(longer), out, sizeof(out)) == -1);
	CHECK(help_lz_unpack(cut, sizeof(cut), out, sizeof(out)) == -1);
	CHECK(help_lz_unpack(ok, sizeof(ok), out, sizeof(out)) == 6 && !memcmp(out, "aaaaaa", 6));
}

UNIT_SUITE(help_tests) = {
	UNIT(help_round_trips),
	UNIT(help_rejects_bad_blobs),
	UNIT_END,
};
