#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "report/html.h"

void html_raw(struct out *o, const char *markup)
{
	out_raw(o, markup, strlen(markup));
}

void html_fmt_at(struct out *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	help_unpack();
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_raw(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void html_text(struct out *o, const char *s, size_t max)
{
	char buf[8 * 16];
	size_t n = 0;

	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" :
				c == '"' ? "&quot;" : c == '\'' ? "&#39;" : NULL;

		if (n + 8 > sizeof(buf)) {
			out_raw(o, buf, n);
			n = 0;
		}
		if (e) {
			memcpy(buf + n, e, strlen(e));
			n += strlen(e);
		} else {
			/* Task names are bytes, not always UTF-8: a stray
			 * byte would make the page invalid text. */
			buf[n++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
		}
	}
	out_raw(o, buf, n);
}

void html_task_color(struct out *o, int pid)
{
	unsigned h = (unsigned)pid * 2654435761u;

	if (pid == 0) {
		html_raw(o, "#e8e8e8");
		return;
	}
	html_fmt(o, "hsl(%u,%u%%,%u%%)", (h >> 8) % 360, 45 + (h >> 20) % 30, 42 + (h >> 26) % 18);
}
