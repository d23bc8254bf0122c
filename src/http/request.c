#include <string.h>
#include <strings.h>
#include "core/decimal.h"
#include "http/request.h"

/* RFC 9110's tchar. */
static int is_token(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Where the head ends (after its blank line), or 0. */
static size_t head_end(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* The line at *p (up to LF, without CR), its length in *n; *p moves on. */
static const char *next_line(const char **p, const char *end, size_t *n)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	if (!nl)
		return NULL;
	*n = (size_t)(nl - s);
	if (*n && s[*n - 1] == '\r')
		(*n)--;
	*p = nl + 1;
	return s;
}

static int request_line(const char *s, size_t n, struct http_request *r)
{
	const char *sp1 = memchr(s, ' ', n), *sp2, *target, *ver;
	size_t tlen, plen;

	if (!sp1 || sp1 == s)
		return -400;
	for (const char *c = s; c < sp1; c++)
		if (!is_token((unsigned char)*c))
			return -400;
	target = sp1 + 1;
	if (!(sp2 = memchr(target, ' ', n - (size_t)(target - s))))
		return -400;
	tlen = (size_t)(sp2 - target);
	ver = sp2 + 1;
	if ((size_t)(s + n - ver) != 8 || memcmp(ver, "HTTP/", 5) || ver[6] != '.' ||
	    ver[5] < '0' || ver[5] > '9' || ver[7] < '0' || ver[7] > '9')
		return -400;
	if (ver[5] != '1')
		return -505;
	r->minor = ver[7] - '0';
	if (sp1 - s == 3 && !memcmp(s, "GET", 3))
		r->method = HTTP_GET;
	else if (sp1 - s == 4 && !memcmp(s, "HEAD", 4))
		r->method = HTTP_HEAD;
	else
		return -405;
	if (!tlen || target[0] != '/')
		return -400;
	for (size_t i = 0; i < tlen; i++)
		if ((unsigned char)target[i] <= ' ' || (unsigned char)target[i] >= 0x7f)
			return -400;
	plen = tlen;
	for (size_t i = 0; i < tlen; i++)
		if (target[i] == '?' || target[i] == '#') {
			plen = i;
			break;
		}
	if (plen >= HTTP_PATH_MAX)
		return -414;
	memcpy(r->path, target, plen);
	r->path[plen] = 0;
	return 0;
}

/* A media range's q from its parameters (1 when it gives none; 0 when
 * it is not a number from 0 to 1). */
static double media_q(const char *params, size_t n)
{
	for (size_t i = 0; i + 2 <= n; i++) {
		size_t k = i + 2;
		double q;

		if ((params[i] | 0x20) != 'q' || params[i + 1] != '=' ||
		    (i && params[i - 1] != ';' && params[i - 1] != ' '))
			continue;
		while (k < n && params[k] != ';' && params[k] != ' ')
			k++;
		return decimal_parse(params + i + 2, k - i - 2, &q) || q > 1 ? 0 : q;
	}
	return 1;
}

/* OpenMetrics when the client ranks it above the text format (what a
 * Prometheus scrape asks for: OpenMetrics q=1, text/plain q=0.5). */
static void accept_header(const char *v, size_t n, struct http_request *r)
{
	static const char om[] = "application/openmetrics-text", text[] = "text/plain";
	double best_om = 0, best_text = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i, k;
		double q;

		while (j < n && v[j] != ',')
			j++;
		while (i < j && v[i] == ' ')
			i++;
		for (k = i; k < j && v[k] != ';' && v[k] != ' '; k++)
			;
		q = media_q(v + k, j - k);
		if (k - i == sizeof(om) - 1 && !strncasecmp(v + i, om, k - i) && q > best_om)
			best_om = q;
		else if (((k - i == sizeof(text) - 1 && !strncasecmp(v + i, text, k - i)) ||
			  (k - i == 3 && !memcmp(v + i, "*/*", 3))) && q > best_text)
			best_text = q;
		i = j + 1;
	}
	r->openmetrics = best_om > 0 && best_om >= best_text;
}

static int header_line(const char *s, size_t n, struct http_request *r)
{
	const char *colon = memchr(s, ':', n), *v;
	size_t vn;

	if (!colon || colon == s)
		return -400;
	for (const char *c = s; c < colon; c++)
		if (!is_token((unsigned char)*c))
			return -400;	/* also a space before the colon, or a folded line */
	v = colon + 1;
	vn = n - (size_t)(v - s);
	for (size_t i = 0; i < vn; i++)
		if ((unsigned char)v[i] < ' ' && v[i] != '\t')
			return -400;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
		vn--;
	if (colon - s == 6 && !strncasecmp(s, "accept", 6))
		accept_header(v, vn, r);
	return 0;
}

int http_parse(const char *buf, size_t len, struct http_request *r)
{
	size_t end = head_end(buf, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX), n;
	const char *p = buf, *line;
	int err, headers = 0;

	memset(r, 0, sizeof(*r));
	if (!end)
		return len >= HTTP_HEAD_MAX ? -431 : 0;
	/* RFC 9112 2.2: empty lines before the request line are ignored. */
	while (p < buf + end && (*p == '\r' || *p == '\n'))
		p++;
	if (!(line = next_line(&p, buf + end, &n)) || !n)
		return -400;
	if ((err = request_line(line, n, r)))
		return err;
	while ((line = next_line(&p, buf + end, &n)) && n) {
		if (++headers > HTTP_HEADERS_MAX)
			return -431;
		if ((err = header_line(line, n, r)))
			return err;
	}
	return (int)end;
}
