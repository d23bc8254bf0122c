/* What schedtap lottery keeps in its pinned maps: shared by the BPF
 * programs (as offsets) and the consumer (as structs). The layout number
 * goes into the pinned meta record: change a struct, bump it. */
#ifndef SCHEDTAP_BPF_LOTTERY_H
#define SCHEDTAP_BPF_LOTTERY_H

#include <stddef.h>
#include <stdint.h>

#define LOTTERY_LAYOUT 1
#define LOTTERY_MAGIC "schedtap"	/* 8 bytes, no NUL */
#define LOTTERY_MAX_TASKS 16384
/* Tickets are looked up by the tracepoint's prio: 0..99 real-time (no
 * tickets, outside the lottery), 100..139 nice -20..19. */
#define LOTTERY_PRIOS 140
#define LOTTERY_NICE0_PRIO 120
#define LOTTERY_COMM_LEN 16
/* flags */
#define LOTTERY_CPU_BEYOND_64 0x1

struct lottery_task {
	uint64_t runtime_ns;	/* CPU time, as sched_stat_runtime reports it */
	uint64_t switches;	/* switched out */
	uint64_t cpus;		/* CPUs it ran on since sample `gen` (bit n = CPU n) */
	uint32_t gen;		/* the dumpers' sample number cpus belongs to */
	int32_t prio;		/* at its last switch-out */
	uint32_t tickets;	/* from prio, through the loaded ticket table */
	uint32_t last_cpu;
	uint32_t flags;
	uint32_t exited;	/* sched_process_exit seen: kept until evicted */
	char comm[LOTTERY_COMM_LEN];
};
#define LOT_OFF(f) ((int16_t)offsetof(struct lottery_task, f))

enum lottery_ticket_mode { LOTTERY_TICKETS_WEIGHT = 1, LOTTERY_TICKETS_LINEAR = 2 };

/* The version/layout record, one slot of a frozen array map. */
struct lottery_meta {
	char magic[8];
	uint32_t layout;
	uint32_t task_size;	/* sizeof(struct lottery_task) */
	uint32_t max_tasks;
	uint32_t ticket_mode;
	uint64_t loaded_unix_ns;
	char version[32];	/* the schedtap that loaded it */
};

#endif
