#include <errno.h>
#include <stdlib.h>
#include "lottery/sim.h"
#include "core/sig.h"

/* splitmix64: small, fast, and good enough for drawing lottery tickets. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The first i with cum[i] > ticket: binary search over running sums. */
static size_t winner(const uint64_t *cum, size_t n, uint64_t ticket)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cum[mid] > ticket)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int lot_simulate(const uint32_t *tickets, size_t n, uint64_t draws, uint64_t seed,
		 uint64_t *wins)
{
	uint64_t *cum, total = 0, state = seed;

	if (!n)
		return -EINVAL;
	cum = malloc(n * sizeof(*cum));
	if (!cum)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		total += tickets[i];
		cum[i] = total;
		wins[i] = 0;
	}
	if (!total) {
		free(cum);
		return -EINVAL;
	}
	/* total < 2^40 (tickets are u32, tasks few): the modulo bias is
	 * below 2^-24, far under the spread being measured. */
	for (uint64_t d = 0; d < draws; d++) {
		/* 10^8 draws take 0.7 s: look for Ctrl-C every ~10 ms. */
		if (!(d & ((1u << 20) - 1)) && d && sig_poll())
			break;
		wins[winner(cum, n, next_random(&state) % total)]++;
	}
	free(cum);
	return sig_stopped() ? -EINTR : 0;
}

/* Newton's method from above (it then only decreases): no libm to link
 * on any of the targets. */
static double sqrt_nonneg(double x)
{
	double r = x > 1 ? x : 1;

	if (x <= 0)
		return 0;
	for (int i = 0; i < 200; i++) {
		double next = 0.5 * (r + x / r);

		if (next >= r)
			break;
		r = next;
	}
	return r;
}

double lot_spread(double p, uint64_t draws)
{
	return draws ? sqrt_nonneg(p * (1 - p) / (double)draws) : 0;
}
