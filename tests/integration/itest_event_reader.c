/* Event readers against the running kernel, through what both kinds share
 * (src/kernel/event_reader.c: drain, poll, free): every check here runs on
 * a ring buffer and on a perf buffer, fed by the producer in
 * itest_readers.c. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kernel/bpf_sys.h"
#include "core/sig.h"
#include "itest_readers.h"

/* --- Streams through the kernel ------------------------------------------- */

/* Batches that each fit the ring, drained after each (by poll or drain),
 * pinned to online CPUs in turn so every per-CPU perf ring carries some.
 * Counts how many records straddled the end of a ring. */
void check_stream(const char *name, int perf, const uint32_t *sizes,
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
}

/* Overfill: the ring buffer refuses new records (the program counts them),
 * the perf buffer refuses them too and reports how many in PERF_RECORD_LOST
 * once there is room again. Either way nothing is delivered twice, what
 * is delivered is in order, and the reader recovers. */
void check_overflow(const char *name, int perf)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
}

/* The callback stops the drain: its value comes back, the record it saw
 * is consumed, and the next drain resumes right after it. */
void check_callback_stop(const char *name, int perf)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
}

/* Nothing produced: poll sleeps for its timeout and returns 0. */
void check_poll_timeout(const char *name, int perf)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
}

/* The producer runs in a child while we sleep in poll: the sleep must end
 * long before the timeout, and every record must arrive. A few records
 * only: the ring buffer's wakeup is adaptive, the perf buffer's default
 * watermark is never reached, so poll's slices must find them. */
void check_poll_wakes(const char *name, int perf, int rb_flags)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
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

void check_drain_until_empty(const char *name, int perf)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
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
void check_poll_signal(const char *name, int perf)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
}

void check_bad_arguments(const char *name)
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
	reader_result(!why[0], name, why);
}
