/* Fuzz target: cpus_parse_list, the reader of the kernel's CPU lists
 * (/sys/devices/system/cpu/{possible,online}: "0-3,8-11\n", "0", ""),
 * with id arrays of several exact sizes, checked against a model of the
 * grammar that cpus.h documents.
 * fuzz-options: -max_len=8192 (the most cpus_read_list reads) */
#include <errno.h>
#include "core/cpus.h"
#include "fuzz.h"

#define MODEL_MAX 4096	/* the largest ids array tried */

/* One id at *p: 1+ digits, value at most CPUS_ID_MAX. */
static int model_id(const char **p, long *id)
{
	long v = 0;

	if (**p < '0' || **p > '9')
		return -1;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (*(*p)++ - '0');
		if (v > CPUS_ID_MAX)
			return -1;
	}
	*id = v;
	return 0;
}

/* list = "" | "\n" | range ("," range)* ["\n"]; range = id ["-" id];
 * ranges ascending and disjoint; at most max ids. Count or -1. */
static int model(const char *p, int *ids, int max)
{
	long prev = -1, lo, hi;
	int n = 0;

	if (!strcmp(p, "") || !strcmp(p, "\n"))
		return 0;
	for (;;) {
		if (model_id(&p, &lo))
			return -1;
		hi = lo;
		if (*p == '-') {
			p++;
			if (model_id(&p, &hi))
				return -1;
		}
		if (hi < lo || lo <= prev || hi - lo + 1 > max - n)
			return -1;
		while (lo <= hi)
			ids[n++] = (int)lo++;
		prev = hi;
		if (*p != ',')
			break;
		p++;
	}
	if (*p == '\n')
		p++;
	return *p ? -1 : n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int maxes[] = { 0, 1, 4, 64, MODEL_MAX };
	static int want[MODEL_MAX];
	char *text;

	/* cpus_read_list reads at most 8 KiB. */
	if (size > 8192)
		return 0;
	text = fuzz_cstr(data, size);
	if (!text)
		return 0;
	for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		int max = maxes[i], *ids = malloc((size_t)(max ? max : 1) * sizeof(*ids));
		int n, m;

		if (!ids)
			break;
		n = cpus_parse_list(text, ids, max);
		m = model(text, want, max);
		FUZZ_CHECK(n == -EINVAL || (n >= 0 && n <= max));
		FUZZ_CHECK(n == (m < 0 ? -EINVAL : m));
		for (int j = 0; j < n; j++)
			FUZZ_CHECK(ids[j] == want[j] && ids[j] <= CPUS_ID_MAX);
		free(ids);
	}
	free(text);
	return 0;
}
