/* Unit tests for src/tracefs/mount.c: finding tracefs in mountinfo text
 * (mount points, escapes, debugfs fallback, bounds) and on this machine. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "tracefs/tracefs.h"
#include "unit.h"

static const char mi_typical[] =
	"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
	"23 27 0:22 / /sys rw,relatime shared:7 - sysfs sysfs rw\n"
	"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n"
	"42 23 0:12 / /sys/kernel/debug rw,nosuid,nodev,noexec,relatime shared:9 - debugfs debugfs rw\n"
	"43 23 0:13 / /sys/kernel/tracing rw,nosuid,nodev,noexec,relatime shared:10 - tracefs tracefs rw\n";

static void test_mountinfo_typical(void)
{
	char out[256];

	CHECK(tracefs_from_mountinfo(mi_typical, out, sizeof(out)) == 0);
	CHECK_STR(out, "/sys/kernel/tracing");
}

static void test_mountinfo_escapes(void)
{
	static const char mi[] =
		"50 27 0:13 / /mnt/my\\040trace\\011dir\\134x rw - tracefs nodev rw\n";
	char out[256];

	CHECK(tracefs_from_mountinfo(mi, out, sizeof(out)) == 0);
	CHECK_STR(out, "/mnt/my trace\tdir\\x");
	/* A backslash that is not an escape stays as it is. */
	CHECK(tracefs_from_mountinfo("1 1 0:1 / /a\\9b rw - tracefs t rw\n", out,
				     sizeof(out)) == 0);
	CHECK_STR(out, "/a\\9b");
	/* \000 cannot be in a path: that line is unusable. */
	CHECK(tracefs_from_mountinfo("1 1 0:1 / /a\\000b rw - tracefs t rw\n", out,
				     sizeof(out)) == -ENOENT);
}

static void test_mountinfo_debugfs_only(void)
{
	static const char mi[] =
		"22 27 0:21 / /proc rw,relatime - proc proc rw\n"
		"42 23 0:12 / /sys/kernel/debug rw,relatime shared:9 master:3 - debugfs none rw\n";
	char out[256];

	CHECK(tracefs_from_mountinfo(mi, out, sizeof(out)) == 0);
	CHECK_STR(out, "/sys/kernel/debug/tracing");
	CHECK(tracefs_from_mountinfo("1 1 0:1 / / rw - debugfs d rw", out, sizeof(out)) == 0);
	CHECK_STR(out, "/tracing");
}

static void test_mountinfo_tracefs_wins(void)
{
	static const char mi[] =
		"42 23 0:12 / /sys/kernel/debug rw - debugfs debugfs rw\n"
		"60 42 0:13 /instances/foo /mnt/inst rw - tracefs tracefs rw\n"
		"61 42 0:14 / /sys/kernel/debug/tracing rw - tracefs tracefs rw\n"
		"62 42 0:14 / /second rw - tracefs tracefs rw\n";
	char out[256];

	CHECK(tracefs_from_mountinfo(mi, out, sizeof(out)) == 0);
	CHECK_STR(out, "/sys/kernel/debug/tracing");
}

static void test_mountinfo_none(void)
{
	static const char *const bad[] = {
		"",
		"\n\n\n",
		"22 27 0:21 / /proc rw,relatime - proc proc rw\n",
		/* bind mount of a tracefs subdirectory only */
		"60 42 0:13 /instances/foo /mnt/inst rw - tracefs tracefs rw\n",
		/* truncated lines, no separator, lookalike types */
		"43 23 0:13 / /sys/kernel/tracing rw tracefs tracefs rw\n",
		"43 23 0:13 / /sys/kernel/tracing",
		"43 23 0:13 /",
		"43 23 0:13 / /t rw -",
		"43 23 0:13 / /t rw - tracefsx t rw\n",
		"43 23 0:13 / /t rw - debugf t rw\n",
	};
	char out[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(tracefs_from_mountinfo(bad[i], out, sizeof(out)) == -ENOENT);
	CHECK(tracefs_from_mountinfo(NULL, out, sizeof(out)) == -EINVAL);
	CHECK(tracefs_from_mountinfo(mi_typical, out, 0) == -EINVAL);
}

static void test_mountinfo_small_buffer(void)
{
	char out[11];

	/* "/sys/kernel/tracing" does not fit: skipped, never overflowed. */
	CHECK(tracefs_from_mountinfo(mi_typical, out, 10) == -ENOENT);
	CHECK(tracefs_from_mountinfo("1 1 0:1 / /long/path/here rw - tracefs t rw\n"
				     "1 1 0:1 / /t rw - tracefs t rw\n",
				     out, 10) == 0);
	CHECK_STR(out, "/t");
	/* "/d" + "/tracing" needs 11 bytes. */
	CHECK(tracefs_from_mountinfo("1 1 0:1 / /d rw - debugfs t rw\n", out, 10) == -ENOENT);
	CHECK(tracefs_from_mountinfo("1 1 0:1 / /d rw - debugfs t rw\n", out, 11) == 0);
	CHECK_STR(out, "/d/tracing");
}

/* tracefs_find on this machine: either finds a directory with events/
 * or fails with an errno; when it mounted, undo it. */
static void test_tracefs_find_live(void)
{
	char path[256], ev[300];
	int mounted = -1, r;

	r = tracefs_find(path, sizeof(path), &mounted);
	CHECK(mounted == 0 || mounted == 1);
	if (r == 0) {
		snprintf(ev, sizeof(ev), "%s/events", path);
		CHECK(access(ev, F_OK) == 0);
		if (mounted)
			CHECK(umount2(path, MNT_DETACH) == 0);
	} else {
		CHECK(r < 0 && !mounted);
	}
	CHECK(tracefs_find(path, 0, &mounted) == -EINVAL);
	CHECK(tracefs_find(NULL, 10, &mounted) == -EINVAL);
	CHECK(tracefs_find(path, sizeof(path), NULL) == -EINVAL);
}

UNIT_SUITE(tracefs_mount_tests) = {
	UNIT(test_mountinfo_typical),
	UNIT(test_mountinfo_escapes),
	UNIT(test_mountinfo_debugfs_only),
	UNIT(test_mountinfo_tracefs_wins),
	UNIT(test_mountinfo_none),
	UNIT(test_mountinfo_small_buffer),
	UNIT(test_tracefs_find_live),
	UNIT_END,
};
