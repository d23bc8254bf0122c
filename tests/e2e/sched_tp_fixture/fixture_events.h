/* SPDX-License-Identifier: GPL-2.0 */
/* The trace events the sched_tp module makes of the bare PELT
 * tracepoints, with its names and fields, for the e2e suite's test of
 * schedtap pelt without BTF. Only what the suite reads. */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sched

#if !defined(_FIXTURE_EVENTS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _FIXTURE_EVENTS_H

#include <linux/tracepoint.h>

#define FIXTURE_PATH_SIZE 64

TRACE_EVENT(sched_pelt_cfs,
	TP_PROTO(int cpu, const char *path, const struct sched_avg *avg),
	TP_ARGS(cpu, path, avg),
	TP_STRUCT__entry(
		__field(int, cpu)
		__array(char, path, FIXTURE_PATH_SIZE)
		__field(unsigned long, load)
		__field(unsigned long, runnable)
		__field(unsigned long, util)
		__field(unsigned long long, update_time)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		strscpy(__entry->path, path, FIXTURE_PATH_SIZE);
		__entry->load = avg->load_avg;
		__entry->runnable = avg->runnable_avg;
		__entry->util = avg->util_avg;
		__entry->update_time = avg->last_update_time;
	),
	TP_printk("cpu=%d path=%s load=%lu runnable=%lu util=%lu update_time=%llu",
		  __entry->cpu, __entry->path, __entry->load, __entry->runnable,
		  __entry->util, __entry->update_time)
);

TRACE_EVENT(sched_pelt_rt,
	TP_PROTO(int cpu, const struct sched_avg *avg),
	TP_ARGS(cpu, avg),
	TP_STRUCT__entry(
		__field(int, cpu)
		__field(unsigned long, load)
		__field(unsigned long, runnable)
		__field(unsigned long, util)
		__field(unsigned long long, update_time)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->load = avg->load_avg;
		__entry->runnable = avg->runnable_avg;
		__entry->util = avg->util_avg;
		__entry->update_time = avg->last_update_time;
	),
	TP_printk("cpu=%d load=%lu runnable=%lu util=%lu update_time=%llu", __entry->cpu,
		  __entry->load, __entry->runnable, __entry->util, __entry->update_time)
);

TRACE_EVENT(sched_pelt_se,
	TP_PROTO(int cpu, const char *path, const char *comm, int pid,
		 const struct sched_avg *avg),
	TP_ARGS(cpu, path, comm, pid, avg),
	TP_STRUCT__entry(
		__field(int, cpu)
		__array(char, path, FIXTURE_PATH_SIZE)
		__array(char, comm, TASK_COMM_LEN)
		__field(int, pid)
		__field(unsigned long, load)
		__field(unsigned long, runnable)
		__field(unsigned long, util)
		__field(unsigned long long, update_time)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		strscpy(__entry->path, path, FIXTURE_PATH_SIZE);
		strscpy(__entry->comm, comm, TASK_COMM_LEN);
		__entry->pid = pid;
		__entry->load = avg->load_avg;
		__entry->runnable = avg->runnable_avg;
		__entry->util = avg->util_avg;
		__entry->update_time = avg->last_update_time;
	),
	TP_printk("cpu=%d path=%s comm=%s pid=%d load=%lu runnable=%lu util=%lu update_time=%llu",
		  __entry->cpu, __entry->path, __entry->comm, __entry->pid, __entry->load,
		  __entry->runnable, __entry->util, __entry->update_time)
);

TRACE_EVENT(sched_update_nr_running,
	TP_PROTO(int cpu, int change, unsigned int nr_running),
	TP_ARGS(cpu, change, nr_running),
	TP_STRUCT__entry(
		__field(int, cpu)
		__field(int, change)
		__field(unsigned int, nr_running)
	),
	TP_fast_assign(
		__entry->cpu = cpu;
		__entry->change = change;
		__entry->nr_running = nr_running;
	),
	TP_printk("cpu=%d change=%d nr_running=%u", __entry->cpu, __entry->change,
		  __entry->nr_running)
);
#endif

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE fixture_events
#include <trace/define_trace.h>
