#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "kernel/maps.h"

#define KERNEL_ENOTSUPP 524

int map_read_percpu_u64(int fd, uint32_t key, uint64_t *vals, int ncpus)
{
	if (ncpus <= 0)
		return -EINVAL;
	/* u64 values need no padding: the kernel's layout is vals[] itself. */
	return bpf_map_lookup(fd, &key, vals);
}

static int batch_unsupported(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -KERNEL_ENOTSUPP ||
	       err == -ENOSYS;
}

/* *unsupported is set when the kernel refuses the very first batch call. */
static int walk_batch(int fd, uint32_t key_size, uint32_t value_size,
		      uint32_t max_entries, map_entry_fn fn, void *ctx,
		      int *unsupported)
{
	/* The batch token of a hash map is a bucket index (u32); 8 bytes
	 * leaves room for any map type's token. */
	uint64_t token = 0;
	uint32_t room = max_entries < 256 ? max_entries : 256;
	char *keys = NULL, *vals = NULL;
	int total = 0, first = 1, err = 0, done = 0;

	while (!done) {
		uint32_t count = room;

		if (!keys || !vals) {
			keys = malloc((size_t)key_size * room);
			vals = malloc((size_t)value_size * room);
			if (!keys || !vals) {
				err = -ENOMEM;
				break;
			}
		}
		err = bpf_map_lookup_batch(fd, first ? NULL : &token, &token, keys,
					   vals, &count);
		if (err == -ENOSPC && room < max_entries * 2u + 2) {
			/* A bucket holds more entries than we made room for. */
			room *= 2;
			free(keys), free(vals);
			keys = vals = NULL;
			continue;
		}
		if (err == -ENOENT)
			done = 1, err = 0;
		if (err) {
			*unsupported = first && batch_unsupported(err);
			break;
		}
		first = 0;
		for (uint32_t i = 0; i < count && !err; i++)
			err = fn(ctx, keys + (size_t)i * key_size,
				 vals + (size_t)i * value_size);
		total += (int)count;
		if (err || total > (int)max_entries * 2)
			break;
	}
	free(keys);
	free(vals);
	return err ? err : total;
}

static int walk_next_key(int fd, uint32_t key_size, uint32_t value_size,
			 uint32_t max_entries, map_entry_fn fn, void *ctx)
{
	char *key = calloc(2, key_size), *next = key + key_size;
	char *val = malloc(value_size);
	int total = 0, err = 0;
	const void *prev = NULL;

	if (!key || !val) {
		err = -ENOMEM;
		goto out;
	}
	/* A key the map lacks starts the walk at the first key, as NULL does;
	 * all-ones (no TID, PID or CPU) nearly always is one. Valgrind takes
	 * a NULL key for a bad pointer, and its runs must stay clean. */
	memset(key, 0xff, key_size);
	if (bpf_map_lookup(fd, key, val) == -ENOENT)
		prev = key;
	/* Entries deleted under us make get_next_key restart from the top:
	 * bound the walk so that cannot loop for ever. */
	for (uint32_t steps = 0; steps < max_entries * 2u + 1; steps++) {
		err = bpf_map_next_key(fd, prev, next);
		if (err == -ENOENT) {
			err = 0;
			break;
		}
		if (err)
			break;
		memcpy(key, next, key_size);
		prev = key;
		if (bpf_map_lookup(fd, key, val))
			continue;	/* deleted since: skip it */
		err = fn(ctx, key, val);
		if (err)
			break;
		total++;
	}
out:
	free(key);
	free(val);
	return err ? err : total;
}

int map_for_each(int fd, uint32_t key_size, uint32_t value_size,
		 uint32_t max_entries, map_entry_fn fn, void *ctx,
		 enum map_read_mode *mode)
{
	int r, unsupported = 0;

	if (!key_size || !value_size || !max_entries)
		return -EINVAL;
	if (feat_batch_ops() && (!mode || *mode != MAP_READ_NEXT_KEY)) {
		r = walk_batch(fd, key_size, value_size, max_entries, fn, ctx,
			       &unsupported);
		if (!unsupported) {
			if (mode)
				*mode = MAP_READ_BATCH;
			return r;
		}
	}
	if (mode)
		*mode = MAP_READ_NEXT_KEY;
	return walk_next_key(fd, key_size, value_size, max_entries, fn, ctx);
}

int map_check_shape(int fd, uint32_t type, uint32_t key_size, uint32_t value_size,
		    uint32_t max_entries, char *why, size_t whylen)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	int err;

	memset(&info, 0, sizeof(info));
	err = bpf_obj_info(fd, &info, &len);
	if (err)
		return err;
	if (info.type == type && info.key_size == key_size && info.value_size == value_size &&
	    (!max_entries || info.max_entries == max_entries))
		return 0;
	snprintf(why, whylen, "map type %u, key %u B, value %u B, %u entries; expected "
		 "type %u, key %u B, value %u B, %u entries", info.type, info.key_size,
		 info.value_size, info.max_entries, type, key_size, value_size, max_entries);
	return -EPROTO;
}
