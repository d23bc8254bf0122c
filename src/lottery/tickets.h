/* Lottery tickets from nice. The default mapping is CFS's own weight
 * table (nice 0 = 1024 and each step about 1.25x), so a lottery's ideal
 * share is exactly CFS's ideal share; `linear` is the simpler textbook
 * mapping, 20 - nice (nice -20 = 40 tickets, nice 19 = 1). */
#ifndef SCHEDTAP_LOTTERY_TICKETS_H
#define SCHEDTAP_LOTTERY_TICKETS_H

#include <stdint.h>
#include "bpf/lottery.h"

#define NICE_MIN (-20)
#define NICE_MAX 19

/* Tickets for a nice value (-20..19), 0 outside it. */
uint32_t lottery_tickets_of_nice(int nice, enum lottery_ticket_mode mode);
/* The tracepoint's prio as nice: 1 for a CFS prio (100..139), 0 for a
 * real-time or deadline task (no nice, no tickets). */
int lottery_nice_of_prio(int32_t prio, int *nice);
/* "weight", "linear" */
const char *lottery_ticket_mode_name(uint32_t mode);
#endif
