/* One HTTP/1.x request head, parsed from untrusted bytes: bounded in
 * size and in header count; GET and HEAD only (a scrape needs no more). */
#ifndef SCHEDTAP_HTTP_REQUEST_H
#define SCHEDTAP_HTTP_REQUEST_H

#include <stddef.h>

#define HTTP_HEAD_MAX 8192	/* Prometheus' request head: ~300 bytes */
#define HTTP_HEADERS_MAX 64
#define HTTP_PATH_MAX 256

enum http_method { HTTP_GET, HTTP_HEAD };

struct http_request {
	enum http_method method;
	char path[HTTP_PATH_MAX];	/* the target up to its query */
	int minor;			/* HTTP/1.minor */
	int openmetrics;		/* Accept prefers application/openmetrics-text */
};

/* buf[0..len): the head's length when it is complete and good; 0 when
 * more bytes are needed; or the status to answer, negated: -400 (not
 * HTTP), -405 (another method), -414 (target too long), -431 (head too
 * large or too many headers), -505 (not HTTP/1.x). */
int http_parse(const char *buf, size_t len, struct http_request *r);
#endif
