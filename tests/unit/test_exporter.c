/* Unit tests for the exporter's parts without a kernel: the metrics
 * writer (core/metrics.c), the request parser (http/request.c) and the
 * bounded top-N with its "other" (exporter/task_top.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "exporter/task_top.h"
#include "http/request.h"
#include "unit.h"

METRIC_FAMILY(f_c, "t_events", METRIC_COUNTER, "Events.");
METRIC_FAMILY(f_h, "t_wait_seconds", METRIC_HISTOGRAM, "Waits.");

static const char *page(struct metrics *m)
{
	static char buf[4096];
	size_t n = m->len < sizeof(buf) - 1 ? m->len : sizeof(buf) - 1;

	memcpy(buf, m->buf, n);
	buf[n] = 0;
	return buf;
}

static void test_metrics_text_and_openmetrics(void)
{
	struct metrics m;

	metrics_init(&m, 0, 1 << 16);
	metrics_family(&m, &f_c);
	metrics_sample(&m, (struct metric_label[]){ { "cpu", "0" } }, 1, 42);
	metrics_sample(&m, NULL, 0, 0.5);
	CHECK(metrics_end(&m) == 0);
	CHECK_STR(page(&m), "# HELP t_events_total Events.\n# TYPE t_events_total counter\n"
			    "t_events_total{cpu=\"0\"} 42\nt_events_total 0.5\n");
	metrics_reset(&m);
	m.openmetrics = 1;
	metrics_family(&m, &f_c);
	metrics_sample(&m, NULL, 0, 1e300);
	CHECK(metrics_end(&m) == 0);
	CHECK_STR(page(&m), "# HELP t_events Events.\n# TYPE t_events counter\n"
			    "t_events_total 1.0000000000000001e+300\n# EOF\n");
	metrics_free(&m);
}

/* Buckets made cumulative; +Inf and _count hold what passed the last bound. */
static void test_metrics_histogram(void)
{
	static const double bounds[] = { 0.001, 0.002 };
	static const uint64_t counts[] = { 3, 4 };
	struct metrics m;

	metrics_init(&m, 0, 1 << 16);
	metrics_family(&m, &f_h);
	metrics_histogram(&m, (struct metric_label[]){ { "cpu", "1" } }, 1, bounds, counts, 2, 9,
			  0.25);
	CHECK(metrics_end(&m) == 0);
	CHECK(strstr(page(&m), "t_wait_seconds_bucket{cpu=\"1\",le=\"0.001\"} 3\n"
			       "t_wait_seconds_bucket{cpu=\"1\",le=\"0.002\"} 7\n"
			       "t_wait_seconds_bucket{cpu=\"1\",le=\"+Inf\"} 9\n"
			       "t_wait_seconds_sum{cpu=\"1\"} 0.25\n"
			       "t_wait_seconds_count{cpu=\"1\"} 9\n"));
	metrics_free(&m);
}

/* Task names are any bytes: each sample stays one line Prometheus reads. */
static void test_metrics_label_escape(void)
{
	char buf[64];

	CHECK(metrics_label_escape("a\"b\\c\nd", buf, sizeof(buf)) == 10);
	CHECK_STR(buf, "a\\\"b\\\\c\\nd");
	CHECK(metrics_label_escape("t\x01\x7f\r", buf, sizeof(buf)) == 4);
	CHECK_STR(buf, "t???");
	CHECK(metrics_label_escape("\xc3\xa9t\xe9", buf, sizeof(buf)) == 4);
	CHECK_STR(buf, "\xc3\xa9t?");
	CHECK(metrics_label_escape("\xc3", buf, sizeof(buf)) == 1);	/* cut short */
	CHECK_STR(buf, "?");
	CHECK(metrics_label_escape("abcdef", buf, 4) == 6);
	CHECK_STR(buf, "abc");
	CHECK(metrics_label_escape("\"\"", buf, 4) == 4);
	CHECK_STR(buf, "\\\"");
}

static void test_metrics_bounded(void)
{
	struct metrics m;

	metrics_init(&m, 0, 100);
	metrics_family(&m, &f_c);
	for (int i = 0; i < 10; i++)
		metrics_sample(&m, NULL, 0, i);
	CHECK(metrics_end(&m) == -E2BIG && m.len <= 100);
	metrics_reset(&m);
	metrics_family(&m, &f_c);
	CHECK(metrics_end(&m) == 0);
	metrics_free(&m);
}

static int parse(const char *s, struct http_request *r)
{
	return http_parse(s, strlen(s), r);
}

static void test_http_parse_good(void)
{
	static const char scrape[] =
		"GET /metrics?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9469\r\n"
		"Accept: application/openmetrics-text;version=1.0.0,"
		"application/openmetrics-text;version=0.0.1;q=0.75,"
		"text/plain;version=0.0.4;q=0.5,*/*;q=0.1\r\n"
		"User-Agent: Prometheus/2.42.0\r\n\r\nextra";
	struct http_request r;

	CHECK(parse(scrape, &r) == (int)sizeof(scrape) - 1 - 5);
	CHECK(r.method == HTTP_GET && r.minor == 1 && r.openmetrics);
	CHECK_STR(r.path, "/metrics");
	CHECK(parse("HEAD / HTTP/1.0\n\n", &r) == 17 && r.method == HTTP_HEAD && !r.openmetrics);
	CHECK(parse("\r\nGET / HTTP/1.1\r\nAccept: text/plain, application/openmetrics-text;q=0.5"
		    "\r\n\r\n", &r) > 0 && !r.openmetrics);
	CHECK(parse("GET / HTTP/1.1\r\naccept:  application/openmetrics-text \r\n\r\n", &r) > 0 &&
	      r.openmetrics);
	CHECK(parse("GET / HTTP/1.1\r\nAccept: application/openmetrics-text;q=0\r\n\r\n", &r) > 0 &&
	      !r.openmetrics);
}

static void test_http_parse_incomplete(void)
{
	struct http_request r;

	CHECK(parse("", &r) == 0);
	CHECK(parse("GET /metrics HTTP/1.1\r\n", &r) == 0);
	CHECK(parse("GET /metrics HTTP/1.1\r\nHost: x\r\n\r", &r) == 0);
}

static void test_http_parse_refusals(void)
{
	static const struct {
		const char *req;
		int want;
	} c[] = {
		{ "GARBAGE\r\n\r\n", -400 },
		{ "GET\r\n\r\n", -400 },
		{ "GET  / HTTP/1.1\r\n\r\n", -400 },
		{ "GET metrics HTTP/1.1\r\n\r\n", -400 },
		{ "GET / HTTP/1.1 \r\n\r\n", -400 },
		{ "GET / HTTP/1.x\r\n\r\n", -400 },
		{ "GET /\x01 HTTP/1.1\r\n\r\n", -400 },
		{ "G(T / HTTP/1.1\r\n\r\n", -400 },
		{ "GET / HTTP/2.0\r\n\r\n", -505 },
		{ "GET / HTTP/0.9\r\n\r\n", -505 },
		{ "POST / HTTP/1.1\r\n\r\n", -405 },
		{ "get / HTTP/1.1\r\n\r\n", -405 },
		{ "GET / HTTP/1.1\r\nNo colon\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\n: empty\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nHost : x\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\n folded: x\r\n\r\n", -400 },
		{ "GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n", -400 },
	};
	struct http_request r;

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (parse(c[i].req, &r) != c[i].want)
			printf("    request %u: %d\n", i, parse(c[i].req, &r));
		CHECK(parse(c[i].req, &r) == c[i].want);
	}
}

static void test_http_parse_bounds(void)
{
	static char buf[HTTP_HEAD_MAX + 64];
	struct http_request r;
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "GET /");
	memset(buf + n, 'p', HTTP_PATH_MAX);
	strcpy(buf + n + HTTP_PATH_MAX, " HTTP/1.1\r\n\r\n");
	CHECK(parse(buf, &r) == -414);
	/* A head that does not end within HTTP_HEAD_MAX. */
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "GET / HTTP/1.1\r\nX: ", 19);
	CHECK(http_parse(buf, HTTP_HEAD_MAX - 1, &r) == 0);
	CHECK(http_parse(buf, HTTP_HEAD_MAX, &r) == -431);
	CHECK(http_parse(buf, sizeof(buf), &r) == -431);
	n = (size_t)snprintf(buf, sizeof(buf), "GET / HTTP/1.1\r\n");
	for (int i = 0; i <= HTTP_HEADERS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "X-%d: y\r\n", i);
	strcpy(buf + n, "\r\n");
	CHECK(parse(buf, &r) == -431);
}

static struct tt_task task(uint32_t tid, uint64_t runtime)
{
	struct tt_task t = { .tid = tid, .tgid = tid };

	snprintf(t.comm, sizeof(t.comm), "t%u", tid);
	t.v[TT_RUNTIME_NS] = runtime;
	t.v[TT_VOLUNTARY] = runtime / 10;
	return t;
}

static uint64_t tracked_runtime(const struct task_top *t, uint32_t tid)
{
	for (int i = 0; i < t->n; i++)
		if (t->tracked[i].tid == tid)
			return t->tracked[i].v[TT_RUNTIME_NS];
	return 0;
}

/* Two series and other: the biggest get them, other sums the rest and
 * the gone; a task with over twice a tracked one's time takes its series;
 * other never goes back. */
static void test_task_top_other_only_grows(void)
{
	struct task_top *t = calloc(1, sizeof(*t));
	struct tt_task live[4];
	uint64_t total[TT_NCOUNTERS] = { 0 }, other;

	CHECK(t);
	task_top_init(t, 2);
	live[0] = task(1, 100), live[1] = task(2, 50), live[2] = task(3, 10);
	total[TT_RUNTIME_NS] = 160 + 5;	/* 5 of a gone task */
	task_top_update(t, live, 3, total);
	CHECK(t->n == 2 && tracked_runtime(t, 1) == 100 && tracked_runtime(t, 2) == 50);
	CHECK(t->other[TT_RUNTIME_NS] == 15);
	/* 3 grows past 2 but not past twice 2: no flapping. */
	live[0] = task(1, 110), live[1] = task(2, 60), live[2] = task(3, 100);
	total[TT_RUNTIME_NS] = 270 + 5;
	task_top_update(t, live, 3, total);
	CHECK(tracked_runtime(t, 2) == 60 && !tracked_runtime(t, 3));
	CHECK(t->other[TT_RUNTIME_NS] == 15 + 90);
	/* Past twice: 3 takes 2's series; 2's growth goes to other from now. */
	live[0] = task(1, 120), live[1] = task(2, 61), live[2] = task(3, 200);
	total[TT_RUNTIME_NS] = 381 + 5;
	task_top_update(t, live, 3, total);
	CHECK(tracked_runtime(t, 3) == 200 && !tracked_runtime(t, 2));
	other = t->other[TT_RUNTIME_NS];
	CHECK(other == 105 + 100);
	/* 1 is freed (its 130 move to the gone totals), its tid reused by a
	 * new task that starts from 0: a new series, nothing goes back. */
	live[0] = task(1, 1), live[1] = task(2, 61), live[2] = task(3, 210);
	total[TT_RUNTIME_NS] = 1 + 61 + 210 + 5 + 130;
	task_top_update(t, live, 3, total);
	CHECK(t->other[TT_RUNTIME_NS] >= other);
	CHECK(tracked_runtime(t, 3) == 210 && tracked_runtime(t, 2) == 61);
	CHECK(t->n <= 2);
	/* A shortfall between two reads is not a decrease. */
	other = t->other[TT_RUNTIME_NS];
	total[TT_RUNTIME_NS] -= 3;
	task_top_update(t, live, 3, total);
	CHECK(t->other[TT_RUNTIME_NS] == other);
	free(t);
}

/* However many tasks live, the series are at most want. */
static void test_task_top_bounded(void)
{
	struct task_top *t = calloc(1, sizeof(*t));
	struct tt_task *live = calloc(5000, sizeof(*live));
	uint64_t total[TT_NCOUNTERS] = { 0 };

	CHECK(t && live);
	task_top_init(t, 1000);
	CHECK(t->want == TASK_TOP_MAX);
	for (int round = 0; round < 5; round++) {
		total[TT_RUNTIME_NS] = 0;
		for (uint32_t i = 0; i < 5000; i++) {
			live[i] = task(i + 1 + (uint32_t)round * 3000, (i * 7919u + (unsigned)round) % 10007);
			total[TT_RUNTIME_NS] += live[i].v[TT_RUNTIME_NS];
		}
		task_top_update(t, live, 5000, total);
		CHECK(t->n == TASK_TOP_MAX);
	}
	free(live);
	free(t);
}

UNIT_SUITE(exporter_tests) = {
	UNIT(test_metrics_text_and_openmetrics),
	UNIT(test_metrics_histogram),
	UNIT(test_metrics_label_escape),
	UNIT(test_metrics_bounded),
	UNIT(test_http_parse_good),
	UNIT(test_http_parse_incomplete),
	UNIT(test_http_parse_refusals),
	UNIT(test_http_parse_bounds),
	UNIT(test_task_top_other_only_grows),
	UNIT(test_task_top_bounded),
	UNIT_END,
};
