/* Integer constant expressions as print fmts spell them: ((1 << 3) - 1),
 * casts and all, for the state flags. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include "tracefs/text.h"
#include "tracefs/tracefs.h"

#define EVAL_DEPTH_MAX 64        /* nesting bound for the expression parser */

/* Recursive descent over C precedence, unsigned 64-bit arithmetic (wraps
 * like the kernel's unsigned long on 64-bit). Errors stick in e->err. */
struct cexpr {
	const char *p, *end;
	int depth;
	int err;
};

static unsigned long long ce_or(struct cexpr *e);

static void ce_space(struct cexpr *e)
{
	e->p = tx_skip_space(e->p, e->end);
}

static int ce_peek(struct cexpr *e, char c)
{
	ce_space(e);
	return e->p < e->end && *e->p == c;
}

/* Single-char operator c, but not when it is the first of "cc" or "c=". */
static int ce_op1(struct cexpr *e, char c)
{
	if (!ce_peek(e, c))
		return 0;
	if (e->p + 1 < e->end && (e->p[1] == c || e->p[1] == '='))
		return 0;
	e->p++;
	return 1;
}

static int ce_op2(struct cexpr *e, char c)
{
	if (!ce_peek(e, c) || e->p + 1 >= e->end || e->p[1] != c)
		return 0;
	e->p += 2;
	return 1;
}

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static unsigned long long ce_number(struct cexpr *e)
{
	unsigned long long v = 0;
	unsigned base = 10;
	int nd = 0;

	if (*e->p == '0') {
		base = 8;
		if (e->p + 1 < e->end && (e->p[1] == 'x' || e->p[1] == 'X')) {
			base = 16;
			e->p += 2;
		}
	}
	for (; e->p < e->end; e->p++, nd++) {
		unsigned d = (unsigned)digit_val(*e->p);

		if (d >= base)
			break;
		if (v > (ULLONG_MAX - d) / base) {
			e->err = -EINVAL;
			return 0;
		}
		v = v * base + d;
	}
	if (base == 16 && nd == 0)
		e->err = -EINVAL;
	/* Integer suffixes: u, l, ul, ull, in either case. */
	while (e->p < e->end && (*e->p == 'u' || *e->p == 'U' || *e->p == 'l' ||
				 *e->p == 'L'))
		e->p++;
	if (e->p < e->end && tx_is_ident(*e->p))
		e->err = -EINVAL;
	return v;
}

/* "(unsigned long)" and friends: only words and '*' before ')'. */
static int ce_is_cast(const struct cexpr *e)
{
	const char *p = tx_skip_space(e->p + 1, e->end);

	if (p >= e->end || !tx_is_ident(*p) || (*p >= '0' && *p <= '9'))
		return 0;
	for (; p < e->end; p++) {
		if (*p == ')')
			return 1;
		if (!tx_is_ident(*p) && *p != '*' && !tx_is_space(*p))
			return 0;
	}
	return 0;
}

static unsigned long long ce_unary(struct cexpr *e)
{
	unsigned long long v = 0;

	if (e->err)
		return 0;
	if (++e->depth > EVAL_DEPTH_MAX) {
		e->err = -EINVAL;
		return 0;
	}
	ce_space(e);
	if (e->p >= e->end) {
		e->err = -EINVAL;
	} else if (*e->p == '(' && ce_is_cast(e)) {
		e->p = memchr(e->p, ')', (size_t)(e->end - e->p)) + 1;
		v = ce_unary(e);
	} else if (*e->p == '(') {
		e->p++;
		v = ce_or(e);
		if (!ce_peek(e, ')'))
			e->err = -EINVAL;
		else
			e->p++;
	} else if (*e->p == '~') {
		e->p++;
		v = ~ce_unary(e);
	} else if (*e->p == '!') {
		e->p++;
		v = !ce_unary(e);
	} else if (*e->p == '-') {
		e->p++;
		v = -ce_unary(e);
	} else if (*e->p == '+') {
		e->p++;
		v = ce_unary(e);
	} else if (*e->p >= '0' && *e->p <= '9') {
		v = ce_number(e);
	} else {
		e->err = -EINVAL; /* identifiers: an unexpanded name, unknowable */
	}
	e->depth--;
	return e->err ? 0 : v;
}

static unsigned long long ce_mul(struct cexpr *e)
{
	unsigned long long v = ce_unary(e);

	while (!e->err) {
		unsigned long long r;
		char op;

		if (ce_op1(e, '*'))
			op = '*';
		else if (ce_op1(e, '/'))
			op = '/';
		else if (ce_op1(e, '%'))
			op = '%';
		else
			break;
		r = ce_unary(e);
		if (op == '*') {
			v *= r;
		} else if (r == 0) {
			e->err = -EINVAL;
		} else {
			v = op == '/' ? v / r : v % r;
		}
	}
	return v;
}

static unsigned long long ce_add(struct cexpr *e)
{
	unsigned long long v = ce_mul(e);

	while (!e->err) {
		if (ce_op1(e, '+'))
			v += ce_mul(e);
		else if (ce_op1(e, '-'))
			v -= ce_mul(e);
		else
			break;
	}
	return v;
}

static unsigned long long ce_shift(struct cexpr *e)
{
	unsigned long long v = ce_add(e);

	while (!e->err) {
		int left;
		unsigned long long r;

		if (ce_op2(e, '<'))
			left = 1;
		else if (ce_op2(e, '>'))
			left = 0;
		else
			break;
		r = ce_add(e);
		if (r >= 64) {
			e->err = -EINVAL;
			break;
		}
		v = left ? v << r : v >> r;
	}
	return v;
}

static unsigned long long ce_and(struct cexpr *e)
{
	unsigned long long v = ce_shift(e);

	while (!e->err && ce_op1(e, '&'))
		v &= ce_shift(e);
	return v;
}

static unsigned long long ce_xor(struct cexpr *e)
{
	unsigned long long v = ce_and(e);

	while (!e->err && ce_op1(e, '^'))
		v ^= ce_and(e);
	return v;
}

static unsigned long long ce_or(struct cexpr *e)
{
	unsigned long long v = ce_xor(e);

	while (!e->err && ce_op1(e, '|'))
		v |= ce_xor(e);
	return v;
}

int tracefs_eval_const(const char *s, size_t len, unsigned long long *val)
{
	struct cexpr e = { .p = s, .end = s + len };
	unsigned long long v;

	if (!s || !val)
		return -EINVAL;
	v = ce_or(&e);
	ce_space(&e);
	if (e.err || e.p != e.end)
		return -EINVAL;
	*val = v;
	return 0;
}
