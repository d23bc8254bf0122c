#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel/bpf_sys.h"
#include "kernel/perf_event.h"

int perf_tracepoint_open(int tp_id)
{
	struct perf_event_attr attr;
	long fd;

	memset(&attr, 0, sizeof(attr));
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.size = sizeof(attr);
	attr.config = (unsigned)tp_id;
	/* sample_period 0: counting only, so the event itself costs an
	 * increment and never writes samples. */
	attr.sample_period = 0;
	attr.disabled = 1;
	fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

/* The kernel's internal ENOTSUPP, which leaks to user space from some
 * attach paths. */
#define KERNEL_ENOTSUPP 524

static int enable(int perf_fd)
{
	return ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0) < 0 ? -errno : 0;
}

static int link_unsupported(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOSYS ||
	       err == -E2BIG || err == -ENOTTY || err == -KERNEL_ENOTSUPP;
}

int perf_attach_bpf(int perf_fd, int prog_fd, enum attach_mode *mode)
{
	int link;

	if (*mode != ATTACH_IOCTL) {
		link = bpf_link_create(prog_fd, perf_fd, BPF_PERF_EVENT);
		if (link >= 0) {
			int err = enable(perf_fd);

			if (err) {
				close(link);
				return err;
			}
			*mode = ATTACH_LINK;
			return link;
		}
		/* Anything but "not supported" is a real error to report. */
		if (*mode == ATTACH_LINK || !link_unsupported(link))
			return link;
	}
	*mode = ATTACH_IOCTL;
	if (ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd) < 0)
		return -errno;
	return enable(perf_fd);
}
