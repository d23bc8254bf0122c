/* Fuzz target: what the exporter reads from the network, http_parse on
 * the request bytes as they arrive, and what it writes of untrusted
 * bytes, metrics_label_escape on the input as a task name. */
#include <errno.h>
#include "core/metrics.h"
#include "core/output.h"
#include "http/request.h"
#include "fuzz.h"

static int refusal(int r)
{
	return r == -400 || r == -405 || r == -414 || r == -431 || r == -505;
}

static void check_request(const uint8_t *data, size_t size)
{
	struct http_request r;
	int got = http_parse((const char *)data, size, &r);
	size_t plen;

	FUZZ_CHECK(got >= 0 || refusal(got));
	/* Past the bound without a head: refused, never waited for. */
	FUZZ_CHECK(got != 0 || size < HTTP_HEAD_MAX);
	if (got <= 0)
		return;
	FUZZ_CHECK((size_t)got <= size && got <= HTTP_HEAD_MAX);
	FUZZ_CHECK(r.method == HTTP_GET || r.method == HTTP_HEAD);
	FUZZ_CHECK(r.minor >= 0 && r.minor <= 9);
	FUZZ_CHECK(r.openmetrics == 0 || r.openmetrics == 1);
	plen = strnlen(r.path, sizeof(r.path));
	FUZZ_CHECK(plen >= 1 && plen < sizeof(r.path) && r.path[0] == '/');
	for (size_t i = 0; i < plen; i++)
		FUZZ_CHECK((unsigned char)r.path[i] > ' ' && (unsigned char)r.path[i] < 0x7f &&
			   r.path[i] != '?' && r.path[i] != '#');
	/* The head ends where it was found: the same answer from exactly
	 * its bytes, none from one byte fewer. */
	FUZZ_CHECK(http_parse((const char *)data, (size_t)got, &r) == got);
	FUZZ_CHECK(http_parse((const char *)data, (size_t)got - 1, &r) <= 0);
}

/* One line Prometheus reads inside "...": no raw newline or quote, every
 * backslash an escape, valid UTF-8; and cut at any size, whole escapes. */
static void check_escape(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 5, 16, 64, 4096 };
	char *s = fuzz_cstr(data, size), buf[4096];
	size_t need;

	if (!s)
		return;
	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t cap = sizes[k], n, len;

		need = metrics_label_escape(s, cap ? buf : NULL, cap);
		if (!cap)
			continue;
		len = strnlen(buf, cap);
		FUZZ_CHECK(len < cap && len <= need);
		FUZZ_CHECK(need >= strlen(s));
		for (size_t i = 0; i < len; i += n) {
			unsigned char c = (unsigned char)buf[i];

			FUZZ_CHECK(c >= ' ' && c != 0x7f && c != '"');
			if (c == '\\') {
				FUZZ_CHECK(i + 1 < len && strchr("\\\"n", buf[i + 1]));
				n = 2;
			} else {
				n = c < 0x80 ? 1 : out_utf8_len((const unsigned char *)buf + i, len - i);
				FUZZ_CHECK(n >= 1);
			}
		}
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_request(data, size);
	check_escape(data, size);
	return 0;
}
