/* trace --read's input: a --binary file's header through
 * trace_file_parse, written back and parsed again (the same bytes), and
 * each record's prev_state named with the file's own flags, as --read
 * prints them. Whatever is accepted stays within bounds. */
#include "fuzz.h"
#include "bpf/trace.h"
#include "cmd/trace_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_file_hdr h, again;
	uint8_t buf[TRACE_FILE_HDR_MAX], buf2[TRACE_FILE_HDR_MAX];
	char msg[200], state[32];
	int n = trace_file_parse(data, size, &h, msg, sizeof(msg));
	size_t len;

	if (n < 0) {
		FUZZ_CHECK(msg[0] && strlen(msg) < sizeof(msg));
		return 0;
	}
	FUZZ_CHECK((size_t)n <= size && (size_t)n <= TRACE_FILE_HDR_MAX);
	len = trace_file_header(&h, buf);
	FUZZ_CHECK(len == (size_t)n);
	FUZZ_CHECK(trace_file_parse(buf, len, &again, msg, sizeof(msg)) == n);
	/* Written again, the same bytes (the input may differ from them only
	 * where parsing normalizes: "decoded" to 0 or 1, bytes after a name's
	 * end). */
	FUZZ_CHECK(trace_file_header(&again, buf2) == len && !memcmp(buf, buf2, len));
	for (size_t at = (size_t)n; at + sizeof(struct trace_rec) <= size; at += sizeof(struct trace_rec)) {
		struct trace_rec r;

		memcpy(&r, data + at, sizeof(r));
		sched_state_name(&h.states, r.state, state, sizeof(state));
		FUZZ_CHECK(strnlen(state, sizeof(state)) < sizeof(state));
	}
	return 0;
}
