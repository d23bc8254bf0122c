#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "bpf/trace.h"
#include "cmd/trace_file.h"
#include "core/msg.h"

static void put32(uint8_t **p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		*(*p)++ = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t **p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p, (uint32_t)(v >> 32));
}

static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

size_t trace_file_header(const struct trace_file_hdr *h, uint8_t *buf)
{
	const struct sched_state *s = &h->states;
	int n = s->nflags < 0 ? 0 : s->nflags > SCHED_STATE_MAX_FLAGS ? SCHED_STATE_MAX_FLAGS :
								   s->nflags;
	uint8_t *p = buf;

	memcpy(p, TRACE_FILE_MAGIC, 8);
	p += 8;
	put32(&p, h->version);
	put32(&p, h->rec_size);
	put64(&p, h->t0_ns);
	put32(&p, (uint32_t)s->decoded);
	put32(&p, (uint32_t)n);
	put64(&p, s->sleep_mask);
	put64(&p, s->preempt_bit);
	for (int i = 0; i < n; i++) {
		put64(&p, s->flags[i].value);
		memcpy(p, s->flags[i].name, 8);
		p += 8;
	}
	if (h->version >= 2)
		for (int i = 0; i < 4; i++) {
			memset(p, 0, TRACE_FILE_UTS);
			memcpy(p, h->uts[i], strnlen(h->uts[i], TRACE_FILE_UTS - 1));
			p += TRACE_FILE_UTS;
		}
	return (size_t)(p - buf);
}

int trace_file_parse(const uint8_t *buf, size_t len, struct trace_file_hdr *h, char *msg,
		     size_t msglen)
{
	struct sched_state *s = &h->states;
	size_t need = 48;
	uint32_t n;

	memset(h, 0, sizeof(*h));
	if (len < 8 || memcmp(buf, TRACE_FILE_MAGIC, 8)) {
		snprintf(msg, msglen, "not a schedtap trace file (made by `trace --binary`)");
		return -EINVAL;
	}
	if (len < need) {
		snprintf(msg, msglen, "the header is cut short (%zu bytes)", len);
		return -EINVAL;
	}
	h->version = (uint32_t)get(buf + 8, 4);
	h->rec_size = (uint32_t)get(buf + 12, 4);
	h->t0_ns = get(buf + 16, 8);
	if (h->version < 1 || h->version > TRACE_FILE_VERSION ||
	    h->rec_size != sizeof(struct trace_rec)) {
		snprintf(msg, msglen, "version %u with %u-byte records: this schedtap reads "
			 "versions 1 to %u, %zu-byte records", h->version, h->rec_size,
			 TRACE_FILE_VERSION, sizeof(struct trace_rec));
		return -EPROTO;
	}
	s->decoded = get(buf + 24, 4) != 0;
	n = (uint32_t)get(buf + 28, 4);
	s->sleep_mask = get(buf + 32, 8);
	s->preempt_bit = get(buf + 40, 8);
	if (n > SCHED_STATE_MAX_FLAGS) {
		snprintf(msg, msglen, "%u state flags (at most %d)", n, SCHED_STATE_MAX_FLAGS);
		return -EINVAL;
	}
	if (len < need + 16 * (size_t)n) {
		snprintf(msg, msglen, "the header is cut short (%zu bytes)", len);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *f = buf + need + 16 * i;

		s->flags[i].value = get(f, 8);
		memcpy(s->flags[i].name, f + 8, 8);
		if (!memchr(s->flags[i].name, '\0', 8)) {
			snprintf(msg, msglen, "state flag %u: its name has no end", i);
			return -EINVAL;
		}
	}
	s->nflags = (int)n;
	need += 16 * n;
	if (h->version < 2)
		return (int)need;
	if (len < need + 4 * TRACE_FILE_UTS) {
		snprintf(msg, msglen, "the header is cut short (%zu bytes)", len);
		return -EINVAL;
	}
	for (int i = 0; i < 4; i++) {
		memcpy(h->uts[i], buf + need + TRACE_FILE_UTS * i, TRACE_FILE_UTS);
		if (!memchr(h->uts[i], '\0', TRACE_FILE_UTS)) {
			snprintf(msg, msglen, "utsname field %d has no end", i);
			return -EINVAL;
		}
	}
	return (int)(need + 4 * TRACE_FILE_UTS);
}

FILE *trace_file_open(const char *path, struct trace_file_hdr *h, char *msg, size_t msglen)
{
	uint8_t buf[TRACE_FILE_HDR_MAX];
	FILE *f = fopen(path, "rb");
	size_t got;
	int r;

	if (!f) {
		snprintf(msg, msglen, "%s", strerror(errno));
		return NULL;
	}
	got = fread(buf, 1, sizeof(buf), f);
	if ((r = trace_file_parse(buf, got, h, msg, msglen)) < 0 || fseek(f, r, SEEK_SET)) {
		if (r >= 0)
			snprintf(msg, msglen, "%s", strerror(errno));
		fclose(f);
		return NULL;
	}
	return f;
}

int trace_file_records(FILE *f, int (*fn)(void *ctx, const void *rec, uint32_t size),
		       void *ctx, unsigned *partial, char *msg, size_t msglen)
{
	uint8_t rec[sizeof(struct trace_rec)];
	size_t got;
	int r;

	*partial = 0;
	while ((got = fread(rec, 1, sizeof(rec), f)) == sizeof(rec))
		if ((r = fn(ctx, rec, sizeof(rec))) < 0)
			return r;
	if (ferror(f)) {
		snprintf(msg, msglen, "%s", strerror(errno));
		return -EIO;
	}
	*partial = got != 0;
	return 0;
}

FILE *trace_file_open_said(const char *path, struct trace_file_hdr *h)
{
	char msg[200];
	FILE *f = trace_file_open(path, h, msg, sizeof(msg));

	if (!f)
		msg_err("reading %s: %s", path, msg);
	return f;
}

int trace_file_records_said(FILE *f, const char *path,
			    int (*fn)(void *ctx, const void *rec, uint32_t size), void *ctx)
{
	char msg[200] = "";
	unsigned partial;
	int err = trace_file_records(f, fn, ctx, &partial, msg, sizeof(msg));

	/* msg is set only for the file's own errors, never for fn's. */
	if (err && msg[0]) {
		msg_err("reading %s: %s", path, msg);
		return 1;
	}
	if (!err && partial)
		msg_err("%s ends inside a record (its writer was killed?): the part is left out",
			path);
	return err;
}
