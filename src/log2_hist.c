#include <inttypes.h>
#include <string.h>
#include "log2_hist.h"

#define STARS 40

static int highest(const uint64_t *slots, int n)
{
	int top = -1;

	for (int i = 0; i < n; i++)
		if (slots[i])
			top = i;
	return top;
}

static void bucket(int i, uint64_t *low, uint64_t *high)
{
	*high = (i >= 63 ? ~0ull : (1ull << (i + 1)) - 1);
	*low = i ? 1ull << i : 0;
}

void log2_hist_print(FILE *f, const char *unit, const uint64_t *slots, int nslots)
{
	int top = highest(slots, nslots);
	uint64_t max = 0;
	char bar[STARS + 1];

	if (top < 0)
		return;
	for (int i = 0; i <= top; i++)
		if (slots[i] > max)
			max = slots[i];
	fprintf(f, "     %-19s : count     distribution\n", unit);
	for (int i = 0; i <= top; i++) {
		uint64_t low, high;
		int n = (int)(slots[i] * STARS / max);

		bucket(i, &low, &high);
		memset(bar, '*', (size_t)n);
		bar[n] = 0;
		fprintf(f, "%10" PRIu64 " -> %-10" PRIu64 " : %-8" PRIu64 " |%-*s|\n", low, high,
			slots[i], STARS, bar);
	}
}

void log2_hist_json(FILE *f, const char *label, const char *unit, const uint64_t *slots,
		    int nslots, uint64_t sum_ns, uint64_t count)
{
	int top = highest(slots, nslots);
	double per_unit = !strcmp(unit, "msecs") ? 1e6 : 1e3;

	fprintf(f, "{%s%s\"unit\":\"%s\",\"count\":%" PRIu64 ",\"sum_ns\":%" PRIu64
		",\"mean\":%.3f,\"buckets\":[", label, *label ? "," : "", unit, count, sum_ns,
		count ? (double)sum_ns / per_unit / (double)count : 0.0);
	for (int i = 0; i <= top; i++) {
		uint64_t low, high;

		bucket(i, &low, &high);
		fprintf(f, "%s{\"low\":%" PRIu64 ",\"high\":%" PRIu64 ",\"count\":%" PRIu64 "}",
			i ? "," : "", low, high, slots[i]);
	}
	fputs("]}\n", f);
}
