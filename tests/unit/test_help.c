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
	uint8_t *z = malloc(n + n / 128 + 16);
	char *back = malloc(n + 1);
	size_t zn;
	int ok;

	if (!z || !back) {
		free(z);
		free(back);
		return 0;
	}
	memset(z, 0, n + n / 128 + 16);
	zn = hz_compress(src, n, z);
	ok = help_lz_unpack(z, zn, back, n) == (long)n && !memcmp(src, back, n);
	/* The build's own check agrees, and catches a flipped byte. */
	ok &= hz_check(z, zn, src, n);
	if (zn > 4) {
		z[zn / 2] ^= 0x40;
		ok &= !hz_check(z, zn, src, n);
		z[zn / 2] ^= 0x40;
	}
	/* One byte less room, or the blob cut short: refused. */
	if (n)
		ok &= help_lz_unpack(z, zn, back, n - 1) == -1;
	if (zn > 1)
		ok &= help_lz_unpack(z, zn - 1, back, n) < (long)n;
	free(z);
	free(back);
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
