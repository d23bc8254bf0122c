#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "loadtrack/scenario.h"

#define IDLE(ms) { ms, 0, 0 }
#define BUSY(ms) { ms, 0, 100 }
#define DUTY(ms, period_ms, pct) { ms, (period_ms) * 1000, pct }
#define PERIODIC(nm, pct, period) { nm, LT_PERIODIC, 2, { IDLE(200), DUTY(1200, period, pct) } }

/* Long enough for PELT to settle (its half-life is 32 ms: 5% of a step
 * is left after 138 ms) and then to show several periods of 128 ms. */
const struct lt_scenario lt_scenarios[] = {
	{ "step", LT_STEP, 3, { IDLE(300), BUSY(600), IDLE(600) } },
	PERIODIC("periodic-25-8", 25, 8),
	PERIODIC("periodic-50-8", 50, 8),
	PERIODIC("periodic-75-8", 75, 8),
	PERIODIC("periodic-25-32", 25, 32),
	PERIODIC("periodic-50-32", 50, 32),
	PERIODIC("periodic-75-32", 75, 32),
	PERIODIC("periodic-25-128", 25, 128),
	PERIODIC("periodic-50-128", 50, 128),
	PERIODIC("periodic-75-128", 75, 128),
	/* I/O-like: 0.4 ms of work per wakeup, 250 wakeups a second. */
	{ "io", LT_IO, 2, { IDLE(200), { 1200, 4000, 10 } } },
	{ "ramp", LT_RAMP, 6,
	  { IDLE(200), DUTY(200, 16, 10), DUTY(200, 16, 30), DUTY(200, 16, 50),
	    DUTY(200, 16, 70), DUTY(200, 16, 90) } },
};
const int lt_nscenarios = sizeof(lt_scenarios) / sizeof(lt_scenarios[0]);

const struct lt_scenario *lt_scenario_find(const char *name)
{
	for (int i = 0; i < lt_nscenarios; i++)
		if (!strcmp(lt_scenarios[i].name, name))
			return &lt_scenarios[i];
	return NULL;
}

uint32_t lt_phase_start_ms(const struct lt_scenario *sc, int i)
{
	uint32_t ms = 0;

	for (int k = 0; k < i && k < sc->nphases; k++)
		ms += sc->ph[k].ms;
	return ms;
}

uint32_t lt_scenario_ms(const struct lt_scenario *sc)
{
	return lt_phase_start_ms(sc, sc->nphases);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000ull), (long)(t % 1000000000ull) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void spin_until(uint64_t t)
{
	while (now_ns() < t)
		;
}

static void play(const struct lt_scenario *sc)
{
	uint64_t t = now_ns();

	for (int i = 0; i < sc->nphases; i++) {
		const struct lt_phase *ph = &sc->ph[i];
		uint64_t end = t + ph->ms * 1000000ull;

		if (ph->duty == 0 || ph->duty >= 100 || !ph->period_us) {
			(ph->duty ? spin_until : sleep_until)(end);
		} else {
			uint64_t period = ph->period_us * 1000ull;

			for (uint64_t p = t; p < end; p += period) {
				spin_until(p + period * ph->duty / 100);
				sleep_until(p + period < end ? p + period : end);
			}
		}
		t = end;
	}
}

pid_t lt_scenario_spawn(const struct lt_scenario *sc, int cpu, int nice, int *start_fd)
{
	int fds[2];
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (pid == 0) {
		cpu_set_t set;
		sigset_t none;

		/* The parent's stop handling is for the parent: a signal
		 * ends the child at once. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(fds[1]);
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) ||
		    (nice && setpriority(PRIO_PROCESS, 0, nice)))
			_exit(LT_CHILD_SETUP_FAILED);
		if (read(fds[0], &c, 1) != 1)
			_exit(0);	/* the parent gave up */
		play(sc);
		/* Stay (asleep) until the parent has read /proc of us. */
		if (read(fds[0], &c, 1) < 0)
			_exit(0);
		_exit(0);
	}
	close(fds[0]);
	*start_fd = fds[1];
	return pid;
}
