#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel/perf_counters.h"

#define HW(n, c, t, cfg) { n, c, t, PERF_TYPE_HARDWARE, PERF_COUNT_HW_##cfg }
#define SW(n, c, t, cfg) { n, c, t, PERF_TYPE_SOFTWARE, PERF_COUNT_SW_##cfg }

const struct perf_counter_def perf_counter_defs[] = {
	HW("cycles", "cycles", "CYCLES", CPU_CYCLES),
	HW("instructions", "instructions", "INSNS", INSTRUCTIONS),
	HW("cache-references", "cache_references", "CREFS", CACHE_REFERENCES),
	HW("cache-misses", "cache_misses", "CMISS", CACHE_MISSES),
	HW("branches", "branches", "BRANCH", BRANCH_INSTRUCTIONS),
	HW("branch-misses", "branch_misses", "BRMISS", BRANCH_MISSES),
	SW("cpu-clock", "cpu_clock_ns", "CLOCK_NS", CPU_CLOCK),
	SW("page-faults", "page_faults", "FAULTS", PAGE_FAULTS),
	{ NULL, NULL, NULL, 0, 0 },
};

const struct perf_counter_def *perf_counter_find(const char *name)
{
	for (const struct perf_counter_def *d = perf_counter_defs; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

int perf_counter_open(const struct perf_counter_def *d, int cpu)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = d->type;
	attr.config = d->config;
	attr.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

int perf_counter_absent(int err)
{
	return err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV;
}

int perf_counter_read(int fd, uint64_t *value, uint64_t *enabled, uint64_t *running)
{
	uint64_t v[3];
	ssize_t n = read(fd, v, sizeof(v));

	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(v))
		return -EIO;
	*value = v[0];
	*enabled = v[1];
	*running = v[2];
	return 0;
}
