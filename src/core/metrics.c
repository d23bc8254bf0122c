#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/metrics.h"
#include "core/output.h"

void metrics_init(struct metrics *m, int openmetrics, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->openmetrics = openmetrics;
	m->max = max;
}

void metrics_reset(struct metrics *m)
{
	m->len = 0;
	m->err = 0;
	m->fam = NULL;
}

void metrics_free(struct metrics *m)
{
	free(m->buf);
	m->buf = NULL;
	m->len = m->cap = 0;
}

static int reserve(struct metrics *m, size_t n)
{
	size_t cap = m->cap ? m->cap : 16384;
	char *p;

	if (m->err)
		return -1;
	if (m->len + n > m->max) {
		m->err = -E2BIG;
		return -1;
	}
	if (m->len + n <= m->cap)
		return 0;
	while (cap < m->len + n)
		cap *= 2;
	if (!(p = realloc(m->buf, cap))) {
		m->err = -ENOMEM;
		return -1;
	}
	m->buf = p;
	m->cap = cap;
	return 0;
}

static void put(struct metrics *m, const char *s, size_t n)
{
	if (!reserve(m, n)) {
		memcpy(m->buf + m->len, s, n);
		m->len += n;
	}
}

static void puts_(struct metrics *m, const char *s)
{
	put(m, s, strlen(s));
}

static void __attribute__((format(printf, 2, 3))) putf(struct metrics *m, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(m, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

size_t metrics_label_escape(const char *s, char *buf, size_t size)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), out = 0, w = 0;	/* needed, written */

	for (size_t i = 0, l; i < n; i += l) {
		char esc[2] = { '\\', 0 };
		const char *piece = (const char *)u + i;
		size_t plen;

		l = u[i] >= 0x80 ? out_utf8_len(u + i, n - i) : 1;
		if (!l) {
			l = 1;
			piece = "?", plen = 1;
		} else if (u[i] == '\\' || u[i] == '"' || u[i] == '\n') {
			esc[1] = u[i] == '\n' ? 'n' : (char)u[i];
			piece = esc, plen = 2;
		} else if (u[i] < 0x20 || u[i] == 0x7f) {
			piece = "?", plen = 1;
		} else {
			plen = l;
		}
		/* Whole pieces only: a cut never leaves half an escape. */
		if (w == out && out + plen < size) {
			memcpy(buf + out, piece, plen);
			w += plen;
		}
		out += plen;
	}
	if (size)
		buf[w] = 0;
	return out;
}

static const char *const type_names[] = { "counter", "gauge", "histogram" };

void metrics_family(struct metrics *m, const struct metric_family *f)
{
	const char *total = f->type == METRIC_COUNTER && !m->openmetrics ? "_total" : "";

	m->fam = f;
	putf(m, "# HELP %s%s ", f->name, total);
	puts_(m, f->help);	/* ours: no \\ or newline to escape */
	putf(m, "\n# TYPE %s%s %s\n", f->name, total, type_names[f->type]);
}

/* name{a="x",b="y"} : the family's name, suffix, labels and extra (le). */
static void series(struct metrics *m, const char *suffix, const struct metric_label *l, int nl,
		   const char *le)
{
	char esc[256];

	puts_(m, m->fam->name);
	puts_(m, suffix);
	if (!nl && !le)
		return;
	put(m, "{", 1);
	for (int i = 0; i < nl; i++) {
		size_t n = metrics_label_escape(l[i].value, esc, sizeof(esc));

		putf(m, "%s%s=\"", i ? "," : "", l[i].name);
		put(m, esc, n < sizeof(esc) ? n : sizeof(esc) - 1);
		put(m, "\"", 1);
	}
	if (le)
		putf(m, "%sle=\"%s\"", nl ? "," : "", le);
	put(m, "}", 1);
}

/* Integers exactly (counts up to 2^53), other values in 17 digits: what
 * Prometheus' parser reads back to the same double. */
static void value(struct metrics *m, double v)
{
	if (isnan(v))
		puts_(m, " NaN\n");
	else if (isinf(v))
		puts_(m, v > 0 ? " +Inf\n" : " -Inf\n");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		putf(m, " %.0f\n", v);
	else
		putf(m, " %.17g\n", v);
}

void metrics_sample(struct metrics *m, const struct metric_label *l, int nl, double v)
{
	series(m, m->fam->type == METRIC_COUNTER ? "_total" : "", l, nl, NULL);
	value(m, v);
}

void metrics_histogram(struct metrics *m, const struct metric_label *l, int nl,
		       const double *bounds, const uint64_t *counts, int n, uint64_t count,
		       double sum)
{
	uint64_t cum = 0;
	char le[32];

	for (int i = 0; i < n; i++) {
		cum += counts[i];
		snprintf(le, sizeof(le), "%.9g", bounds[i]);
		series(m, "_bucket", l, nl, le);
		value(m, (double)cum);
	}
	series(m, "_bucket", l, nl, "+Inf");
	value(m, (double)(count > cum ? count : cum));
	series(m, "_sum", l, nl, NULL);
	value(m, sum);
	series(m, "_count", l, nl, NULL);
	value(m, (double)(count > cum ? count : cum));
}

int metrics_end(struct metrics *m)
{
	if (m->openmetrics)
		puts_(m, "# EOF\n");
	return m->err;
}
