// SPDX-License-Identifier: GPL-2.0
/* A stand-in for the sched_tp module, for the e2e suite only (schedtap
 * itself needs no module): sched_pelt_cfs, sched_pelt_rt, sched_pelt_se
 * and sched_update_nr_running trace events from the bare tracepoints.
 * struct rq and struct cfs_rq are private to the scheduler: their member
 * offsets come from the guest kernel's BTF (offsets.h, made by
 * tests/e2e/fixture-module.sh with `schedtap btf member`). */
#include <linux/module.h>
#include <linux/sched.h>
#include <trace/events/sched.h>

#include "offsets.h"

#define CREATE_TRACE_POINTS
#include "fixture_events.h"

#define AT(ptr, off, type) (*(type *)((char *)(ptr) + (off)))

static int rq_cpu(struct rq *rq)
{
	return AT(rq, OFF_RQ_CPU, int);
}

static void probe_cfs(void *data, struct cfs_rq *cfs_rq)
{
	struct rq *rq = AT(cfs_rq, OFF_CFS_RQ_RQ, struct rq *);

	/* A CPU's root run queue only: its own &rq->cfs. */
	if ((char *)cfs_rq != (char *)rq + OFF_RQ_CFS)
		return;
	trace_sched_pelt_cfs(rq_cpu(rq), "/", (struct sched_avg *)((char *)cfs_rq + OFF_CFS_RQ_AVG));
}

static void probe_rt(void *data, struct rq *rq)
{
	trace_sched_pelt_rt(rq_cpu(rq), (struct sched_avg *)((char *)rq + OFF_RQ_AVG_RT));
}

static void probe_se(void *data, struct sched_entity *se)
{
	struct task_struct *p;

	if (se->my_q)
		return;		/* a group's entity */
	p = container_of(se, struct task_struct, se);
	trace_sched_pelt_se(task_cpu(p), "(null)", p->comm, p->pid, &se->avg);
}

static void probe_nr(void *data, struct rq *rq, int change)
{
	trace_sched_update_nr_running(rq_cpu(rq), change, AT(rq, OFF_RQ_NR_RUNNING, unsigned int));
}

static int __init fixture_init(void)
{
	int err = register_trace_pelt_cfs_tp(probe_cfs, NULL);

	if (!err)
		err = register_trace_pelt_rt_tp(probe_rt, NULL);
	if (!err)
		err = register_trace_pelt_se_tp(probe_se, NULL);
	if (!err)
		err = register_trace_sched_update_nr_running_tp(probe_nr, NULL);
	return err;
}

static void __exit fixture_exit(void)
{
	unregister_trace_sched_update_nr_running_tp(probe_nr, NULL);
	unregister_trace_pelt_se_tp(probe_se, NULL);
	unregister_trace_pelt_rt_tp(probe_rt, NULL);
	unregister_trace_pelt_cfs_tp(probe_cfs, NULL);
	tracepoint_synchronize_unregister();
}

module_init(fixture_init);
module_exit(fixture_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("schedtap e2e: sched_tp's PELT events, as a test fixture");
