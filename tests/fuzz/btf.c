/* BTF files: btf_parse on the input, then what the load-tracking code
 * asks of the result: names found, member paths resolved (nested,
 * anonymous, bitfields), tracepoint arguments, every type's size and
 * name. Each answer must stay inside the file and within its bounds. */
#include "fuzz.h"
#include "btf/btf.h"

static const char *const paths[] = {
	"cfs_rq.avg.util_avg", "cfs_rq.avg.util_est", "cfs_rq.rq", "rq.cpu", "rq.avg_rt.util_avg",
	"sched_avg.f", "sched_avg.g", "sched_entity.my_q", "task_struct.se.avg.load_avg",
	"root_domain.overutilized", "a.b.c.d.e.f.g", "cfs_rq", ".x", "x.",
};
static const char *const tps[] = { "pelt_cfs_tp", "pelt_se_tp", "sched_overutilized_tp", "" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	struct btf b;
	char err[96], name[64];
	uint32_t args[8];

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (btf_parse(&b, copy, size, NULL)) {
		FUZZ_CHECK(b.err[0]);
		btf_free(&b);
		return 0;
	}
	FUZZ_CHECK(b.ptr_size == 4 || b.ptr_size == 8);
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct btf_field f;

		if (!btf_member(&b, paths[i], &f, err, sizeof(err))) {
			FUZZ_CHECK(!f.bits || f.bits <= 64);
			FUZZ_CHECK(f.size <= INT32_MAX);
			btf_type_name(&b, f.type_id, name, sizeof(name));
			FUZZ_CHECK(strlen(name) < sizeof(name));
		} else {
			FUZZ_CHECK(strlen(err) < sizeof(err));
		}
	}
	for (size_t i = 0; i < sizeof(tps) / sizeof(tps[0]); i++) {
		int n = btf_tracepoint_args(&b, tps[i], args, 8);

		for (int k = 0; k < n && k < 8; k++) {
			btf_type_name(&b, args[k], name, sizeof(name));
			FUZZ_CHECK(btf_type_by_id(&b, args[k]) || !args[k]);
		}
	}
	/* Every type, bounded: sizes, modifiers, names. */
	for (uint32_t id = 0; id <= b.ntypes && id < 4096; id++) {
		btf_type_size(&b, id);
		btf_skip_modifiers(&b, id);
		btf_type_name(&b, id, name, 1 + id % sizeof(name));
	}
	btf_free(&b);
	return 0;
}
