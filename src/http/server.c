#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "core/decimal.h"
#include "core/msg.h"
#include "core/sig.h"
#include "http/server.h"

struct conn {
	int fd;
	size_t len;
	unsigned long long deadline_ns;
	char buf[HTTP_HEAD_MAX];
};

const char *http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 505: return "HTTP Version Not Supported";
	}
	return "Internal Server Error";
}

static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	const char *colon = strrchr(addr, ':');
	char host[64];
	size_t hl;
	long long port;
	const char *end;

	if (!colon || colon[1] == '+' || colon[1] == '-' ||
	    !(end = decimal_int(colon + 1, 1, 65535, &port)) || *end)
		return -EINVAL;
	hl = (size_t)(colon - addr);
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, addr, hl);
	host[hl] = 0;
	memset(ss, 0, sizeof(*ss));
	if (hl > 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = 0;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*in6);
		return inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1 ? 0 : -EINVAL;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	*sl = sizeof(*in);
	if (!hl)
		return 0;	/* INADDR_ANY */
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -EINVAL;
}

int http_listen(const char *addr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, one = 1;

	if (parse_addr(addr, &ss, &sl)) {
		msg_err("--listen '%s': give ADDRESS:PORT (127.0.0.1:9469, [::1]:9469, "
			"localhost:9469, or :9469 for every address)", addr);
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return msg_errno(-errno, "opening a socket for %s", addr);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 16)) {
		int err = -errno;

		close(fd);
		if (err == -EADDRINUSE)
			msg_err("listening on %s: %s: another exporter may be running there; "
				"give another --listen", addr, strerror(-err));
		else
			msg_errno(err, "listening on %s", addr);
		return err;
	}
	return fd;
}

static int remaining_ms(unsigned long long deadline_ns)
{
	unsigned long long now = sig_now_ns();

	return now >= deadline_ns ? 0 : (int)((deadline_ns - now + 999999) / 1000000);
}

/* All of buf before the deadline, or give up on the client. */
static int send_all(int fd, const char *buf, size_t n, unsigned long long deadline_ns)
{
	while (n) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (w > 0) {
			buf += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (!remaining_ms(deadline_ns) || poll(&p, 1, remaining_ms(deadline_ns)) <= 0)
			return -ETIMEDOUT;
	}
	return 0;
}

static void reply(struct conn *c, int head_only, const struct http_reply *r)
{
	char head[256];
	unsigned long long deadline = sig_now_ns() + HTTP_TIMEOUT_MS * 1000000ull;
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "%sConnection: close\r\n\r\n",
			 r->status, http_reason(r->status), r->type, r->len,
			 r->status == 405 ? "Allow: GET, HEAD\r\n" : "");

	if (!send_all(c->fd, head, (size_t)n, deadline) && !head_only && r->len)
		send_all(c->fd, r->body, r->len, deadline);
	shutdown(c->fd, SHUT_WR);
}

static void reply_status(struct conn *c, int status)
{
	char body[64];
	struct http_reply r = { status, "text/plain; charset=utf-8", body, 0 };

	r.len = (size_t)snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));
	reply(c, 0, &r);
}

static void drop(struct conn *c)
{
	close(c->fd);
	c->fd = -1;
}

/* Bytes came: a whole head is answered, a bad one refused. */
static void on_readable(struct conn *c, http_handler h, void *ctx)
{
	struct http_request req;
	struct http_reply rep;
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
	int r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		return drop(c);
	c->len += (size_t)n;
	r = http_parse(c->buf, c->len, &req);
	if (!r)
		return;
	if (r < 0) {
		reply_status(c, -r);
	} else {
		memset(&rep, 0, sizeof(rep));
		h(ctx, &req, &rep);
		if (rep.status == 200)
			reply(c, req.method == HTTP_HEAD, &rep);
		else
			reply_status(c, rep.status);
	}
	drop(c);
}

static void on_accept(int lfd, struct conn *conns)
{
	for (int i = 0; i < HTTP_MAX_CONNS; i++) {
		if (conns[i].fd >= 0)
			continue;
		conns[i].fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		conns[i].len = 0;
		conns[i].deadline_ns = sig_now_ns() + HTTP_TIMEOUT_MS * 1000000ull;
		return;
	}
}

int http_serve(int lfd, http_handler h, void *ctx, unsigned long long until_ns)
{
	static struct conn conns[HTTP_MAX_CONNS];
	int err = 0;

	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		conns[i].fd = -1;
	while (!sig_stopped() && (!until_ns || remaining_ms(until_ns))) {
		struct pollfd p[HTTP_MAX_CONNS + 1];
		int n = 0, timeout = 1000, idx[HTTP_MAX_CONNS + 1], r;
		struct timespec ts;

		if (until_ns && remaining_ms(until_ns) < timeout)
			timeout = remaining_ms(until_ns);

		for (int i = 0; i < HTTP_MAX_CONNS; i++) {
			if (conns[i].fd < 0)
				continue;
			if (!remaining_ms(conns[i].deadline_ns)) {
				reply_status(&conns[i], 408);
				drop(&conns[i]);
				continue;
			}
			if (remaining_ms(conns[i].deadline_ns) < timeout)
				timeout = remaining_ms(conns[i].deadline_ns);
			idx[n] = i;
			p[n++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		}
		/* A full house leaves newcomers in the listen backlog. */
		if (n < HTTP_MAX_CONNS) {
			idx[n] = -1;
			p[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		}
		ts = (struct timespec){ timeout / 1000, (timeout % 1000) * 1000000L };
		r = ppoll(p, (nfds_t)n, &ts, sig_run_mask());
		if (r < 0 && errno != EINTR) {
			err = msg_errno(-errno, "waiting for scrapes");
			break;
		}
		for (int i = 0; r > 0 && i < n; i++) {
			if (!p[i].revents)
				continue;
			if (idx[i] < 0)
				on_accept(lfd, conns);
			else
				on_readable(&conns[idx[i]], h, ctx);
		}
	}
	for (int i = 0; i < HTTP_MAX_CONNS; i++)
		if (conns[i].fd >= 0)
			drop(&conns[i]);
	return err;
}
