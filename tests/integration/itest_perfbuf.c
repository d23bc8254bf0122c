/* The perf-buffer reader (src/kernel/perfbuf.c) where it differs from the
 * ring buffer: its wakeup policy and map slots against the running kernel,
 * and what the kernel never writes on a ring laid out in our own memory. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include "itest_readers.h"

/* The perf wakeup policy: per sample with wakeup_events 1; by default
 * only once a quarter of the ring is full (the cheap way for the
 * producer), poll's slices picking up what stays below that. */
void check_wakeup_policy(const char *name)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
}

/* Freeing a perf reader clears its slots: the program's outputs then
 * fail (and are counted) instead of filling rings nobody reads. */
void check_free_clears_slots(const char *name)
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
		reader_result(0, name, why);
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
	reader_result(!why[0], name, why);
}

/* --- A ring in our own memory: what the kernel never writes ------------- */

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

void check_perfbuf_in_memory(const char *name)
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
		reader_result(0, name, "setup failed");
		return;
	}
	fp.meta = area;
	fp.data = (unsigned char *)area + fp.page;
	fp.meta->data_offset = fp.page;
	fp.meta->data_size = fp.size;
	if (event_reader_perfbuf_mem(&r, area, 1)) {
		reader_result(0, name, "setup failed");
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
	reader_result(!why[0], name, why);
}
