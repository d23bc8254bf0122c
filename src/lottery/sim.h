/* A user-space lottery scheduler: draw winners in proportion to tickets,
 * and the spread such draws are expected to have. */
#ifndef SCHEDTAP_LOTTERY_SIM_H
#define SCHEDTAP_LOTTERY_SIM_H

#include <stddef.h>
#include <stdint.h>

/* wins[i] = how many of `draws` lotteries tasks[i] won with tickets[i];
 * seeded, so a run is repeatable. Returns 0, -EINVAL for no tickets, or
 * -EINTR when Ctrl-C or SIGTERM stopped it (it looks every 2^20 draws). */
int lot_simulate(const uint32_t *tickets, size_t n, uint64_t draws, uint64_t seed,
		 uint64_t *wins);
/* One standard deviation of a share p won over `draws` independent draws
 * (binomial): sqrt(p (1 - p) / draws). */
double lot_spread(double p, uint64_t draws);
#endif
