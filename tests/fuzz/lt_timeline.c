/* report --loadtrack's input, loadtrack's --timeline CSV: ltt_split on
 * the input as one line, ltt_read on it as a file, and the page's plots
 * of what was read. Fields stay within the line; every point is a
 * number (or NAN for an empty field) with its scenario named; the page
 * is ASCII text. */
#include <errno.h>
#include <math.h>
#include "fuzz.h"
#include "report/lt_timeline.h"
#include "report/page.h"

static struct ltt_file lt;
static struct sched_stats ss;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), *fields[16], why[160], *buf;
	struct report_meta m = { .source = "fuzz", .loadtrack = &lt };
	struct sched_state st = { 0 };
	struct out out;
	size_t len;
	FILE *f;
	int n;

	FUZZ_CHECK(line);
	memcpy(line, data, size);
	line[size] = '\0';
	n = ltt_split(line, fields, 16);
	FUZZ_CHECK(n == -EINVAL || (n >= 1 && n <= 16));
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(fields[i] >= line && fields[i] <= line + size);
	free(line);

	f = fmemopen((void *)data, size ? size : 1, "r");
	FUZZ_CHECK(f);
	n = ltt_read(f, &lt, why, sizeof(why));
	fclose(f);
	if (!n) {
		FUZZ_CHECK(lt.n >= 0 && lt.n <= LTT_SCENARIOS);
		for (int i = 0; i < lt.n; i++) {
			FUZZ_CHECK(memchr(lt.sc[i].name, '\0', LTT_NAME) && lt.sc[i].n <= LTT_POINTS);
			for (uint32_t k = 0; k < lt.sc[i].n; k++)
				FUZZ_CHECK(lt.sc[i].pts[k].t_ms >= 0 && !isnan(lt.sc[i].pts[k].t_ms));
		}
		ss_init(&ss, 0, 1, &st);
		FUZZ_CHECK((f = open_memstream(&buf, &len)) != NULL);
		out_init(&out, f, OUT_TABLE, NULL, 0);
		report_page(&out, &ss, &m);
		FUZZ_CHECK(!out_flush(&out) && !fclose(f));
		for (size_t i = 0; i < len; i++)
			FUZZ_CHECK(buf[i] == '\n' || (buf[i] >= 0x20 && buf[i] < 0x7f));
		free(buf);
	} else {
		FUZZ_CHECK(why[0] && strlen(why) < sizeof(why));
	}
	ltt_free(&lt);
	return 0;
}
