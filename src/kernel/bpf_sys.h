/* Thin bpf(2) wrappers. Every function returns a non-negative result or a
 * negative errno; none prints. */
#ifndef SCHEDTAP_BPF_SYS_H
#define SCHEDTAP_BPF_SYS_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

int sys_bpf(int cmd, union bpf_attr *attr, unsigned size);

int bpf_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
		   uint32_t value_size, uint32_t max_entries, uint32_t flags);
/* A map whose key and value types BTF must describe (task storage):
 * btf_fd from bpf_btf_load, the type ids in it. */
int bpf_map_create_btf(enum bpf_map_type type, const char *name, uint32_t key_size,
		       uint32_t value_size, uint32_t flags, int btf_fd, uint32_t key_type,
		       uint32_t value_type);
/* BPF_BTF_LOAD (5.0+): the fd of this raw BTF, or negative errno. */
int bpf_btf_load(const void *data, uint32_t size);
int bpf_map_lookup(int fd, const void *key, void *value);
int bpf_map_update(int fd, const void *key, const void *value, uint64_t flags);
int bpf_map_delete(int fd, const void *key);
int bpf_map_next_key(int fd, const void *key, void *next_key);
/* BPF_MAP_LOOKUP_BATCH: *count in = room, out = entries returned.
 * Returns 0, -ENOENT at the end of the map (with *count possibly > 0),
 * or another negative errno (-EINVAL on kernels without batch ops). */
int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
			 void *values, uint32_t *count);

struct bpf_load_req {
	enum bpf_prog_type type;
	const struct bpf_insn *insns;
	uint32_t len;
	const char *license;
	const char *name;
	char *log;		/* NULL for no verifier log */
	uint32_t log_size;
	uint32_t log_level;
	/* tp_btf (BPF_PROG_TYPE_TRACING): the attach type and the vmlinux
	 * BTF id of the btf_trace_<name> typedef; 0 for other programs. */
	enum bpf_attach_type expected_attach_type;
	uint32_t attach_btf_id;
};
int bpf_prog_load(const struct bpf_load_req *req);

int bpf_obj_pin(int fd, const char *path);
int bpf_obj_get(const char *path);
/* BPF_OBJ_GET with BPF_F_RDONLY or BPF_F_WRONLY (0: read-write). */
int bpf_obj_get_flags(const char *path, uint32_t flags);
/* No more writes from user space (5.2+); programs still write. */
int bpf_map_freeze(int fd);
/* Detach a link even while other fds or pins hold it (5.9+). */
int bpf_link_detach(int fd);
int bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type type);
/* Attach a raw tracepoint program to a tracepoint by name (4.17+): a link
 * fd (closing it detaches), or negative errno (-ENOENT: no such name). */
int bpf_raw_tracepoint_open(const char *name, int prog_fd);
int bpf_obj_info(int fd, void *info, uint32_t *info_len);
#endif
