#include "lottery/tickets.h"

/* kernel/sched/core.c sched_prio_to_weight[]: not exported by the kernel
 * anywhere we can read, and part of CFS's behaviour since 2.6.23 (each
 * nice step changes a task's share by about 10%). The lottery test
 * checks it against the shares CFS really gives. */
static const uint32_t cfs_weight[40] = {
	88761, 71755, 56483, 46273, 36291,	/* -20 .. -16 */
	29154, 23254, 18705, 14949, 11916,	/* -15 .. -11 */
	9548, 7620, 6100, 4904, 3906,		/* -10 ..  -6 */
	3121, 2501, 1991, 1586, 1277,		/*  -5 ..  -1 */
	1024, 820, 655, 526, 423,		/*   0 ..   4 */
	335, 272, 215, 172, 137,		/*   5 ..   9 */
	110, 87, 70, 56, 45,			/*  10 ..  14 */
	36, 29, 23, 18, 15,			/*  15 ..  19 */
};

uint32_t lottery_tickets_of_nice(int nice, enum lottery_ticket_mode mode)
{
	if (nice < NICE_MIN || nice > NICE_MAX)
		return 0;
	if (mode == LOTTERY_TICKETS_LINEAR)
		return (uint32_t)(20 - nice);
	return cfs_weight[nice - NICE_MIN];
}

int lottery_nice_of_prio(int32_t prio, int *nice)
{
	int n = prio - LOTTERY_NICE0_PRIO;

	if (n < NICE_MIN || n > NICE_MAX)
		return 0;
	*nice = n;
	return 1;
}

const char *lottery_ticket_mode_name(uint32_t mode)
{
	switch (mode) {
	case LOTTERY_TICKETS_WEIGHT:
		return "weight";
	case LOTTERY_TICKETS_LINEAR:
		return "linear";
	default:
		return "unknown";
	}
}
