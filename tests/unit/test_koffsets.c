/* Offsets files: what `schedtap btf offsets` writes is what koff_parse
 * reads back, and each malformed line is refused with its number. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "btf/koffsets.h"
#include "unit.h"

static const char good[] =
	"# schedtap offsets 1\n"
	"kernel 6.1.0-27-amd64\n"
	"# from BTF vmlinux\n"
	"pointer 8\n"
	"field cfs_rq.avg 128 64 struct sched_avg\n"
	"field sched_avg.util_est 56 4 unsigned int\n"
	"tp pelt_cfs_tp struct cfs_rq *\n"
	"tp sched_overutilized_tp struct root_domain *, _Bool\n";

static void parses_what_it_writes(void)
{
	struct koffsets k;
	struct koff_field f;
	char err[160], args[4][48];

	CHECK(koff_parse(&k, good, err, sizeof(err)) == 0);
	CHECK(k.ptr_size == 8 && !strcmp(k.release, "6.1.0-27-amd64"));
	CHECK(koff_field(&k, "cfs_rq.avg", &f, err, sizeof(err)) == 0);
	CHECK(f.f.offset == 128 && f.f.size == 64 && !strcmp(f.type, "struct sched_avg"));
	CHECK(koff_field(&k, "rq.cpu", &f, err, sizeof(err)) == -ENOENT && strstr(err, "rq.cpu"));
	CHECK(koff_tp_args(&k, "sched_overutilized_tp", args, 4) == 2);
	CHECK_STR(args[0], "struct root_domain *");
	CHECK_STR(args[1], "_Bool");
	CHECK(koff_tp_args(&k, "pelt_se_tp", args, 4) == -ENOENT);
	koff_free(&k);
}

/* good with line 5 replaced by bad: refused, naming line `at`. */
static int refused_at(const char *bad, int at)
{
	char text[1024], err[160];
	struct koffsets k;
	const char *l5 = strstr(good, "field cfs_rq.avg");
	char line[16];
	int r;

	snprintf(text, sizeof(text), "%.*s%s\n%s", (int)(l5 - good), good, bad,
		 strchr(l5, '\n') + 1);
	r = koff_parse(&k, text, err, sizeof(err));
	koff_free(&k);
	snprintf(line, sizeof(line), "line %d:", at);
	return r == -EINVAL && strstr(err, line);
}

static int refused(const char *bad)
{
	return refused_at(bad, 5);
}

static void refuses_bad_lines(void)
{
	struct koffsets k;
	char err[160], longline[400];

	CHECK(refused("field cfs_rq.avg 128"));			/* no size, no type */
	CHECK(refused("field cfs_rq.avg -1 64 struct x"));	/* negative */
	CHECK(refused("field cfs_rq.avg 99999999 64 struct x"));	/* past a megabyte */
	CHECK(refused("field cfs_rq.avg 128 0 struct x"));	/* no size */
	CHECK(refused("field noddot 1 2 int"));			/* not STRUCT.MEMBER */
	CHECK(refused_at("field sched_avg.util_est 1 2 int", 6));	/* twice: the second */
	CHECK(refused("tp pelt_x"));				/* no argument */
	CHECK(refused("tp pelt_x a, b, c, d, e"));		/* too many */
	CHECK(refused("pointer 2"));
	CHECK(refused("bogus line"));
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	CHECK(refused(longline));
	CHECK(koff_parse(&k, "kernel x\n", err, sizeof(err)) == -EINVAL && strstr(err, "not a "));
	CHECK(koff_parse(&k, "# schedtap offsets 1\nkernel x\n", err, sizeof(err)) == -EINVAL &&
	      strstr(err, "pointer"));
}

UNIT_SUITE(koffsets_tests) = {
	UNIT(parses_what_it_writes),
	UNIT(refuses_bad_lines),
	UNIT_END,
};
