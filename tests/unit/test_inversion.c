/* The inversion detector, fed records by hand: a runnable inversion, a
 * blocking one, a PI boost, and a full task table. */
#include <linux/futex.h>
#include <string.h>
#include "cmd/inversion_detect.h"
#include "unit.h"

#define MS 1000000ull

struct seen {
	struct inv_finding f[8];
	int n;
};

static void record(void *ctx, const struct inv_finding *f)
{
	struct seen *s = ctx;

	if (s->n < 8)
		s->f[s->n] = *f;
	s->n++;
}

static int start(struct inv_detector *d, struct seen *s)
{
	struct tp_format fmt = { .print_fmt = (char *)"\"%d\", REC->prev_state" };
	struct sched_state st;

	/* The fallback decoding: state 0 runnable, anything else asleep. */
	sched_state_decode(&fmt, &st);
	memset(s, 0, sizeof(*s));
	return inv_detect_init(d, &st, 10 * MS, record, s);
}

static void feed(struct inv_detector *d, struct trace_rec e)
{
	inv_detect_record(d, &e, sizeof(e));
}

static struct trace_rec sw(uint64_t ms, int32_t prev, int32_t prio, uint64_t state,
			   uint64_t ran_ms, int32_t next, int32_t nprio)
{
	return (struct trace_rec){ .ts_ns = ms * MS, .kind = INV_SWITCH, .pid = prev,
				   .prio = prio, .state = state, .runtime_ns = ran_ms * MS,
				   .pid2 = next, .prio2 = nprio };
}

/* H (RT prio 10) preempted, runnable, while M (a normal task) runs 30 ms. */
static void runnable_inversion(void)
{
	struct inv_detector d;
	struct seen s;

	CHECK(start(&d, &s) == 0);
	feed(&d, sw(1, 100, 10, 0, 1, 200, 120));
	feed(&d, sw(31, 200, 120, 0, 30, 100, 10));
	CHECK(s.n == 1 && s.f[0].type == INV_RUNNABLE);
	CHECK(s.f[0].h.pid == 100 && s.f[0].m.pid == 200 && s.f[0].l.pid == 0);
	CHECK(s.f[0].wait_ns == 30 * MS && s.f[0].delay_ns == 30 * MS && s.f[0].nothers == 1);
	inv_detect_free(&d);
}

/* The classic one: H waits on L's futex, M (between them) keeps L off its
 * CPU for 200 ms, then L wakes H. */
static void blocking_inversion(void)
{
	struct inv_detector d;
	struct seen s;

	CHECK(start(&d, &s) == 0);
	feed(&d, (struct trace_rec){ .ts_ns = 100 * MS, .kind = INV_FUTEX, .pid = 400,
				     .pid2 = 7, .prio = 69, .arg = FUTEX_WAIT, .state = 0x1000 });
	feed(&d, sw(101, 300, 89, 0, 1, 500, 79));
	feed(&d, sw(301, 500, 79, 1, 200, 300, 89));
	feed(&d, (struct trace_rec){ .ts_ns = 302 * MS, .kind = INV_FUTEX, .pid = 300,
				     .pid2 = 7, .prio = 89, .arg = FUTEX_WAKE, .state = 0x1000 });
	CHECK(s.n == 1 && s.f[0].type == INV_BLOCKING);
	CHECK(s.f[0].h.pid == 400 && s.f[0].l.pid == 300 && s.f[0].m.pid == 500);
	CHECK(s.f[0].futex == 0x1000 && s.f[0].delay_ns == 200 * MS && s.f[0].wait_ns == 202 * MS);
	/* Another process's futex at the same address is another futex. */
	feed(&d, (struct trace_rec){ .ts_ns = 400 * MS, .kind = INV_FUTEX, .pid = 400,
				     .pid2 = 7, .prio = 69, .arg = FUTEX_WAIT, .state = 0x1000 });
	feed(&d, (struct trace_rec){ .ts_ns = 700 * MS, .kind = INV_FUTEX, .pid = 301,
				     .pid2 = 8, .prio = 89, .arg = FUTEX_WAKE, .state = 0x1000 });
	CHECK(s.n == 1);
	inv_detect_free(&d);
}

static void pi_boost(void)
{
	struct inv_detector d;
	struct seen s;

	CHECK(start(&d, &s) == 0);
	feed(&d, (struct trace_rec){ .ts_ns = 400 * MS, .kind = INV_PI, .pid = 300, .arg = 89,
				     .arg2 = 69, .pid2 = 400 });
	feed(&d, (struct trace_rec){ .ts_ns = 450 * MS, .kind = INV_PI, .pid = 300, .arg = 69,
				     .arg2 = 89, .pid2 = 300 });
	CHECK(s.n == 1 && s.f[0].type == INV_PI_BOOST && d.boosts == 1 && d.reported == 0);
	CHECK(s.f[0].h.pid == 400 && s.f[0].h.prio == 69 && s.f[0].l.pid == 300 &&
	      s.f[0].l.prio == 89 && s.f[0].boost_prio == 69 && s.f[0].wait_ns == 50 * MS);
	inv_detect_free(&d);
}

/* The table fills up (it is cleared at 3/4) in the middle of a switch:
 * prev must not be left pointing at a cleared slot, where a later task
 * with the same hash (tid + INV_NTASKS) would find prev's runnable time
 * and report an inversion that never was. The hash is a bijection modulo
 * INV_NTASKS, so the fillers 1..3/4 take distinct slots, and a and b
 * (past them modulo INV_NTASKS) their own: x lands exactly on a's. */
static void table_cleared_between_lookups(void)
{
	const int32_t a = INV_NTASKS * 3 / 4 + 100, b = a + 1, x = a + INV_NTASKS;
	struct inv_detector d;
	struct seen s;

	CHECK(start(&d, &s) == 0);
	for (int32_t t = 1; t < INV_NTASKS * 3 / 4; t++)
		feed(&d, (struct trace_rec){ .ts_ns = MS, .kind = INV_WAKEUP, .pid = t, .prio = 120 });
	CHECK(d.ntasks == INV_NTASKS * 3 / 4 - 1);
	feed(&d, sw(1000, a, 10, 0, 1, b, 120));
	feed(&d, sw(1050, b, 120, 1, 50, x, 10));
	CHECK(s.n == 0);
	inv_detect_free(&d);
}

static void short_and_unknown_records(void)
{
	struct inv_detector d;
	struct seen s;
	struct trace_rec e = { .kind = 99 };

	CHECK(start(&d, &s) == 0);
	inv_detect_record(&d, &e, sizeof(e) - 1);
	inv_detect_record(&d, &e, sizeof(e));
	CHECK(d.bad == 2 && d.records == 1 && s.n == 0);
	inv_detect_free(&d);
}

UNIT_SUITE(inversion_tests) = {
	UNIT(runnable_inversion),
	UNIT(blocking_inversion),
	UNIT(pi_boost),
	UNIT(table_cleared_between_lookups),
	UNIT(short_and_unknown_records),
	UNIT_END,
};
