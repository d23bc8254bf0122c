#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>
#include "kernel/bpf_sys.h"
#include "btf/storage_btf.h"

/* "\0int\0unsigned char\0": the names at offsets 1 and 5. */
static const char strs[] = "\0int\0unsigned char";

struct blob {
	struct btf_header h;
	struct btf_type key;
	uint32_t key_enc;
	struct btf_type byte;
	uint32_t byte_enc;
	struct btf_type value;
	struct btf_array arr;
	char strs[sizeof(strs)];
};

int storage_btf(uint8_t *buf, size_t room, uint32_t value_size)
{
	const size_t len = offsetof(struct blob, strs) + sizeof(strs);
	struct blob b;

	if (room < len)
		return -ENOSPC;
	if (!value_size)
		return -EINVAL;
	memset(&b, 0, sizeof(b));
	b.h = (struct btf_header){ .magic = BTF_MAGIC, .version = BTF_VERSION,
				   .hdr_len = sizeof(b.h) };
	b.h.type_len = (uint32_t)offsetof(struct blob, strs) - sizeof(b.h);
	b.h.str_off = b.h.type_len;
	b.h.str_len = sizeof(strs);
	b.key = (struct btf_type){ .name_off = 1, .info = BTF_KIND_INT << 24, .size = 4 };
	b.key_enc = BTF_INT_SIGNED << 24 | 32;
	b.byte = (struct btf_type){ .name_off = 5, .info = BTF_KIND_INT << 24, .size = 1 };
	b.byte_enc = 8;
	b.value = (struct btf_type){ .info = BTF_KIND_ARRAY << 24 };
	b.arr = (struct btf_array){ .type = 2, .index_type = STORAGE_BTF_KEY,
				    .nelems = value_size };
	memcpy(b.strs, strs, sizeof(strs));
	/* The string section ends the blob: no tail padding. */
	memcpy(buf, &b, len);
	return (int)len;
}

int task_storage_create(const char *name, uint32_t value_size)
{
	uint8_t blob[STORAGE_BTF_MAX];
	int len = storage_btf(blob, sizeof(blob), value_size), btf, fd;

	if (len < 0)
		return len;
	btf = bpf_btf_load(blob, (uint32_t)len);
	if (btf < 0)
		return btf;
	fd = bpf_map_create_btf(BPF_MAP_TYPE_TASK_STORAGE, name, 4, value_size,
				BPF_F_NO_PREALLOC, btf, STORAGE_BTF_KEY, STORAGE_BTF_VALUE);
	close(btf);
	return fd;
}
