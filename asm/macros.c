#include <errno.h>
#include "macros.h"

/* r1 = map, r2 = fp + key_off: the first two arguments of every map helper. */
static void map_key_args(struct asm_prog *p, const char *map, int16_t key_off)
{
	asm_ld_map_fd(p, R1, map);
	asm_mov64_reg(p, R2, FP);
	asm_add64_imm(p, R2, key_off);
}

void asm_map_lookup(struct asm_prog *p, const char *map, int16_t key_off)
{
	map_key_args(p, map, key_off);
	asm_call(p, BPF_FUNC_map_lookup_elem);
}

void asm_map_delete(struct asm_prog *p, const char *map, int16_t key_off)
{
	map_key_args(p, map, key_off);
	asm_call(p, BPF_FUNC_map_delete_elem);
}

void asm_map_update(struct asm_prog *p, const char *map, int16_t key_off, int16_t val_off,
		    int32_t flags)
{
	map_key_args(p, map, key_off);
	asm_mov64_reg(p, R3, FP);
	asm_add64_imm(p, R3, val_off);
	asm_mov64_imm(p, R4, flags);
	asm_call(p, BPF_FUNC_map_update_elem);
}

void asm_map_lookup_or_init(struct asm_prog *p, const char *map,
			    int16_t key_off, int16_t val_off, int val_size,
			    const char *fail)
{
	const char *found = asm_new_label(p, "found");

	asm_comment(p, "r0 = &%s[key], created zeroed if absent", map);
	asm_map_lookup(p, map, key_off);
	asm_jne_imm(p, R0, 0, found);
	for (int i = 0; i < val_size; i += 8)
		asm_st(p, BPF_DW, FP, (int16_t)(val_off + i), 0);
	asm_map_update(p, map, key_off, val_off, BPF_NOEXIST);
	asm_map_lookup(p, map, key_off);
	asm_jeq_imm(p, R0, 0, fail);
	asm_label(p, found);
}

void asm_map_lookup_slot0(struct asm_prog *p, const char *map, int16_t key_off,
			  const char *miss)
{
	asm_st(p, BPF_W, FP, key_off, 0);
	asm_map_lookup(p, map, key_off);
	asm_jeq_imm(p, R0, 0, miss);
}

void asm_log2(struct asm_prog *p, int dst, int src, int tmp)
{
	static const int shifts[] = { 32, 16, 8, 4, 2, 1 };

	if (dst == src) {
		asm_error(p, -EINVAL, "log2: dst and src must differ");
		return;
	}
	asm_comment(p, "r%d = log2(r%d)", dst, src);
	asm_mov64_imm(p, dst, 0);
	/* Binary search on the highest set bit: if src >= 2^s, shift it
	 * down by s and add s. */
	for (unsigned i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++) {
		const char *skip = asm_new_label(p, "log2");
		int s = shifts[i];

		/* Jump immediates are sign-extended: 2^32-1 needs a register. */
		if (s == 32) {
			asm_ld_imm64(p, tmp, (1ull << s) - 1);
			asm_jmp_reg(p, BPF_JMP, BPF_JLE, src, tmp, skip);
		} else {
			asm_jmp_imm(p, BPF_JMP, BPF_JLE, src, (1 << s) - 1, skip);
		}
		asm_alu_imm(p, BPF_ALU64, BPF_RSH, src, s);
		asm_alu_imm(p, BPF_ALU64, BPF_ADD, dst, s);
		asm_label(p, skip);
	}
}

void asm_inc_u64(struct asm_prog *p, int ptr, int16_t off, int tmp, int atomic)
{
	if (atomic) {
		asm_mov64_imm(p, tmp, 1);
		asm_atomic(p, BPF_DW, BPF_ADD, ptr, tmp, off);
		return;
	}
	asm_ldx(p, BPF_DW, tmp, ptr, off);
	asm_add64_imm(p, tmp, 1);
	asm_stx(p, BPF_DW, ptr, tmp, off);
}

void asm_return(struct asm_prog *p, int32_t val)
{
	asm_mov64_imm(p, R0, val);
	asm_exit(p);
}
