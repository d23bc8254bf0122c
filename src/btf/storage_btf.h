/* The smallest BTF a local-storage map is created with: the kernel wants
 * its key typed `int` and its value typed by size, and nothing else. */
#ifndef SCHEDTAP_STORAGE_BTF_H
#define SCHEDTAP_STORAGE_BTF_H

#include <stddef.h>
#include <stdint.h>

/* Type ids in the blob. */
#define STORAGE_BTF_KEY 1	/* int */
#define STORAGE_BTF_VALUE 3	/* unsigned char[value_size] */
#define STORAGE_BTF_MAX 128	/* bytes the blob takes, at most */

/* The raw BTF into buf[0..room): its length, or -ENOSPC / -EINVAL. */
int storage_btf(uint8_t *buf, size_t room, uint32_t value_size);
/* A BPF_MAP_TYPE_TASK_STORAGE map (int key, value_size bytes) typed by
 * that blob, which the map keeps a reference to: its fd, or negative
 * errno. */
int task_storage_create(const char *name, uint32_t value_size);
#endif
