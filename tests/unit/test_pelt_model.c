/* Unit tests for src/loadtrack/model.c: PELT's arithmetic against its
 * closed forms (a half-life of 32 periods; a task always running reaches
 * 1024; a 50% duty cycle averages 512). */
#include <math.h>
#include "loadtrack/model.h"
#include "unit.h"

#define MS 1000000ull

static void test_pelt_decay(void)
{
	CHECK(pelt_decay(1024, 0) == 1024);
	CHECK(fabs(pelt_decay(1024, 32) - 512) < 1e-9);
	CHECK(fabs(pelt_decay(1024, 64) - 256) < 1e-9);
	CHECK(fabs(pelt_decay(1024, 1) - 1002.058) < 0.001);
	CHECK(pelt_decay(1e12, 32 * 63 + 1) == 0);
}

/* From 0, running at a period boundary on: half-way after 32 periods,
 * within 5% of 1024 after 138 ms (32 * log2(20) periods), then 1024. */
static void test_pelt_model_step(void)
{
	struct pelt_model m;
	uint64_t t = 0;

	pelt_model_init(&m, 0, 0, 0, 0, 1);
	for (int p = 1; p <= 32; p++)
		pelt_model_advance(&m, t += PELT_PERIOD_NS, 1);
	CHECK(fabs(m.util_avg - 512) < 1);
	CHECK(fabs(m.util_avg - pelt_step_closed_form(0, (double)t)) < 1);
	pelt_model_advance(&m, 139 * PELT_PERIOD_NS, 1);
	CHECK(m.util_avg >= 0.95 * 1024 && m.util_avg < 1024);
	pelt_model_advance(&m, 1000 * PELT_PERIOD_NS, 1);
	CHECK(fabs(m.util_avg - 1024) < 0.5);
	/* And back: halved by every 32 periods asleep. */
	pelt_model_advance(&m, 1032 * PELT_PERIOD_NS, 0);
	CHECK(fabs(m.util_avg - 512) < 1);
}

/* Updates at odd times give what updates at period ends give: the sum
 * depends on the run pattern, not on when it is looked at. */
static void test_pelt_model_update_times(void)
{
	struct pelt_model a, b;

	pelt_model_init(&a, 0, 0, 0, 0, 1);
	pelt_model_init(&b, 0, 0, 0, 0, 1);
	for (uint64_t t = 0; t < 100 * MS; t += 333333)
		pelt_model_advance(&a, t, 1);
	pelt_model_advance(&a, 100 * MS, 1);
	pelt_model_advance(&b, 100 * MS, 1);
	CHECK(fabs(a.util_avg - b.util_avg) < 2);
	/* Less than 1024 ns is no time to the kernel. */
	b.last = 5;
	pelt_model_advance(&b, 1000, 1);
	CHECK(b.last == 5);
}

/* A 50% duty cycle at an 8 ms period: the mean over a period is 512 and
 * the ripple is what the exponential allows (about 4 ms of it). */
static void test_pelt_model_duty(void)
{
	struct pelt_model m;
	double lo = 2048, hi = 0, sum = 0;
	int n = 0;

	pelt_model_init(&m, 0, 0, 0, 0, 1);
	for (uint64_t t = 0; t < 2000 * MS; t += 1 * MS) {
		pelt_model_advance(&m, t, (t / (4 * MS)) % 2 == 0 ? 0 : 1);
		if (t >= 1000 * MS) {
			sum += m.util_avg;
			n++;
			lo = m.util_avg < lo ? m.util_avg : lo;
			hi = m.util_avg > hi ? m.util_avg : hi;
		}
	}
	CHECK(fabs(sum / n - 512) < 12);
	/* Ripple: 1024 (1 - y^4) / (1 + y^4) of a square wave, ~44. */
	CHECK(hi - lo > 30 && hi - lo < 60);
}

/* The closed form: half-way at one half-life (32 periods), from any u0. */
static void test_pelt_closed_form(void)
{
	double h = (double)PELT_HALF_LIFE_NS;

	CHECK(fabs(pelt_step_closed_form(0, h) - 512) < 1e-6);
	CHECK(fabs(pelt_step_closed_form(0, h / 2) - 1024 * (1 - 0.70710678118654752)) < 1e-6);
	CHECK(fabs(pelt_step_closed_form(1024, 3 * h) - 1024) < 1e-6);
	CHECK(fabs(pelt_step_closed_form(100, 0) - 100) < 1e-9);
}

UNIT_SUITE(pelt_model_tests) = {
	UNIT(test_pelt_closed_form),
	UNIT(test_pelt_decay),
	UNIT(test_pelt_model_step),
	UNIT(test_pelt_model_update_times),
	UNIT(test_pelt_model_duty),
	UNIT_END,
};
