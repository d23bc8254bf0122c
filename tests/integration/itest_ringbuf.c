/* The ring-buffer reader (src/kernel/ringbuf.c) on a ring laid out in our
 * own memory: busy and discarded records, a record across the end, and
 * corruption the kernel never produces. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kernel/bpf_sys.h"
#include "itest_readers.h"

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

void check_ringbuf_in_memory(const char *name)
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
		reader_result(0, name, "setup failed");
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
	reader_result(!why[0], name, why);
}
