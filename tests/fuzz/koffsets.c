/* Offsets files (`pelt --offsets FILE`): koff_parse on the input, then the
 * lookups pelt makes. Whatever is accepted must read back within bounds. */
#include "fuzz.h"
#include "btf/koffsets.h"

static const char *const paths[] = { "cfs_rq.avg", "rq.cpu", "sched_avg.util_est", "a.b", "" };
static const char *const tps[] = { "pelt_cfs_tp", "sched_overutilized_tp", "x", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct koffsets k;
	char err[160], args[4][48];

	if (!text)
		return 0;
	if (koff_parse(&k, text, err, sizeof(err))) {
		FUZZ_CHECK(err[0] && strlen(err) < sizeof(err));
		free(text);
		return 0;
	}
	FUZZ_CHECK(k.ptr_size == 4 || k.ptr_size == 8);
	FUZZ_CHECK(k.nfields <= KOFF_MAX_FIELDS && k.ntps <= KOFF_MAX_TPS);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct koff_field f;

		if (!koff_field(&k, paths[i], &f, err, sizeof(err)))
			FUZZ_CHECK(f.f.size && f.f.size <= (1u << 20) && f.f.offset <= (1u << 20) &&
				   strlen(f.type) < sizeof(f.type));
	}
	for (size_t i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
		int n = koff_tp_args(&k, tps[i], args, 4);

		FUZZ_CHECK(n <= 4);
		for (int a = 0; a < n; a++)
			FUZZ_CHECK(strlen(args[a]) < 48);
	}
	koff_free(&k);
	free(text);
	return 0;
}
