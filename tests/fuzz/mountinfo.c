/* Fuzz target: /proc/self/mountinfo as tracefs_find and pelt -g read it,
 * through tracefs_from_mountinfo and cgroup_cpu_mount, into output buffers
 * of several exact sizes (the loader's 256 bytes, PATH_MAX, and sizes a
 * path barely fits).
 * fuzz-options: -max_len=16384 (a few hundred mounts, as in containers) */
#include <errno.h>
#include <limits.h>
#include "fuzz.h"
#include "cmd/cgroup_path.h"
#include "tracefs/tracefs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t lens[] = { 1, 2, 11, 20, 256, PATH_MAX };
	char *text = fuzz_cstr(data, size);

	if (!text)
		return 0;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char *out = malloc(lens[i]);
		int err;

		if (!out)
			break;
		err = tracefs_from_mountinfo(text, out, lens[i]);
		FUZZ_CHECK(err == 0 || err == -ENOENT || err == -ENOMEM);
		if (err == 0)
			FUZZ_CHECK(strnlen(out, lens[i]) < lens[i]);
		err = cgroup_cpu_mount(text, out, lens[i]);
		FUZZ_CHECK(err == 0 || err == -ENOENT || err == -ENOMEM);
		if (err == 0)
			FUZZ_CHECK(strnlen(out, lens[i]) < lens[i]);
		free(out);
	}
	free(text);
	return 0;
}
