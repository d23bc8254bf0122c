/* Fuzz target: /proc/PID/sched and /proc/PID/schedstat as loadtrack reads
 * them (proc_sched_value, proc_schedstat_runtime), for the keys it asks
 * and a prefix of one. */
#include <errno.h>
#include "fuzz.h"
#include "cmd/proc_task.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "se.avg.util_avg", "se.avg.util_est",
					    "se.avg.util_est.enqueued", "se.avg", "" };
	char *text = fuzz_cstr(data, size);
	unsigned long long ns = 7;
	long long v;
	int err;

	if (!text)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		v = 7;
		err = proc_sched_value(text, keys[i], &v);
		FUZZ_CHECK(err == 0 || err == -ENOENT || err == -EINVAL);
		/* Found or not, a key is never read where it does not start a
		 * line followed by spaces and a colon. */
		if (err)
			FUZZ_CHECK(v == 7);
	}
	err = proc_schedstat_runtime(text, &ns);
	FUZZ_CHECK(err == 0 || err == -EINVAL);
	FUZZ_CHECK(err == 0 || ns == 7);
	FUZZ_CHECK(err || (text[0] >= '0' && text[0] <= '9'));
	free(text);
	return 0;
}
