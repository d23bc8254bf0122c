#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include "core/format.h"

enum { F_MINUS = 1, F_PLUS = 2, F_SPACE = 4, F_ALT = 8, F_ZERO = 16 };
enum { LEN_INT, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };
/* Digits kept for a double: 15 are exact under the rounding below (the
 * integer it rounds to stays under 2^52); more are zeros. */
enum { EXACT_DIGITS = 15, MAX_PREC = 400 };

struct spec {
	unsigned flags;
	int width, prec; /* prec -1: none given */
	int len;
	char conv;
};

struct out {
	struct fmt_sink *s;
	size_t total;
	int failed;
};

/* 10^0 to 10^22: every one exact in a double. */
static const double pow10_exact[23] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static void put_bytes(struct out *o, const char *p, size_t n, int fill)
{
	struct fmt_sink *s = o->s;

	o->total += n;
	while (n && !o->failed) {
		if (s->len == s->cap) {
			if (!s->flush)
				return;
			if (s->flush(s)) {
				o->failed = 1;
				return;
			}
		}
		size_t k = s->cap - s->len < n ? s->cap - s->len : n;

		if (fill)
			memset(s->buf + s->len, *p, k);
		else
			memcpy(s->buf + s->len, p, k);
		s->len += k;
		n -= k;
		if (!fill)
			p += k;
	}
}

static void put(struct out *o, const char *p, size_t n)
{
	put_bytes(o, p, n, 0);
}

static void fill(struct out *o, char c, long n)
{
	if (n > 0)
		put_bytes(o, &c, (size_t)n, 1);
}

/* prefix (sign, 0x), zeros, body, padded to the width. */
static void put_field(struct out *o, const struct spec *sp, const char *prefix, size_t plen,
		      long zeros, const char *body, size_t blen)
{
	long pad = sp->width - (long)(plen + blen) - (zeros > 0 ? zeros : 0);

	if (!(sp->flags & F_MINUS) && !(sp->flags & F_ZERO))
		fill(o, ' ', pad);
	put(o, prefix, plen);
	if (!(sp->flags & F_MINUS) && (sp->flags & F_ZERO))
		fill(o, '0', pad);
	fill(o, '0', zeros);
	put(o, body, blen);
	if (sp->flags & F_MINUS)
		fill(o, ' ', pad);
}

/* The digits of v, written backwards from end; returns their count. */
static size_t digits_of(char *end, uint64_t v, unsigned base, int upper)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		*--end = set[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
}

static size_t sign_of(const struct spec *sp, int negative, char *prefix)
{
	if (negative)
		*prefix = '-';
	else if (sp->flags & F_PLUS)
		*prefix = '+';
	else if (sp->flags & F_SPACE)
		*prefix = ' ';
	else
		return 0;
	return 1;
}

static void put_integer(struct out *o, struct spec *sp, uint64_t v, int negative)
{
	char buf[24], prefix[2];
	char *end = buf + sizeof(buf);
	unsigned base = sp->conv == 'o' ? 8 : (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p') ? 16 : 10;
	size_t plen = 0, n = 0;
	long zeros;

	if (sp->conv == 'd' || sp->conv == 'i')
		plen = sign_of(sp, negative, prefix);
	if (v || sp->prec)
		n = digits_of(end, v, base, sp->conv == 'X');
	zeros = sp->prec > (long)n ? sp->prec - (long)n : 0;
	if ((sp->flags & F_ALT) && sp->conv == 'o' && !zeros && (!n || end[-(long)n] != '0'))
		zeros = 1;
	if (((sp->flags & F_ALT) && v && base == 16) || sp->conv == 'p') {
		prefix[0] = '0';
		prefix[1] = sp->conv == 'X' ? 'X' : 'x';
		plen = 2;
	}
	if (sp->prec >= 0)
		sp->flags &= ~F_ZERO;
	put_field(o, sp, prefix, plen, zeros, end - n, n);
}

/* Whether x * 10^k is above (1), at (0) or below (-1) floor(y) + 0.5,
 * with y the rounded product (*fl: its floor): decided on the exact
 * product by a fused multiply-add, so that ties are true ties. x >= 0,
 * |k| <= 22, the product < 2^52. */
static int scaled_floor(double x, int k, double *fl)
{
	double p = pow10_exact[k < 0 ? -k : k];
	double f = floor(k < 0 ? x / p : x * p), d;

	d = k < 0 ? fma(-(f + 0.5), p, x) : fma(x, p, -(f + 0.5));
	*fl = f;
	return (d > 0) - (d < 0);
}

/* x * 10^k rounded to the nearest integer, ties to even. */
static uint64_t scaled_round(double x, int k)
{
	double f;
	int cmp;

	/* Far exponents are scaled in steps, with their rounding errors:
	 * nothing schedtap prints is below 1e-22 or beyond 1e22. */
	for (; k > 22; k -= 22)
		x *= 1e22;
	for (; k < -22; k += 22)
		x /= 1e22;
	cmp = scaled_floor(x, k, &f);
	return (uint64_t)f + (cmp > 0 || (cmp == 0 && ((uint64_t)f & 1)));
}

/* x > 0 as m * 10^(e - digits + 1), m of exactly `digits` digits. */
static uint64_t decompose(double x, int digits, int *e)
{
	uint64_t low = (uint64_t)pow10_exact[digits - 1], m;
	int bexp;

	frexp(x, &bexp);
	*e = (int)floor((bexp - 1) * 0.30102999566398120); /* log10(2) */
	for (int tries = 0; tries < 4; tries++) {
		m = scaled_round(x, digits - 1 - *e);
		if (m >= low * 10)
			++*e;
		else if (m < low)
			--*e;
		else
			break;
	}
	return m;
}

/* The decimal digits of an integer-valued x >= 2^64, backwards, exact:
 * its 53-bit mantissa doubled e times in base-10^9 limbs (a double's
 * integer part has at most 309 digits: 35 limbs). */
static size_t huge_digits(char *end, double x)
{
	uint32_t limb[36] = { 0 };
	int bexp, n = 1;
	uint64_t m = (uint64_t)ldexp(frexp(x, &bexp), 53);
	size_t len = 0;

	limb[0] = (uint32_t)(m % 1000000000u);
	limb[1] = (uint32_t)(m / 1000000000u % 1000000000u);
	limb[2] = (uint32_t)(m / 1000000000000000000u);
	n = limb[2] ? 3 : limb[1] ? 2 : 1;
	for (int k = 0; k < bexp - 53; k++) {
		uint32_t carry = 0;

		for (int i = 0; i < n; i++) {
			uint64_t v = (uint64_t)limb[i] * 2 + carry;

			limb[i] = (uint32_t)(v % 1000000000u);
			carry = (uint32_t)(v / 1000000000u);
		}
		if (carry && n < 36)
			limb[n++] = carry;
	}
	for (int i = 0; i < n; i++) {
		uint32_t v = limb[i];

		for (int d = 0; d < 9 && (i < n - 1 || v); d++, v /= 10) {
			*--end = (char)('0' + v % 10);
			len++;
		}
	}
	return len;
}

static size_t fixed_body(char *buf, double x, int prec, int alt)
{
	char tmp[330], *end = tmp + sizeof(tmp);
	int exact = prec < EXACT_DIGITS ? prec : EXACT_DIGITS;
	uint64_t ip = 0, q = 0;
	size_t n, len;

	if (x < 18446744073709551616.0) {
		double f, fr;
		int cmp;

		ip = (uint64_t)x;
		fr = x - (double)ip; /* exact */
		cmp = scaled_floor(fr, exact, &f);
		q = (uint64_t)f;
		if (cmp > 0 || (cmp == 0 && ((exact ? q : ip) & 1)))
			q++;
		if (q == (uint64_t)pow10_exact[exact]) {
			q = 0;
			ip++;
		}
		n = digits_of(end, ip, 10, 0);
	} else {
		n = huge_digits(end, x);
	}
	memcpy(buf, end - n, n);
	len = n;
	if (prec || alt)
		buf[len++] = '.';
	if (exact) {
		n = digits_of(end, q, 10, 0);
		memset(buf + len, '0', (size_t)exact - n);
		memcpy(buf + len + exact - n, end - n, n);
		len += (size_t)exact;
	}
	memset(buf + len, '0', (size_t)(prec - exact));
	return len + (size_t)(prec - exact);
}

/* m's `digits` digits as d.ddd plus zeros to prec, then e+XX. */
static size_t exp_body(char *buf, uint64_t m, int digits, int e, int prec, int alt, int upper)
{
	char tmp[24], *end = tmp + sizeof(tmp);
	size_t len = 0;

	memset(tmp, '0', sizeof(tmp)); /* m = 0 has `digits` zeros */
	digits_of(end, m, 10, 0);
	buf[len++] = end[-digits];
	if (prec || alt)
		buf[len++] = '.';
	memcpy(buf + len, end - digits + 1, (size_t)digits - 1);
	len += (size_t)digits - 1;
	memset(buf + len, '0', (size_t)(prec + 1 - digits));
	len += (size_t)(prec + 1 - digits);
	buf[len++] = upper ? 'E' : 'e';
	buf[len++] = e < 0 ? '-' : '+';
	e = e < 0 ? -e : e;
	if (e < 10)
		buf[len++] = '0';
	size_t n = digits_of(end, (uint64_t)e, 10, 0);

	memcpy(buf + len, end - n, n);
	return len + n;
}

/* %g: m (digits of it) at exponent e as %f would write it. */
static size_t general_fixed(char *buf, uint64_t m, int digits, int e)
{
	char tmp[24], *end = tmp + sizeof(tmp);
	size_t len = 0;

	memset(tmp, '0', sizeof(tmp)); /* m = 0 has `digits` zeros */
	digits_of(end, m, 10, 0);
	if (e < 0) {
		buf[len++] = '0';
		buf[len++] = '.';
		memset(buf + len, '0', (size_t)(-e - 1));
		len += (size_t)(-e - 1);
		memcpy(buf + len, end - digits, (size_t)digits);
		return len + (size_t)digits;
	}
	/* %g with more digits than kept: zeros stand for the rest. */
	memcpy(buf, end - digits, (size_t)(digits < e + 1 ? digits : e + 1));
	if (digits < e + 1)
		memset(buf + digits, '0', (size_t)(e + 1 - digits));
	len = (size_t)e + 1;
	if (digits > e + 1) {
		buf[len++] = '.';
		memcpy(buf + len, end - digits + e + 1, (size_t)(digits - e - 1));
		len += (size_t)(digits - e - 1);
	}
	return len;
}

/* %g without #: no zeros at the end of the fraction, nor a lone point. */
static size_t strip_zeros(char *buf, size_t len)
{
	char *exp = memchr(buf, 'e', len);
	size_t tail, end;

	if (!exp)
		exp = memchr(buf, 'E', len);
	if (!memchr(buf, '.', exp ? (size_t)(exp - buf) : len))
		return len;
	end = exp ? (size_t)(exp - buf) : len;
	tail = len - end;
	while (buf[end - 1] == '0')
		end--;
	if (buf[end - 1] == '.')
		end--;
	memmove(buf + end, buf + len - tail, tail);
	return end + tail;
}

static size_t general_body(char *buf, double x, int prec, int alt, int upper)
{
	int digits = prec < 0 ? 6 : prec ? prec : 1, e = 0;
	int kept = digits < EXACT_DIGITS ? digits : EXACT_DIGITS;
	uint64_t m = x > 0 ? decompose(x, kept, &e) : 0;
	size_t len;

	if (e >= -4 && e < digits) {
		len = general_fixed(buf, m, kept, e);
		if (alt && digits > kept) {
			if (!memchr(buf, '.', len))
				buf[len++] = '.';
			memset(buf + len, '0', (size_t)(digits - kept));
			len += (size_t)(digits - kept);
		} else if (alt && kept == e + 1) {
			buf[len++] = '.';
		}
	} else {
		len = exp_body(buf, m, kept, e, alt ? digits - 1 : kept - 1, alt, upper);
	}
	return alt ? len : strip_zeros(buf, len);
}

static void put_double(struct out *o, struct spec *sp, double x)
{
	char buf[340 + MAX_PREC], prefix[1];
	int upper = sp->conv >= 'A' && sp->conv <= 'Z', alt = sp->flags & F_ALT;
	int prec = sp->prec < 0 ? 6 : sp->prec > MAX_PREC ? MAX_PREC : sp->prec;
	size_t plen = sign_of(sp, signbit(x) != 0, prefix), len;
	char conv = (char)(sp->conv | 0x20);

	x = fabs(x);
	if (!isfinite(x)) {
		sp->flags &= ~F_ZERO;
		put_field(o, sp, prefix, plen, 0, isnan(x) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf"), 3);
		return;
	}
	if (conv == 'f') {
		len = fixed_body(buf, x, prec, alt);
	} else if (conv == 'e') {
		int kept = prec + 1 < EXACT_DIGITS ? prec + 1 : EXACT_DIGITS, e = 0;
		uint64_t m = x > 0 ? decompose(x, kept, &e) : 0;

		len = exp_body(buf, m, kept, e, prec, alt, upper);
	} else {
		len = general_body(buf, x, sp->prec > MAX_PREC ? MAX_PREC : sp->prec, alt, upper);
	}
	put_field(o, sp, prefix, plen, 0, buf, len);
}

static void put_string(struct out *o, struct spec *sp, const char *s)
{
	if (!s)
		s = "(null)";
	sp->flags &= ~F_ZERO;
	put_field(o, sp, "", 0, 0, s, sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s));
}

static int parse_number(const char **p)
{
	long v = 0;

	while (**p >= '0' && **p <= '9') {
		if (v < 1000000)
			v = v * 10 + (*(*p)++ - '0');
		else
			(*p)++;
	}
	return (int)v;
}

/* The spec after '%' at *p; 0, or -1 where it is not one we format. */
static int parse_spec(const char **p, struct spec *sp, va_list *ap)
{
	const char *flags = "-+ #0";
	const char *f;

	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	while (**p && (f = strchr(flags, **p))) {
		sp->flags |= 1u << (f - flags);
		(*p)++;
	}
	if (**p == '*') {
		(*p)++;
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= F_MINUS;
			sp->width = sp->width == INT32_MIN ? INT32_MAX : -sp->width;
		}
	} else {
		sp->width = parse_number(p);
	}
	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			(*p)++;
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0)
				sp->prec = -1;
		} else {
			sp->prec = parse_number(p);
		}
	}
	if (sp->flags & F_MINUS)
		sp->flags &= ~F_ZERO;
	for (;;) {
		char c = **p;

		if (c == 'h')
			sp->len = sp->len == LEN_H ? LEN_HH : LEN_H;
		else if (c == 'l')
			sp->len = sp->len == LEN_L ? LEN_LL : LEN_L;
		else if (c == 'z')
			sp->len = LEN_Z;
		else if (c == 'j')
			sp->len = LEN_J;
		else if (c == 't')
			sp->len = LEN_T;
		else
			break;
		(*p)++;
	}
	sp->conv = **p;
	if (!sp->conv || !strchr("diuxXocspfFeEgG%", sp->conv))
		return -1;
	(*p)++;
	return 0;
}

static int64_t signed_arg(int len, va_list *ap)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z: return va_arg(*ap, ssize_t);
	case LEN_J: return va_arg(*ap, intmax_t);
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	}
	return va_arg(*ap, int);
}

static uint64_t unsigned_arg(int len, va_list *ap)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	case LEN_T: return (uint64_t)va_arg(*ap, ptrdiff_t);
	}
	return va_arg(*ap, unsigned);
}

static void put_conversion(struct out *o, struct spec *sp, va_list *ap)
{
	char c;

	switch (sp->conv) {
	case '%':
		put(o, "%", 1);
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		sp->flags &= ~F_ZERO;
		put_field(o, sp, "", 0, 0, &c, 1);
		break;
	case 's':
		put_string(o, sp, va_arg(*ap, const char *));
		break;
	case 'p':
		put_integer(o, sp, (uintptr_t)va_arg(*ap, void *), 0);
		break;
	case 'd':
	case 'i': {
		int64_t v = signed_arg(sp->len, ap);

		put_integer(o, sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
		break;
	}
	case 'f':
	case 'F':
	case 'e':
	case 'E':
	case 'g':
	case 'G':
		put_double(o, sp, va_arg(*ap, double));
		break;
	default:
		put_integer(o, sp, unsigned_arg(sp->len, ap), 0);
	}
}

int fmt_vformat(struct fmt_sink *s, const char *fmt, va_list ap)
{
	struct out o = { .s = s };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		struct spec sp;

		if (!pct) {
			put(&o, fmt, strlen(fmt));
			break;
		}
		put(&o, fmt, (size_t)(pct - fmt));
		fmt = pct + 1;
		if (parse_spec(&fmt, &sp, &args)) {
			/* Not ours (%n, %m, %a, %L...): as musl's, an error, for
			 * the arguments after it would be taken wrongly. */
			va_end(args);
			errno = EINVAL;
			return -1;
		}
		put_conversion(&o, &sp, &args);
	}
	va_end(args);
	if (o.failed)
		return -1;
	if (o.total > INT32_MAX) {
		errno = EOVERFLOW;
		return -1;
	}
	return (int)o.total;
}

int fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	char none[1];
	struct fmt_sink s = { .buf = cap ? buf : none, .cap = cap ? cap - 1 : 0 };
	int n = fmt_vformat(&s, fmt, ap);

	s.buf[s.len] = '\0';
	return n;
}
