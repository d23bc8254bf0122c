/* The __print_flags() table of a print fmt, and the preemption marker:
 * how prev_state's bits read, from the kernel's own text. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "tracefs/text.h"
#include "tracefs/tracefs.h"

/* p at an opening quote: return the char after the closing one, or NULL. */
static const char *skip_quoted(const char *p, const char *end)
{
	char q = *p++;

	while (p < end && *p != q) {
		if (*p == '\\' && p + 1 < end)
			p++;
		p++;
	}
	return p < end ? p + 1 : NULL;
}

/* End of the argument starting at p: the first ',' or closing bracket at
 * nesting depth 0 (or end). NULL when brackets or quotes do not balance. */
static const char *arg_end(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		char c = *p;

		if (c == '"' || c == '\'') {
			p = skip_quoted(p, end);
			if (!p)
				return NULL;
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (depth == 0)
				return p;
			depth--;
		} else if (c == ',' && depth == 0) {
			return p;
		}
		p++;
	}
	return depth == 0 ? p : NULL;
}

/* First c at depth 0 in [p, end), outside quotes; NULL if none. */
static const char *find_top(const char *p, const char *end, char c)
{
	int depth = 0;

	while (p && p < end) {
		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p, end);
			continue;
		}
		if (*p == c && depth == 0)
			return p;
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
			depth--;
		p++;
	}
	return NULL;
}

/* Does [p, end) start with REC-><field> as a whole word? */
static int is_field_ref(const char *p, const char *end, const char *field)
{
	size_t fl = strlen(field);

	if (!tx_starts(p, end, "REC->") || (size_t)(end - p - 5) < fl ||
	    memcmp(p + 5, field, fl))
		return 0;
	return p + 5 + fl == end || !tx_is_ident(p[5 + fl]);
}

static int mentions_field(const char *p, const char *end, const char *field)
{
	for (const char *s = p; s < end; s++)
		if (is_field_ref(s, end, field) && (s == p || !tx_is_ident(s[-1])))
			return 1;
	return 0;
}

/* Parse string literal at p into out (no escapes in flag names). */
static int parse_name(const char **pp, const char *end, char *out, size_t size)
{
	const char *p = tx_skip_space(*pp, end), *q;

	if (p >= end || *p != '"')
		return -EINVAL;
	q = skip_quoted(p, end);
	if (!q || memchr(p + 1, '\\', (size_t)(q - 1 - (p + 1))))
		return -EINVAL;
	*pp = q;
	return tx_copy_str(out, size, p + 1, (size_t)(q - 1 - (p + 1)));
}

/* The { value, "name" } list after __print_flags(field, "delim", */
static int parse_flag_list(const char *p, const char *end, struct tp_flag *flags,
			   int max)
{
	char delim[16];
	int n = 0, err;

	err = parse_name(&p, end, delim, sizeof(delim));
	if (err)
		return err == -ENAMETOOLONG ? -EINVAL : err;
	for (;;) {
		const char *ve;

		p = tx_skip_space(p, end);
		if (p < end && *p == ')')
			return n;
		if (p >= end || *p != ',')
			return -EINVAL;
		p = tx_skip_space(p + 1, end);
		if (p >= end || *p != '{')
			return -EINVAL;
		ve = arg_end(p + 1, end);
		if (!ve || ve >= end || *ve != ',')
			return -EINVAL;
		if (n >= max)
			return -ENOSPC;
		err = tracefs_eval_const(p + 1, (size_t)(ve - (p + 1)), &flags[n].value);
		if (err)
			return err;
		p = ve + 1;
		err = parse_name(&p, end, flags[n].name, sizeof(flags[n].name));
		if (err)
			return err;
		p = tx_skip_space(p, end);
		if (p >= end || *p != '}')
			return -EINVAL;
		p++;
		n++;
	}
}

/* Find "__print_flags(" whose first argument mentions REC-><field>;
 * return the position after the first argument's comma. */
static const char *find_print_flags(const char *start, const char *end,
				    const char *field)
{
	static const char kw[] = "__print_flags";
	const size_t kl = sizeof(kw) - 1;
	const char *p = start;

	while (p && p < end) {
		const char *a, *ae;

		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p, end);
			continue;
		}
		if (!tx_starts(p, end, kw) || (p > start && tx_is_ident(p[-1]))) {
			p++;
			continue;
		}
		p += kl;
		/* 64-bit flag words use __print_flags_u64() (6.x). */
		if (tx_starts(p, end, "_u64"))
			p += 4;
		a = tx_skip_space(p, end);
		if (a >= end || *a != '(')
			continue;
		ae = arg_end(a + 1, end);
		if (ae && ae < end && *ae == ',' && mentions_field(a + 1, ae, field))
			return ae + 1;
	}
	return NULL;
}

/* An argument of the form "COND ? "+" : """ where COND is
 * "REC-><field> & EXPR", possibly parenthesised: EXPR is the marker bit. */
static int plus_marker(const char *a, const char *ae, const char *field,
		       unsigned long long *val)
{
	const char *q = find_top(a, ae, '?'), *c, *ce, *r;

	if (!q)
		return 0;
	r = tx_skip_space(q + 1, ae);
	if (!tx_starts(r, ae, "\"+\""))
		return 0;
	c = tx_skip_space(a, q);
	ce = tx_trim_end(c, q);
	/* Strip parentheses that wrap the whole condition. */
	while (c < ce && *c == '(' && ce[-1] == ')' && arg_end(c + 1, ce) == ce - 1) {
		c = tx_skip_space(c + 1, ce);
		ce = tx_trim_end(c, ce - 1);
	}
	if (!is_field_ref(c, ce, field))
		return 0;
	c = tx_skip_space(c + 5 + strlen(field), ce);
	if (c >= ce || *c != '&' || (c + 1 < ce && c[1] == '&'))
		return -EINVAL;
	return tracefs_eval_const(c + 1, (size_t)(ce - c - 1), val) ? -EINVAL : 1;
}

static int find_report_max(const char *fmt, const char *end, const char *field,
			   unsigned long long *report_max)
{
	const char *p = tx_skip_space(fmt, end);

	*report_max = 0;
	/* The printf format string comes first; the arguments follow. */
	if (p < end && *p == '"') {
		p = skip_quoted(p, end);
		if (!p)
			return -EINVAL;
	}
	while (p < end) {
		const char *ae;
		int r;

		p = tx_skip_space(p, end);
		if (p >= end || *p != ',')
			break;
		ae = arg_end(p + 1, end);
		if (!ae)
			return -EINVAL;
		r = plus_marker(p + 1, ae, field, report_max);
		if (r)
			return r < 0 ? r : 0;
		p = ae;
	}
	return 0;
}

int tracefs_print_flags(const char *print_fmt, const char *field,
			struct tp_flag *flags, int max,
			unsigned long long *report_max)
{
	const char *end, *list;
	unsigned long long rm;
	int n, err;

	if (!print_fmt || !field || !*field || (!flags && max > 0) || max < 0)
		return -EINVAL;
	end = print_fmt + strlen(print_fmt);
	list = find_print_flags(print_fmt, end, field);
	if (!list)
		return -ENOENT;
	n = parse_flag_list(list, end, flags, max);
	if (n < 0)
		return n;
	err = find_report_max(print_fmt, end, field, &rm);
	if (err)
		return err;
	if (report_max)
		*report_max = rm;
	return n;
}
