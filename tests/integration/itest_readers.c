/* Event readers against the running kernel: a socket filter run with
 * BPF_PROG_TEST_RUN writes numbered records (a sequence number taken with
 * an atomic fetch-add, then a byte pattern) through bpf_ringbuf_output or
 * bpf_perf_event_output, and the readers must hand back every record once,
 * in order, with the right size and bytes, across many wrap-arounds.
 * Corruption the kernel never produces is checked on rings laid out in
 * our own memory. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include "kernel/bpf_sys.h"
#include "core/cpus.h"
#include "kernel/event_reader.h"
#include "kernel/loader.h"
#include "core/sig.h"

void itest_readers(int *failures);

static int *fails;

static void result(int ok, const char *name, const char *why)
{
	printf("%s verifier/%s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ",
	       ok ? "" : why);
	fflush(stdout);
	*fails += !ok;
}

#define SRC_SIZE 4096	/* the record source: a map value */

static uint8_t pattern(uint32_t i)
{
	return (uint8_t)(i * 131u + 7u);
}

static uint32_t perf_padded(uint32_t n)
{
	/* The kernel pads u32 size + data to 8 bytes. */
	return ((n + 4 + 7) & ~7u) - 4;
}

/* --- The producer -------------------------------------------------------- */

struct fixture {
	int perf;		/* perf buffer, else ring buffer */
	int state, src, out;	/* map fds */
	int prog;
	const uint32_t *sizes;	/* record k has sizes[k % nsizes] bytes */
	int nsizes;
	int rb_flags;		/* bpf_ringbuf_output flags */
};

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

static void fixture_close(struct fixture *f)
{
	int *fds[] = { &f->prog, &f->out, &f->src, &f->state };

	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* out_entries: ring bytes for the ring buffer, CPU slots for perf. */
static int fixture_open_flags(struct fixture *f, int perf, uint32_t out_entries,
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

static int fixture_open(struct fixture *f, int perf, uint32_t out_entries,
			const uint32_t *sizes, int nsizes)
{
	return fixture_open_flags(f, perf, out_entries, sizes, nsizes, 0);
}

/* Run the producer n times: n records (or n failed outputs). */
static int produce(const struct fixture *f, uint32_t n)
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

static int producer_state(const struct fixture *f, uint64_t *seq, uint64_t *failed,
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

static int producer_counts(const struct fixture *f, uint64_t *seq, uint64_t *failed)
{
	return producer_state(f, seq, failed, NULL);
}

/* Bytes a record of n data bytes takes in the ring. */
static uint32_t ring_bytes(const struct fixture *f, uint32_t n)
{
	return f->perf ? (uint32_t)sizeof(struct perf_event_header) + 4 + perf_padded(n)
		       : ((n + 8 + 7) & ~7u);
}

/* The largest whole number of size cycles that fits in cap bytes. */
static uint32_t batch_for(const struct fixture *f, uint32_t cap)
{
	uint32_t cycle = 0;

	for (int i = 0; i < f->nsizes; i++)
		cycle += ring_bytes(f, f->sizes[i]);
	return (cap - 64) / cycle * (uint32_t)f->nsizes;
}

/* --- The consumer -------------------------------------------------------- */

struct check {
	const struct fixture *f;
	uint64_t next;		/* the sequence number expected next */
	uint64_t got;
	uint64_t gaps;		/* records skipped (allowed when !strict) */
	int strict;
	uint64_t stop_at;	/* return -ECANCELED after this many (0: never) */
	char why[200];
};

static void check_init(struct check *c, const struct fixture *f, int strict)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->strict = strict;
}

static int on_record(void *ctx, const void *data, uint32_t size)
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

static int cpu_lists(int *possible, int *npossible, int *online, int *nonline)
{
	*npossible = cpus_possible(possible, 1024);
	*nonline = cpus_online(online, 1024);
	return *npossible > 0 && *nonline > 0 ? 0 : -ENODEV;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static int open_reader(struct event_reader **r, const struct fixture *f,
		       uint32_t ring, const int *cpus, int ncpus, int pages)
{
	return f->perf ? event_reader_perfbuf(r, f->out, cpus, ncpus, pages)
		       : event_reader_ringbuf(r, f->out, ring);
}

/* --- Streams through the kernel ------------------------------------------- */

/* Batches that each fit the ring, drained after each (by poll or drain),
 * pinned to online CPUs in turn so every per-CPU perf ring carries some.
 * Counts how many records straddled the end of a ring. */
static void check_stream(const char *name, int perf, const uint32_t *sizes,
			 int nsizes, int batches, int use_poll)
{
	int possible[1024], online[1024], np, no, pages = 4, err;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint32_t ring = (uint32_t)(pages * page), batch;
	uint64_t pos[1024] = { 0 }, wraps = 0, seq, failed, total = 0;
	struct event_reader *r = NULL;
	struct fixture f;
	struct check c;
	cpu_set_t saved;
	char why[512] = "";

	sched_getaffinity(0, sizeof(saved), &saved);
	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, perf, perf ? (uint32_t)possible[np - 1] + 1 : ring,
				   sizes, nsizes);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	err = open_reader(&r, &f, ring, possible, np, pages);
	if (err) {
		snprintf(why, sizeof(why), "opening the reader: %s", strerror(-err));
		goto out;
	}
	check_init(&c, &f, 1);
	batch = batch_for(&f, ring);
	for (int b = 0; b < batches && !c.why[0] && !why[0]; b++) {
		int cpu = online[b % no], got;

		if (pin(cpu)) {
			snprintf(why, sizeof(why), "cannot pin to CPU %d", cpu);
			break;
		}
		for (uint32_t k = 0; k < batch; k++) {
			uint32_t bytes = ring_bytes(&f, sizes[(total + k) % (uint64_t)nsizes]);
			uint64_t *at = &pos[perf ? cpu : 0];

			wraps += (*at % ring) + bytes > ring;
			*at += bytes;
		}
		err = produce(&f, batch);
		got = err ? err : use_poll ? event_reader_poll(r, 1000, NULL, on_record, &c)
					   : event_reader_drain(r, on_record, &c);
		total += batch;
		if (got != (int)batch)
			snprintf(why, sizeof(why), "batch %d of %u: %s returned %d",
				 b, batch, use_poll ? "poll" : "drain", got);
	}
	if (!why[0] && c.why[0])
		snprintf(why, sizeof(why), "%s", c.why);
	if (!why[0] && !producer_counts(&f, &seq, &failed) && (seq != total || failed))
		snprintf(why, sizeof(why), "producer ran %llu times, %llu outputs failed",
			 (unsigned long long)seq, (unsigned long long)failed);
	if (!why[0] && (c.got != total || event_reader_kernel_lost(r)))
		snprintf(why, sizeof(why), "%llu of %llu records, %llu lost",
			 (unsigned long long)c.got, (unsigned long long)total,
			 (unsigned long long)event_reader_kernel_lost(r));
	if (!why[0] && wraps < 10)
		snprintf(why, sizeof(why), "test too small: only %llu records wrapped",
			 (unsigned long long)wraps);
out:
	sched_setaffinity(0, sizeof(saved), &saved);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

/* Overfill: the ring buffer refuses new records (the program counts them),
 * the perf buffer refuses them too and reports how many in PERF_RECORD_LOST
 * once there is room again. Either way nothing is delivered twice, what
 * is delivered is in order, and the reader recovers. */
static void check_overflow(const char *name, int perf)
{
	static const uint32_t sizes[] = { 16 };
	int possible[1024], online[1024], np, no, err;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint32_t ring = (uint32_t)(4 * page), n = 2000, more = 100;
	uint64_t seq = 0, failed = 0, lost;
	struct event_reader *r = NULL;
	struct fixture f;
	struct check c;
	cpu_set_t saved;
	char why[512] = "";

	sched_getaffinity(0, sizeof(saved), &saved);
	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, perf, perf ? (uint32_t)possible[np - 1] + 1 : ring,
				   sizes, 1);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	err = open_reader(&r, &f, ring, possible, np, 4);
	check_init(&c, &f, 0);
	if (!err)
		err = pin(online[0]);
	if (!err)
		err = produce(&f, n);
	if (!err)
		err = event_reader_drain(r, on_record, &c) < 0 ? -EIO : 0;
	if (!err)
		err = produce(&f, more);
	if (!err)
		err = event_reader_drain(r, on_record, &c) < 0 ? -EIO : 0;
	if (!err)
		err = producer_counts(&f, &seq, &failed);
	lost = event_reader_kernel_lost(r);
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (c.why[0])
		snprintf(why, sizeof(why), "%s", c.why);
	else if (!failed || seq != n + more)
		snprintf(why, sizeof(why), "ring never overflowed (%llu runs, %llu failed)",
			 (unsigned long long)seq, (unsigned long long)failed);
	else if (c.got + failed != n + more || c.gaps != failed)
		snprintf(why, sizeof(why), "%llu delivered + %llu failed != %u produced",
			 (unsigned long long)c.got, (unsigned long long)failed, n + more);
	else if (perf ? lost != failed : lost != 0)
		snprintf(why, sizeof(why), "kernel_lost %llu, program counted %llu failures",
			 (unsigned long long)lost, (unsigned long long)failed);
	else if (c.next != n + more)
		snprintf(why, sizeof(why), "the last %u records did not all arrive", more);
	sched_setaffinity(0, sizeof(saved), &saved);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

/* The callback stops the drain: its value comes back, the record it saw
 * is consumed, and the next drain resumes right after it. */
static void check_callback_stop(const char *name, int perf)
{
	static const uint32_t sizes[] = { 24 };
	int possible[1024], online[1024], np, no, err, a = 0, b = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct event_reader *r = NULL;
	struct fixture f;
	struct check c;
	cpu_set_t saved;
	char why[512] = "";

	sched_getaffinity(0, sizeof(saved), &saved);
	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, perf, perf ? (uint32_t)possible[np - 1] + 1
						  : (uint32_t)(4 * page), sizes, 1);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	err = open_reader(&r, &f, 0, possible, np, 1);
	if (!err)
		err = pin(online[0]);
	if (!err)
		err = produce(&f, 10);
	check_init(&c, &f, 1);
	c.stop_at = 3;
	if (!err) {
		a = event_reader_drain(r, on_record, &c);
		b = event_reader_drain(r, on_record, &c);
	}
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (c.why[0])
		snprintf(why, sizeof(why), "%s", c.why);
	else if (a != -ECANCELED || b != 7 || c.got != 10)
		snprintf(why, sizeof(why), "drains returned %d then %d, %llu records (want "
			 "-ECANCELED, 7, 10)", a, b, (unsigned long long)c.got);
	sched_setaffinity(0, sizeof(saved), &saved);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

/* Nothing produced: poll sleeps for its timeout and returns 0. */
static void check_poll_timeout(const char *name, int perf)
{
	static const uint32_t sizes[] = { 16 };
	int possible[1024], online[1024], np, no, err, got = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long long t0 = 0, ms = 0;
	struct event_reader *r = NULL;
	struct fixture f;
	struct check c;
	char why[512] = "";

	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, perf, perf ? (uint32_t)possible[np - 1] + 1
						  : (uint32_t)(4 * page), sizes, 1);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	err = open_reader(&r, &f, 0, possible, np, 1);
	check_init(&c, &f, 1);
	if (!err) {
		t0 = sig_now_ns();
		got = event_reader_poll(r, 100, NULL, on_record, &c);
		ms = (sig_now_ns() - t0) / 1000000;
	}
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (got != 0 || c.got || ms < 90 || ms > 2000)
		snprintf(why, sizeof(why), "poll(100 ms) returned %d after %llu ms", got, ms);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

static int reader_readable(const struct event_reader *r, int timeout_ms)
{
	struct pollfd pfd = { .fd = event_reader_fd(r), .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) > 0;
}

/* The producer runs in a child while we sleep in poll: the sleep must end
 * long before the timeout, and every record must arrive. A few records
 * only: the ring buffer's wakeup is adaptive, the perf buffer's default
 * watermark is never reached, so poll's slices must find them. */
static void check_poll_wakes(const char *name, int perf, int rb_flags)
{
	static const uint32_t sizes[] = { 16 };
	int possible[1024], online[1024], np, no, err, status = 0, polls = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long long t0 = 0, ms = 0;
	struct event_reader *r = NULL;
	struct fixture f;
	struct check c;
	char why[512] = "";
	pid_t child = -1;

	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open_flags(&f, perf, perf ? (uint32_t)possible[np - 1] + 1
						        : (uint32_t)(4 * page), sizes, 1, rb_flags);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	err = open_reader(&r, &f, 0, possible, np, 1);
	check_init(&c, &f, 1);
	if (!err && !perf) {
		/* A caught-up consumer is woken by the next record, unless
		 * the program says BPF_RB_NO_WAKEUP: then only poll's slices
		 * find the records. */
		err = produce(&f, 1);
		if (!err && reader_readable(r, rb_flags ? 0 : 1000) != !rb_flags)
			snprintf(why, sizeof(why), "one record %s the reader",
				 rb_flags ? "with BPF_RB_NO_WAKEUP woke" : "did not wake");
		if (!err && event_reader_drain(r, on_record, &c) != 1)
			err = -EIO;
	}
	if (!err && !why[0]) {
		fflush(stdout);
		child = fork();
		if (child < 0)
			err = -errno;
		if (child == 0) {
			usleep(200 * 1000);
			_exit(produce(&f, 5) ? 1 : 0);
		}
	}
	if (!err && !why[0]) {
		t0 = sig_now_ns();
		/* Records may come in more than one wakeup, and a wakeup may
		 * find its record drained already (poll returns 0). */
		while (c.got < 5u + !perf && !c.why[0] && sig_now_ns() - t0 < 3000000000ull) {
			int got = event_reader_poll(r, 3000, NULL, on_record, &c);

			polls++;
			if (got < 0)
				break;
		}
		ms = (sig_now_ns() - t0) / 1000000;
		waitpid(child, &status, 0);
	}
	if (why[0])
		;
	else if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (c.why[0])
		snprintf(why, sizeof(why), "%s", c.why);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		snprintf(why, sizeof(why), "producer child failed");
	else if (c.got != 5u + !perf || ms < 150 || ms > 2000)
		snprintf(why, sizeof(why), "%llu of %u records in %d polls, %llu ms "
			 "(producer started at 200 ms)", (unsigned long long)c.got, 5u + !perf, polls, ms);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

/* Records that arrive while a drain runs (here: produced from inside the
 * callback) are taken by the same drain: it passes again until a pass
 * finds nothing. */
struct refill {
	struct check c;
	const struct fixture *f;
	int produced;
};

static int on_record_refill(void *ctx, const void *data, uint32_t size)
{
	struct refill *rf = ctx;

	if (rf->produced < 3) {
		rf->produced++;
		if (produce(rf->f, 4))
			return -EIO;
	}
	return on_record(&rf->c, data, size);
}

static void check_drain_until_empty(const char *name, int perf)
{
	static const uint32_t sizes[] = { 16 };
	int possible[1024], online[1024], np, no, err, got = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct event_reader *r = NULL;
	struct refill rf;
	struct fixture f;
	cpu_set_t saved;
	char why[512] = "";

	sched_getaffinity(0, sizeof(saved), &saved);
	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, perf, perf ? (uint32_t)possible[np - 1] + 1
						  : (uint32_t)(4 * page), sizes, 1);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	memset(&rf, 0, sizeof(rf));
	check_init(&rf.c, &f, 1);
	rf.f = &f;
	err = open_reader(&r, &f, 0, possible, np, 1);
	if (!err)
		err = pin(online[0]);
	if (!err)
		err = produce(&f, 1);
	if (!err)
		got = event_reader_drain(r, on_record_refill, &rf);
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (got != 13 || rf.c.why[0])
		snprintf(why, sizeof(why), "one drain returned %d of 13 records %s", got,
			 rf.c.why);
	sched_setaffinity(0, sizeof(saved), &saved);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

/* The perf wakeup policy: per sample with wakeup_events 1; by default
 * only once a quarter of the ring is full (the cheap way for the
 * producer), poll's slices picking up what stays below that. */
static void check_wakeup_policy(const char *name)
{
	static const uint32_t sizes[] = { 24 };	/* 40 bytes in the ring */
	int possible[1024], online[1024], np, no, err, a = 0, b = 0, c1 = 0, got = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct event_reader *r = NULL;
	struct fixture f;
	struct check c;
	cpu_set_t saved;
	char why[512] = "";
	uint32_t quarter;

	sched_getaffinity(0, sizeof(saved), &saved);
	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, 1, (uint32_t)possible[np - 1] + 1, sizes, 1);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	check_init(&c, &f, 1);
	quarter = (uint32_t)(4 * page / 4 / 40 + 1);
	err = pin(online[0]);
	if (!err)
		err = event_reader_perfbuf_opts(&r, f.out, possible, np, 4, 1, 0);
	if (!err)
		err = produce(&f, 1);
	if (!err) {
		a = reader_readable(r, 1000);
		got += event_reader_drain(r, on_record, &c);
		event_reader_free(r);
		r = NULL;
		err = event_reader_perfbuf(&r, f.out, possible, np, 4);
	}
	if (!err)
		err = produce(&f, 1);
	if (!err) {
		b = reader_readable(r, 0);
		err = produce(&f, quarter);
	}
	if (!err) {
		c1 = reader_readable(r, 1000);
		got += event_reader_poll(r, 1000, NULL, on_record, &c);
	}
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (!a || b || !c1)
		snprintf(why, sizeof(why), "readable: after 1 record with wakeup_events 1: %d "
			 "(want 1); by default after 1: %d (want 0), after a quarter ring: %d "
			 "(want 1)", a, b, c1);
	else if (got != (int)quarter + 2 || c.why[0])
		snprintf(why, sizeof(why), "%d of %u records %s", got, quarter + 2, c.why);
	sched_setaffinity(0, sizeof(saved), &saved);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

static volatile sig_atomic_t usr2_seen;

static void on_usr2(int sig)
{
	(void)sig;
	usr2_seen++;
}

/* A stop signal blocked outside poll wakes it through the mask, whether
 * poll would sleep (epoll_pwait) or not (records already waiting); the
 * records are still there for the drain that follows. */
static void check_poll_signal(const char *name, int perf)
{
	static const uint32_t sizes[] = { 16 };
	int possible[1024], online[1024], np, no, err, a = 0, b = 0, d = 0;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long long t0, ms = 0;
	struct sigaction sa, old_sa;
	sigset_t block, old, open;
	struct event_reader *r = NULL;
	struct fixture f;
	struct check c;
	cpu_set_t saved;
	char why[512] = "";

	sched_getaffinity(0, sizeof(saved), &saved);
	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, perf, perf ? (uint32_t)possible[np - 1] + 1
						  : (uint32_t)(4 * page), sizes, 1);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	err = open_reader(&r, &f, 0, possible, np, 1);
	check_init(&c, &f, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, &old_sa);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	open = old;
	sigdelset(&open, SIGUSR2);
	usr2_seen = 0;
	if (!err) {
		t0 = sig_now_ns();
		raise(SIGUSR2);		/* pending: blocked until poll opens it */
		a = event_reader_poll(r, 5000, &open, on_record, &c);
		err = pin(online[0]);
		if (!err)
			err = produce(&f, 5);
		raise(SIGUSR2);
		b = event_reader_poll(r, 5000, &open, on_record, &c);
		d = event_reader_drain(r, on_record, &c);
		ms = (sig_now_ns() - t0) / 1000000;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGUSR2, &old_sa, NULL);
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (a != -EINTR || b != -EINTR || usr2_seen != 2 || ms > 2000)
		snprintf(why, sizeof(why), "polls returned %d, %d (want -EINTR twice), "
			 "%d signals handled, %llu ms", a, b, (int)usr2_seen, ms);
	else if (d != 5 || c.why[0])
		snprintf(why, sizeof(why), "drain after -EINTR gave %d records %s", d, c.why);
	sched_setaffinity(0, sizeof(saved), &saved);
	event_reader_free(r);
	fixture_close(&f);
	result(!why[0], name, why);
}

/* Freeing a perf reader clears its slots: the program's outputs then
 * fail (and are counted) instead of filling rings nobody reads. */
static void check_free_clears_slots(const char *name)
{
	static const uint32_t sizes[] = { 16 };
	int possible[1024], online[1024], np, no, err;
	uint64_t seq = 0, failed = 0;
	int64_t last = 0;
	struct event_reader *r = NULL;
	struct fixture f;
	char why[512] = "";

	err = cpu_lists(possible, &np, online, &no);
	if (!err)
		err = fixture_open(&f, 1, (uint32_t)possible[np - 1] + 1, sizes, 1);
	if (err) {
		snprintf(why, sizeof(why), "setup: %s", strerror(-err));
		result(0, name, why);
		return;
	}
	err = event_reader_perfbuf(&r, f.out, possible, np, 1);
	event_reader_free(r);
	if (!err)
		err = produce(&f, 5);
	if (!err)
		err = producer_state(&f, &seq, &failed, &last);
	if (err)
		snprintf(why, sizeof(why), "%s", strerror(-err));
	else if (seq != 5 || failed != 5 || last != -ENOENT)
		snprintf(why, sizeof(why), "%llu of %llu outputs failed after free, the last "
			 "with %lld (want all, -ENOENT: an empty slot)",
			 (unsigned long long)failed, (unsigned long long)seq, (long long)last);
	fixture_close(&f);
	result(!why[0], name, why);
}

static void check_bad_arguments(const char *name)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int rb = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "tap_rd_rb", 0, 0, (uint32_t)(4 * page), 0);
	int pa = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, "tap_rd_pa", 4, 4, 2, 0);
	int ar = bpf_map_create(BPF_MAP_TYPE_ARRAY, "tap_rd_ar", 4, 4, 1, 0);
	struct event_reader *r = (struct event_reader *)&page;
	int cpu0[] = { 0 }, cpu5[] = { 5 };
	char why[512] = "";
	struct {
		const char *what;
		int got, want;
	} cases[] = {
		{ "ringbuf size != max_entries",
		  event_reader_ringbuf(&r, rb, (uint32_t)(8 * page)), -EINVAL },
		{ "ringbuf on an array map", event_reader_ringbuf(&r, ar, (uint32_t)page), -EINVAL },
		{ "perfbuf on a ring buffer map", event_reader_perfbuf(&r, rb, cpu0, 1, 1), -EINVAL },
		{ "perfbuf with 3 pages", event_reader_perfbuf(&r, pa, cpu0, 1, 3), -EINVAL },
		{ "perfbuf cpu beyond max_entries", event_reader_perfbuf(&r, pa, cpu5, 1, 1), -E2BIG },
		{ "perfbuf with no cpus", event_reader_perfbuf(&r, pa, cpu0, 0, 1), -EINVAL },
	};

	if (rb < 0 || pa < 0 || ar < 0)
		snprintf(why, sizeof(why), "setup: maps not created");
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]) && !why[0]; i++) {
		if (cases[i].got != cases[i].want)
			snprintf(why, sizeof(why), "%s: %d, want %d", cases[i].what,
				 cases[i].got, cases[i].want);
	}
	if (!why[0] && r)
		snprintf(why, sizeof(why), "*out not cleared on failure");
	if (!why[0]) {
		/* size 0: taken from the map */
		int err = event_reader_ringbuf(&r, rb, 0);

		if (err || !event_reader_is_ringbuf(r))
			snprintf(why, sizeof(why), "ringbuf size 0: %d", err);
		event_reader_free(r);
		event_reader_free(NULL);
	}
	if (rb >= 0)
		close(rb);
	if (pa >= 0)
		close(pa);
	if (ar >= 0)
		close(ar);
	result(!why[0], name, why);
}

/* --- Rings in our own memory: what the kernel never writes ---------------- */

struct fake_rb {
	size_t page, size;
	unsigned long *cons;
	unsigned long *prod;
	unsigned char *data;	/* size bytes, then the same bytes again */
	void *area;
	size_t area_len;
};

static int fake_rb_open(struct fake_rb *fr, size_t size)
{
	int fd = memfd_create("tap_rd_fake", MFD_CLOEXEC);
	unsigned char *a;

	memset(fr, 0, sizeof(*fr));
	fr->page = (size_t)sysconf(_SC_PAGESIZE);
	fr->size = size;
	fr->area_len = 2 * fr->page + 2 * size;
	if (fd < 0 || ftruncate(fd, (off_t)size))
		goto fail;
	/* consumer page, producer page, data, data again */
	a = mmap(NULL, fr->area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (a == MAP_FAILED)
		goto fail;
	fr->area = a;
	if (mmap(a + 2 * fr->page, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0) == MAP_FAILED ||
	    mmap(a + 2 * fr->page + size, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
		goto fail;
	close(fd);
	memset(a, 0, 2 * fr->page + size);
	fr->cons = (unsigned long *)(void *)a;
	fr->prod = (unsigned long *)(void *)(a + fr->page);
	fr->data = a + 2 * fr->page;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	if (fr->area)
		munmap(fr->area, fr->area_len);
	fr->area = NULL;
	return -ENOMEM;
}

/* A record at producer position *prod: header, then n pattern bytes with
 * the sequence number in front. */
static void fake_rb_put(struct fake_rb *fr, uint32_t n, uint32_t bits, uint64_t seq)
{
	unsigned long at = *fr->prod & (fr->size - 1);
	uint32_t hdr[2] = { n | bits, 0 };

	memcpy(fr->data + at, hdr, 8);
	for (uint32_t i = 0; i < n; i++)	/* the second mapping wraps it */
		fr->data[at + 8 + i] = pattern(i);
	if (n >= 8)
		memcpy(fr->data + at + 8, &seq, 8);
	*fr->prod += (n + 8 + 7) & ~7u;
}

static void check_ringbuf_in_memory(const char *name)
{
	static const uint32_t sizes[] = { 16, 40, 24, 100 };
	struct fixture f = { .sizes = sizes, .nsizes = 4 };
	struct event_reader *r = NULL;
	struct fake_rb fr;
	struct check c;
	char why[512] = "";
	int got[8] = { 0 };
	unsigned long before;

	if (fake_rb_open(&fr, 4096) ||
	    event_reader_ringbuf_mem(&r, fr.cons, fr.prod, (uint32_t)fr.size)) {
		result(0, name, "setup failed");
		munmap(fr.area, fr.area_len);
		return;
	}
	check_init(&c, &f, 0);
	/* 0: delivered; 1: discarded, skipped; 2: busy, stops the drain;
	 * 3: behind the busy one. */
	fake_rb_put(&fr, 16, 0, 0);
	fake_rb_put(&fr, 40, BPF_RINGBUF_DISCARD_BIT, 1);
	before = *fr.prod;
	fake_rb_put(&fr, 24, BPF_RINGBUF_BUSY_BIT, 2);
	fake_rb_put(&fr, 100, 0, 3);
	got[0] = event_reader_drain(r, on_record, &c);
	if (got[0] != 1 || *fr.cons != before || c.next != 1)
		snprintf(why, sizeof(why), "busy/discard: %d records, cons %lu (want 1, %lu)",
			 got[0], *fr.cons, before);
	/* commit the busy record: the rest follows */
	memcpy(fr.data + (before & (fr.size - 1)), &(uint32_t){ 24 }, 4);
	got[1] = event_reader_drain(r, on_record, &c);
	if (!why[0] && (got[1] != 2 || *fr.cons != *fr.prod || c.why[0]))
		snprintf(why, sizeof(why), "after commit: %d records %s", got[1], c.why);
	/* a record whose data runs past the end (the second mapping) */
	*fr.cons = *fr.prod = fr.size * 5 - 8;
	c.next = 7;
	fake_rb_put(&fr, 100, 0, 7);
	got[2] = event_reader_drain(r, on_record, &c);
	if (!why[0] && (got[2] != 1 || c.why[0]))
		snprintf(why, sizeof(why), "wrapped record: %d records %s", got[2], c.why);
	/* corrupt: length beyond the producer, beyond the ring, ring
	 * overfull, misaligned consumer: -EINVAL and no callback */
	before = c.got;
	fake_rb_put(&fr, 16, 0, 8);
	memcpy(fr.data + ((*fr.prod - 24) & (fr.size - 1)), &(uint32_t){ 17 }, 4);
	got[3] = event_reader_drain(r, on_record, &c);
	memcpy(fr.data + ((*fr.prod - 24) & (fr.size - 1)), &(uint32_t){ 0x3fffffff }, 4);
	got[4] = event_reader_drain(r, on_record, &c);
	/* for the position checks, a ring of sound filler: empty discarded
	 * records, both header words carrying the discard bit */
	for (size_t i = 0; i < fr.size; i += 4)
		memcpy(fr.data + i, &(uint32_t){ BPF_RINGBUF_DISCARD_BIT }, 4);
	*fr.prod = *fr.cons + fr.size + 8;
	got[5] = event_reader_drain(r, on_record, &c);
	*fr.prod = *fr.cons + 16 + 4;
	*fr.cons += 4;
	got[6] = event_reader_drain(r, on_record, &c);
	/* poll must not sleep on a corrupt ring */
	got[7] = event_reader_poll(r, 5000, NULL, on_record, &c);
	if (!why[0] && (got[3] != -EINVAL || got[4] != -EINVAL || got[5] != -EINVAL ||
			got[6] != -EINVAL || got[7] != -EINVAL || c.got != before))
		snprintf(why, sizeof(why), "corrupt rings gave %d %d %d %d, poll %d, %llu "
			 "callbacks (want -EINVAL, none)", got[3], got[4], got[5], got[6],
			 got[7], (unsigned long long)(c.got - before));
	event_reader_free(r);
	munmap(fr.area, fr.area_len);
	result(!why[0], name, why);
}

struct fake_perf {
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	size_t page, size;
	uint64_t head;
};

/* A record claiming `size` bytes: the header and len bytes of body are
 * written, and the head moves past them (rounded up to 8). */
static void fake_perf_put(struct fake_perf *fp, uint32_t type, const void *body,
			  uint32_t len, uint16_t size)
{
	struct perf_event_header h = { .type = type, .misc = 0, .size = size };
	uint32_t n = (uint32_t)sizeof(h) + len;
	unsigned char rec[256];

	memcpy(rec, &h, sizeof(h));
	memcpy(rec + sizeof(h), body, len);
	for (uint32_t i = 0; i < n; i++)
		fp->data[(fp->head + i) & (fp->size - 1)] = rec[i];
	fp->head += (n + 7) & ~7u;
	fp->meta->data_head = fp->head;
}

static void check_perfbuf_in_memory(const char *name)
{
	static const uint32_t sizes[] = { 100 };
	struct fixture f = { .perf = 1, .sizes = sizes, .nsizes = 1 };
	struct event_reader *r = NULL;
	struct fake_perf fp;
	unsigned char body[200];
	uint32_t raw = 100;
	uint64_t lost[2] = { 42, 5 }, seq = 3;
	struct check c;
	char why[512] = "";
	int got[7];
	void *area;

	fp.page = (size_t)sysconf(_SC_PAGESIZE);
	fp.size = fp.page;
	area = mmap(NULL, 2 * fp.page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	if (area == MAP_FAILED) {
		result(0, name, "setup failed");
		return;
	}
	fp.meta = area;
	fp.data = (unsigned char *)area + fp.page;
	fp.meta->data_offset = fp.page;
	fp.meta->data_size = fp.size;
	if (event_reader_perfbuf_mem(&r, area, 1)) {
		result(0, name, "setup failed");
		munmap(area, 2 * fp.page);
		return;
	}
	check_init(&c, &f, 1);
	c.next = 3;
	/* start 16 bytes before the end: the sample wraps */
	fp.head = fp.size * 3 - 16;
	fp.meta->data_tail = fp.head;
	memcpy(body, &raw, 4);
	for (uint32_t i = 0; i < raw; i++)
		body[4 + i] = pattern(i);
	memcpy(body + 4, &seq, 8);
	fake_perf_put(&fp, PERF_RECORD_SAMPLE, body, 4 + raw, 8 + 4 + 100);
	fake_perf_put(&fp, PERF_RECORD_LOST, lost, sizeof(lost), 8 + 16);
	fake_perf_put(&fp, 99, lost, sizeof(lost), 8 + 16);	/* unknown: skipped */
	seq = 4;
	memcpy(body + 4, &seq, 8);
	fake_perf_put(&fp, PERF_RECORD_SAMPLE, body, 4 + raw, 8 + 4 + 100);
	got[0] = event_reader_drain(r, on_record, &c);
	if (got[0] != 2 || c.why[0] || event_reader_kernel_lost(r) != 5 ||
	    fp.meta->data_tail != fp.head)
		snprintf(why, sizeof(why), "wrapped sample, lost, unknown, sample: %d records, "
			 "lost %llu, tail %s %s", got[0],
			 (unsigned long long)event_reader_kernel_lost(r),
			 fp.meta->data_tail == fp.head ? "at head" : "behind", c.why);
	/* corrupt, each case caught by one check only: an unknown record of
	 * size 0 (would never advance), a sound sample reaching past the
	 * head, a raw size beyond its record, a head more than a ring ahead */
	fake_perf_put(&fp, 99, body, 4, 0);
	got[1] = event_reader_drain(r, on_record, &c);
	fp.head = fp.meta->data_tail;
	raw = 4;
	memcpy(body, &raw, 4);
	fake_perf_put(&fp, PERF_RECORD_SAMPLE, body, 4 + 4, 16);
	fp.meta->data_head = fp.head - 8;
	got[2] = event_reader_drain(r, on_record, &c);
	fp.head = fp.meta->data_tail;
	raw = 9;
	memcpy(body, &raw, 4);
	fake_perf_put(&fp, PERF_RECORD_SAMPLE, body, 4 + 8, 16);
	got[3] = event_reader_drain(r, on_record, &c);
	/* a head more than a ring ahead, over a ring of sound 8-byte records */
	fp.head = fp.meta->data_tail;
	for (size_t i = 0; i < fp.size / 8; i++)
		fake_perf_put(&fp, 99, body, 0, 8);
	fp.meta->data_head = fp.meta->data_tail + fp.size + 8;
	got[4] = event_reader_drain(r, on_record, &c);
	got[5] = event_reader_poll(r, 5000, NULL, on_record, &c);
	if (!why[0] && (got[1] != -EINVAL || got[2] != -EINVAL || got[3] != -EINVAL ||
			got[4] != -EINVAL || got[5] != -EINVAL || c.got != 2))
		snprintf(why, sizeof(why), "corrupt rings gave %d %d %d %d, poll %d, %llu "
			 "records (want -EINVAL, 2)", got[1], got[2], got[3], got[4], got[5],
			 (unsigned long long)c.got);
	event_reader_free(r);
	munmap(area, 2 * fp.page);
	result(!why[0], name, why);
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
