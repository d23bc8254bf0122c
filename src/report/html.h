/* Writing HTML and SVG through the output layer: markup as it is, text
 * from the kernel or the user escaped (task names hold any byte). */
#ifndef SCHEDTAP_REPORT_HTML_H
#define SCHEDTAP_REPORT_HTML_H

#include <stddef.h>
#include "core/msg.h"
#include "core/output.h"

void html_raw(struct out *o, const char *markup);
/* Markup with numbers in it. The formats are cold text, as messages'
 * are (core/msg.h): a page's markup is read once per report. */
#define html_fmt(o, fmt, ...)                                                          \
	({ MSG_COLD_FMT(fmt, ##__VA_ARGS__); html_fmt_at(o, msg_fmt_, ##__VA_ARGS__); })
void html_fmt_at(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* At most max bytes of s, to its first NUL: & < > " ' as entities, other
 * control bytes and bytes that are not UTF-8 text as '?'. */
void html_text(struct out *o, const char *s, size_t max);
/* A color for a task, the same for a pid everywhere in the page. */
void html_task_color(struct out *o, int pid);
#endif
