#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "asm/asm.h"
#include "btf/btf.h"
#include "btf/storage_btf.h"
#include "kernel/bpf_sys.h"
#include "kernel/features.h"
#include "core/msg.h"
#include "tracefs/tracefs.h"

/* bpf_ktime_get_coarse_ns arrived in 5.11 together with memcg-based
 * accounting of BPF memory; its presence is the signal libbpf uses too. */
#define HELPER_KTIME_GET_COARSE_NS 160

/* A cached answer not yet asked for (-1 is -EPERM, an answer). */
#define UNKNOWN INT_MIN

/* A bpf() probe's errno as an answer: EPERM (the capability checks) says
 * nothing about the kernel (unknown), anything else that it lacks the
 * feature. Not EACCES: the verifier refuses bad programs with it. */
static int answer(int err)
{
	if (err >= 0)
		return 1;
	return err == -EPERM ? -EPERM : 0;
}

int feat_forced(const char *name)
{
	char var[64] = "SCHEDTAP_";
	const char *v;

	strncat(var, name, sizeof(var) - strlen(var) - 1);
	v = getenv(var);
	return v && *v && strcmp(v, "0");
}

void feat_note_once_at(int *said, const char *fmt, ...)
{
	va_list ap;

	if (*said)
		return;
	*said = 1;
	help_unpack();
	fputs("schedtap: note: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Load insns as a program of type; returns the fd or negative errno. */
static int load(enum bpf_prog_type type, const struct bpf_insn *insns, int len)
{
	struct bpf_load_req req = {
		.type = type,
		.insns = insns,
		.len = (uint32_t)len,
		.license = "GPL",
	};

	return bpf_prog_load(&req);
}

static int loads(enum bpf_prog_type type, const struct bpf_insn *insns, int len)
{
	int fd = load(type, insns, len);

	if (fd >= 0)
		close(fd);
	return answer(fd);
}

static const struct bpf_insn ret0[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

int feat_bpf_syscall(void)
{
	static int cached = 1;
	int fd;

	if (cached <= 0)
		return cached;
	/* The smallest real map: EPERM/ENOSYS say why bpf() is unusable
	 * (an invalid request would be refused before the permission
	 * check and prove nothing). */
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, 0);
	if (fd >= 0)
		close(fd);
	return cached = fd >= 0 ? 0 : fd;
}

int feat_prog_type(enum bpf_prog_type type)
{
	return loads(type, ret0, 2);
}

int feat_privileged(void)
{
	static int cached = UNKNOWN;
	int fd;

	if (cached != UNKNOWN)
		return cached;
	/* What every tracing subcommand loads first: a tracepoint program
	 * (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN). */
	fd = load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2);
	if (fd >= 0)
		close(fd);
	return cached = fd >= 0 ? 0 : fd;
}

int feat_require_privileges(const char *cmd)
{
	int err = feat_privileged();

	if (err == -EPERM || err == -EACCES)
		msg_err("%s: %s: %s", cmd, strerror(-err), msg_hint(err));
	else if (err == -ENOSYS)
		msg_errno(err, "%s: bpf()", cmd);
	return err == -EPERM || err == -EACCES || err == -ENOSYS ? err : 0;
}

/* Whether the verifier's log holds what; not strstr, whose two-way
 * search is 1.2 KiB of musl for the three short needles here. */
static int log_says(const char *log, const char *what)
{
	size_t n = strlen(what);

	for (; *log; log++)
		if (*log == *what && !strncmp(log, what, n))
			return 1;
	return 0;
}

int feat_helper(enum bpf_prog_type type, int helper)
{
	/* Arguments are zero, so most helpers fail on their argument types;
	 * what tells is whether the verifier complains about the helper
	 * itself, as libbpf's probe also reads it. */
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R1, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R3, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = helper },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/* Zeroed: the kernel writes only what it logs, and valgrind cannot
	 * see even that. */
	char log[4096] = "";
	struct bpf_load_req req = {
		.type = type, .insns = insns, .len = 6, .license = "GPL",
		.log = log, .log_size = sizeof(log), .log_level = 1,
	};
	int fd = bpf_prog_load(&req);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (fd == -EPERM)
		return -EPERM;
	log[sizeof(log) - 1] = 0;
	return !log_says(log, "invalid func ") && !log_says(log, "unknown func ") &&
	       !log_says(log, "cannot use helper");
}

int feat_atomics(void)
{
	static int cached = UNKNOWN;
	struct bpf_insn insns[] = {
		{ .code = BPF_ST | BPF_DW | BPF_MEM, .dst_reg = R10, .off = -8, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R1, .imm = 1 },
		{ .code = BPF_STX | BPF_DW | BPF_ATOMIC, .dst_reg = R10, .src_reg = R1,
		  .off = -8, .imm = BPF_ADD | BPF_FETCH },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	if (cached == UNKNOWN)
		cached = loads(BPF_PROG_TYPE_SOCKET_FILTER, insns, 5);
	return cached;
}

static int map_type_works(enum bpf_map_type type, uint32_t ks, uint32_t vs,
			  uint32_t max)
{
	int fd = bpf_map_create(type, NULL, ks, vs, max, 0);

	if (fd >= 0)
		close(fd);
	return answer(fd);
}

int feat_ringbuf(void)
{
	static int cached = UNKNOWN;

	if (feat_forced("FORCE_PERF_BUFFER"))
		return 0;
	if (cached == UNKNOWN)
		cached = map_type_works(BPF_MAP_TYPE_RINGBUF, 0, 0,
					(uint32_t)getpagesize());
	return cached;
}

/* The program loads only where both tp_btf and task storage from tracing
 * programs exist; its map is the smallest task storage. */
static int storage_from_tp_btf(uint32_t switch_btf_id)
{
	int map = task_storage_create(NULL, 8), prog;
	struct bpf_insn insns[] = {
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = R1, .src_reg = BPF_PSEUDO_MAP_FD },
		{ 0 },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = R2, .src_reg = R6, .off = 8 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R3, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R4, .imm = 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_task_storage_get },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_insn code[1 + sizeof(insns) / sizeof(insns[0])] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = R6, .src_reg = R1 },
	};
	struct bpf_load_req req = {
		.type = BPF_PROG_TYPE_TRACING, .insns = code, .len = 1 + 8, .license = "GPL",
		.expected_attach_type = BPF_TRACE_RAW_TP, .attach_btf_id = switch_btf_id,
	};

	if (map < 0)
		return map;
	insns[0].imm = map;
	memcpy(code + 1, insns, sizeof(insns));
	prog = bpf_prog_load(&req);
	close(map);
	if (prog >= 0)
		close(prog);
	return prog;
}

int feat_tp_btf_storage(const struct btf *vmlinux)
{
	static int cached = UNKNOWN;
	int id;

	if (feat_forced("FORCE_TRACEPOINT"))
		return 0;
	if (cached == UNKNOWN) {
		id = btf_tracepoint_id(vmlinux, "sched_switch");
		cached = id > 0 ? answer(storage_from_tp_btf((uint32_t)id)) : 0;
	}
	return cached;
}

int feat_perf_link(void)
{
	static int cached = UNKNOWN;
	int prog, r;

	if (feat_forced("FORCE_IOCTL_ATTACH"))
		return 0;
	if (cached != UNKNOWN)
		return cached;
	prog = load(BPF_PROG_TYPE_TRACEPOINT, ret0, 2);
	if (prog < 0)
		return cached = answer(prog);
	/* No perf event needed: a kernel that knows perf links gets as far
	 * as looking up the (bad) target fd; one that does not refuses the
	 * attach type first. */
	r = bpf_link_create(prog, -1, BPF_PERF_EVENT);
	if (r >= 0)
		close(r);
	close(prog);
	return cached = (r == -EBADF);
}

int feat_batch_ops(void)
{
	static int cached = UNKNOWN;
	uint32_t keys[4], vals[4], count = 4;
	uint64_t out;
	int fd, r;

	if (feat_forced("FORCE_NO_BATCH"))
		return 0;
	if (cached != UNKNOWN)
		return cached;
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, NULL, 4, 4, 4, 0);
	if (fd < 0)
		return cached = answer(fd);
	/* An empty map answers ENOENT where batch lookups exist. */
	r = bpf_map_lookup_batch(fd, NULL, &out, keys, vals, &count);
	close(fd);
	return cached = (r == 0 || r == -ENOENT);
}

int feat_btf(void)
{
	if (feat_forced("FORCE_NO_BTF"))
		return 0;
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 1;
	return errno == EACCES ? -EPERM : 0;
}

int feat_tracepoint(const char *system, const char *event)
{
	char tracefs[256], path[512];
	int mounted, err = tracefs_find(tracefs, sizeof(tracefs), &mounted);

	if (err)
		return err;
	if (snprintf(path, sizeof(path), "%s/events/%s/%s/format", tracefs, system, event) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, R_OK) == 0)
		return 1;
	return errno == EACCES ? -EPERM : 0;
}

int feat_runtime_all_classes(void)
{
	static int cached = UNKNOWN;
	struct tp_format fmt;
	char tracefs[256];
	int mounted, err;

	if (feat_forced("FORCE_SLICE_TIMING"))
		return 0;
	if (cached != UNKNOWN)
		return cached;
	err = tracefs_find(tracefs, sizeof(tracefs), &mounted);
	if (!err)
		err = tracefs_format_load(tracefs, "sched", "sched_stat_runtime", &fmt);
	if (err)
		return cached = err == -EACCES ? -EPERM : 0;
	/* The event lost its CFS-only vruntime field in the change that made
	 * every class report through it (6.8); the fields are the signal. */
	cached = tracefs_field(&fmt, "pid") && tracefs_field(&fmt, "runtime") &&
		 !tracefs_field(&fmt, "vruntime");
	tracefs_format_free(&fmt);
	return cached;
}

int feat_memcg_accounting(void)
{
	static int cached = UNKNOWN;
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = HELPER_KTIME_GET_COARSE_NS },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	if (cached == UNKNOWN)
		cached = loads(BPF_PROG_TYPE_SOCKET_FILTER, insns, 3);
	return cached;
}

int feat_raise_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	if (feat_memcg_accounting() > 0)
		return 0;
	/* prlimit, not setrlimit: musl's stops every thread to set it in each
	 * (__synccall, ~1 KiB) for kernels older than any BPF needs. */
	return syscall(SYS_prlimit64, 0, RLIMIT_MEMLOCK, &r, NULL) ? -errno : 0;
}
