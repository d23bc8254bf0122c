/* Event readers against the running kernel: a socket filter run with
 * BPF_PROG_TEST_RUN writes numbered records (a sequence number taken with
 * an atomic fetch-add, then a byte pattern) through bpf_ringbuf_output or
 * bpf_perf_event_output, and the readers must hand back every record once,
 * in order, with the right size and bytes, across many wrap-arounds.
 * Corruption the kernel never produces is checked on rings laid out in
 * our own memory. This file is the producer, the consumer that checks
 * what arrives, and the list of checks; the checks are in the files that
 * itest_readers.h names. */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <linux/perf_event.h>
#include "kernel/bpf_sys.h"
#include "core/cpus.h"
#include "kernel/loader.h"
#include "itest_readers.h"

static int *fails;

void reader_result(int ok, const char *name, const char *why)
{
	printf("%s verifier/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
	       ok ? "" : why);
	fflush(stdout);
	*fails += !ok;
}

#define SRC_SIZE 4096	/* the record source: a map value */

uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 131u + 7u);
}

static uint32_t perf_padded(uint32_t n)
{
	/* The kernel pads u32 size + data to 8 bytes. */
	return ((n + 4 + 7) & ~7u) - 4;
}

/* --- The producer -------------------------------------------------------- */

static int fd_of(void *ctx, const char *name)
{
	const struct fixture *f = ctx;

	if (!strcmp(name, "state"))
		return f->state;
	if (!strcmp(name, "src"))
		return f->src;
	if (!strcmp(name, "out"))
		return f->out;
	return -ENOENT;
}

/* state[0] = { u64 next sequence number, u64 failed outputs, s64 what the
 * last output returned }. */
static void emit_producer(struct asm_prog *p, const struct fixture *f)
{
	char next[32];

	asm_mov64_reg(p, R6, R1);
	asm_comment(p, "r7 = &state: seq at +0, failed outputs at +8");
	asm_st(p, BPF_W, FP, -4, 0);
	asm_mov64_reg(p, R2, FP);
	asm_add64_imm(p, R2, -4);
	asm_ld_map_fd(p, R1, "state");
	asm_call(p, BPF_FUNC_map_lookup_elem);
	asm_jeq_imm(p, R0, 0, "out");
	asm_mov64_reg(p, R7, R0);
	asm_comment(p, "r8 = seq++ (atomic fetch-add)");
	asm_mov64_imm(p, R1, 1);
	asm_atomic(p, BPF_DW, BPF_ADD | BPF_FETCH, R7, R1, 0);
	asm_mov64_reg(p, R8, R1);
	asm_comment(p, "r9 = &src, the record: seq, then the pattern");
	asm_mov64_reg(p, R2, FP);
	asm_add64_imm(p, R2, -4);
	asm_ld_map_fd(p, R1, "src");
	asm_call(p, BPF_FUNC_map_lookup_elem);
	asm_jeq_imm(p, R0, 0, "out");
	asm_mov64_reg(p, R9, R0);
	asm_stx(p, BPF_DW, R9, R8, 0);
	asm_mov64_reg(p, R1, R8);
	asm_alu_imm(p, BPF_ALU64, BPF_MOD, R1, f->nsizes);
	for (int i = 0; i < f->nsizes; i++) {
		snprintf(next, sizeof(next), "size%d", i + 1);
		asm_comment(p, "seq %% %d == %d: %u bytes", f->nsizes, i, f->sizes[i]);
		asm_jne_imm(p, R1, i, next);
		if (f->perf) {
			asm_mov64_reg(p, R1, R6);
			asm_ld_map_fd(p, R2, "out");
			asm_ld_imm64(p, R3, BPF_F_CURRENT_CPU);
			asm_mov64_reg(p, R4, R9);
			asm_mov64_imm(p, R5, (int32_t)f->sizes[i]);
			asm_call(p, BPF_FUNC_perf_event_output);
		} else {
			asm_ld_map_fd(p, R1, "out");
			asm_mov64_reg(p, R2, R9);
			asm_mov64_imm(p, R3, (int32_t)f->sizes[i]);
			asm_mov64_imm(p, R4, f->rb_flags);
			asm_call(p, BPF_FUNC_ringbuf_output);
		}
		asm_ja(p, "sent");
		asm_label(p, next);
	}
	asm_return(p, 0);	/* seq % n >= n: unreachable */
	asm_label(p, "sent");
	asm_stx(p, BPF_DW, R7, R0, 16);
	asm_jeq_imm(p, R0, 0, "out");
	asm_comment(p, "output failed (ring full, no event): count it");
	asm_mov64_imm(p, R1, 1);
	asm_atomic(p, BPF_DW, BPF_ADD, R7, R1, 8);
	asm_label(p, "out");
	asm_return(p, 0);
}

void fixture_close(struct fixture *f)
{
	int *fds[] = { &f->prog, &f->out, &f->src, &f->state };

	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* out_entries: ring bytes for the ring buffer, CPU slots for perf. */
int fixture_open_flags(struct fixture *f, int perf, uint32_t out_entries,
		       const uint32_t *sizes, int nsizes, int rb_flags)
{
	static unsigned char src[SRC_SIZE];
	struct asm_prog p;
	uint32_t key = 0;
	int err;

	memset(f, 0, sizeof(*f));
	f->state = f->src = f->out = f->prog = -1;
	f->perf = perf;
	f->sizes = sizes;
	f->nsizes = nsizes;
	f->rb_flags = rb_flags;
	for (uint32_t i = 0; i < SRC_SIZE; i++)
		src[i] = pattern(i);
	f->state = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tap_rd_state", 4, 24, 1, 0);
	f->src = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tap_rd_src", 4, SRC_SIZE, 1, 0);
	f->out = perf ? bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "tap_rd_out", 4, 4,
				       out_entries, 0)
		      : bpf_map_create(BPF_MAP_TYPE_RINGBUF, "tap_rd_out", 0, 0, out_entries, 0);
	err = f->state < 0 ? f->state : f->src < 0 ? f->src : f->out < 0 ? f->out : 0;
	if (!err)
		err = bpf_map_update(f->src, &key, src, BPF_ANY);
	if (err)
		goto fail;
	asm_init(&p);
	emit_producer(&p, f);
	err = asm_finalize(&p);
	if (!err)
		err = asm_bind_maps(&p, fd_of, f);
	if (!err) {
		f->prog = tap_prog_load(perf ? "tap_rd_perf" : "tap_rd_ring", &p,
					BPF_PROG_TYPE_SOCKET_FILTER);
		err = f->prog < 0 ? f->prog : 0;
	}
	asm_free(&p);
	if (!err)
		return 0;
fail:
	fixture_close(f);
	return err;
}

int fixture_open(struct fixture *f, int perf, uint32_t out_entries,
		 const uint32_t *sizes, int nsizes)
{
	return fixture_open_flags(f, perf, out_entries, sizes, nsizes, 0);
}

/* Run the producer n times: n records (or n failed outputs). */
int produce(const struct fixture *f, uint32_t n)
{
	unsigned char pkt[64] = { 0 }, back[64];
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)f->prog;
	a.test.data_in = (uint64_t)(uintptr_t)pkt;
	a.test.data_size_in = sizeof(pkt);
	/* Not needed by the kernel; valgrind's bpf wrapper insists. */
	a.test.data_out = (uint64_t)(uintptr_t)back;
	a.test.data_size_out = sizeof(back);
	a.test.repeat = n;
	return sys_bpf(BPF_PROG_TEST_RUN, &a, sizeof(a));
}

int producer_state(const struct fixture *f, uint64_t *seq, uint64_t *failed,
		   int64_t *last)
{
	uint64_t v[3] = { 0, 0, 0 };
	uint32_t key = 0;
	int err = bpf_map_lookup(f->state, &key, v);

	*seq = v[0];
	*failed = v[1];
	if (last)
		*last = (int64_t)v[2];
	return err;
}

int producer_counts(const struct fixture *f, uint64_t *seq, uint64_t *failed)
{
	return producer_state(f, seq, failed, NULL);
}

/* Bytes a record of n data bytes takes in the ring. */
uint32_t ring_bytes(const struct fixture *f, uint32_t n)
{
	return f->perf ? (uint32_t)sizeof(struct perf_event_header) + 4 + perf_padded(n)
		       : ((n + 8 + 7) & ~7u);
}

/* The largest whole number of size cycles that fits in cap bytes. */
uint32_t batch_for(const struct fixture *f, uint32_t cap)
{
	uint32_t cycle = 0;

	for (int i = 0; i < f->nsizes; i++)
		cycle += ring_bytes(f, f->sizes[i]);
	return (cap - 64) / cycle * (uint32_t)f->nsizes;
}

/* --- The consumer -------------------------------------------------------- */

void check_init(struct check *c, const struct fixture *f, int strict)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->strict = strict;
}

int on_record(void *ctx, const void *data, uint32_t size)
{
	struct check *c = ctx;
	const unsigned char *d = data;
	uint32_t n, want;
	uint64_t seq = 0;

	if (size >= 8)
		memcpy(&seq, d, 8);
	n = c->f->sizes[seq % (uint64_t)c->f->nsizes];
	want = c->f->perf ? perf_padded(n) : n;
	if (c->why[0]) {
		/* keep the first failure */
	} else if (size != want) {
		snprintf(c->why, sizeof(c->why), "record %llu: size %u, want %u",
			 (unsigned long long)seq, size, want);
	} else if (seq < c->next || (c->strict && seq != c->next)) {
		snprintf(c->why, sizeof(c->why), "record %llu arrived, expected %llu",
			 (unsigned long long)seq, (unsigned long long)c->next);
	} else {
		/* Past n: the perf padding, whatever the ring held before
		 * (the kernel skips it, it does not zero it). */
		for (uint32_t i = 8; i < n; i++) {
			if (d[i] != pattern(i)) {
				snprintf(c->why, sizeof(c->why),
					 "record %llu (%u bytes): byte %u is %u, want %u",
					 (unsigned long long)seq, size, i, d[i], pattern(i));
				break;
			}
		}
	}
	c->gaps += seq > c->next ? seq - c->next : 0;
	c->next = seq + 1;
	c->got++;
	if (c->stop_at && c->got == c->stop_at)
		return -ECANCELED;
	return 0;
}

/* --- Helpers --------------------------------------------------------------- */

int cpu_lists(int *possible, int *npossible, int *online, int *nonline)
{
	*npossible = cpus_possible(possible, 1024);
	*nonline = cpus_online(online, 1024);
	return *npossible > 0 && *nonline > 0 ? 0 : -ENODEV;
}

int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

int open_reader(struct event_reader **r, const struct fixture *f,
		uint32_t ring, const int *cpus, int ncpus, int pages)
{
	return f->perf ? event_reader_perfbuf(r, f->out, cpus, ncpus, pages)
		       : event_reader_ringbuf(r, f->out, ring);
}

int reader_readable(const struct event_reader *r, int timeout_ms)
{
	struct pollfd pfd = { .fd = event_reader_fd(r), .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) > 0;
}

void itest_readers(int *failures)
{
	/* 24-byte ring buffer records and 40-byte perf records: neither
	 * divides the ring, so records straddle its end. */
	static const uint32_t rb_fixed[] = { 16 }, perf_fixed[] = { 24 };
	static const uint32_t odd[] = { 13, 100, 4000 };

	fails = failures;
	check_stream("ringbuf_reader_in_order_wrapping", 0, rb_fixed, 1, 64, 1);
	check_stream("ringbuf_reader_odd_sizes_wrapping", 0, odd, 3, 300, 0);
	check_stream("perfbuf_reader_in_order_wrapping", 1, perf_fixed, 1, 64, 1);
	check_stream("perfbuf_reader_odd_sizes_wrapping", 1, odd, 3, 300, 0);
	check_overflow("ringbuf_reader_overflow_counted_by_program", 0);
	check_overflow("perfbuf_reader_overflow_reported_lost", 1);
	check_callback_stop("ringbuf_reader_callback_stops_and_resumes", 0);
	check_callback_stop("perfbuf_reader_callback_stops_and_resumes", 1);
	check_drain_until_empty("ringbuf_reader_drain_takes_late_records", 0);
	check_drain_until_empty("perfbuf_reader_drain_takes_late_records", 1);
	check_poll_timeout("ringbuf_reader_poll_times_out_empty", 0);
	check_poll_timeout("perfbuf_reader_poll_times_out_empty", 1);
	check_poll_wakes("ringbuf_reader_poll_wakes_on_data", 0, 0);
	check_poll_wakes("ringbuf_reader_poll_finds_unwoken_records", 0, BPF_RB_NO_WAKEUP);
	check_poll_wakes("perfbuf_reader_poll_wakes_on_data", 1, 0);
	check_wakeup_policy("perfbuf_reader_wakeup_policy");
	check_poll_signal("ringbuf_reader_poll_wakes_on_signal", 0);
	check_poll_signal("perfbuf_reader_poll_wakes_on_signal", 1);
	check_free_clears_slots("perfbuf_reader_free_clears_map_slots");
	check_bad_arguments("event_reader_rejects_bad_arguments");
	check_ringbuf_in_memory("ringbuf_reader_busy_discard_wrap_corrupt");
	check_perfbuf_in_memory("perfbuf_reader_wrap_lost_corrupt");
}
