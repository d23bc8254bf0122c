/* Unit tests for src/cpus.c: kernel CPU list syntax and the sysfs files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cpus.h"
#include "unit.h"

#define CANARY 0x5a5a5a5a

/* Parse into a buffer of exactly max ids followed by a canary, so that
 * any write past max is caught even without ASan. */
static int parse_guarded(const char *text, int *ids, int max)
{
	int r;

	ids[max] = CANARY;
	r = cpus_parse_list(text, ids, max);
	return ids[max] == CANARY ? r : -12345;
}

static int same(const int *ids, int n, const int *want, int wn)
{
	if (n != wn)
		return 0;
	for (int i = 0; i < n; i++)
		if (ids[i] != want[i])
			return 0;
	return 1;
}

static void test_cpus_typical(void)
{
	static const int want[] = { 0, 1, 2, 3, 5, 7, 8 };
	int ids[17];

	CHECK(parse_guarded("0-3,5,7-8\n", ids, 16) == 7);
	CHECK(same(ids, 7, want, 7));
	CHECK(parse_guarded("0-3,5,7-8", ids, 16) == 7);
	CHECK(same(ids, 7, want, 7));
	/* Exactly enough room. */
	CHECK(parse_guarded("0-3,5,7-8\n", ids, 7) == 7);
	CHECK(same(ids, 7, want, 7));
}

static void test_cpus_single_and_sparse(void)
{
	static const int sparse[] = { 0, 2, 4, 6, 64, 127 };
	int ids[9];

	CHECK(parse_guarded("0\n", ids, 8) == 1 && ids[0] == 0);
	CHECK(parse_guarded("5", ids, 8) == 1 && ids[0] == 5);
	CHECK(parse_guarded("3-3\n", ids, 8) == 1 && ids[0] == 3);
	CHECK(parse_guarded("0,2,4,6,64,127\n", ids, 8) == 6);
	CHECK(same(ids, 6, sparse, 6));
}

static void test_cpus_empty(void)
{
	int ids[2];

	/* An empty "offline" file reads as just a newline. */
	CHECK(parse_guarded("", ids, 1) == 0);
	CHECK(parse_guarded("\n", ids, 1) == 0);
	CHECK(parse_guarded("\n", ids, 0) == 0);
}

static void test_cpus_large(void)
{
	int *ids = malloc(sizeof(int) * 4097);

	CHECK(ids);
	if (parse_guarded("0-4095\n", ids, 4096) != 4096 || ids[0] != 0 ||
	    ids[4095] != 4095) {
		free(ids);
		CHECK(0);
	}
	/* One more id than room: refused, nothing written past the end. */
	if (parse_guarded("0-4095\n", ids, 4095) != -EINVAL ||
	    parse_guarded("0-4094,4095\n", ids, 4095) != -EINVAL ||
	    parse_guarded("0-4194304\n", ids, 4096) != -EINVAL) {
		free(ids);
		CHECK(0);
	}
	free(ids);
	CHECK(parse_guarded("4194304\n", (int[2]){ 0 }, 1) == 1);
}

static void test_cpus_malformed(void)
{
	static const char *const bad[] = {
		"3-1",            /* backwards */
		"0-3,2",          /* overlap */
		"5,3",            /* descending */
		"1,1",            /* duplicate */
		"0-3,3-5",        /* shared end */
		"1,",             /* trailing comma */
		",1",
		"1-",
		"-1",
		"1--2",
		"1-2-3",
		"a",
		"0x1",
		" 1",
		"1 ",
		"1 2",
		"1\n\n",
		"1\n2",
		"1;2",
		"0-7:2/4",        /* bitmap_parselist group syntax is input-only */
		"99999999999",    /* overflow */
		"4194305",        /* above CPUS_ID_MAX */
		"18446744073709551617",
		"0-99999999999999999999",
		"+1",
		"\n1",
	};
	int ids[9];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse_guarded(bad[i], ids, 8);

		if (r != -EINVAL)
			printf("    \"%s\" -> %d\n", bad[i], r);
		CHECK(r == -EINVAL);
	}
	CHECK(parse_guarded("0", ids, 0) == -EINVAL);
	CHECK(cpus_parse_list(NULL, ids, 8) == -EINVAL);
	CHECK(cpus_parse_list("0", NULL, 8) == -EINVAL);
	CHECK(cpus_parse_list("0", ids, -1) == -EINVAL);
}

static int write_tmp(char *path, const char *data, size_t len)
{
	int fd = mkstemp(path);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

static void test_cpus_read_file(void)
{
	char p1[] = "/tmp/schedtap-cpus-XXXXXX", p2[] = "/tmp/schedtap-cpus-XXXXXX";
	char p3[] = "/tmp/schedtap-cpus-XXXXXX";
	char *big = malloc(9000);
	int ids[9], r1, r2, r3;

	CHECK(big);
	memset(big, '1', 9000);
	if (write_tmp(p1, "0-2,4\n", 6) || write_tmp(p2, "0\0" "1\n", 4) ||
	    write_tmp(p3, big, 9000)) {
		free(big);
		CHECK(0);
	}
	free(big);
	r1 = cpus_read_list(p1, ids, 8);
	r2 = cpus_read_list(p2, ids, 8);
	r3 = cpus_read_list(p3, ids, 8);
	unlink(p1);
	unlink(p2);
	unlink(p3);
	CHECK(r1 == 4 && ids[3] == 4);
	CHECK(r2 == -EINVAL);
	CHECK(r3 == -EFBIG);
	CHECK(cpus_read_list("/nonexistent/schedtap/cpus", ids, 8) == -ENOENT);
}

static void test_cpus_sysfs(void)
{
	int possible[4097], online[4097], np, no;
	long conf = sysconf(_SC_NPROCESSORS_ONLN);

	np = cpus_possible(possible, 4096);
	no = cpus_online(online, 4096);
	CHECK(np >= 1 && no >= 1 && no <= np);
	for (int i = 1; i < np; i++)
		CHECK(possible[i] > possible[i - 1]);
	/* online is a subset of possible */
	for (int i = 0, j = 0; i < no; i++) {
		while (j < np && possible[j] < online[i])
			j++;
		CHECK(j < np && possible[j] == online[i]);
	}
	CHECK(conf < 1 || conf == no);
	CHECK(cpus_possible(possible, 0) == -EINVAL);
}

UNIT_SUITE(cpus_tests) = {
	UNIT(test_cpus_typical),
	UNIT(test_cpus_single_and_sparse),
	UNIT(test_cpus_empty),
	UNIT(test_cpus_large),
	UNIT(test_cpus_malformed),
	UNIT(test_cpus_read_file),
	UNIT(test_cpus_sysfs),
	UNIT_END,
};
