/* PELT's arithmetic (kernel/sched/pelt.c), replayed from a measured
 * state: a task's util_sum decays by y per 1024-us period (y^32 = 1/2)
 * and grows by 1024 for every 1024 ns it runs; util_avg is util_sum over
 * the divider, recomputed when a period ends. Driven by the task's real
 * run/sleep pattern, it says what util_avg must be at any moment, so that
 * the kernel's values can be checked against their own mathematics. */
#ifndef SCHEDTAP_LOADTRACK_MODEL_H
#define SCHEDTAP_LOADTRACK_MODEL_H

#include <stdint.h>

#define PELT_PERIOD_NS 1048576ull	/* 1024 units of 1024 ns */
#define PELT_HALF_LIFE_NS (32 * PELT_PERIOD_NS)
#define PELT_LOAD_AVG_MAX 47742.0	/* 1024 * sum y^n, as the kernel rounds it */

struct pelt_model {
	uint64_t last;		/* ns: the model's clock at the last update */
	double util_sum;
	uint32_t period_contrib;	/* 1024-ns units into the current period */
	double util_avg;
	double scale;		/* running time's weight: capacity / 1024 */
};

/* From a sched_avg as the kernel left it at time now. */
void pelt_model_init(struct pelt_model *m, uint64_t now, double util_sum,
		     uint32_t period_contrib, double util_avg, double scale);
/* To now, the task running over [last, now) or not. */
void pelt_model_advance(struct pelt_model *m, uint64_t now, int running);
/* v after n periods of decay (v * y^n). */
double pelt_decay(double v, uint64_t n);
/* The closed form of a task that runs from util u0 on: after t ns,
 * u0 * 2^(-t/h) + 1024 * (1 - 2^(-t/h)), h the half-life (32 periods). */
double pelt_step_closed_form(double u0, double t_ns);
#endif
