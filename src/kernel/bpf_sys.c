#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "kernel/bpf_sys.h"

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

int sys_bpf(int cmd, union bpf_attr *attr, unsigned size)
{
	long r = syscall(__NR_bpf, cmd, attr, size);

	return r < 0 ? -errno : (int)r;
}

/* Older kernels reject attrs with unknown non-zero tail bytes, so each
 * call passes only the size up to the last field it uses. */
#define ATTR_SIZE(field) \
	(offsetof(union bpf_attr, field) + sizeof(((union bpf_attr *)0)->field))

static void map_attr(union bpf_attr *a, enum bpf_map_type type, const char *name,
		     uint32_t key_size, uint32_t value_size, uint32_t max_entries, uint32_t flags)
{
	memset(a, 0, sizeof(*a));
	a->map_type = type;
	a->key_size = key_size;
	a->value_size = value_size;
	a->max_entries = max_entries;
	a->map_flags = flags;
	if (name)
		strncpy(a->map_name, name, sizeof(a->map_name) - 1);
}

int bpf_map_create(enum bpf_map_type type, const char *name, uint32_t key_size,
		   uint32_t value_size, uint32_t max_entries, uint32_t flags)
{
	union bpf_attr a;
	int fd;

	map_attr(&a, type, name, key_size, value_size, max_entries, flags);
	fd = sys_bpf(BPF_MAP_CREATE, &a, ATTR_SIZE(map_name));
	/* Kernels before 4.15 know no map names. */
	if (fd == -EINVAL && name) {
		memset(a.map_name, 0, sizeof(a.map_name));
		fd = sys_bpf(BPF_MAP_CREATE, &a, ATTR_SIZE(map_flags));
	}
	return fd;
}

int bpf_map_create_btf(enum bpf_map_type type, const char *name, uint32_t key_size,
		       uint32_t value_size, uint32_t flags, int btf_fd, uint32_t key_type,
		       uint32_t value_type)
{
	union bpf_attr a;

	map_attr(&a, type, name, key_size, value_size, 0, flags);
	a.btf_fd = (uint32_t)btf_fd;
	a.btf_key_type_id = key_type;
	a.btf_value_type_id = value_type;
	return sys_bpf(BPF_MAP_CREATE, &a, ATTR_SIZE(btf_value_type_id));
}

int bpf_btf_load(const void *data, uint32_t size)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.btf = ptr(data);
	a.btf_size = size;
	return sys_bpf(BPF_BTF_LOAD, &a, ATTR_SIZE(btf_log_level));
}

static int map_elem(int cmd, int fd, const void *key, void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = ptr(key);
	a.value = ptr(value);
	a.flags = flags;
	return sys_bpf(cmd, &a, ATTR_SIZE(flags));
}

int bpf_map_lookup(int fd, const void *key, void *value)
{
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int bpf_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, (void *)value, flags);
}

int bpf_map_delete(int fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int bpf_map_next_key(int fd, const void *key, void *next_key)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = fd;
	a.key = ptr(key);
	a.next_key = ptr(next_key);
	return sys_bpf(BPF_MAP_GET_NEXT_KEY, &a, ATTR_SIZE(next_key));
}

int bpf_map_lookup_batch(int fd, void *in_batch, void *out_batch, void *keys,
			 void *values, uint32_t *count)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.batch.map_fd = fd;
	a.batch.in_batch = ptr(in_batch);
	a.batch.out_batch = ptr(out_batch);
	a.batch.keys = ptr(keys);
	a.batch.values = ptr(values);
	a.batch.count = *count;
	r = sys_bpf(BPF_MAP_LOOKUP_BATCH, &a, ATTR_SIZE(batch));
	*count = a.batch.count;
	return r;
}

int bpf_prog_load(const struct bpf_load_req *req)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = req->type;
	a.insns = ptr(req->insns);
	a.insn_cnt = req->len;
	a.license = ptr(req->license);
	if (req->log && req->log_size) {
		a.log_buf = ptr(req->log);
		a.log_size = req->log_size;
		a.log_level = req->log_level;
		req->log[0] = 0;
	}
	if (req->name)
		strncpy(a.prog_name, req->name, sizeof(a.prog_name) - 1);
	if (req->attach_btf_id) {
		a.expected_attach_type = req->expected_attach_type;
		a.attach_btf_id = req->attach_btf_id;
		return sys_bpf(BPF_PROG_LOAD, &a, ATTR_SIZE(attach_btf_id));
	}
	fd = sys_bpf(BPF_PROG_LOAD, &a, ATTR_SIZE(prog_name));
	if (fd == -EINVAL && req->name) {
		/* Before 4.15: no program names. */
		memset(a.prog_name, 0, sizeof(a.prog_name));
		fd = sys_bpf(BPF_PROG_LOAD, &a, ATTR_SIZE(kern_version));
	}
	return fd;
}

int bpf_obj_pin(int fd, const char *path)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = ptr(path);
	a.bpf_fd = fd;
	return sys_bpf(BPF_OBJ_PIN, &a, ATTR_SIZE(file_flags));
}

int bpf_obj_get(const char *path)
{
	return bpf_obj_get_flags(path, 0);
}

int bpf_obj_get_flags(const char *path, uint32_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = ptr(path);
	a.file_flags = flags;
	return sys_bpf(BPF_OBJ_GET, &a, ATTR_SIZE(file_flags));
}

int bpf_map_freeze(int fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	return sys_bpf(BPF_MAP_FREEZE, &a, ATTR_SIZE(map_fd));
}

int bpf_link_detach(int fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_detach.link_fd = (uint32_t)fd;
	return sys_bpf(BPF_LINK_DETACH, &a, ATTR_SIZE(link_detach));
}

int bpf_raw_tracepoint_open(const char *name, int prog_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = ptr(name);
	a.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return sys_bpf(BPF_RAW_TRACEPOINT_OPEN, &a, ATTR_SIZE(raw_tracepoint));
}

int bpf_link_create(int prog_fd, int target_fd, enum bpf_attach_type type)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = prog_fd;
	a.link_create.target_fd = target_fd;
	a.link_create.attach_type = type;
	return sys_bpf(BPF_LINK_CREATE, &a, ATTR_SIZE(link_create.flags));
}

int bpf_obj_info(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = fd;
	a.info.info_len = *info_len;
	a.info.info = ptr(info);
	r = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a, ATTR_SIZE(info));
	*info_len = a.info.info_len;
	return r;
}
