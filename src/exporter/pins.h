/* The exporter's pinned set (--pin): its maps, programs and links under
 * EXPORTER_PIN_DIR, so that counting goes on between two exporters and a
 * restart loses no counts. The set is the maps of one choice of
 * collectors: an exporter with the same choice takes the pinned maps in
 * place of the ones it made; another choice is refused until `unload`. */
#ifndef SCHEDTAP_EXPORTER_PINS_H
#define SCHEDTAP_EXPORTER_PINS_H

#include <stdio.h>
#include "kernel/bpffs.h"
#include "kernel/loader.h"

#define EXPORTER_PIN_PARENT BPFFS_ROOT "/schedtap"
#define EXPORTER_PIN_DIR EXPORTER_PIN_PARENT "/exporter"

/* With obj loaded, not attached: 1 when a pinned set is there and
 * obj's map fds are now its maps' (leave obj unattached: the pinned
 * programs count); 0 when none is pinned; negative errno when the set is
 * not obj's (printed, with what to do). */
int exporter_pins_take(struct tap_obj *obj);
/* With obj attached: pin its maps, programs and links (whole or not at
 * all). 0 or negative errno (printed). */
int exporter_pins_save(struct tap_obj *obj);
/* Detach and remove the set; says what it did on out. 0 or negative errno. */
int exporter_unload(FILE *out);
#endif
