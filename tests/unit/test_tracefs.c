/* Unit tests for src/tracefs.c: format files captured from a 6.18 kernel,
 * variants reconstructed from older and PREEMPT_RT kernels' sources, and
 * malformed input. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracefs/tracefs.h"
#include "unit.h"

/* Captured verbatim from /sys/kernel/tracing/events/sched/ on 6.18. */
static const char fmt_switch[] =
	"name: sched_switch\n"
	"ID: 372\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prev_prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;\n"
	"\tfield:char next_comm[16];\toffset:40;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t next_pid;\toffset:56;\tsize:4;\tsigned:1;\n"
	"\tfield:int next_prio;\toffset:60;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s "
	"next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, "
	"(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | "
	"0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? __print_flags(REC->prev_state "
	"& ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | "
	"0x00000020 | 0x00000040) + 1) << 1) - 1), \"|\", { 0x00000001, \"S\" }, { 0x00000002, "
	"\"D\" }, { 0x00000004, \"T\" }, { 0x00000008, \"t\" }, { 0x00000010, \"X\" }, { "
	"0x00000020, \"Z\" }, { 0x00000040, \"P\" }, { 0x00000080, \"I\" }) : \"R\", "
	"REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | "
	"0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? \"+\" : \"\", REC->next_comm, "
	"REC->next_pid, REC->next_prio\n"
	;

static const char fmt_wakeup[] =
	"name: sched_wakeup\n"
	"ID: 374\n"
	"format:\n"
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
	"\n"
	"\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:0;\n"
	"\tfield:pid_t pid;\toffset:24;\tsize:4;\tsigned:1;\n"
	"\tfield:int prio;\toffset:28;\tsize:4;\tsigned:1;\n"
	"\tfield:int target_cpu;\toffset:32;\tsize:4;\tsigned:1;\n"
	"\n"
	"print fmt: \"comm=%s pid=%d prio=%d target_cpu=%03d\", REC->comm, REC->pid, REC->prio, "
	"REC->target_cpu\n"
	;

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

/* ---- mountinfo ---------------------------------------------------- */

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

/* ---- load from a directory tree ------------------------------------ */

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

	CHECK(parse(fmt_switch, &f) == 0);
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

	CHECK(parse(fmt_switch, &f) == 0);
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

UNIT_SUITE(tracefs_tests) = {
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
	UNIT(test_mountinfo_typical),
	UNIT(test_mountinfo_escapes),
	UNIT(test_mountinfo_debugfs_only),
	UNIT(test_mountinfo_tracefs_wins),
	UNIT(test_mountinfo_none),
	UNIT(test_mountinfo_small_buffer),
	UNIT(test_tracefs_load),
	UNIT(test_tracefs_live),
	UNIT(test_eval_const),
	UNIT(test_print_flags_6_18),
	UNIT(test_print_flags_4_14),
	UNIT(test_print_flags_4_x_and_3_x),
	UNIT(test_print_flags_no_marker),
	UNIT(test_print_flags_marker_forms),
	UNIT(test_print_flags_other_events),
	UNIT(test_print_flags_malformed),
	UNIT(test_print_flags_fuzz),
	UNIT(test_tracefs_find_live),
	UNIT_END,
};
