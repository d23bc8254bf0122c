#include <inttypes.h>
#include <string.h>
#include "core/log2_hist.h"

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

static const struct out_col bucket_cols[] = {
	{ "low", NULL, OUT_U64, 0, 0, 0, 0 },
	{ "high", NULL, OUT_U64, 0, 0, 0, 0 },
	{ "count", NULL, OUT_U64, 0, 0, 0, 0 },
};

const struct out_col log2_hist_cols[LOG2_HIST_NCOLS] = {
	{ "unit", NULL, OUT_STR, 0, 0, 0, 0 },
	{ "count", NULL, OUT_U64, 0, 0, 0, 0 },
	{ "sum_ns", NULL, OUT_U64, 0, 0, 0, 0 },
	{ "mean", NULL, OUT_F64, 0, 3, 0, 0 },
	{ "buckets", NULL, OUT_OBJ, 0, 0, 0, 0 },
};

void log2_hist_values(struct log2_hist_values *h, const char *unit, const uint64_t *slots,
		      int nslots, uint64_t sum_ns, uint64_t count)
{
	int top = highest(slots, nslots < LOG2_HIST_MAX_SLOTS ? nslots : LOG2_HIST_MAX_SLOTS);
	double per_unit = !strcmp(unit, "msecs") ? 1e6 : 1e3;

	for (int i = 0; i <= top; i++) {
		uint64_t low, high;

		bucket(i, &low, &high);
		h->buckets[3 * i] = (struct out_val){ .u = low };
		h->buckets[3 * i + 1] = (struct out_val){ .u = high };
		h->buckets[3 * i + 2] = (struct out_val){ .u = slots[i] };
	}
	h->list = (struct out_obj){ bucket_cols, 3, h->buckets, top + 1 };
	h->vals[0] = (struct out_val){ .str = unit, .len = -1 };
	h->vals[1] = (struct out_val){ .u = count };
	h->vals[2] = (struct out_val){ .u = sum_ns };
	h->vals[3] = (struct out_val){ .f = count ? (double)sum_ns / per_unit / (double)count : 0.0 };
	h->vals[4] = (struct out_val){ .obj = &h->list };
}
