/* Run-time feature probes. Each is computed once, on first use, from what
 * the running kernel accepts, never from its version number. */
#ifndef SCHEDTAP_KERNEL_FEATURES_H
#define SCHEDTAP_KERNEL_FEATURES_H

/* 1 when the kernel charges BPF memory to the memory cgroup (5.11+), so
 * RLIMIT_MEMLOCK need not be raised. */
int feat_memcg_accounting(void);
/* Raise RLIMIT_MEMLOCK on kernels that still charge it. 0 or -errno. */
int feat_raise_memlock(void);
/* Environment overrides that force a fallback path (for tests and for
 * kernels whose probe lies): returns 1 when SCHEDTAP_<name> is set to a
 * non-empty value other than "0". */
int feat_forced(const char *name);
#endif
