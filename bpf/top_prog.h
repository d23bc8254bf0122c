/* What top's four programs share: their maps and where on the stack they
 * build a task's key and a zeroed entry. */
#ifndef SCHEDTAP_BPF_TOP_PROG_H
#define SCHEDTAP_BPF_TOP_PROG_H

#include "bpf/program.h"
#include "bpf/task_slot.h"
#include "bpf/top.h"

#define TOP_KEY_OFF (-4)
#define TOP_VAL_OFF (-8 - (int)sizeof(struct top_task))

/* tasks, top_full (a full map's count), top_oncpu (cpu_slot per CPU),
 * top_gone (freed tasks' counts, per CPU); each program gets the ones its
 * code names. */
#define TOP_NMAPS 4
extern const struct tap_map_def top_maps[TOP_NMAPS];
#endif
