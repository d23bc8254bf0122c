/* What /proc tells about a task the kernel side has not (or not yet)
 * given us: its name and its thread group. The task may be gone. */
#ifndef SCHEDTAP_CMD_PROC_TASK_H
#define SCHEDTAP_CMD_PROC_TASK_H

#include <stddef.h>
#include <stdint.h>

/* PROC/TID/comm without its newline, cut to len - 1 bytes (a kworker's
 * name there can be longer than the 15 bytes a task name holds).
 * proc is "/proc" but for tests. 0 or negative errno; on an error
 * (the task is gone) neither function touches its output. */
int proc_task_comm(const char *proc, uint32_t tid, char *buf, size_t len);
/* The Tgid: line of PROC/TID/status. */
int proc_task_tgid(const char *proc, uint32_t tid, uint32_t *tgid);
/* The value of key ("se.avg.util_avg") in PROC/TID/sched, and the CPU
 * time (ns) PROC/TID/schedstat starts with. */
int proc_task_sched(const char *proc, uint32_t tid, const char *key, long long *val);
int proc_task_runtime(const char *proc, uint32_t tid, unsigned long long *ns);
/* The parsers of those files' text (for the tests and the fuzzer): 0,
 * -ENOENT (no such key), or -EINVAL (a value that is not a number). */
int proc_sched_value(const char *text, const char *key, long long *val);
int proc_schedstat_runtime(const char *text, unsigned long long *ns);
#endif
