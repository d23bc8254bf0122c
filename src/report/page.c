#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "core/help.h"
#include "report/html.h"
#include "report/page.h"

#ifndef SCHEDTAP_VERSION
#define SCHEDTAP_VERSION "unknown"
#endif
#define TABLE_ROWS 25
/* The drawing's coordinates: text stays readable when a phone scrolls a
 * figure at its minimum width (CSS below), 640 px for 1000 units. */
#define FIG_W 1000
#define PLOT_X 80
#define PLOT_W 900
#define ROW_H 16

static const char style[] COLD_TEXT =
	"body{font:15px/1.4 system-ui,sans-serif;color:#222;max-width:1100px;margin:0 auto;"
	"padding:10px}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}"
	".fig{overflow-x:auto}.fig svg{min-width:640px;width:100%;height:auto;display:block}"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px}"
	".grid svg{min-width:0}table{border-collapse:collapse;font-variant-numeric:tabular-nums}"
	"th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}"
	"th:first-child,td:first-child{text-align:left}.scroll{overflow-x:auto}"
	".key{display:inline-block;width:.9em;height:.9em;margin-right:4px;vertical-align:-1px}"
	"svg text{font:14px system-ui,sans-serif;fill:#333}.axis{stroke:#888;stroke-width:1}"
	".note{color:#666}";

static double window_s(const struct sched_stats *s)
{
	return (double)(s->t_end - s->t_start) / 1e9;
}

/* A step of 1, 2 or 5 times a power of ten giving at most 10 ticks. */
static double tick_step(double span)
{
	double step = 1e-6;

	while (span / step > 10) {
		if (span / (step * 2) <= 10)
			return step * 2;
		if (span / (step * 5) <= 10)
			return step * 5;
		step *= 10;
	}
	return step;
}

static void time_axis(struct out *o, const struct sched_stats *s, int y)
{
	double span = window_s(s), step = tick_step(span);
	int ms = span < 2;

	html_fmt(o, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", PLOT_X, y,
		 PLOT_X + PLOT_W, y);
	for (int i = 0; i * step <= span + 1e-12 && i <= 10; i++) {
		double x = PLOT_X + PLOT_W * (i * step) / span;

		html_fmt(o, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, y,
			 x, y + 5);
		html_fmt(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>", x, y + 20,
			 ms ? i * step * 1e3 : i * step);
	}
	html_fmt(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (%s, from the "
		 "window's start)</text>", PLOT_X + PLOT_W / 2, y + 40, ms ? "ms" : "s");
}

static void task_label(struct out *o, const struct sched_stats *s, int32_t pid)
{
	const struct ss_task *t = ss_task_of(s, pid);

	html_text(o, t ? t->comm : "?", TRACE_COMM_LEN);
	html_fmt(o, " (%d)", pid);
}

static void section_summary(struct out *o, const struct sched_stats *s, const struct report_meta *m)
{
	html_fmt(o, "<section id=\"summary\"><p>");
	html_text(o, m->source, 4096);
	if (m->kernel) {
		html_fmt(o, ", Linux ");
		html_text(o, m->kernel, 256);
	}
	html_fmt(o, ". Window %.3f s, %d CPU%s seen, %llu events, %llu switches, "
		 "%llu records lost in the kernel.</p></section>\n", window_s(s), s->max_cpu + 1,
		 s->max_cpu ? "s" : "", (unsigned long long)s->events,
		 (unsigned long long)s->switches, (unsigned long long)m->lost);
}

/* A column's opacity in tenths, 3 to 10: from its share not idle, so
 * that a CPU busy for a moment does not look busy throughout. Equal
 * shades of one task merge into one bar. */
static int shade_of(const struct sched_stats *s, const struct ss_column *c)
{
	int shade = (int)(ss_column_busy(s, c) * 10 + 0.5);

	return shade < 3 ? 3 : shade;
}

static void section_timeline(struct out *o, const struct sched_stats *s)
{
	int rows = s->max_cpu + 1 < SS_CPUS ? s->max_cpu + 1 : SS_CPUS;
	int h = 10 + rows * ROW_H + 50, rects = 0;

	html_fmt(o, "<section id=\"timeline\"><h2>Who ran, per CPU</h2>\n");
	if (rows <= 0) {
		html_fmt(o, "<p class=\"note\">No switch in the window.</p></section>\n");
		return;
	}
	html_fmt(o, "<div class=\"fig\"><svg viewBox=\"0 0 %d %d\" role=\"img\" "
		 "aria-label=\"tasks on each CPU over time\">", FIG_W, h);
	for (int cpu = 0; cpu < rows; cpu++) {
		int y = 10 + cpu * ROW_H;

		html_fmt(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">CPU %d</text>", PLOT_X - 6,
			 y + 11, cpu);
		for (int c = 0; c < SS_COLUMNS;) {
			const struct ss_column *col = &s->cols[cpu][c];
			int32_t pid = ss_column_pid(col);
			int shade = shade_of(s, col), n = 1;

			while (c + n < SS_COLUMNS && ss_column_pid(col + n) == pid &&
			       shade_of(s, col + n) == shade)
				n++;
			if (pid) {
				html_fmt(o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
					 "fill-opacity=\"%.1f\" fill=\"", PLOT_X + (double)c * PLOT_W / SS_COLUMNS,
					 y, (double)n * PLOT_W / SS_COLUMNS, ROW_H - 3, shade / 10.0);
				html_task_color(o, pid);
				html_fmt(o, "\"><title>");
				task_label(o, s, pid);
				html_fmt(o, "</title></rect>");
				rects++;
			}
			c += n;
		}
	}
	time_axis(o, s, 10 + rows * ROW_H);
	html_fmt(o, "</svg></div><p class=\"note\">Each of the %d columns shows the task that "
		 "ran longest in it (%.3f ms), paler where the CPU was idle for part of it (at most "
		 "70%% paler); blank is idle. %d bars.</p>\n", SS_COLUMNS,
		 window_s(s) * 1e3 / SS_COLUMNS, rects);
}

/* The tasks by a key, largest first, at most max of them. */
static int by_cpu(const void *a, const void *b)
{
	const struct ss_task *x = *(const struct ss_task *const *)a, *y = *(const struct ss_task *const *)b;

	return x->cpu_ns < y->cpu_ns ? 1 : x->cpu_ns > y->cpu_ns ? -1 : (x->pid > y->pid) - (x->pid < y->pid);
}

static int by_max_wait(const void *a, const void *b)
{
	const struct ss_task *x = *(const struct ss_task *const *)a, *y = *(const struct ss_task *const *)b;

	return x->wait_max_ns < y->wait_max_ns ? 1 : x->wait_max_ns > y->wait_max_ns ? -1 :
		(x->pid > y->pid) - (x->pid < y->pid);
}

static int sorted_tasks(const struct sched_stats *s, int (*cmp)(const void *, const void *),
			const struct ss_task **out)
{
	int n = 0;

	for (unsigned i = 0; i < SS_TASKS; i++)
		if (s->tasks[i].pid)
			out[n++] = &s->tasks[i];
	qsort(out, (size_t)n, sizeof(*out), cmp);
	return n;
}

static void legend(struct out *o, const struct sched_stats *s, const struct ss_task **tasks, int n)
{
	html_fmt(o, "<p>");
	for (int i = 0; i < n && i < 12; i++) {
		html_fmt(o, "<span style=\"margin-right:1em\"><span class=\"key\" style=\"background:");
		html_task_color(o, tasks[i]->pid);
		html_fmt(o, "\"></span>");
		task_label(o, s, tasks[i]->pid);
		html_fmt(o, "</span> ");
	}
	html_fmt(o, "</p></section>\n");
}

/* Bucket b holds [2^b, 2^(b+1)) us; bucket 0 holds 0 to 1 us. */
static void bucket_label(char *buf, size_t len, unsigned b)
{
	unsigned long long v = b ? 1ull << b : 0;

	if (v >= 1048576)
		snprintf(buf, len, "%llus", v / 1000000);
	else if (v >= 1024)
		snprintf(buf, len, "%llums", v / 1000);
	else
		snprintf(buf, len, "%llu", v);
}

/* 987, 12.3k, 1.26M: the axis' margin holds five characters. */
static void count_label(struct out *o, uint64_t v)
{
	if (v >= 1000000)
		html_fmt(o, "%.3gM", (double)v / 1e6);
	else if (v >= 10000)
		html_fmt(o, "%.3gk", (double)v / 1e3);
	else
		html_fmt(o, "%llu", (unsigned long long)v);
}

static void histogram(struct out *o, const uint64_t *hist, const char *title, int small)
{
	int w = small ? 500 : FIG_W, x0 = small ? 60 : PLOT_X, pw = w - x0 - 20, ph = small ? 120 : 200;
	unsigned last = 7;
	uint64_t max = 1;
	char label[16];

	for (unsigned b = 0; b < SS_BUCKETS; b++) {
		if (hist[b] && b > last)
			last = b;
		if (hist[b] > max)
			max = hist[b];
	}
	html_fmt(o, "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", w, ph + 70);
	html_text(o, title, 64);
	html_fmt(o, "\"><text x=\"%d\" y=\"16\">", x0);
	html_text(o, title, 64);
	html_fmt(o, "</text>");
	html_fmt(o, "<line class=\"axis\" x1=\"%d\" y1=\"25\" x2=\"%d\" y2=\"%d\"/>", x0, x0, 25 + ph);
	html_fmt(o, "<text x=\"%d\" y=\"34\" text-anchor=\"end\">", x0 - 4);
	count_label(o, max);
	html_raw(o, "</text>");
	html_fmt(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", x0 - 4, 25 + ph);
	for (unsigned b = 0; b <= last; b++) {
		double bw = (double)pw / (last + 1), x = x0 + b * bw;
		double bh = (double)hist[b] * ph / (double)max;

		html_fmt(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			 "fill=\"#4a7ab8\"><title>%llu</title></rect>", x + 1, 25 + ph - bh, bw - 2, bh,
			 (unsigned long long)hist[b]);
		if (!small || b % 2 == 0) {
			bucket_label(label, sizeof(label), b);
			html_fmt(o, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
				 x + bw / 2, 42 + ph, label);
		}
	}
	html_fmt(o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">run-queue latency, us "
		 "(log2 buckets)</text></svg>", x0 + pw / 2, 64 + ph);
}

static void section_runqlat(struct out *o, const struct sched_stats *s)
{
	char title[48];
	uint64_t total = 0;

	for (unsigned b = 0; b < SS_BUCKETS; b++)
		total += s->hist[b];
	html_fmt(o, "<section id=\"runqlat\"><h2>Run-queue latency</h2><p>From wakeup (or "
		 "preemption) to running, %llu waits; counts per bucket in each bar's tooltip.",
		 (unsigned long long)total);
	if (s->lost_waits)
		html_fmt(o, " %llu waits were dropped (too many tasks waiting at once).",
			 (unsigned long long)s->lost_waits);
	html_fmt(o, "</p><div class=\"fig\">");
	histogram(o, s->hist, "all CPUs", 0);
	html_fmt(o, "</div><div class=\"grid\">");
	for (int cpu = 0; cpu <= s->max_cpu && cpu < SS_CPUS; cpu++) {
		snprintf(title, sizeof(title), "CPU %d", cpu);
		histogram(o, s->cpu_hist[cpu], title, 1);
	}
	html_fmt(o, "</div></section>\n");
}

static void section_tasks(struct out *o, const struct sched_stats *s, const struct ss_task **t, int n)
{
	html_fmt(o, "<section id=\"tasks\"><h2>Tasks: CPU time and switches</h2><div class=\"scroll\">"
		    "<table><tr><th>task (pid)</th><th>CPU ms</th><th>%% of window</th><th>switches"
		    "</th><th>involuntary</th><th>waits</th></tr>\n");
	for (int i = 0; i < n && i < TABLE_ROWS; i++) {
		html_fmt(o, "<tr><td>");
		task_label(o, s, t[i]->pid);
		html_fmt(o, "</td><td>%.3f</td><td>%.1f</td><td>%llu</td><td>%llu</td><td>%llu</td></tr>\n",
			 (double)t[i]->cpu_ns / 1e6, (double)t[i]->cpu_ns / 1e7 / window_s(s),
			 (unsigned long long)t[i]->switches, (unsigned long long)t[i]->involuntary,
			 (unsigned long long)t[i]->waits);
	}
	if (s->other.switches || s->other.waits)
		html_fmt(o, "<tr><td>(other tasks)</td><td>%.3f</td><td></td><td>%llu</td><td></td>"
			 "<td>%llu</td></tr>\n", (double)s->other.cpu_ns / 1e6,
			 (unsigned long long)s->other.switches, (unsigned long long)s->other.waits);
	html_fmt(o, "</table></div><p class=\"note\">%d tasks ran; the %d with the most CPU time.</p>",
		 n, n < TABLE_ROWS ? n : TABLE_ROWS);
}

static void section_latency(struct out *o, const struct sched_stats *s, const struct ss_task **t, int n)
{
	html_fmt(o, "<section id=\"latency\"><h2>Scheduling delay per task</h2><p>As perf sched "
		    "latency counts it: from wakeup or preemption to running.</p><div class=\"scroll\">"
		    "<table><tr><th>task (pid)</th><th>waits</th><th>avg delay ms</th>"
		    "<th>max delay ms</th><th>max at s</th></tr>\n");
	for (int i = 0; i < n && i < TABLE_ROWS && t[i]->waits; i++) {
		html_fmt(o, "<tr><td>");
		task_label(o, s, t[i]->pid);
		html_fmt(o, "</td><td>%llu</td><td>%.3f</td><td>%.3f</td><td>%.6f</td></tr>\n",
			 (unsigned long long)t[i]->waits, (double)t[i]->wait_ns / 1e6 / (double)t[i]->waits,
			 (double)t[i]->wait_max_ns / 1e6,
			 (double)(int64_t)(t[i]->wait_max_at - s->t_start) / 1e9);
	}
	html_fmt(o, "</table></div></section>\n");
}

/* One line of a plot: at most PLOT_POINTS of the scenario's points
 * (every k-th), values past 1024 at the top. */
#define PLOT_POINTS 900
static void polyline(struct out *o, const struct ltt_scenario *sc, size_t field, float t_max,
		     const char *style)
{
	uint32_t step = sc->n / PLOT_POINTS + 1;
	int drawn = 0;

	html_fmt(o, "<polyline fill=\"none\" %s points=\"", style);
	for (uint32_t i = 0; i < sc->n; i += step) {
		float v;

		memcpy(&v, (const char *)&sc->pts[i] + field, sizeof(v));
		if (v != v)
			continue;
		v = v > 1024 ? 1024 : v;
		html_fmt(o, "%s%.1f,%.1f", drawn++ ? " " : "", PLOT_X + PLOT_W * sc->pts[i].t_ms / t_max,
			 20 + 200 * (1 - v / 1024));
	}
	html_raw(o, "\"/>");
}

static void loadtrack_plot(struct out *o, const struct ltt_scenario *sc)
{
	float t_max = 1;
	double step;

	for (uint32_t i = 0; i < sc->n; i++)
		t_max = sc->pts[i].t_ms > t_max ? sc->pts[i].t_ms : t_max;
	html_raw(o, "<h3>");
	html_text(o, sc->name, LTT_NAME);
	html_fmt(o, "</h3><div class=\"fig\"><svg viewBox=\"0 0 %d 280\" role=\"img\" "
		 "aria-label=\"utilization over time\">", FIG_W);
	for (int g = 0; g <= 4; g++)
		html_fmt(o, "<line class=\"axis\" stroke-opacity=\"0.3\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
			 "y2=\"%d\"/><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>", PLOT_X,
			 20 + 50 * g, PLOT_X + PLOT_W, 20 + 50 * g, PLOT_X - 6, 25 + 50 * g, 1024 - 256 * g);
	polyline(o, sc, offsetof(struct ltt_point, actual), t_max, "stroke=\"#aaa\" stroke-width=\"1\"");
	polyline(o, sc, offsetof(struct ltt_point, model), t_max,
		 "stroke=\"#222\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
	polyline(o, sc, offsetof(struct ltt_point, util), t_max, "stroke=\"#2b6cb0\" stroke-width=\"2\"");
	polyline(o, sc, offsetof(struct ltt_point, est), t_max, "stroke=\"#dd6b20\" stroke-width=\"2\"");
	step = tick_step(t_max);
	for (int i = 0; i * step <= t_max && i <= 10; i++)
		html_fmt(o, "<text x=\"%.1f\" y=\"238\" text-anchor=\"middle\">%g</text>",
			 PLOT_X + PLOT_W * i * step / t_max, i * step);
	html_fmt(o, "<text x=\"%d\" y=\"256\" text-anchor=\"middle\">time (ms)</text>"
		 "<text x=\"%d\" y=\"274\" text-anchor=\"middle\">grey: actual (8-ms mean), blue: "
		 "util_avg, orange: util_est, dashed: PELT's model (units of 1024)</text></svg></div>",
		 PLOT_X + PLOT_W / 2, PLOT_X + PLOT_W / 2);
	if (sc->dropped)
		html_fmt(o, "<p class=\"note\">%u points past the first %d left out.</p>", sc->dropped,
			 LTT_POINTS);
}

static void section_loadtrack(struct out *o, const struct ltt_file *lt)
{
	html_fmt(o, "<section id=\"loadtrack\"><h2>Load tracking against the truth</h2><p>From "
		 "<code>loadtrack --timeline --csv</code>: %d scenario%s, %llu points", lt->n,
		 lt->n == 1 ? "" : "s", (unsigned long long)lt->rows);
	if (lt->bad)
		html_fmt(o, " (%llu lines that are not rows skipped)", (unsigned long long)lt->bad);
	html_raw(o, ".</p>");
	for (int i = 0; i < lt->n; i++)
		loadtrack_plot(o, &lt->sc[i]);
	html_raw(o, "</section>\n");
}

static void inv_task(struct out *o, const struct report_task_id *t)
{
	html_text(o, t->pid ? t->comm : "?", TRACE_COMM_LEN);
	html_fmt(o, " (%d, prio %d)", t->pid, t->prio);
}

static void section_inversions(struct out *o, const struct sched_stats *s,
			       const struct report_meta *m)
{
	html_fmt(o, "<section id=\"inversions\"><h2>Priority inversions</h2><p>As <code>schedtap "
		 "inversion</code> finds them in switches and wakeups: a real-time task runnable "
		 "for more than %g ms while tasks of lower priority ran on its CPU; %llu found.",
		 m->inv_thresh_ms, (unsigned long long)m->inv_total);
	html_fmt(o, " Blocking inversions (a futex's holder kept off its CPU) and PI boosts need "
		 "the futex events only <code>schedtap inversion</code> traces.</p>");
	if (!m->ninv) {
		html_raw(o, "</section>\n");
		return;
	}
	html_fmt(o, "<div class=\"scroll\"><table><tr><th>at s</th><th>CPU</th><th>waiting</th>"
		 "<th>ran instead, the most</th><th>waited ms</th><th>lower ones ran ms</th></tr>\n");
	for (int i = 0; i < m->ninv; i++) {
		const struct report_inversion *f = &m->inv[i];

		html_fmt(o, "<tr><td>%.6f</td><td>%d</td><td>", (double)(int64_t)(f->ts_ns - s->t_start) / 1e9,
			 f->cpu);
		inv_task(o, &f->h);
		html_raw(o, "</td><td>");
		inv_task(o, &f->m);
		html_fmt(o, "</td><td>%.3f</td><td>%.3f</td></tr>\n", (double)f->wait_ns / 1e6,
			 (double)f->delay_ns / 1e6);
	}
	html_raw(o, "</table></div></section>\n");
}

static void section_lottery(struct out *o, const struct report_lottery *l)
{
	html_fmt(o, "<section id=\"lottery\"><h2>Lottery shares</h2><p>From the loaded lottery "
		 "monitor's counts over the window: %d competing task%s in %d CPU group%s, "
		 "worst error %.2f pp, Jain's fairness index %.4f (1: every task got what its "
		 "tickets owed it).</p>", l->tasks, l->tasks == 1 ? "" : "s", l->groups,
		 l->groups == 1 ? "" : "s", l->worst_pp, l->jain);
	html_fmt(o, "<div class=\"scroll\"><table><tr><th>task (pid)</th><th>tickets</th>"
		 "<th>owed %%</th><th>got %%</th><th>CPU ms</th></tr>\n");
	for (int i = 0; i < l->nrows; i++) {
		const struct report_share *r = &l->rows[i];

		html_raw(o, "<tr><td>");
		html_text(o, r->comm, TRACE_COMM_LEN);
		html_fmt(o, " (%d)</td><td>%u</td><td>%.1f</td><td>%.1f</td><td>%.3f</td></tr>\n",
			 r->pid, r->tickets, r->expected * 100, r->actual * 100, r->cpu_ms);
	}
	html_raw(o, "</table></div></section>\n");
}

void report_page(struct out *o, const struct sched_stats *s, const struct report_meta *m)
{
	const struct ss_task **tasks = malloc(SS_TASKS * sizeof(*tasks));
	int n;

	help_unpack(); /* the style and the formats are cold text */
	html_raw(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		    "<meta name=\"generator\" content=\"schedtap " SCHEDTAP_VERSION "\">"
		    "<title>schedtap report</title><style>");
	html_raw(o, style);
	html_fmt(o, "</style></head><body><h1>schedtap report</h1>\n");
	section_summary(o, s, m);
	section_timeline(o, s);
	n = tasks ? sorted_tasks(s, by_cpu, tasks) : 0;
	if (tasks)
		legend(o, s, tasks, n);
	else
		html_fmt(o, "</section>\n");
	section_runqlat(o, s);
	section_tasks(o, s, tasks, n);
	html_fmt(o, "</section>\n");
	if (tasks)
		qsort(tasks, (size_t)n, sizeof(*tasks), by_max_wait);
	section_latency(o, s, tasks, n);
	section_inversions(o, s, m);
	if (m->lottery && m->lottery->loaded)
		section_lottery(o, m->lottery);
	if (m->loadtrack)
		section_loadtrack(o, m->loadtrack);
	html_fmt(o, "</body></html>\n");
	free(tasks);
}
