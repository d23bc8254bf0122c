/* Unit tests for tracefs_format_load (src/tracefs/format.c, reading
 * through src/tracefs/text.c's bounded reader): a directory tree made
 * here, with missing, oversized and NUL-holding files and path escapes,
 * then the live format file when tracefs is mounted. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracefs/tracefs.h"
#include "tracefs_fixtures.h"
#include "unit.h"

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static void test_tracefs_load(void)
{
	char dir[] = "/tmp/schedtap-tracefs-XXXXXX", p[256];
	struct tp_format f;
	char *big;
	int ok = 1;

	CHECK(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/events", dir);
	ok &= mkdir(p, 0755) == 0;
	snprintf(p, sizeof(p), "%s/events/sched", dir);
	ok &= mkdir(p, 0755) == 0;
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch", dir);
	ok &= mkdir(p, 0755) == 0;
	snprintf(p, sizeof(p), "%s/events/sched/big", dir);
	ok &= mkdir(p, 0755) == 0;
	snprintf(p, sizeof(p), "%s/events/sched/nul", dir);
	ok &= mkdir(p, 0755) == 0;
	snprintf(p, sizeof(p), "%s/events/sched/sched_switch/format", dir);
	ok &= write_file(p, fmt_switch, strlen(fmt_switch)) == 0;
	big = malloc(TRACEFS_FORMAT_MAX + 1);
	CHECK(big);
	memset(big, ' ', TRACEFS_FORMAT_MAX + 1);
	memcpy(big, fmt_wakeup, strlen(fmt_wakeup));
	snprintf(p, sizeof(p), "%s/events/sched/big/format", dir);
	ok &= write_file(p, big, TRACEFS_FORMAT_MAX + 1) == 0;
	snprintf(p, sizeof(p), "%s/events/sched/nul/format", dir);
	ok &= write_file(p, fmt_wakeup, sizeof(fmt_wakeup)) == 0; /* includes a NUL */
	CHECK(ok);

	CHECK(tracefs_format_load(dir, "sched", "sched_switch", &f) == 0);
	CHECK_STR(f.system, "sched");
	CHECK_STR(f.event, "sched_switch");
	CHECK(f.id == 372 && f.nfields == 11);
	tracefs_format_free(&f);

	CHECK(tracefs_format_load(dir, "sched", "sched_nope", &f) == -ENOENT);
	CHECK(tracefs_format_load(dir, "nope", "sched_switch", &f) == -ENOENT);
	CHECK(tracefs_format_load(dir, "sched", "big", &f) == -EFBIG);
	CHECK(tracefs_format_load(dir, "sched", "nul", &f) == -EINVAL);
	CHECK(tracefs_format_load(dir, "..", "sched_switch", &f) == -EINVAL);
	CHECK(tracefs_format_load(dir, "sched", "../sched/sched_switch", &f) == -EINVAL);
	CHECK(tracefs_format_load(dir, "", "x", &f) == -EINVAL);
	CHECK(tracefs_format_load(NULL, "sched", "x", &f) == -EINVAL);
	CHECK(f.fields == NULL && f.nfields == 0);

	/* Exactly TRACEFS_FORMAT_MAX bytes is still accepted. */
	big[TRACEFS_FORMAT_MAX - 1] = '\n';
	snprintf(p, sizeof(p), "%s/events/sched/big/format", dir);
	CHECK(write_file(p, big, TRACEFS_FORMAT_MAX) == 0);
	CHECK(tracefs_format_load(dir, "sched", "big", &f) == 0);
	CHECK(f.id == 374);
	tracefs_format_free(&f);
	free(big);

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
}

/* On a machine with tracefs mounted, the live file must parse too. */
static void test_tracefs_live(void)
{
	static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	struct tp_format f;
	struct tp_flag fl[16];
	unsigned long long rm;
	const struct tp_field *x;
	int n;

	for (size_t i = 0; i < 2; i++) {
		if (tracefs_format_load(roots[i], "sched", "sched_switch", &f) != 0)
			continue;
		x = tracefs_field(&f, "prev_state");
		CHECK(x && (x->size == 4 || x->size == 8));
		x = tracefs_field(&f, "prev_comm");
		CHECK(x && x->size == 16 && x->is_array);
		CHECK(tracefs_field(&f, "next_pid") != NULL);
		CHECK(f.id > 0 && f.print_fmt);
		n = tracefs_print_flags(f.print_fmt, "prev_state", fl, 16, &rm);
		CHECK(n >= 7);
		CHECK(fl[0].value == 1 && !strcmp(fl[0].name, "S"));
		tracefs_format_free(&f);
		return;
	}
}

UNIT_SUITE(tracefs_load_tests) = {
	UNIT(test_tracefs_load),
	UNIT(test_tracefs_live),
	UNIT_END,
};
