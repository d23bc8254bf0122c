#include "loadtrack/model.h"

/* y = 2^(-1/32): a period's decay. */
#define PELT_Y 0.97857206208770013451

double pelt_decay(double v, uint64_t n)
{
	/* The kernel gives up past 63 half-lives: 2^-63 of anything is 0. */
	if (n > 32 * 63)
		return 0;
	for (; n >= 32; n -= 32)
		v *= 0.5;
	for (; n; n--)
		v *= PELT_Y;
	return v;
}

/* 2^-x for x >= 0, without libm: whole halvings, then the series of
 * e^(-f ln 2) for the fraction (15 terms: exact to double precision). */
static double exp2_neg(double x)
{
	double r = 1, term = 1, e = 1, f;

	for (; x >= 1 && r > 0; x -= 1)
		r *= 0.5;
	f = x * 0.69314718055994530942;
	for (int k = 1; k < 15; k++) {
		term *= -f / k;
		e += term;
	}
	return r * e;
}

double pelt_step_closed_form(double u0, double t_ns)
{
	double y_t = exp2_neg(t_ns / (double)PELT_HALF_LIFE_NS);

	return u0 * y_t + 1024.0 * (1.0 - y_t);
}

void pelt_model_init(struct pelt_model *m, uint64_t now, double util_sum,
		     uint32_t period_contrib, double util_avg, double scale)
{
	m->last = now;
	m->util_sum = util_sum;
	m->period_contrib = period_contrib < 1024 ? period_contrib : 1023;
	m->util_avg = util_avg;
	m->scale = scale > 0 ? scale : 1;
}

/* A run across period boundaries: the rest of the first period (d1),
 * the whole periods between, decayed, and the start of the last (d3). */
static double segments(uint64_t periods, double d1, double d3)
{
	return pelt_decay(d1, periods) +
	       (PELT_LOAD_AVG_MAX - pelt_decay(PELT_LOAD_AVG_MAX, periods) - 1024) + d3;
}

void pelt_model_advance(struct pelt_model *m, uint64_t now, int running)
{
	uint64_t units, delta, periods;
	double contrib;

	if (now <= m->last || (units = (now - m->last) >> 10) == 0)
		return;
	m->last += units << 10;
	contrib = (double)units;
	delta = units + m->period_contrib;
	periods = delta / 1024;
	if (periods) {
		m->util_sum = pelt_decay(m->util_sum, periods);
		delta %= 1024;
		if (running)
			contrib = segments(periods, 1024 - m->period_contrib, (double)delta);
	}
	m->period_contrib = (uint32_t)delta;
	if (running)
		m->util_sum += contrib * 1024 * m->scale;
	if (periods)
		m->util_avg = m->util_sum / (PELT_LOAD_AVG_MAX - 1024 + m->period_contrib);
}
