/* The exporter's HTTP/1.1 server: a few connections at once, each with a
 * deadline for its whole request and its whole response (a slow client
 * is dropped, never waited for), one response per connection
 * (Connection: close), on one thread between scrapes' renders. */
#ifndef SCHEDTAP_HTTP_SERVER_H
#define SCHEDTAP_HTTP_SERVER_H

#include <stddef.h>
#include "http/request.h"

#define HTTP_MAX_CONNS 4
#define HTTP_TIMEOUT_MS 5000	/* to send a head, and to take a response */

struct http_reply {
	int status;
	const char *type;	/* Content-Type */
	const char *body;
	size_t len;
};

/* Fills the reply for a good request; the body stays valid until the
 * next call. */
typedef void (*http_handler)(void *ctx, const struct http_request *req, struct http_reply *rep);

/* "HOST:PORT": an IPv4 address, [IPv6], localhost, or nothing for every
 * address (":9469"). A listening socket's fd, or negative errno (printed,
 * with what to do). */
int http_listen(const char *addr);
/* Serve until a stop signal (core/sig.h) or until_ns (CLOCK_MONOTONIC;
 * 0: no end). 0 or negative errno. */
int http_serve(int lfd, http_handler h, void *ctx, unsigned long long until_ns);
/* The reason phrase of a status we send. */
const char *http_reason(int status);
#endif
