/* User-facing messages: what failed, why, and what to do.
 *
 * The formats are cold text: each call site keeps its literal in the
 * compressed section (core/help.h), unpacked before the first message is
 * printed; the call that is never made keeps gcc's format check. */
#ifndef SCHEDTAP_MSG_H
#define SCHEDTAP_MSG_H

#include "core/help.h"

#define MSG_COLD_FMT(fmt, ...)                                                        \
	static const char msg_fmt_[] COLD_TEXT = fmt;                                 \
	if (0)                                                                        \
	msg_format_check(fmt, ##__VA_ARGS__)

/* "schedtap: <text>" on stderr. */
#define msg_err(fmt, ...) ({ MSG_COLD_FMT(fmt, ##__VA_ARGS__); msg_err_at(msg_fmt_, ##__VA_ARGS__); })
/* "schedtap: <text>: <strerror(-err)>" plus a hint line for errors with a
 * known remedy. Returns err, so callers can `return msg_errno(...)`. */
#define msg_errno(err, fmt, ...)                                                      \
	({ MSG_COLD_FMT(fmt, ##__VA_ARGS__); msg_errno_at(err, msg_fmt_, ##__VA_ARGS__); })

void msg_err_at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int msg_errno_at(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline __attribute__((format(printf, 1, 2))) void msg_format_check(const char *fmt, ...)
{
	(void)fmt;
}
/* What to do about err, or NULL. */
const char *msg_hint(int err);
#endif
