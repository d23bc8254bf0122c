/* What record and report do with a recording's records, which come from
 * a file made elsewhere: any bytes as trace_recs (prev_state decoded
 * with the first 8 bytes as the sleep mask) through report's statistics
 * and page, and record's Perfetto writer with a size cap from 1 KiB
 * (switches as compact_sched when the third byte is odd). The
 * page is ASCII text (task names escaped, other bytes '?'); the trace is
 * a run of whole Trace.packet fields (tag 0x0a, a varint length, that
 * many bytes) within the cap. */
#include "fuzz.h"
#include "bpf/trace.h"
#include "perfetto/perfetto.h"
#include "report/page.h"
#include "report/sched_stats.h"

static struct sched_stats ss;
static struct pf_writer pf;

/* The writer's output, walked as Trace's fields. */
static void check_packets(const uint8_t *p, size_t n)
{
	size_t at = 0;

	while (at < n) {
		uint64_t len = 0;
		unsigned shift = 0;

		FUZZ_CHECK(p[at++] == 0x0a);
		do {
			FUZZ_CHECK(at < n && shift < 64);
			len |= (uint64_t)(p[at] & 0x7f) << shift;
			shift += 7;
		} while (p[at++] & 0x80);
		FUZZ_CHECK(len <= n - at);
		at += len;
	}
}

static FILE *memfile(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	FUZZ_CHECK(f);
	return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sched_state st = { .decoded = 1, .preempt_bit = 0x100 };
	struct report_meta m = { .source = "fuzz", .kernel = "x" };
	size_t nrec = size > 8 ? (size - 8) / sizeof(struct trace_rec) : 0, len;
	uint64_t first = ~0ull, last = 0;
	struct trace_rec r;
	struct out out;
	char *buf;
	FILE *f;

	if (size < 8)
		return 0;
	memcpy(&st.sleep_mask, data, 8);
	for (size_t i = 0; i < nrec; i++) {
		memcpy(&r, data + 8 + i * sizeof(r), sizeof(r));
		first = r.ts_ns < first ? r.ts_ns : first;
		last = r.ts_ns > last ? r.ts_ns : last;
	}
	ss_init(&ss, nrec ? first : 0, last, &st);
	for (size_t i = 0; i < nrec; i++) {
		memcpy(&r, data + 8 + i * sizeof(r), sizeof(r));
		ss_add(&ss, &r);
	}
	f = memfile(&buf, &len);
	out_init(&out, f, OUT_TABLE, NULL, 0);
	report_page(&out, &ss, &m);
	FUZZ_CHECK(!out_flush(&out) && !fclose(f));
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK(buf[i] == '\n' || (buf[i] >= 0x20 && buf[i] < 0x7f));
	free(buf);

	f = memfile(&buf, &len);
	out_init(&out, f, OUT_TABLE, NULL, 0);
	pf_init(&pf, &out, 1024 + (data[0] << 8));
	pf.compact = data[2] & 1;
	for (size_t i = 0; i < nrec; i++) {
		memcpy(&r, data + 8 + i * sizeof(r), sizeof(r));
		FUZZ_CHECK(pf_record(&pf, &r) == 0);
	}
	pf_lost(&pf, data[1]);
	FUZZ_CHECK(pf_counter(&pf, pf_counter_track(&pf, "fuzz"), 1, 0.5) == 0);
	FUZZ_CHECK(pf_finish(&pf) == 0 && !fclose(f));
	FUZZ_CHECK(len <= pf.max_bytes);
	check_packets((const uint8_t *)buf, len);
	free(buf);
	return 0;
}
