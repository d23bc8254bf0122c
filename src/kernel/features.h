/* Run-time feature probes. Each answer is computed once, on first use,
 * from what the running kernel accepts, never from its version number,
 * and every subcommand (and `schedtap probe`) reads the same answers.
 * A fallback can be forced with SCHEDTAP_FORCE_<NAME>=1 so that tests
 * exercise it on kernels that have the feature. */
#ifndef SCHEDTAP_KERNEL_FEATURES_H
#define SCHEDTAP_KERNEL_FEATURES_H

#include <linux/bpf.h>
#include "core/msg.h"

/* Answers are 1 (the kernel has it), 0 (it lacks it) or -EPERM: this
 * process may not ask (no privileges), which says nothing about the kernel
 * and is never reported as a missing feature. */

/* 1 when SCHEDTAP_<name> is set to a non-empty value other than "0". */
int feat_forced(const char *name);

/* bpf() answers at all: 0, or the negative errno it gives. */
int feat_bpf_syscall(void);
/* A trivial program of this type loads. */
int feat_prog_type(enum bpf_prog_type type);
/* This process may load tracepoint programs: 0, or the negative errno
 * the kernel gives (-EPERM without CAP_BPF and CAP_PERFMON). */
int feat_privileged(void);
/* Before anything else a subcommand does in the kernel: 0 when it may,
 * else the one root/capabilities line (or why bpf() is unusable) printed,
 * and the negative errno returned. */
int feat_require_privileges(const char *cmd);
/* The helper can be called from a program of this type. */
int feat_helper(enum bpf_prog_type type, int helper);
/* BPF_ATOMIC with BPF_FETCH (5.12+). */
int feat_atomics(void);
/* BPF_MAP_TYPE_RINGBUF (5.8+); forced off by SCHEDTAP_FORCE_PERF_BUFFER. */
int feat_ringbuf(void);
/* BPF_LINK_CREATE for perf events (5.15+); forced off by
 * SCHEDTAP_FORCE_IOCTL_ATTACH. */
int feat_perf_link(void);
/* BPF_MAP_LOOKUP_BATCH on hash maps (5.6+); forced off by
 * SCHEDTAP_FORCE_NO_BATCH. */
int feat_batch_ops(void);
/* /sys/kernel/btf/vmlinux is readable; forced off by SCHEDTAP_FORCE_NO_BTF.
 * Tracepoint offsets come from tracefs; only pelt reads kernel structs. */
int feat_btf(void);
struct btf;
/* A tp_btf program on sched_switch (attached by its typedef in vmlinux,
 * the kernel's BTF parsed) may call bpf_task_storage_get (5.12+): the
 * BTF-typed attach of runqlat, top and latency. Forced off (the
 * tracepoints) by SCHEDTAP_FORCE_TRACEPOINT. */
int feat_tp_btf_storage(const struct btf *vmlinux);
/* tracefs has the event SYSTEM/EVENT (a module's, say): 1, 0, or -errno
 * (-EPERM when tracefs is closed to us). */
int feat_tracepoint(const char *system, const char *event);
/* sched:sched_stat_runtime reports CPU time for every scheduling class
 * (6.8+), not CFS tasks only; forced off by SCHEDTAP_FORCE_SLICE_TIMING. */
int feat_runtime_all_classes(void);
/* BPF memory charged to the memory cgroup (5.11+), not RLIMIT_MEMLOCK. */
int feat_memcg_accounting(void);
/* Raise RLIMIT_MEMLOCK on kernels that still charge it. 0 or -errno. */
int feat_raise_memlock(void);

/* Print a fallback note once per process ("schedtap: note: ..."); the
 * format is cold text (core/msg.h). */
#define feat_note_once(said, fmt, ...)                                                \
	({ MSG_COLD_FMT(fmt, ##__VA_ARGS__); feat_note_once_at(said, msg_fmt_, ##__VA_ARGS__); })
void feat_note_once_at(int *said, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#endif
