/* Unit tests for src/cmd/cgroup_path.c and src/core/mountinfo.c: the cpu
 * controller's hierarchy in mountinfo text (v1 "cpu" over cgroup2, options
 * matched as words, escapes), and names of this machine's cgroups. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cgroup_path.h"
#include "core/mountinfo.h"
#include "unit.h"

static const char mi_v1[] =
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
	"33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n";

static void v1_cpu_wins_over_cgroup2(void)
{
	char out[64];

	CHECK(cgroup_cpu_mount(mi_v1, out, sizeof(out)) == 0);
	CHECK(!strcmp(out, "/sys/fs/cgroup/cpu"));
}

static void cgroup2_alone_and_none(void)
{
	char out[64] = "x";

	CHECK(cgroup_cpu_mount("1 1 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n",
			       out, sizeof(out)) == 0);
	CHECK(!strcmp(out, "/sys/fs/cgroup"));
	/* cpuacct and cpuset are not cpu; a path that does not fit is no mount */
	CHECK(cgroup_cpu_mount("1 1 0:1 / /a rw - cgroup c rw,cpuacct,cpuset\n", out,
			       sizeof(out)) == -ENOENT);
	CHECK(cgroup_cpu_mount("1 1 0:1 / /a\\040b rw - cgroup c cpu\n", out, 4) == -ENOENT);
	CHECK(cgroup_cpu_mount("1 1 0:1 / /a\\040b rw - cgroup c cpu\n", out, 8) == 0);
	CHECK(!strcmp(out, "/a b"));
	CHECK(cgroup_cpu_mount("", out, sizeof(out)) == -ENOENT);
}

static void options_are_words(void)
{
	CHECK(mountinfo_has_opt("rw,cpu", 6, "cpu"));
	CHECK(mountinfo_has_opt("cpu,rw", 6, "cpu"));
	CHECK(!mountinfo_has_opt("rw,cpuacct", 10, "cpu"));
	CHECK(!mountinfo_has_opt("rw,cp", 5, "cpu"));
	CHECK(!mountinfo_has_opt("", 0, "cpu"));
	/* bounded by n, not by a NUL */
	CHECK(!mountinfo_has_opt("rw,cpu", 5, "cpu"));
}

/* This machine's hierarchy: the root is "/", and a group made here is
 * found by its directory's inode number. */
static void names_of_this_machine(void)
{
	struct cgroup_paths cp;
	char dir[PATH_MAX + 32];
	struct stat st;

	if (cgroup_paths_open(&cp)) {
		CHECK(!"no cpu controller mounted on this machine");
		return;
	}
	CHECK(stat(cp.root, &st) == 0 && cgroup_paths_find(&cp, st.st_ino) &&
	      !strcmp(cgroup_paths_find(&cp, st.st_ino), "/"));
	snprintf(dir, sizeof(dir), "%s/schedtap-unit-%d", cp.root, (int)getpid());
	if (mkdir(dir, 0755) == 0) {
		CHECK(stat(dir, &st) == 0);
		cp.scanned_ns = 0;	/* a new group: the miss scans again */
		CHECK(cgroup_paths_find(&cp, st.st_ino) &&
		      !strncmp(cgroup_paths_find(&cp, st.st_ino), "/schedtap-unit-", 15));
		rmdir(dir);
	}
	CHECK(cgroup_paths_find(&cp, ~0ull) == NULL);
	cgroup_paths_free(&cp);
}

UNIT_SUITE(cgroup_path_tests) = {
	UNIT(v1_cpu_wins_over_cgroup2),
	UNIT(cgroup2_alone_and_none),
	UNIT(options_are_words),
	UNIT(names_of_this_machine),
	UNIT_END,
};
