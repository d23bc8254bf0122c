/* perf_event_open for tracepoints and attaching BPF programs to them. */
#ifndef SCHEDTAP_PERF_EVENT_H
#define SCHEDTAP_PERF_EVENT_H

/* A plain counting (non-sampling) tracepoint event on CPU 0. A BPF program
 * attached to a tracepoint runs on every CPU whatever the event's CPU, so
 * one event per tracepoint is enough. Returns fd or negative errno. */
int perf_tracepoint_open(int tp_id);

enum attach_mode { ATTACH_AUTO, ATTACH_LINK, ATTACH_IOCTL };

/* Attach prog_fd to the perf event: with BPF_LINK_CREATE where the kernel
 * has it (5.15+ for perf events), else PERF_EVENT_IOC_SET_BPF. Returns the
 * link fd, 0 when attached by ioctl (the perf fd then owns the
 * attachment), or negative errno. *mode (in: wanted, out: used). */
int perf_attach_bpf(int perf_fd, int prog_fd, enum attach_mode *mode);
#endif
