/* Unit tests for src/tracefs/const_expr.c (the constant expressions of
 * print fmts) and src/tracefs/print_flags.c (__print_flags tables and the
 * preemption marker), on print fmts from 2.6.3x to 6.18 and broken ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs/tracefs.h"
#include "tracefs_fixtures.h"
#include "unit.h"

/* ---- constant expressions ------------------------------------------ */

static int ev(const char *s, unsigned long long *v)
{
	return tracefs_eval_const(s, strlen(s), v);
}

static void test_eval_const(void)
{
	static const struct {
		const char *s;
		unsigned long long v;
	} good[] = {
		{ "0", 0 },
		{ "42", 42 },
		{ "0x10", 16 },
		{ "0X1f", 31 },
		{ "010", 8 },
		{ "1024-1", 1023 },
		{ "(1u << 31)", 0x80000000ull },
		{ "(1UL << 63)", 1ull << 63 },
		{ "((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | "
		  "0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)", 0xff },
		{ "(((0x0000 | 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0020 | 0x0040) "
		  "+ 1) << 1)", 0x100 },
		{ "2 + 3 * 4", 14 },
		{ "3 - 1 - 1", 1 },
		{ "1 | 2 ^ 3 & 4", 3 },
		{ "7 / 2", 3 },
		{ "10 % 3", 1 },
		{ "~0", ~0ull },
		{ "-1", ~0ull },
		{ "!0", 1 },
		{ "!5", 0 },
		{ "+5", 5 },
		{ "(unsigned long)5", 5 },
		{ "(unsigned long long) (1 << 3)", 8 },
		{ "(u64 *)16", 16 },
		{ "0x100 >> 4", 16 },
		{ "18446744073709551615", ~0ull },
		{ "0xffffffffffffffff", ~0ull },
		{ " \t( 1 ) ", 1 },
		{ "1ull", 1 },
	};
	static const char *const bad[] = {
		"", " ", "(", ")", "(1", "1)", "1 +", "1 2", "0x", "08", "1f", "1.5",
		"TASK_REPORT_MAX", "(TASK_RUNNING | 1)", "1 << 64", "1 >> 99", "1 / 0",
		"1 % 0", "1 && 2", "1 || 2", "1 < 2", "1 <= 2", "1 == 1", "\"S\"",
		"18446744073709551616", "0x10000000000000000", "REC->prev_state",
		"(unsigned long)", "(1)(2)",
	};
	unsigned long long v;
	char deep[4096];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 12345;
		if (ev(good[i].s, &v) != 0 || v != good[i].v)
			printf("    good[%zu] \"%s\" -> %llu\n", i, good[i].s, v);
		CHECK(ev(good[i].s, &v) == 0 && v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ev(bad[i], &v) != -EINVAL)
			printf("    bad[%zu] \"%s\" accepted\n", i, bad[i]);
		CHECK(ev(bad[i], &v) == -EINVAL);
	}
	/* Nesting is bounded instead of recursing off the stack. */
	memset(deep, '(', 2000);
	deep[2000] = '1';
	memset(deep + 2001, ')', 2000);
	deep[4001] = '\0';
	CHECK(ev(deep, &v) == -EINVAL);
	memset(deep, '~', 4000);
	deep[4000] = '0';
	deep[4001] = '\0';
	CHECK(ev(deep, &v) == -EINVAL);
	CHECK(ev("((((1))))", &v) == 0 && v == 1);
	/* Only len bytes are read. */
	CHECK(tracefs_eval_const("12345", 2, &v) == 0 && v == 12);
}

/* ---- __print_flags ------------------------------------------------- */

/* 4.14 .. 5.x: TASK_REPORT_MAX with 4-digit constants (preempted tasks
 * report TASK_REPORT_MAX, printed "R+"). */
static const char pf_4_14[] =
	"\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s "
	"next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
	"(REC->prev_state & ((((0x0000 | 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010 | "
	"0x0020 | 0x0040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x0000 | "
	"0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0020 | 0x0040) + 1) << 1) - 1), "
	"\"|\", { 0x0001, \"S\" }, { 0x0002, \"D\" }, { 0x0004, \"T\" }, { 0x0008, \"t\" }, "
	"{ 0x0010, \"X\" }, { 0x0020, \"Z\" }, { 0x0040, \"P\" }, { 0x0080, \"I\" }) : \"R\", "
	"REC->prev_state & (((0x0000 | 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0020 | "
	"0x0040) + 1) << 1) ? \"+\" : \"\", REC->next_comm, REC->next_pid, REC->next_prio";

/* 4.8 .. 4.13: TASK_STATE_MAX 4096 (TASK_NOLOAD, TASK_NEW), raw state. */
static const char pf_4_9[] =
	"\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s "
	"next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
	"REC->prev_state & (4096-1) ? __print_flags(REC->prev_state & (4096-1), \"|\", "
	"{ 1, \"S\"} , { 2, \"D\" }, { 4, \"T\" }, { 8, \"t\" }, { 16, \"Z\" }, { 32, \"X\" }, "
	"{ 64, \"x\" }, { 128, \"K\" }, { 256, \"W\" }, { 512, \"P\" }, { 1024, \"N\" }) : \"R\", "
	"REC->prev_state & 4096 ? \"+\" : \"\", REC->next_comm, REC->next_pid, REC->next_prio";

/* 3.x: TASK_STATE_MAX 1024. */
static const char pf_3_x[] =
	"\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s "
	"next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
	"REC->prev_state & (1024-1) ? __print_flags(REC->prev_state & (1024-1), \"|\", "
	"{ 1, \"S\"} , { 2, \"D\" }, { 4, \"T\" }, { 8, \"t\" }, { 16, \"Z\" }, { 32, \"X\" }, "
	"{ 64, \"x\" }, { 128, \"K\" }, { 256, \"W\" }, { 512, \"P\" }) : \"R\", "
	"REC->prev_state & 1024 ? \"+\" : \"\", REC->next_comm, REC->next_pid, REC->next_prio";

/* 2.6.3x: no preemption marker at all. */
static const char pf_2_6[] =
	"\"task %s:%d [%d] (%s) ==> %s:%d [%d]\", REC->prev_comm, REC->prev_pid, "
	"REC->prev_prio, REC->prev_state ? __print_flags(REC->prev_state, \"|\", "
	"{ 1, \"S\"} , { 2, \"D\" }, { 4, \"T\" }, { 8, \"t\" }, { 16, \"Z\" }, { 32, \"X\" }, "
	"{ 64, \"x\" }, { 128, \"W\" }) : \"R\", REC->next_comm, REC->next_pid, REC->next_prio";

static void check_flags(const struct tp_flag *fl, int n, const char *names,
			const unsigned long long *vals)
{
	for (int i = 0; i < n; i++) {
		CHECK(fl[i].value == vals[i]);
		CHECK(fl[i].name[0] == names[i] && fl[i].name[1] == '\0');
	}
}

static void test_print_flags_6_18(void)
{
	static const unsigned long long v[] = { 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80 };
	struct tp_format f;
	struct tp_flag fl[16];
	unsigned long long rm = 7;
	int n;

	CHECK(tracefs_format_parse(fmt_switch, &f) == 0);
	n = tracefs_print_flags(f.print_fmt, "prev_state", fl, 16, &rm);
	CHECK(n == 8);
	CHECK(rm == 0x100);
	check_flags(fl, n, "SDTtXZPI", v);
	if (!unit_failed) {
		/* Exactly enough room, then too little; report_max may be NULL. */
		n = tracefs_print_flags(f.print_fmt, "prev_state", fl, 8, &rm);
		n = n == 8 ? tracefs_print_flags(f.print_fmt, "prev_state", fl, 7, &rm) : 0;
		n = n == -ENOSPC ? tracefs_print_flags(f.print_fmt, "prev_state", NULL, 0, &rm) : 0;
		n = n == -ENOSPC ? tracefs_print_flags(f.print_fmt, "prev_state", fl, 16, NULL) : 0;
	}
	tracefs_format_free(&f);
	CHECK(n == 8);
}

static void test_print_flags_4_14(void)
{
	static const unsigned long long v[] = { 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80 };
	struct tp_flag fl[16];
	unsigned long long rm = 0;

	CHECK(tracefs_print_flags(pf_4_14, "prev_state", fl, 16, &rm) == 8);
	CHECK(rm == 0x100);
	check_flags(fl, 8, "SDTtXZPI", v);
}

static void test_print_flags_4_x_and_3_x(void)
{
	static const unsigned long long v[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
	struct tp_flag fl[16];
	unsigned long long rm = 0;

	CHECK(tracefs_print_flags(pf_4_9, "prev_state", fl, 16, &rm) == 11);
	CHECK(rm == 4096);
	check_flags(fl, 11, "SDTtZXxKWPN", v);
	if (unit_failed)
		return;
	rm = 0;
	CHECK(tracefs_print_flags(pf_3_x, "prev_state", fl, 16, &rm) == 10);
	CHECK(rm == 1024);
	check_flags(fl, 10, "SDTtZXxKWP", v);
}

static void test_print_flags_no_marker(void)
{
	static const unsigned long long v[] = { 1, 2, 4, 8, 16, 32, 64, 128 };
	struct tp_flag fl[16];
	unsigned long long rm = 99;

	CHECK(tracefs_print_flags(pf_2_6, "prev_state", fl, 16, &rm) == 8);
	CHECK(rm == 0);
	check_flags(fl, 8, "SDTtZXxW", v);
}

static void test_print_flags_marker_forms(void)
{
	/* Parenthesised conditions and a bare constant in parentheses. */
	static const char a[] =
		"\"%s%s\", REC->s ? __print_flags(REC->s & 3, \"|\", { 1, \"S\" }, { 2, \"D\" }) : "
		"\"R\", (REC->s & (2048)) ? \"+\" : \"\"";
	static const char b[] =
		"\"%s%s\", REC->s ? __print_flags(REC->s, \"|\", { 1, \"S\" }) : \"R\", "
		"REC->t & 64 ? \"+\" : \"\", ((REC->s & 0x800)) ? \"+\" : \"\"";
	/* The marker left symbolic cannot be known: an error, not a guess. */
	static const char c[] =
		"\"%s%s\", REC->s ? __print_flags(REC->s, \"|\", { 1, \"S\" }) : \"R\", "
		"REC->s & TASK_REPORT_MAX ? \"+\" : \"\"";
	struct tp_flag fl[4];
	unsigned long long rm = 0;

	CHECK(tracefs_print_flags(a, "s", fl, 4, &rm) == 2);
	CHECK(rm == 2048);
	CHECK(tracefs_print_flags(b, "s", fl, 4, &rm) == 1);
	CHECK(rm == 0x800); /* REC->t's marker is not ours */
	CHECK(tracefs_print_flags(c, "s", fl, 4, &rm) == -EINVAL);
}

static void test_print_flags_other_events(void)
{
	/* xfs-style values written as (1u << n), several fields in one fmt. */
	static const char xfs[] =
		"\"dev %d:%d type %s flags %s\", ((unsigned int) ((REC->dev) >> 20)), "
		"REC->dqid, __print_flags(REC->type, \"|\", { (1u << 0), \"USER\" }, "
		"{ (1u << 1), \"PROJ\" }, { (1u << 2), \"GROUP\" }, { (1u << 7), \"BIGTIME\" }), "
		"__print_flags(REC->flags, \"|\", { (1u << 0), \"DIRTY\" }, { (1u << 31), \"FREE\" }), "
		"__print_flags(REC->field, \"|\", { (1u << 7), \"RES_REGBLKS\" }), "
		"__print_flags_u64(REC->wide, \"|\", { 0x100000000ULL, \"HI\" })";
	struct tp_flag fl[8];
	unsigned long long rm = 5;

	CHECK(tracefs_print_flags(xfs, "type", fl, 8, &rm) == 4);
	CHECK(rm == 0);
	CHECK(fl[0].value == 1 && !strcmp(fl[0].name, "USER"));
	CHECK(fl[3].value == 128 && !strcmp(fl[3].name, "BIGTIME"));
	CHECK(tracefs_print_flags(xfs, "flags", fl, 8, &rm) == 2);
	CHECK(fl[1].value == 0x80000000ull && !strcmp(fl[1].name, "FREE"));
	CHECK(tracefs_print_flags(xfs, "field", fl, 8, &rm) == -ENAMETOOLONG);
	CHECK(tracefs_print_flags(xfs, "wide", fl, 8, &rm) == 1);
	CHECK(fl[0].value == 0x100000000ull && !strcmp(fl[0].name, "HI"));
	/* Whole-word field names only. */
	CHECK(tracefs_print_flags(xfs, "typ", fl, 8, &rm) == -ENOENT);
	CHECK(tracefs_print_flags(xfs, "dev", fl, 8, &rm) == -ENOENT);
	CHECK(tracefs_print_flags(fmt_switch, "prev", fl, 8, &rm) == -ENOENT);
	CHECK(tracefs_print_flags(fmt_switch, "next_comm", fl, 8, &rm) == -ENOENT);
	CHECK(tracefs_print_flags(fmt_wakeup, "comm", fl, 8, &rm) == -ENOENT);
	CHECK(tracefs_print_flags("\"\", __print_flags(XREC->s, \"|\", { 1, \"A\" })", "s",
				  fl, 8, &rm) == -ENOENT);
	/* The format string itself is not code. */
	CHECK(tracefs_print_flags("\"__print_flags(REC->x, \\\"|\\\", { 1, \\\"A\\\" })\"",
				  "x", fl, 8, &rm) == -ENOENT);
}

static void test_print_flags_malformed(void)
{
	static const char *const bad[] = {
		"\"\", __print_flags(REC->s, \"|\", { TASK_INTERRUPTIBLE, \"S\" })",
		"\"\", __print_flags(REC->s, \"|\", { 1, S })",
		"\"\", __print_flags(REC->s, \"|\", { 1 \"S\" })",
		"\"\", __print_flags(REC->s, \"|\", { 1, \"S\" )",
		"\"\", __print_flags(REC->s, \"|\", { 1, \"S\" } { 2, \"D\" })",
		"\"\", __print_flags(REC->s, \"|\", { 1, \"S\" }",
		"\"\", __print_flags(REC->s, \"|\", { 1, \"S",
		"\"\", __print_flags(REC->s, \"|\", { 1, \"S\\\"\" })",
		"\"\", __print_flags(REC->s, |, { 1, \"S\" })",
		"\"\", __print_flags(REC->s, \"|\", 1, \"S\")",
		"\"\", __print_flags(REC->s, \"|\", { 1 << 99, \"S\" })",
	};
	struct tp_flag fl[4];
	unsigned long long rm;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = tracefs_print_flags(bad[i], "s", fl, 4, &rm);

		if (r != -EINVAL)
			printf("    bad[%zu] -> %d\n", i, r);
		CHECK(r == -EINVAL);
	}
	CHECK(tracefs_print_flags("\"\", __print_flags(REC->s, \"|\")", "s", fl, 4, &rm) == 0);
	CHECK(tracefs_print_flags(NULL, "s", fl, 4, &rm) == -EINVAL);
	CHECK(tracefs_print_flags("x", NULL, fl, 4, &rm) == -EINVAL);
	CHECK(tracefs_print_flags("x", "", fl, 4, &rm) == -EINVAL);
	CHECK(tracefs_print_flags("x", "s", fl, -1, &rm) == -EINVAL);
	CHECK(tracefs_print_flags("", "s", fl, 4, &rm) == -ENOENT);
}

/* Every prefix and many byte mutations of the real print fmt: never a
 * crash or overflow (ASan), and never more flags than there are. */
static void test_print_flags_fuzz(void)
{
	struct tp_format f;
	struct tp_flag fl[8];
	unsigned long long rm;
	unsigned seed = 12345;
	static const char alphabet[] = "(){},\"\\ ?&|+-<REC>x0";
	char *buf;
	size_t n;
	int full = 0;

	CHECK(tracefs_format_parse(fmt_switch, &f) == 0);
	n = strlen(f.print_fmt);
	buf = malloc(n + 1);
	CHECK(buf);
	for (size_t i = 0; i <= n; i++) {
		int r;

		memcpy(buf, f.print_fmt, i);
		buf[i] = '\0';
		r = tracefs_print_flags(buf, "prev_state", fl, 8, &rm);
		CHECK(r <= 8);
		full += r == 8;
	}
	for (int iter = 0; iter < 20000; iter++) {
		int r;

		memcpy(buf, f.print_fmt, n + 1);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			buf[(seed >> 8) % n] = alphabet[(seed >> 20) % (sizeof(alphabet) - 1)];
		}
		r = tracefs_print_flags(buf, "prev_state", fl, 8, &rm);
		CHECK(r <= 8);
	}
	free(buf);
	tracefs_format_free(&f);
	CHECK(full > 0);
}

UNIT_SUITE(tracefs_flags_tests) = {
	UNIT(test_eval_const),
	UNIT(test_print_flags_6_18),
	UNIT(test_print_flags_4_14),
	UNIT(test_print_flags_4_x_and_3_x),
	UNIT(test_print_flags_no_marker),
	UNIT(test_print_flags_marker_forms),
	UNIT(test_print_flags_other_events),
	UNIT(test_print_flags_malformed),
	UNIT(test_print_flags_fuzz),
	UNIT_END,
};
