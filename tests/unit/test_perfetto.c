/* Unit tests for src/perfetto/pb.c and src/report/sched_stats.c: varints
 * and tags byte for byte as protobuf's encoding guide gives them, nested
 * lengths patched across the one-byte boundary, a full buffer refused
 * whole; the report's statistics on records whose answers are known
 * (run-queue waits from wakeup and from preemption, CPU time, the
 * timeline's columns) and its table of waiting tasks against a plain
 * array through 200000 random wakeups and runs. */
#include <stdlib.h>
#include <string.h>
#include "perfetto/pb.h"
#include "report/sched_stats.h"
#include "unit.h"

static void pb_encodes_as_protobuf(void)
{
	uint8_t buf[600];
	struct pb b;

	pb_init(&b, buf, sizeof(buf));
	pb_uint(&b, 1, 150); /* the encoding guide's example: 08 96 01 */
	CHECK(b.len == 3 && buf[0] == 0x08 && buf[1] == 0x96 && buf[2] == 0x01);
	pb_init(&b, buf, sizeof(buf));
	pb_str(&b, 2, "testing", 16); /* 12 07 74 65 73 74 69 6e 67 */
	CHECK(b.len == 9 && buf[0] == 0x12 && buf[1] == 7 && !memcmp(buf + 2, "testing", 7));
	pb_init(&b, buf, sizeof(buf));
	pb_int(&b, 3, -1); /* negative int32: ten bytes */
	CHECK(b.len == 11 && buf[0] == 0x18 && buf[10] == 0x01 && buf[9] == 0xff);
	pb_init(&b, buf, sizeof(buf));
	pb_uint(&b, 45, 1); /* a tag past 15 takes two bytes */
	CHECK(b.len == 3 && buf[0] == 0xe8 && buf[1] == 0x02);
	pb_init(&b, buf, sizeof(buf));
	pb_double(&b, 44, 1.0);
	CHECK(b.len == 10 && buf[0] == 0xe1 && buf[1] == 0x02 && buf[9] == 0x3f && buf[8] == 0xf0);
}

static void pb_patches_lengths(void)
{
	uint8_t buf[600];
	struct pb b;
	size_t outer, inner, m;
	char text[200];

	memset(text, 'x', sizeof(text));
	pb_init(&b, buf, sizeof(buf));
	outer = pb_open(&b, 1);
	inner = pb_open(&b, 2);
	pb_str(&b, 3, text, sizeof(text)); /* 203 bytes: a two-byte length */
	pb_close(&b, inner);
	pb_uint(&b, 4, 7);
	pb_close(&b, outer);
	/* 0a [len 208: d0 01] 12 [len 203: cb 01] 1a [200: c8 01] x... 20 07 */
	CHECK(b.len == 3 + 3 + 3 + 200 + 2);
	CHECK(buf[0] == 0x0a && buf[1] == 0xd0 && buf[2] == 0x01);
	CHECK(buf[3] == 0x12 && buf[4] == 0xcb && buf[5] == 0x01);
	CHECK(buf[6] == 0x1a && buf[7] == 0xc8 && buf[8] == 0x01 && buf[9] == 'x');
	CHECK(buf[209] == 0x20 && buf[210] == 0x07);
	/* Too small: full, and nothing past the buffer. */
	pb_init(&b, buf, 20);
	m = pb_open(&b, 1);
	pb_str(&b, 2, text, sizeof(text));
	pb_close(&b, m);
	CHECK(b.full && b.len <= 20);
}

static struct trace_rec rec(uint32_t kind, uint64_t ts, uint32_t cpu, int pid, int pid2)
{
	struct trace_rec r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.ts_ns = ts;
	r.cpu = cpu;
	r.pid = pid;
	r.pid2 = pid2;
	snprintf(r.comm, sizeof(r.comm), "t%d", pid);
	snprintf(r.comm2, sizeof(r.comm2), "t%d", pid2);
	return r;
}

static void stats_count_waits_and_time(void)
{
	static struct sched_stats s;
	struct sched_state st = { .sleep_mask = 0x7f, .preempt_bit = 0x100, .decoded = 1 };
	struct trace_rec r;
	const struct ss_task *t;

	/* A 10-ms window, CPU 1: idle, then 100 runs 3 ms after a wakeup
	 * 50 us long; it is preempted by 200 and waits 2 ms to run again. */
	ss_init(&s, 1000000, 11000000, &st);
	r = rec(TRACE_WAKEUP, 1000000, 1, 100, 0);
	ss_add(&s, &r);
	r = rec(TRACE_SWITCH, 1050000, 1, 0, 100);
	ss_add(&s, &r);
	r = rec(TRACE_SWITCH, 4050000, 1, 100, 200);
	r.runtime_ns = 3000000;
	r.state = 0; /* R: preempted */
	ss_add(&s, &r);
	r = rec(TRACE_SWITCH, 6050000, 1, 200, 100);
	r.runtime_ns = 2000000;
	r.state = 1; /* S */
	ss_add(&s, &r);
	CHECK(s.switches == 3 && s.max_cpu == 1);
	CHECK((t = ss_task_of(&s, 100)) && t->waits == 2 && t->wait_ns == 2050000);
	CHECK(t->wait_max_ns == 2000000 && t->wait_max_at == 6050000 && t->cpu_ns == 3000000);
	CHECK(t->involuntary == 1 && t->switches == 1);
	/* 50 us in bucket 5 (32-63 us), 2000 us in bucket 10 (1024-2047). */
	CHECK(s.hist[5] == 1 && s.hist[10] == 1 && s.cpu_hist[1][10] == 1);
	/* Columns: 100 in [1.05, 4.05) ms, 200 after it. */
	CHECK(ss_column_pid(&s.cols[1][(unsigned)(SS_COLUMNS * 0.2)]) == 100);
	CHECK(ss_column_pid(&s.cols[1][(unsigned)(SS_COLUMNS * 0.4)]) == 200);
	CHECK(ss_column_pid(&s.cols[1][(unsigned)(SS_COLUMNS * 0.9)]) == 0);
}

/* The wait table against a plain array: every run finds the first
 * wakeup before it, however removals moved the entries around: ten
 * neighbouring home slots shared by 30 pids each make one run of up to
 * 300 entries with every home in it. */
static void stats_wait_table_matches_array(void)
{
	static struct sched_stats s;
	static uint64_t waiting[300], sum[300], count[300];
	/* Home slots 31153 to 31162 (hash_pid's multiplier's inverse mod
	 * 2^16 is 12113), each shared by 30 pids. */
	static const int base[10] = { 1,     12114, 24227, 36340, 48453,
				      60566, 7143,  19256, 31369, 43482 };
	struct sched_state st = { .sleep_mask = 0x7f, .decoded = 1 };
	uint64_t state = 12345, ts = 1;
	int bad = 0;

	ss_init(&s, 0, ~0ull >> 1, &st);
	for (int i = 0; i < 200000; i++) {
		state = state * 6364136223846793005ull + 1442695040888963407ull;
		int idx = (int)((state >> 33) % 300);
		int pid = base[idx % 10] + (idx / 10) * 65536;
		struct trace_rec r;

		ts += 1000;
		if (state >> 63) {
			if (!waiting[idx])
				waiting[idx] = ts;
			r = rec(TRACE_WAKEUP, ts, 0, pid, 0);
		} else {
			if (waiting[idx]) {
				sum[idx] += ts - waiting[idx];
				count[idx]++;
				waiting[idx] = 0;
			}
			r = rec(TRACE_SWITCH, ts, 0, 0, pid);
		}
		ss_add(&s, &r);
	}
	for (int idx = 0; idx < 300; idx++) {
		const struct ss_task *t = ss_task_of(&s, base[idx % 10] + (idx / 10) * 65536);

		bad += count[idx] ? !t || t->waits != count[idx] || t->wait_ns != sum[idx] :
				    t && t->waits;
	}
	CHECK(bad == 0 && s.lost_waits == 0);
}

UNIT_SUITE(perfetto_tests) = {
	UNIT(pb_encodes_as_protobuf),
	UNIT(pb_patches_lengths),
	UNIT(stats_count_waits_and_time),
	UNIT(stats_wait_table_matches_array),
	UNIT_END,
};
