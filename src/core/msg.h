/* User-facing messages: what failed, why, and what to do. */
#ifndef SCHEDTAP_MSG_H
#define SCHEDTAP_MSG_H

/* "schedtap: <text>" on stderr. */
void msg_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "schedtap: <text>: <strerror(-err)>" plus a hint line for errors with a
 * known remedy. Returns err, so callers can `return msg_errno(...)`. */
int msg_errno(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What to do about err, or NULL. */
const char *msg_hint(int err);
#endif
