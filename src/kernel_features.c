#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "asm.h"
#include "bpf_sys.h"
#include "kernel_features.h"

/* bpf_ktime_get_coarse_ns arrived in 5.11 together with memcg-based
 * accounting of BPF memory; its presence is the signal libbpf uses too. */
#define HELPER_KTIME_GET_COARSE_NS 160

int feat_memcg_accounting(void)
{
	static int cached = -1;
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = HELPER_KTIME_GET_COARSE_NS },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = R0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct bpf_load_req req = {
		.type = BPF_PROG_TYPE_SOCKET_FILTER,
		.insns = insns,
		.len = 3,
		.license = "GPL",
	};
	int fd;

	if (cached >= 0)
		return cached;
	fd = bpf_prog_load(&req);
	cached = fd >= 0;
	if (fd >= 0)
		close(fd);
	return cached;
}

int feat_raise_memlock(void)
{
	struct rlimit r = { RLIM_INFINITY, RLIM_INFINITY };

	if (feat_memcg_accounting())
		return 0;
	return setrlimit(RLIMIT_MEMLOCK, &r) ? -errno : 0;
}

int feat_forced(const char *name)
{
	char var[64] = "SCHEDTAP_";
	const char *v;

	strncat(var, name, sizeof(var) - strlen(var) - 1);
	v = getenv(var);
	return v && *v && strcmp(v, "0");
}
