/* schedtap top's user-space side: deltas, running slices, per-process
 * folding, CPU lists; and the prev_state decoding its program relies on. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tracefs/sched_state.h"
#include "cmd/proc_task.h"
#include "cmd/task_table.h"
#include "unit.h"

static struct top_task task(uint32_t tgid, uint64_t rt, uint64_t sw, uint64_t vol,
			    const char *comm)
{
	struct top_task t;

	memset(&t, 0, sizeof(t));
	t.tgid = tgid;
	t.runtime_ns = rt;
	t.switches = sw;
	t.voluntary = vol;
	t.involuntary = sw - vol;
	t.cpus = 0x5;
	t.prio = 120;
	strncpy(t.comm, comm, sizeof(t.comm) - 1);
	return t;
}

static const struct task_row *row_of(const struct task_row *r, int n, uint32_t id)
{
	for (int i = 0; i < n; i++)
		if (r[i].id == id)
			return &r[i];
	return NULL;
}

static void deltas_between_snapshots(void)
{
	struct task_table t;
	struct top_task a = task(10, 1000, 4, 3, "a"), b = task(10, 500, 2, 2, "b");
	struct task_row *rows;
	const struct task_row *r;
	int n;

	task_table_init(&t);
	t.proc = "/nonexistent";
	task_table_begin(&t);
	CHECK(task_table_update(&t, 11, &a) == 0);
	task_table_sort(&t);
	n = task_table_rows(&t, 0, 0, &rows);
	CHECK(n == 1 && rows[0].d.runtime_ns == 1000 && rows[0].d.switches == 4);
	free(rows);

	a.runtime_ns = 1600;
	a.switches = 6;
	a.voluntary = 4;
	a.involuntary = 2;
	task_table_begin(&t);
	task_table_update(&t, 11, &a);
	task_table_update(&t, 12, &b);
	task_table_sort(&t);
	/* 12 is on a CPU since 300 ns before the sample. */
	CHECK(task_table_add_runtime(&t, 12, 300) == 0);
	/* 13 has run since before its first switch-out: a row of its own. */
	CHECK(task_table_add_runtime(&t, 13, 100) == 0);
	n = task_table_rows(&t, 0, 0, &rows);
	CHECK(n == 3);
	r = row_of(rows, n, 11);
	CHECK(r && r->d.runtime_ns == 600 && r->d.switches == 2 && r->d.voluntary == 1 &&
	      r->d.involuntary == 1 && r->t.runtime_ns == 1600);
	r = row_of(rows, n, 12);
	CHECK(r && r->d.runtime_ns == 800 && r->t.runtime_ns == 800);
	r = row_of(rows, n, 13);
	CHECK(r && r->d.runtime_ns == 100 && r->d.switches == 0 && r->d.active);
	free(rows);
	task_table_free(&t);
}

/* Fewer switches than before: a new task reused the TID. */
static void reused_tid_counts_from_zero(void)
{
	struct task_table t;
	struct top_task a = task(1, 5000, 50, 50, "old"), b = task(1, 100, 1, 1, "new");
	struct task_row *rows;

	task_table_init(&t);
	task_table_begin(&t);
	task_table_update(&t, 7, &a);
	CHECK(task_table_rows(&t, 0, 0, &rows) == 1);
	free(rows);
	task_table_begin(&t);
	task_table_update(&t, 7, &b);
	CHECK(task_table_rows(&t, 0, 0, &rows) == 1);
	CHECK(rows[0].d.runtime_ns == 100 && rows[0].d.switches == 1);
	CHECK(!strcmp(rows[0].comm, "new"));
	free(rows);
	task_table_free(&t);
}

/* One sample: a thread at total runtime rt (in ms), shown over a 1000 ms
 * window; returns what is shown. */
static uint64_t shown_ms(struct task_table *t, uint64_t rt_ms, uint64_t *total_ms)
{
	struct top_task a = task(5, rt_ms * 1000000, 1, 0, "busy");
	struct task_row *rows;
	uint64_t ms = ~0ull;

	task_table_begin(t);
	task_table_update(t, 5, &a);
	if (task_table_rows(t, 0, 1000000000ull, &rows) == 1) {
		ms = rows[0].d.runtime_ns / 1000000;
		*total_ms = rows[0].t.runtime_ns / 1000000;
	}
	free(rows);
	return ms;
}

/* The kernel's accounting steps put time run before a sample after it:
 * an interval may count more than its length. Never shown: the excess
 * waits for the next interval, and totals are untouched. */
static void runtime_capped_at_window_and_carried(void)
{
	struct task_table t;
	uint64_t tot = 0;

	task_table_init(&t);
	t.proc = "/nonexistent";
	CHECK(shown_ms(&t, 1098, &tot) == 1000 && tot == 1098);
	CHECK(shown_ms(&t, 1098 + 989, &tot) == 1000 && tot == 2087);	/* 989 + 98 carried */
	CHECK(shown_ms(&t, 2087 + 900, &tot) == 987 && tot == 2987);	/* the rest, 87 */
	CHECK(shown_ms(&t, 2987 + 500, &tot) == 500);
	task_table_free(&t);
}

static void threads_fold_into_processes(void)
{
	struct task_table t;
	struct top_task main_thread = task(20, 100, 1, 1, "server"),
			worker = task(20, 300, 5, 2, "worker"), other = task(30, 7, 1, 1, "x");
	struct task_row *rows;
	const struct task_row *r;
	int n;

	task_table_init(&t);
	task_table_begin(&t);
	task_table_update(&t, 21, &worker);
	task_table_update(&t, 20, &main_thread);
	task_table_update(&t, 30, &other);
	n = task_table_rows(&t, 1, 0, &rows);
	CHECK(n == 2);
	r = row_of(rows, n, 20);
	CHECK(r && r->d.runtime_ns == 400 && r->d.switches == 6 && r->d.voluntary == 3);
	CHECK(r && !strcmp(r->comm, "server"));
	free(rows);
	task_table_free(&t);
}

static void cpu_lists(void)
{
	char b[64];

	task_cpu_list(0x0, 0, b, sizeof(b));
	CHECK_STR(b, "-");
	task_cpu_list(0x1, 0, b, sizeof(b));
	CHECK_STR(b, "0");
	task_cpu_list(0xf5, 0, b, sizeof(b));
	CHECK_STR(b, "0,2,4-7");
	task_cpu_list(1ull << 63 | 3, 1, b, sizeof(b));
	CHECK_STR(b, "0-1,63,+");
	task_cpu_list(~0ull, 0, b, 4);
	CHECK(strlen(b) == 3);
}

/* The 6.18 print fmt of sched_switch, as tracefs shows it. */
static const char fmt618[] =
	"\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s%s ==> next_comm=%s next_pid=%d next_prio=%d\", "
	"REC->prev_comm, REC->prev_pid, REC->prev_prio, (REC->prev_state & ((((0x00000000 | 0x00000001 | "
	"0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1)) ? "
	"__print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | "
	"0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) - 1), \"|\", { 0x00000001, \"S\" }, { 0x00000002, \"D\" }, "
	"{ 0x00000004, \"T\" }, { 0x00000008, \"t\" }, { 0x00000010, \"X\" }, { 0x00000020, \"Z\" }, "
	"{ 0x00000040, \"P\" }, { 0x00000080, \"I\" }) : \"R\", REC->prev_state & (((0x00000000 | 0x00000001 | "
	"0x00000002 | 0x00000004 | 0x00000008 | 0x00000010 | 0x00000020 | 0x00000040) + 1) << 1) ? \"+\" : \"\", "
	"REC->next_comm, REC->next_pid, REC->next_prio";

static void prev_state_from_print_fmt(void)
{
	struct tp_format fmt = { .print_fmt = (char *)fmt618 };
	struct sched_state st;
	char b[16];

	CHECK(sched_state_decode(&fmt, &st) == 0);
	CHECK(st.preempt_bit == 0x100);
	CHECK(st.sleep_mask == 0xff);
	CHECK(sched_state_runnable(&st, 0));
	CHECK(sched_state_runnable(&st, 0x100));
	CHECK(!sched_state_runnable(&st, 0x1));
	CHECK(!sched_state_runnable(&st, 0x2));
	CHECK(!sched_state_runnable(&st, 0x80));
	sched_state_name(&st, 0x100, b, sizeof(b));
	CHECK_STR(b, "R+");
	sched_state_name(&st, 0, b, sizeof(b));
	CHECK_STR(b, "R");
	sched_state_name(&st, 0x1, b, sizeof(b));
	CHECK_STR(b, "S");
	sched_state_name(&st, 0x82, b, sizeof(b));
	CHECK_STR(b, "D|I");
}

/* No print fmt we understand: everything but 0 counts as asleep. */
static void prev_state_fallback(void)
{
	struct tp_format fmt = { .print_fmt = (char *)"\"%d\", REC->prev_state" };
	struct sched_state st;
	char b[16];

	CHECK(sched_state_decode(&fmt, &st) < 0);
	CHECK(sched_state_runnable(&st, 0));
	CHECK(!sched_state_runnable(&st, 2));
	sched_state_name(&st, 2, b, sizeof(b));
	CHECK_STR(b, "2");
}

static int put(const char *dir, const char *name, const char *text)
{
	char p[128];
	FILE *f;
	int err;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f)
		return -1;
	err = fputs(text, f) < 0;
	return fclose(f) || err ? -1 : 0;
}

/* Names and thread groups from a /proc of our own making, and from the
 * real one against what the kernel says of this process. */
static void proc_task_names_and_groups(void)
{
	char dir[] = "/tmp/schedtap-proc-XXXXXX", p[128], comm[17] = "?", self[17] = "";
	uint32_t tgid = 7;
	int ok = 1;

	CHECK(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/5", dir);
	ok &= mkdir(p, 0755) == 0;
	ok &= put(p, "comm", "kworker/u8:2-events_unbound\n") == 0;
	ok &= put(p, "status", "Name:\tkworker\nUmask:\t0022\nTgid:\t42\nPid:\t5\n") == 0;
	snprintf(p, sizeof(p), "%s/6", dir);
	ok &= mkdir(p, 0755) == 0;
	ok &= put(p, "status", "Name:\tx\n") == 0;
	CHECK(ok);

	CHECK(proc_task_comm(dir, 5, comm, sizeof(comm)) == 0);
	CHECK_STR(comm, "kworker/u8:2-eve");
	CHECK(proc_task_tgid(dir, 5, &tgid) == 0 && tgid == 42);
	/* Gone or without the line: the outputs stay as they were. */
	tgid = 7;
	CHECK(proc_task_tgid(dir, 6, &tgid) == -ENOENT && tgid == 7);
	CHECK(proc_task_comm(dir, 6, comm, sizeof(comm)) == -ENOENT);
	CHECK(proc_task_tgid(dir, 8, &tgid) == -ENOENT && tgid == 7);
	CHECK_STR(comm, "kworker/u8:2-eve");

	CHECK(proc_task_tgid("/proc", (uint32_t)gettid(), &tgid) == 0);
	CHECK(tgid == (uint32_t)getpid());
	CHECK(prctl(PR_GET_NAME, self) == 0);
	CHECK(proc_task_comm("/proc", (uint32_t)getpid(), comm, sizeof(comm)) == 0);
	CHECK_STR(comm, self);

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
}

/* /proc/PID/sched and schedstat, as loadtrack reads them: each way a
 * value can be wrong is refused, never read as a number. */
static void proc_sched_values(void)
{
	static const char text[] =
		"sh (42, #threads: 1)\n"
		"-------------------------------------------------------------------\n"
		"se.exec_start                                :       1234567.890123\n"
		"se.avg.util_avg                              :                  393\n"
		"se.avg.util_avg_x                            :                    7\n"
		"se.avg.util_est                              :                  -12\n"
		"se.avg.load_avg                              :                 12x\n"
		"nr_switches                                  : 99999999999999999999\n"
		"policy                                       :                    0";
	unsigned long long ns = 5;
	long long v = 5;

	CHECK(proc_sched_value(text, "se.avg.util_avg", &v) == 0 && v == 393);
	CHECK(proc_sched_value(text, "se.avg.util_est", &v) == 0 && v == -12);
	CHECK(proc_sched_value(text, "policy", &v) == 0 && v == 0);
	v = 5;
	CHECK(proc_sched_value(text, "se.avg", &v) == -ENOENT && v == 5);
	CHECK(proc_sched_value(text, "se.avg.runnable_avg", &v) == -ENOENT);
	CHECK(proc_sched_value(text, "se.exec_start", &v) == -EINVAL);
	CHECK(proc_sched_value(text, "se.avg.load_avg", &v) == -EINVAL);
	CHECK(proc_sched_value(text, "nr_switches", &v) == -EINVAL && v == 5);
	CHECK(proc_sched_value("", "x", &v) == -ENOENT);
	CHECK(proc_sched_value("x :", "x", &v) == -EINVAL);

	CHECK(proc_schedstat_runtime("600164212 1093 163\n", &ns) == 0 && ns == 600164212);
	CHECK(proc_schedstat_runtime("-1 2 3\n", &ns) == -EINVAL && ns == 600164212);
	CHECK(proc_schedstat_runtime("", &ns) == -EINVAL);
	CHECK(proc_schedstat_runtime("12a 1 1", &ns) == -EINVAL);
	CHECK(proc_schedstat_runtime("99999999999999999999999 1 1", &ns) == -EINVAL);
	CHECK(proc_task_runtime("/proc", (uint32_t)getpid(), &ns) == 0 && ns > 0);
	CHECK(proc_task_sched("/proc", (uint32_t)getpid(), "se.avg.util_avg", &v) == 0);
}

UNIT_SUITE(top_tests) = {
	UNIT(proc_sched_values),
	UNIT(deltas_between_snapshots),
	UNIT(reused_tid_counts_from_zero),
	UNIT(runtime_capped_at_window_and_carried),
	UNIT(threads_fold_into_processes),
	UNIT(cpu_lists),
	UNIT(prev_state_from_print_fmt),
	UNIT(prev_state_fallback),
	UNIT(proc_task_names_and_groups),
	UNIT_END,
};
