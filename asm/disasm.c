/* eBPF disassembler in the kernel's verifier-log syntax. See disasm.h.
 *
 * The text is the kernel's, operator for operator, so that a program we
 * dump can be lined up with a verifier log or `bpftool prog dump xlated`
 * without translation: ALU immediates in decimal, jump immediates as
 * 0x%x of the 32-bit value, offsets with an explicit sign ("r6 +24"),
 * LD_IMM64 as 0x%llx, helpers as "call bpf_name#id".
 *
 * Validity follows the instruction set, not the printer: an encoding the
 * kernel would refuse to load (a NEG with a register source, a JMP32
 * CALL, a sign-extending 64-bit load...) is "(bad)" rather than the
 * nonsense a table lookup on it would give. Reserved fields that do not
 * change what an instruction means (an ALU off that is not a signed or
 * sign-extending marker) are ignored, as the kernel's printer does. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include "core/help.h"
#include "disasm.h"

/* Encodings newer than some UAPI headers we build against. */
#ifndef BPF_PSEUDO_KFUNC_CALL
#define BPF_PSEUDO_KFUNC_CALL 2
#endif
#ifndef BPF_PSEUDO_MAP_IDX
#define BPF_PSEUDO_MAP_IDX 5
#endif
#ifndef BPF_PSEUDO_MAP_IDX_VALUE
#define BPF_PSEUDO_MAP_IDX_VALUE 6
#endif
#define DIS_MAY_GOTO		0	/* src_reg of a JMP|JCOND */
#define DIS_ADDR_SPACE_CAST	1	/* off of an ALU64 MOV X */
#define DIS_LOAD_ACQ		0x100	/* imm of STX|ATOMIC */
#define DIS_STORE_REL		0x110
#define DIS_NOSPEC		0xc0	/* mode of ST, kernel-internal */

/* Indexed by BPF_OP() >> 4; NULL where the op is not a plain binary
 * operator (NEG, END) or not defined. */
static const char *const alu_ops[16] = {
	"+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=",
	NULL, "%=", "^=", "=", "s>>=", NULL, NULL, NULL,
};

/* Indexed by BPF_OP() >> 4; NULL for JA, CALL, EXIT, JCOND and holes. */
static const char *const jmp_ops[16] = {
	NULL, "==", ">", ">=", "&", "!=", "s>", "s>=",
	NULL, NULL, "<", "<=", "s<", "s<=", NULL, NULL,
};

/* Indexed by BPF_SIZE() >> 3: W, H, B, DW. */
static const char *const mem_sizes[4] = { "u32", "u16", "u8", "u64" };
static const char *const memsx_sizes[4] = { "s32", "s16", "s8", NULL };

/* Atomic read-modify-write ops by BPF_OP(imm) >> 4, for the fetch form. */
static const char *const atomic_ops[16] = {
	[BPF_ADD >> 4] = "add", [BPF_AND >> 4] = "and",
	[BPF_OR >> 4] = "or", [BPF_XOR >> 4] = "xor",
};

/* Helper names by id, as in the UAPI's __BPF_FUNC_MAPPER. Kept here
 * rather than generated from <linux/bpf.h> so that the names do not
 * depend on how old the build machine's headers are; the oracle test
 * cross-checks the table against whatever header it is built with.
 * One string of NUL-ended names, cold (core/help.h): the disassembler
 * prints dumps and verifier logs, never a hot path, and the 212 names
 * as pointers and strings took 4.9 KiB of the x86-64 file. */
static const char helper_names[] COLD_TEXT =
	/*   0 */ "unspec\0" "map_lookup_elem\0" "map_update_elem\0" "map_delete_elem\0"
	"probe_read\0" "ktime_get_ns\0" "trace_printk\0" "get_prandom_u32\0"
	"get_smp_processor_id\0" "skb_store_bytes\0"
	/*  10 */ "l3_csum_replace\0" "l4_csum_replace\0" "tail_call\0"
	"clone_redirect\0" "get_current_pid_tgid\0" "get_current_uid_gid\0"
	"get_current_comm\0" "get_cgroup_classid\0" "skb_vlan_push\0" "skb_vlan_pop\0"
	/*  20 */ "skb_get_tunnel_key\0" "skb_set_tunnel_key\0" "perf_event_read\0"
	"redirect\0" "get_route_realm\0" "perf_event_output\0" "skb_load_bytes\0"
	"get_stackid\0" "csum_diff\0" "skb_get_tunnel_opt\0"
	/*  30 */ "skb_set_tunnel_opt\0" "skb_change_proto\0" "skb_change_type\0"
	"skb_under_cgroup\0" "get_hash_recalc\0" "get_current_task\0"
	"probe_write_user\0" "current_task_under_cgroup\0" "skb_change_tail\0"
	"skb_pull_data\0"
	/*  40 */ "csum_update\0" "set_hash_invalid\0" "get_numa_node_id\0"
	"skb_change_head\0" "xdp_adjust_head\0" "probe_read_str\0" "get_socket_cookie\0"
	"get_socket_uid\0" "set_hash\0" "setsockopt\0"
	/*  50 */ "skb_adjust_room\0" "redirect_map\0" "sk_redirect_map\0"
	"sock_map_update\0" "xdp_adjust_meta\0" "perf_event_read_value\0"
	"perf_prog_read_value\0" "getsockopt\0" "override_return\0"
	"sock_ops_cb_flags_set\0"
	/*  60 */ "msg_redirect_map\0" "msg_apply_bytes\0" "msg_cork_bytes\0"
	"msg_pull_data\0" "bind\0" "xdp_adjust_tail\0" "skb_get_xfrm_state\0"
	"get_stack\0" "skb_load_bytes_relative\0" "fib_lookup\0"
	/*  70 */ "sock_hash_update\0" "msg_redirect_hash\0" "sk_redirect_hash\0"
	"lwt_push_encap\0" "lwt_seg6_store_bytes\0" "lwt_seg6_adjust_srh\0"
	"lwt_seg6_action\0" "rc_repeat\0" "rc_keydown\0" "skb_cgroup_id\0"
	/*  80 */ "get_current_cgroup_id\0" "get_local_storage\0"
	"sk_select_reuseport\0" "skb_ancestor_cgroup_id\0" "sk_lookup_tcp\0"
	"sk_lookup_udp\0" "sk_release\0" "map_push_elem\0" "map_pop_elem\0"
	"map_peek_elem\0"
	/*  90 */ "msg_push_data\0" "msg_pop_data\0" "rc_pointer_rel\0" "spin_lock\0"
	"spin_unlock\0" "sk_fullsock\0" "tcp_sock\0" "skb_ecn_set_ce\0"
	"get_listener_sock\0" "skc_lookup_tcp\0"
	/* 100 */ "tcp_check_syncookie\0" "sysctl_get_name\0"
	"sysctl_get_current_value\0" "sysctl_get_new_value\0" "sysctl_set_new_value\0"
	"strtol\0" "strtoul\0" "sk_storage_get\0" "sk_storage_delete\0" "send_signal\0"
	/* 110 */ "tcp_gen_syncookie\0" "skb_output\0" "probe_read_user\0"
	"probe_read_kernel\0" "probe_read_user_str\0" "probe_read_kernel_str\0"
	"tcp_send_ack\0" "send_signal_thread\0" "jiffies64\0" "read_branch_records\0"
	/* 120 */ "get_ns_current_pid_tgid\0" "xdp_output\0" "get_netns_cookie\0"
	"get_current_ancestor_cgroup_id\0" "sk_assign\0" "ktime_get_boot_ns\0"
	"seq_printf\0" "seq_write\0" "sk_cgroup_id\0" "sk_ancestor_cgroup_id\0"
	/* 130 */ "ringbuf_output\0" "ringbuf_reserve\0" "ringbuf_submit\0"
	"ringbuf_discard\0" "ringbuf_query\0" "csum_level\0" "skc_to_tcp6_sock\0"
	"skc_to_tcp_sock\0" "skc_to_tcp_timewait_sock\0" "skc_to_tcp_request_sock\0"
	/* 140 */ "skc_to_udp6_sock\0" "get_task_stack\0" "load_hdr_opt\0"
	"store_hdr_opt\0" "reserve_hdr_opt\0" "inode_storage_get\0"
	"inode_storage_delete\0" "d_path\0" "copy_from_user\0" "snprintf_btf\0"
	/* 150 */ "seq_printf_btf\0" "skb_cgroup_classid\0" "redirect_neigh\0"
	"per_cpu_ptr\0" "this_cpu_ptr\0" "redirect_peer\0" "task_storage_get\0"
	"task_storage_delete\0" "get_current_task_btf\0" "bprm_opts_set\0"
	/* 160 */ "ktime_get_coarse_ns\0" "ima_inode_hash\0" "sock_from_file\0"
	"check_mtu\0" "for_each_map_elem\0" "snprintf\0" "sys_bpf\0"
	"btf_find_by_name_kind\0" "sys_close\0" "timer_init\0"
	/* 170 */ "timer_set_callback\0" "timer_start\0" "timer_cancel\0"
	"get_func_ip\0" "get_attach_cookie\0" "task_pt_regs\0" "get_branch_snapshot\0"
	"trace_vprintk\0" "skc_to_unix_sock\0" "kallsyms_lookup_name\0"
	/* 180 */ "find_vma\0" "loop\0" "strncmp\0" "get_func_arg\0" "get_func_ret\0"
	"get_func_arg_cnt\0" "get_retval\0" "set_retval\0" "xdp_get_buff_len\0"
	"xdp_load_bytes\0"
	/* 190 */ "xdp_store_bytes\0" "copy_from_user_task\0" "skb_set_tstamp\0"
	"ima_file_hash\0" "kptr_xchg\0" "map_lookup_percpu_elem\0" "skc_to_mptcp_sock\0"
	"dynptr_from_mem\0" "ringbuf_reserve_dynptr\0" "ringbuf_submit_dynptr\0"
	/* 200 */ "ringbuf_discard_dynptr\0" "dynptr_read\0" "dynptr_write\0"
	"dynptr_data\0" "tcp_raw_gen_syncookie_ipv4\0" "tcp_raw_gen_syncookie_ipv6\0"
	"tcp_raw_check_syncookie_ipv4\0" "tcp_raw_check_syncookie_ipv6\0"
	"ktime_get_tai_ns\0" "user_ringbuf_drain\0"
	/* 210 */ "cgrp_storage_get\0" "cgrp_storage_delete\0";

#define NHELPERS 212

const char *disasm_helper_name(int id)
{
	const char *p = helper_names;

	if (id < 0 || id >= NHELPERS)
		return NULL;
	help_unpack();
	while (id--)
		p += strlen(p) + 1;
	return p;
}

/* snprintf that reports success the way the formatters below do: 0 on
 * success, so that "return put(...)" ends a formatter. Truncation is not
 * an error: the caller chose the buffer. */
static int put(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return 0;
}

static char alu_reg(const struct bpf_insn *in)
{
	return BPF_CLASS(in->code) == BPF_ALU64 ? 'r' : 'w';
}

/* BPF_END: ALU is to_le/to_be ("r1 = be16 r1", always rN: the kernel
 * prints it so), ALU64 is the v4 unconditional byte swap. */
static int fmt_end(const struct bpf_insn *in, char *buf, size_t len)
{
	if (in->imm != 16 && in->imm != 32 && in->imm != 64)
		return -1;
	if (BPF_CLASS(in->code) == BPF_ALU64) {
		if (BPF_SRC(in->code) != BPF_TO_LE)
			return -1;
		return put(buf, len, "r%d = bswap%d r%d", in->dst_reg, in->imm,
			   in->dst_reg);
	}
	return put(buf, len, "r%d = %s%d r%d", in->dst_reg,
		   BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le", in->imm,
		   in->dst_reg);
}

/* MOV with a register source: plain, sign-extending (off 8/16/32) or the
 * arena address-space cast (ALU64, off 1). */
static int fmt_mov_reg(const struct bpf_insn *in, char *buf, size_t len)
{
	char r = alu_reg(in);

	if (BPF_CLASS(in->code) == BPF_ALU64 && in->off == DIS_ADDR_SPACE_CAST)
		return put(buf, len, "r%d = addr_space_cast(r%d, %u, %u)",
			   in->dst_reg, in->src_reg, (uint32_t)in->imm >> 16,
			   (uint32_t)in->imm & 0xffff);
	if (in->off == 8 || in->off == 16 || in->off == 32)
		return put(buf, len, "%c%d = (s%d)%c%d", r, in->dst_reg, in->off,
			   r, in->src_reg);
	return put(buf, len, "%c%d = %c%d", r, in->dst_reg, r, in->src_reg);
}

static int fmt_alu(const struct bpf_insn *in, char *buf, size_t len)
{
	int op = BPF_OP(in->code);
	const char *name = alu_ops[op >> 4];
	char r = alu_reg(in);

	if (op == BPF_END)
		return fmt_end(in, buf, len);
	if (op == BPF_NEG) {
		if (BPF_SRC(in->code) != BPF_K)
			return -1;
		return put(buf, len, "%c%d = -%c%d", r, in->dst_reg, r, in->dst_reg);
	}
	if (!name)
		return -1;
	if (op == BPF_MOV && BPF_SRC(in->code) == BPF_X)
		return fmt_mov_reg(in, buf, len);
	/* v4 signed division and modulo are DIV/MOD with off 1. */
	if ((op == BPF_DIV || op == BPF_MOD) && in->off == 1)
		name = op == BPF_DIV ? "s/=" : "s%=";
	if (BPF_SRC(in->code) == BPF_X)
		return put(buf, len, "%c%d %s %c%d", r, in->dst_reg, name, r,
			   in->src_reg);
	return put(buf, len, "%c%d %s %d", r, in->dst_reg, name, in->imm);
}

static int fmt_call(const struct bpf_insn *in, char *buf, size_t len)
{
	const char *name;

	if (BPF_CLASS(in->code) != BPF_JMP || BPF_SRC(in->code) != BPF_K)
		return -1;
	switch (in->src_reg) {
	case 0:
		name = disasm_helper_name(in->imm);
		if (!name)
			return put(buf, len, "call unknown#%d", in->imm);
		return put(buf, len, "call bpf_%s#%d", name, in->imm);
	case BPF_PSEUDO_CALL:
		return put(buf, len, "call pc%+d", in->imm);
	case BPF_PSEUDO_KFUNC_CALL:
		/* The verifier names it from BTF; without BTF this is its text. */
		return put(buf, len, "call kernel-function#%d", in->imm);
	}
	return put(buf, len, "call unknown#%d", in->imm);
}

static int fmt_jmp(const struct bpf_insn *in, char *buf, size_t len)
{
	int cls = BPF_CLASS(in->code), op = BPF_OP(in->code);
	const char *name = jmp_ops[op >> 4];
	char r = cls == BPF_JMP ? 'r' : 'w';

	switch (op) {
	case BPF_CALL:
		return fmt_call(in, buf, len);
	case BPF_EXIT:
		if (in->code != (BPF_JMP | BPF_EXIT))
			return -1;
		return put(buf, len, "exit");
	case BPF_JA:
		if (in->code == (BPF_JMP | BPF_JA))
			return put(buf, len, "goto pc%+d", in->off);
		if (in->code == (BPF_JMP32 | BPF_JA))
			return put(buf, len, "gotol pc%+d", in->imm);
		return -1;
	case BPF_JCOND:
		if (in->code != (BPF_JMP | BPF_JCOND | BPF_K) ||
		    in->src_reg != DIS_MAY_GOTO)
			return -1;
		return put(buf, len, "may_goto pc%+d", in->off);
	}
	if (!name)
		return -1;
	if (BPF_SRC(in->code) == BPF_X)
		return put(buf, len, "if %c%d %s %c%d goto pc%+d", r, in->dst_reg,
			   name, r, in->src_reg, in->off);
	return put(buf, len, "if %c%d %s 0x%x goto pc%+d", r, in->dst_reg, name,
		   (uint32_t)in->imm, in->off);
}

/* STX|ATOMIC: the op lives in imm. */
static int fmt_atomic(const struct bpf_insn *in, char *buf, size_t len)
{
	const char *sz = mem_sizes[BPF_SIZE(in->code) >> 3];
	int dw = BPF_SIZE(in->code) == BPF_DW;
	int op = in->imm & ~BPF_FETCH;

	/* Acquire/release take every size; read-modify-write only W and DW. */
	if (in->imm == DIS_LOAD_ACQ)
		return put(buf, len, "r%d = load_acquire((%s *)(r%d %+d))",
			   in->dst_reg, sz, in->src_reg, in->off);
	if (in->imm == DIS_STORE_REL)
		return put(buf, len, "store_release((%s *)(r%d %+d), r%d)", sz,
			   in->dst_reg, in->off, in->src_reg);
	if (BPF_SIZE(in->code) != BPF_W && !dw)
		return -1;
	if (in->imm == BPF_CMPXCHG)
		return put(buf, len, "r0 = atomic%s_cmpxchg((%s *)(r%d %+d), r0, r%d)",
			   dw ? "64" : "", sz, in->dst_reg, in->off, in->src_reg);
	if (in->imm == BPF_XCHG)
		return put(buf, len, "r%d = atomic%s_xchg((%s *)(r%d %+d), r%d)",
			   in->src_reg, dw ? "64" : "", sz, in->dst_reg, in->off,
			   in->src_reg);
	if (op != BPF_ADD && op != BPF_AND && op != BPF_OR && op != BPF_XOR)
		return -1;
	if (!(in->imm & BPF_FETCH))
		return put(buf, len, "lock *(%s *)(r%d %+d) %s r%d", sz, in->dst_reg,
			   in->off, alu_ops[op >> 4], in->src_reg);
	return put(buf, len, "r%d = atomic%s_fetch_%s((%s *)(r%d %+d), r%d)",
		   in->src_reg, dw ? "64" : "", atomic_ops[op >> 4], sz,
		   in->dst_reg, in->off, in->src_reg);
}

static int fmt_mem(const struct bpf_insn *in, char *buf, size_t len)
{
	const char *sz = mem_sizes[BPF_SIZE(in->code) >> 3];
	int mode = BPF_MODE(in->code);

	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
		if (mode == BPF_MEMSX)
			sz = memsx_sizes[BPF_SIZE(in->code) >> 3];
		else if (mode != BPF_MEM)
			return -1;
		if (!sz)
			return -1;
		return put(buf, len, "r%d = *(%s *)(r%d %+d)", in->dst_reg, sz,
			   in->src_reg, in->off);
	case BPF_ST:
		/* Only the verifier makes it, always as BPF_ST|BPF_NOSPEC. */
		if (in->code == (BPF_ST | DIS_NOSPEC))
			return put(buf, len, "nospec");
		if (mode != BPF_MEM)
			return -1;
		return put(buf, len, "*(%s *)(r%d %+d) = %d", sz, in->dst_reg,
			   in->off, in->imm);
	case BPF_STX:
		if (mode == BPF_ATOMIC)
			return fmt_atomic(in, buf, len);
		if (mode != BPF_MEM)
			return -1;
		return put(buf, len, "*(%s *)(r%d %+d) = r%d", sz, in->dst_reg,
			   in->off, in->src_reg);
	}
	return -1;
}

static int fmt_ld_imm64(const struct bpf_insn *in, int nleft,
			const char *map_name, char *buf, size_t len)
{
	uint64_t imm;

	/* The second slot is all zero but for the upper immediate. */
	if (nleft < 2 || in[1].code || in[1].dst_reg || in[1].src_reg ||
	    in[1].off)
		return -1;
	imm = (uint64_t)(uint32_t)in[1].imm << 32 | (uint32_t)in[0].imm;
	if (map_name) {
		switch (in->src_reg) {
		case BPF_PSEUDO_MAP_FD:
		case BPF_PSEUDO_MAP_IDX:
			return put(buf, len, "r%d = map[%s]", in->dst_reg, map_name);
		case BPF_PSEUDO_MAP_VALUE:
		case BPF_PSEUDO_MAP_IDX_VALUE:
			return put(buf, len, "r%d = map[%s][0]+%u", in->dst_reg,
				   map_name, (uint32_t)in[1].imm);
		}
	}
	return put(buf, len, "r%d = 0x%" PRIx64, in->dst_reg, imm);
}

/* The BPF_LD class: legacy packet loads and LD_IMM64. */
static int fmt_ld(const struct bpf_insn *in, int nleft, const char *map_name,
		  char *buf, size_t len)
{
	const char *sz = mem_sizes[BPF_SIZE(in->code) >> 3];
	int mode = BPF_MODE(in->code);

	if (mode == BPF_IMM && BPF_SIZE(in->code) == BPF_DW)
		return fmt_ld_imm64(in, nleft, map_name, buf, len);
	if (BPF_SIZE(in->code) == BPF_DW)
		return -1;
	if (mode == BPF_ABS)
		return put(buf, len, "r0 = *(%s *)skb[%d]", sz, in->imm);
	if (mode == BPF_IND)
		return put(buf, len, "r0 = *(%s *)skb[r%d + %d]", sz, in->src_reg,
			   in->imm);
	return -1;
}

int disasm_insn(const struct bpf_insn *insn, int nleft, const char *map_name,
		char *buf, size_t len)
{
	int err = -1;

	if (insn && nleft > 0) {
		switch (BPF_CLASS(insn->code)) {
		case BPF_ALU:
		case BPF_ALU64:
			err = fmt_alu(insn, buf, len);
			break;
		case BPF_JMP:
		case BPF_JMP32:
			err = fmt_jmp(insn, buf, len);
			break;
		case BPF_LD:
			err = fmt_ld(insn, nleft, map_name, buf, len);
			break;
		default:
			err = fmt_mem(insn, buf, len);
			break;
		}
	}
	if (err) {
		put(buf, len, "(bad)");
		return -1;
	}
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) ? 2 : 1;
}

/* The slot a jump-like instruction at index i lands on, or -1 if insn
 * does not transfer control to a pc-relative target. */
static long jump_target(const struct bpf_insn *in, int i)
{
	int op = BPF_OP(in->code);

	if (BPF_CLASS(in->code) != BPF_JMP && BPF_CLASS(in->code) != BPF_JMP32)
		return -1;
	if (in->code == (BPF_JMP32 | BPF_JA))
		return (long)i + 1 + in->imm;
	if (op == BPF_CALL)
		return in->src_reg == BPF_PSEUDO_CALL ? (long)i + 1 + in->imm : -1;
	if (op == BPF_EXIT)
		return -1;
	return (long)i + 1 + in->off;
}

static void print_insn(FILE *out, const struct bpf_insn *insns, int len, int i,
		       const struct asm_prog *p, int *used)
{
	const char *map = p ? asm_map_at(p, i) : NULL;
	const char *label = NULL;
	char text[128];
	long target;

	*used = disasm_insn(&insns[i], len - i, map, text, sizeof(text));
	if (*used < 0) {
		fprintf(out, "%4d: (%02x) %s\n", i, insns[i].code, text);
		*used = 1;
		return;
	}
	target = jump_target(&insns[i], i);
	if (p && target >= 0 && target <= len)
		label = asm_label_at(p, (int)target);
	if (label)
		fprintf(out, "%4d: (%02x) %s <%s>\n", i, insns[i].code, text, label);
	else
		fprintf(out, "%4d: (%02x) %s\n", i, insns[i].code, text);
}

/* Notes (labels and comments) recorded at or before slot i, in the order
 * they were emitted; *k is the first note not yet printed. */
static void print_notes(FILE *out, const struct asm_prog *p, int i, int *k)
{
	for (; *k < p->nnotes && p->notes[*k].insn <= i; (*k)++) {
		const struct asm_note *n = &p->notes[*k];

		if (n->kind == ASM_NOTE_LABEL)
			fprintf(out, "%s:\n", n->text);
		else
			fprintf(out, "\t; %s\n", n->text);
	}
}

void disasm_prog(FILE *out, const struct asm_prog *p)
{
	int i = 0, k = 0, used;

	while (i < p->len) {
		print_notes(out, p, i, &k);
		print_insn(out, p->insns, p->len, i, p, &used);
		i += used;
	}
	/* Labels and comments after the last instruction. */
	print_notes(out, p, p->len, &k);
}
