/* Unit tests for src/tracefs/format.c's parser: format files captured
 * from a 6.18 kernel, variants reconstructed from older and PREEMPT_RT
 * kernels' sources, and malformed input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracefs/tracefs.h"
#include "tracefs_fixtures.h"
#include "unit.h"

/* Also captured on 6.18 (fmt_switch and fmt_wakeup are in
 * tracefs_fixtures.h). */
static const char fmt_process_exec[] =
	"name: sched_process_exec\n"
	"ID: 365\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:__data_loc char[] filename;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:pid_t old_pid;\toffset:16;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"filename=%s pid=%d old_pid=%d\", __get_str(filename), REC->pid, "
	"REC->old_pid\n"
	;

static const char fmt_process_fork[] =
	"name: sched_process_fork\n"
	"ID: 366\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:__data_loc char[] parent_comm;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t parent_pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:__data_loc char[] child_comm;\toffset:16;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t child_pid;\toffset:20;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"comm=%s pid=%d child_comm=%s child_pid=%d\", __get_str(parent_comm), "
	"REC->parent_pid, __get_str(child_comm), REC->child_pid\n"
	;

static const char fmt_stat_runtime[] =
	"name: sched_stat_runtime\n"
	"ID: 363\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:__data_loc char[] comm;\toffset:8;\tsize:4;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:12;\tsize:4;\tsigned:1;\n"
	"\tfield:u64 runtime;\toffset:16;\tsize:8;\tsigned:0;\n"
	"\n"
	"print fmt: \"comm=%s pid=%d runtime=%Lu [ns]\", __get_str(comm), REC->pid, (unsigned "
	"long long)REC->runtime\n"
	;

/* PREEMPT_RT kernels (5.x-rt, 6.x) append common_migrate_disable and
 * common_preempt_lazy_count to the common header, shifting every field;
 * __rel_loc (5.19+) is the relative twin of __data_loc. */
static const char fmt_rt_switch[] =
	"name: sched_switch\n"
	"ID: 316\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\tfield:unsigned char common_migrate_disable;\toffset:8;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_lazy_count;\toffset:9;\tsize:1;\tsigned:0;\n"
	"\n"
	"\tfield:char prev_comm[16];\toffset:12;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:32;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:40;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:48;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:64;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:68;\tsize:4;\tsigned:1;\n"
	"\tfield:__rel_loc char[] note;\toffset:72;\tsize:4;\tsigned:0;\n"
	"\tfield:__data_loc u64[] stack;\toffset:76;\tsize:4;\tsigned:0;\n"
	"\n"
	"print fmt: \"prev_comm=%s prev_pid=%d\", REC->prev_comm, REC->prev_pid\n";

/* 2.6.3x: no "signed:", a common_tgid/lock_depth header, the array size
 * printed as the macro name, and an ftrace "field special:" line. */
static const char fmt_old[] =
	"name: sched_switch\n"
	"ID: 57\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\n"
	"\tfield:int common_lock_depth;\toffset:8;\tsize:4;\n"
	"\n"
	"\tfield:char prev_comm[TASK_COMM_LEN];\toffset:12;\tsize:16;\n"
	"\tfield:pid_t prev_pid;\toffset:28;\tsize:4;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\n"
	"\tfield:unsigned int flags;\toffset:40;\tsize:4;\n"
	"\tfield:const char * fmt;\toffset:48;\tsize:8;\n"
	"\tfield special:char buf[TRACE_BUF_SIZE];\toffset:56;\tsize:1024;\n"
	"\n"
	"print fmt: \"task %s:%d [%ld]\", REC->prev_comm, REC->prev_pid, REC->prev_state\n";

static int parse(const char *text, struct tp_format *f)
{
	return tracefs_format_parse(text, f);
}

static void test_tracefs_switch_6_18(void)
{
	struct tp_format f;
	const struct tp_field *x;

	CHECK(parse(fmt_switch, &f) == 0);
	CHECK_STR(f.event, "sched_switch");
	CHECK_STR(f.system, "");
	CHECK(f.id == 372);
	CHECK(f.nfields == 11);
	CHECK(f.size == 64);
	for (int i = 0; i < 4; i++)
		CHECK(f.fields[i].is_common);
	for (int i = 4; i < 11; i++)
		CHECK(!f.fields[i].is_common);
	x = tracefs_field(&f, "common_type");
	CHECK(x && x->offset == 0 && x->size == 2 && !x->is_signed);
	CHECK_STR(x->type, "unsigned short");
	x = tracefs_field(&f, "prev_comm");
	CHECK(x && x->offset == 8 && x->size == 16 && x->is_array && x->array_len == 16);
	CHECK_STR(x->type, "char[16]");
	CHECK(!x->is_data_loc && !x->is_signed);
	x = tracefs_field(&f, "prev_state");
	CHECK(x && x->offset == 32 && x->size == 8 && x->is_signed && !x->is_array);
	CHECK_STR(x->type, "long");
	x = tracefs_field(&f, "prev_pid");
	CHECK(x && x->is_signed);
	CHECK_STR(x->type, "pid_t");
	CHECK(tracefs_field_offset(&f, "next_pid") == 56);
	CHECK(tracefs_field_offset(&f, "next_prio") == 60);
	CHECK(tracefs_field_offset(&f, "next_prio_") == -ENOENT);
	CHECK(tracefs_field_offset(&f, "next") == -ENOENT);
	CHECK(tracefs_field(&f, "") == NULL);
	CHECK(f.print_fmt && !strncmp(f.print_fmt, "\"prev_comm=%s", 13));
	CHECK(strlen(f.print_fmt) > 20 &&
	      !strcmp(f.print_fmt + strlen(f.print_fmt) - 14, "REC->next_prio"));
	tracefs_format_free(&f);
	CHECK(f.fields == NULL && f.print_fmt == NULL && f.nfields == 0);
	tracefs_format_free(&f); /* twice is harmless */
}

static void test_tracefs_wakeup_6_18(void)
{
	struct tp_format f;
	const struct tp_field *x;

	CHECK(parse(fmt_wakeup, &f) == 0);
	CHECK(f.id == 374 && f.nfields == 8 && f.size == 36);
	x = tracefs_field(&f, "comm");
	CHECK(x && x->offset == 8 && x->array_len == 16);
	CHECK(tracefs_field_offset(&f, "target_cpu") == 32);
	CHECK(!strcmp(f.print_fmt + strlen(f.print_fmt) - 15, "REC->target_cpu"));
	tracefs_format_free(&f);
}

static void test_tracefs_data_loc(void)
{
	struct tp_format f;
	const struct tp_field *x;

	CHECK(parse(fmt_process_exec, &f) == 0);
	x = tracefs_field(&f, "filename");
	CHECK(x && x->is_data_loc && x->is_array && x->array_len == 0);
	CHECK(x->offset == 8 && x->size == 4 && !x->is_signed);
	CHECK_STR(x->type, "__data_loc char[]");
	CHECK(tracefs_field_offset(&f, "old_pid") == 16);
	CHECK(f.size == 20);
	tracefs_format_free(&f);

	CHECK(parse(fmt_process_fork, &f) == 0);
	CHECK(f.nfields == 8);
	CHECK(tracefs_field(&f, "parent_comm")->is_data_loc);
	CHECK(tracefs_field(&f, "child_comm")->is_data_loc);
	CHECK(!tracefs_field(&f, "child_pid")->is_data_loc);
	CHECK(tracefs_field_offset(&f, "child_comm") == 16);
	tracefs_format_free(&f);
}

static void test_tracefs_u64_and_cast(void)
{
	struct tp_format f;
	const struct tp_field *x;

	CHECK(parse(fmt_stat_runtime, &f) == 0);
	x = tracefs_field(&f, "runtime");
	CHECK(x && x->offset == 16 && x->size == 8 && !x->is_signed);
	CHECK_STR(x->type, "u64");
	CHECK(f.size == 24);
	CHECK(strstr(f.print_fmt, "(unsigned long long)REC->runtime") != NULL);
	tracefs_format_free(&f);
}

static void test_tracefs_rt_kernel(void)
{
	struct tp_format f;
	const struct tp_field *x;

	CHECK(parse(fmt_rt_switch, &f) == 0);
	CHECK(f.nfields == 15);
	x = tracefs_field(&f, "common_preempt_lazy_count");
	CHECK(x && x->is_common && x->offset == 9 && x->size == 1);
	CHECK(tracefs_field(&f, "common_migrate_disable")->is_common);
	CHECK(tracefs_field_offset(&f, "prev_comm") == 12);
	CHECK(tracefs_field_offset(&f, "prev_state") == 40);
	CHECK(tracefs_field_offset(&f, "next_pid") == 64);
	x = tracefs_field(&f, "note");
	CHECK(x && x->is_data_loc && x->is_array && x->offset == 72);
	CHECK_STR(x->type, "__rel_loc char[]");
	x = tracefs_field(&f, "stack");
	CHECK(x && x->is_data_loc);
	CHECK_STR(x->type, "__data_loc u64[]");
	CHECK(f.size == 80);
	tracefs_format_free(&f);
}

static void test_tracefs_old_kernel(void)
{
	struct tp_format f;
	const struct tp_field *x;

	CHECK(parse(fmt_old, &f) == 0);
	CHECK(f.id == 57 && f.nfields == 11);
	/* Without "signed:" the type decides. */
	CHECK(tracefs_field(&f, "common_pid")->is_signed);
	CHECK(!tracefs_field(&f, "common_type")->is_signed);
	CHECK(tracefs_field(&f, "common_lock_depth")->is_common);
	CHECK(tracefs_field(&f, "prev_pid")->is_signed);
	CHECK(tracefs_field(&f, "prev_state")->is_signed);
	CHECK(!tracefs_field(&f, "flags")->is_signed);
	/* Symbolic array size: is_array, unknown length, trust size:. */
	x = tracefs_field(&f, "prev_comm");
	CHECK(x && x->is_array && x->array_len == 0 && x->size == 16 && x->offset == 12);
	CHECK_STR(x->type, "char[TASK_COMM_LEN]");
	x = tracefs_field(&f, "fmt");
	CHECK(x && x->size == 8 && !x->is_array);
	CHECK_STR(x->type, "const char *");
	x = tracefs_field(&f, "buf");
	CHECK(x && x->offset == 56 && x->size == 1024 && x->is_array);
	CHECK(f.size == 1080);
	tracefs_format_free(&f);
}

static void test_tracefs_odd_but_valid(void)
{
	/* header_page style "field: u64", CRLF, an unknown attribute, an
	 * unknown line, spaces around values, a [] array of size 0. */
	static const char text[] =
		"name: odd\r\n"
		"ID:  7 \r\n"
		"something new: whatever\n"
		"\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\r\n"
		"\tfield:int x;\toffset: 8 ;\tsize:4;\tsigned:1;\tnewattr:zzz;\n"
		"\tfield:u32 buf[];\toffset:12;\tsize:0;\tsigned:0;\n"
		"  field:unsigned char addr[6];  offset:12;  size:6;  signed:0;\n"
		"print fmt: \"%d\", REC->x\r\n";
	struct tp_format f;
	const struct tp_field *x;

	CHECK(parse(text, &f) == 0);
	CHECK_STR(f.event, "odd");
	CHECK(f.id == 7 && f.nfields == 4 && f.size == 18);
	CHECK(tracefs_field_offset(&f, "timestamp") == 0);
	x = tracefs_field(&f, "x");
	CHECK(x && x->offset == 8 && x->is_signed);
	x = tracefs_field(&f, "buf");
	CHECK(x && x->is_array && x->array_len == 0 && x->size == 0);
	CHECK_STR(x->type, "u32[]");
	x = tracefs_field(&f, "addr");
	CHECK(x && x->array_len == 6);
	CHECK_STR(x->type, "unsigned char[6]");
	CHECK_STR(f.print_fmt, "\"%d\", REC->x");
	tracefs_format_free(&f);

	/* No ID line, no print fmt. */
	CHECK(parse("\tfield:int a;\toffset:0;\tsize:4;\tsigned:1;", &f) == 0);
	CHECK(f.id == -1 && f.print_fmt == NULL && f.nfields == 1 && f.size == 4);
	tracefs_format_free(&f);
}

static void test_tracefs_long_type_is_cut(void)
{
	char text[512];
	struct tp_format f;
	const struct tp_field *x;

	snprintf(text, sizeof(text),
		 "field:struct %0120d *p;\toffset:0;\tsize:8;\tsigned:0;\n", 0);
	CHECK(parse(text, &f) == 0);
	x = tracefs_field(&f, "p");
	CHECK(x && strlen(x->type) == sizeof(x->type) - 1);
	CHECK(!strncmp(x->type, "struct 000", 10));
	tracefs_format_free(&f);
}

static void test_tracefs_malformed(void)
{
	static const struct {
		const char *text;
		int err;
	} cases[] = {
		{ "", -EINVAL },
		{ "name: x\nID: 1\nformat:\n\nprint fmt: \"\"\n", -EINVAL }, /* no fields */
		{ "field:int a;\toffset:0;\tsize:4;\tsig", -EINVAL },        /* truncated */
		{ "field:int a;\toffset:0;\tsi", -EINVAL },
		{ "field:int a", -EINVAL },
		{ "field:int a;\toffset:0;", -EINVAL },                   /* no size */
		{ "field:int a;\tsize:4;", -EINVAL },                     /* no offset */
		{ "field:int a;\toffset:;\tsize:4;", -EINVAL },
		{ "field:int a;\toffset:-1;\tsize:4;", -EINVAL },
		{ "field:int a;\toffset:0x10;\tsize:4;", -EINVAL },
		{ "field:int a;\toffset:99999999999999999999999;\tsize:4;", -ERANGE },
		{ "field:int a;\toffset:4294967295;\tsize:4;", -ERANGE },
		{ "field:int a;\toffset:1048575;\tsize:4;", -ERANGE },   /* sum too big */
		{ "field:int a;\toffset:0;\tsize:4;\tsigned:18446744073709551616;", -ERANGE },
		{ "field:a;\toffset:0;\tsize:4;", -EINVAL },               /* no type */
		{ "field:;\toffset:0;\tsize:4;", -EINVAL },
		{ "field:int ;\toffset:0;\tsize:4;", -EINVAL },
		{ "field:int a]; offset:0;\tsize:4;", -EINVAL },
		{ "field:int [4];\toffset:0;\tsize:4;", -EINVAL },
		{ "field\n", -EINVAL },
		{ "field junk\n", -EINVAL },
		{ "ID: 99999999999\nfield:int a;\toffset:0;\tsize:4;\n", -ERANGE },
		{ "ID: x\nfield:int a;\toffset:0;\tsize:4;\n", -EINVAL },
	};
	char name[80], text[160];
	struct tp_format f;
	size_t n;

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = parse(cases[i].text, &f);

		if (r != cases[i].err)
			printf("    case %zu: got %d want %d\n", i, r, cases[i].err);
		CHECK(r == cases[i].err);
		CHECK(f.fields == NULL && f.nfields == 0 && f.print_fmt == NULL);
	}
	CHECK(parse(NULL, &f) == -EINVAL);
	CHECK(parse("x", NULL) == -EINVAL);
	/* A 63-byte name still fits; 64 does not. */
	snprintf(text, sizeof(text), "field:int %.63s;\toffset:0;\tsize:4;\n", name);
	CHECK(parse(text, &f) == 0);
	n = strlen(f.fields[0].name);
	tracefs_format_free(&f);
	CHECK(n == 63);
	snprintf(text, sizeof(text), "field:int %.64s;\toffset:0;\tsize:4;\n", name);
	CHECK(parse(text, &f) == -ENAMETOOLONG);
	CHECK(tracefs_field(NULL, "a") == NULL);
	CHECK(tracefs_field_offset(NULL, "a") == -ENOENT);
}

/* Found by tests/fuzz/tracefs_format: blanks before the ';' that ends a
 * declaration without [N] made parse_decl copy ~250 bytes past the field
 * into the type (under ASan a heap-buffer-overflow; without it the type
 * became the rest of the file). The text is in an exact-size heap buffer
 * so that ASan sees any read past it. */
static void test_tracefs_blank_before_semicolon(void)
{
	static const char *const texts[] = {
		"name: x\nformat:\n\tfield:int x ;\toffset:0;\tsize:4;\tsigned:1;\n",
		"field:unsigned long \t x\t \t;\toffset:0;\tsize:8;",
		"field:char c[16] ;\toffset:0;\tsize:16;",
	};
	static const char *const types[] = { "int", "unsigned long", "char[16]" };
	static const char *const names[] = { "x", "x", "c" };
	struct tp_format f;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t n = strlen(texts[i]) + 1;
		char *buf = malloc(n);
		int r;

		CHECK(buf);
		memcpy(buf, texts[i], n);
		r = parse(buf, &f);
		free(buf);
		CHECK(r == 0 && f.nfields == 1);
		CHECK_STR(f.fields[0].name, names[i]);
		CHECK_STR(f.fields[0].type, types[i]);
		tracefs_format_free(&f);
	}
}

/* Every prefix of a real file must parse or fail cleanly (ASan watches). */
static void test_tracefs_every_truncation(void)
{
	size_t n = strlen(fmt_switch);
	char *buf = malloc(n + 1);
	struct tp_format f;
	int ok = 0;

	CHECK(buf);
	for (size_t i = 0; i <= n; i++) {
		int r;

		memcpy(buf, fmt_switch, i);
		buf[i] = '\0';
		r = parse(buf, &f);
		if (r == 0) {
			ok++;
			CHECK(f.nfields >= 1 && f.nfields <= 11);
			tracefs_format_free(&f);
		} else {
			CHECK(r == -EINVAL || r == -ERANGE);
		}
	}
	free(buf);
	CHECK(ok > 0);
}

static void test_tracefs_field_limit(void)
{
	size_t cap = (TRACEFS_MAX_FIELDS + 1) * 64;
	char *text = malloc(cap);
	struct tp_format f;
	size_t len = 0;

	CHECK(text);
	for (int i = 0; i < TRACEFS_MAX_FIELDS; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"field:int f%d;\toffset:%d;\tsize:4;\tsigned:1;\n", i, i * 4);
	CHECK(parse(text, &f) == 0);
	CHECK(f.nfields == TRACEFS_MAX_FIELDS);
	CHECK(tracefs_field_offset(&f, "f511") == 511 * 4);
	CHECK(f.size == TRACEFS_MAX_FIELDS * 4);
	tracefs_format_free(&f);
	snprintf(text + len, cap - len, "field:int one_more;\toffset:0;\tsize:4;\n");
	CHECK(parse(text, &f) == -E2BIG);
	free(text);
}

UNIT_SUITE(tracefs_format_tests) = {
	UNIT(test_tracefs_switch_6_18),
	UNIT(test_tracefs_wakeup_6_18),
	UNIT(test_tracefs_data_loc),
	UNIT(test_tracefs_u64_and_cast),
	UNIT(test_tracefs_rt_kernel),
	UNIT(test_tracefs_old_kernel),
	UNIT(test_tracefs_odd_but_valid),
	UNIT(test_tracefs_long_type_is_cut),
	UNIT(test_tracefs_malformed),
	UNIT(test_tracefs_blank_before_semicolon),
	UNIT(test_tracefs_every_truncation),
	UNIT(test_tracefs_field_limit),
	UNIT_END,
};
