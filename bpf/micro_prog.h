/* What micro's two programs share: their maps and where on the stack a
 * task's key and zeroed entry are built. */
#ifndef SCHEDTAP_BPF_MICRO_PROG_H
#define SCHEDTAP_BPF_MICRO_PROG_H

#include "bpf/micro.h"
#include "bpf/program.h"

#define MICRO_KEY_OFF (-4)
#define MICRO_VAL_OFF (-8 - (int)sizeof(struct micro_task))

/* micro_tasks, micro_full, micro_oncpu, micro_ctrs */
#define MICRO_NMAPS 4
extern const struct tap_map_def micro_maps[MICRO_NMAPS];
/* --events: micro_oncpu, micro_ctrs and trace's stream maps. */
#define MICRO_EVENT_NMAPS 6
extern const struct tap_map_def micro_event_maps[MICRO_EVENT_NMAPS];
#endif
