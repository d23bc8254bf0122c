/* Reading maps: the one path every consumer uses. */
#ifndef SCHEDTAP_MAPS_H
#define SCHEDTAP_MAPS_H

#include <stddef.h>
#include <stdint.h>

/* Read a per-CPU array slot of u64 counters into vals[ncpus] (ncpus =
 * possible CPUs). 0 or negative errno. */
int map_read_percpu_u64(int fd, uint32_t key, uint64_t *vals, int ncpus);

typedef int (*map_entry_fn)(void *ctx, const void *key, const void *value);

enum map_read_mode { MAP_READ_AUTO, MAP_READ_BATCH, MAP_READ_NEXT_KEY };

/* Call fn for every entry of a hash map, in whatever order the kernel
 * keeps them. value_size is what a lookup returns (for per-CPU maps the
 * padded value times the possible CPUs). Uses BPF_MAP_LOOKUP_BATCH where
 * the kernel has it (5.6+) and get_next_key + lookup otherwise, or when
 * SCHEDTAP_FORCE_NO_BATCH is set. *mode (may be NULL) says which ran.
 * fn returning non-zero stops the walk with that value. Returns the
 * number of entries visited or negative errno. */
int map_for_each(int fd, uint32_t key_size, uint32_t value_size,
		 uint32_t max_entries, map_entry_fn fn, void *ctx,
		 enum map_read_mode *mode);
/* Is the map behind fd (a pinned one: anybody may have put it there) of
 * this type and shape? max_entries 0 accepts any. 0, or -EPROTO with
 * what differs in why, or another negative errno. */
int map_check_shape(int fd, uint32_t type, uint32_t key_size, uint32_t value_size,
		    uint32_t max_entries, char *why, size_t whylen);
#endif
