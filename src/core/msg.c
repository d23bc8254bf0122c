#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "core/msg.h"

void msg_err_at(const char *fmt, ...)
{
	va_list ap;

	help_unpack();
	fputs("schedtap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *msg_hint(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return "run as root or grant CAP_BPF and CAP_PERFMON "
		       "(CAP_SYS_ADMIN on kernels before 5.8)";
	case ENOSYS:
		return "this kernel was built without BPF (CONFIG_BPF_SYSCALL)";
	case ENOMEM:
		return "raise the locked-memory limit (ulimit -l) or free memory";
	}
	return NULL;
}

int msg_errno_at(int err, const char *fmt, ...)
{
	const char *hint = msg_hint(err);
	va_list ap;

	help_unpack();
	fputs("schedtap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err < 0 ? -err : err));
	if (hint)
		fprintf(stderr, "schedtap: %s\n", hint);
	return err;
}
