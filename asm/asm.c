/* The macro assembler's core: instruction encoding, labels, map
 * references, notes. See asm.h for the contract. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "asm.h"
#include "core/help.h"

/* Programs are at most BPF_COMPLEXITY_LIMIT_INSNS (1M) slots; our own are
 * far smaller, so refuse anything past this rather than grow unbounded. */
#define ASM_MAX_INSNS (1 << 20)

void asm_init(struct asm_prog *p)
{
	memset(p, 0, sizeof(*p));
}

void asm_free(struct asm_prog *p)
{
	for (int i = 0; i < p->nnotes; i++)
		free(p->notes[i].text);
	free(p->notes);
	free(p->insns);
	free(p->labels);
	free(p->fixups);
	free(p->maprefs);
	free(p->map_names);
	memset(p, 0, sizeof(*p));
}

int asm_error_at(struct asm_prog *p, int err, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return p->err;
	p->err = err;
	help_unpack();
	va_start(ap, fmt);
	vsnprintf(p->errmsg, sizeof(p->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

/* Grow *arr (of elem-sized items) so it holds at least need items. */
static int grow(struct asm_prog *p, void *arrp, int *cap, int need, size_t elem)
{
	void **arr = arrp;
	int ncap;
	void *n;

	if (need <= *cap)
		return 0;
	if (need > ASM_MAX_INSNS)
		return asm_error(p, -E2BIG, "program too large (%d items)", need);
	ncap = *cap ? *cap * 2 : 32;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, (size_t)ncap * elem);
	if (!n)
		return asm_error(p, -ENOMEM, "out of memory");
	*arr = n;
	*cap = ncap;
	return 0;
}

static int check_reg(struct asm_prog *p, int reg)
{
	if (reg < 0 || reg > R10)
		return asm_error(p, -EINVAL, "insn %d: no register r%d", p->len, reg);
	return 0;
}

void asm_emit(struct asm_prog *p, uint8_t code, int dst, int src,
	      int16_t off, int32_t imm)
{
	struct bpf_insn *insn;

	if (p->err)
		return;
	if (p->finalized) {
		asm_error(p, -EINVAL, "emit after finalize");
		return;
	}
	if (check_reg(p, dst) || check_reg(p, src))
		return;
	if (grow(p, &p->insns, &p->cap, p->len + 1, sizeof(*p->insns)))
		return;
	insn = &p->insns[p->len++];
	memset(insn, 0, sizeof(*insn));
	insn->code = code;
	insn->dst_reg = dst;
	insn->src_reg = src;
	insn->off = off;
	insn->imm = imm;
}

/* ---- notes and labels ---- */

static void add_note(struct asm_prog *p, enum asm_note_kind kind, const char *text)
{
	char *copy;

	if (p->err)
		return;
	if (grow(p, &p->notes, &p->notes_cap, p->nnotes + 1, sizeof(*p->notes)))
		return;
	copy = strdup(text);
	if (!copy) {
		asm_error(p, -ENOMEM, "out of memory");
		return;
	}
	p->notes[p->nnotes++] = (struct asm_note){ p->len, kind, copy };
}

static int find_label(const struct asm_prog *p, const char *name)
{
	for (int i = 0; i < p->nlabels; i++)
		if (!strcmp(p->labels[i].name, name))
			return i;
	return -1;
}

/* The label's index, created (unplaced) on first reference. */
static int intern_label(struct asm_prog *p, const char *name)
{
	int i = find_label(p, name);

	if (i >= 0)
		return i;
	if (!name || !*name || strlen(name) >= ASM_NAME_MAX)
		return asm_error(p, -EINVAL, "bad label name '%s'", name ? name : "");
	if (grow(p, &p->labels, &p->labels_cap, p->nlabels + 1, sizeof(*p->labels)))
		return p->err;
	i = p->nlabels++;
	snprintf(p->labels[i].name, ASM_NAME_MAX, "%s", name);
	p->labels[i].insn = -1;
	return i;
}

void asm_label(struct asm_prog *p, const char *name)
{
	int i;

	if (p->err)
		return;
	i = intern_label(p, name);
	if (i < 0)
		return;
	if (p->labels[i].insn >= 0) {
		asm_error(p, -EEXIST, "duplicate label '%s'", name);
		return;
	}
	p->labels[i].insn = p->len;
	add_note(p, ASM_NOTE_LABEL, p->labels[i].name);
}

void asm_comment_at(struct asm_prog *p, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	help_unpack();
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add_note(p, ASM_NOTE_COMMENT, buf);
}

const char *asm_new_label(struct asm_prog *p, const char *stem)
{
	char name[ASM_NAME_MAX];
	int i;

	snprintf(name, sizeof(name), "%.20s.%d", stem, p->auto_labels++);
	i = intern_label(p, name);
	return i < 0 ? "" : p->labels[i].name;
}

const char *asm_label_at(const struct asm_prog *p, int insn)
{
	for (int i = 0; i < p->nlabels; i++)
		if (p->labels[i].insn == insn)
			return p->labels[i].name;
	return NULL;
}

static void add_fixup(struct asm_prog *p, const char *label, int wide)
{
	int l;

	if (p->err)
		return;
	l = intern_label(p, label);
	if (l < 0)
		return;
	if (grow(p, &p->fixups, &p->fixups_cap, p->nfixups + 1, sizeof(*p->fixups)))
		return;
	/* The jump is the instruction just emitted. */
	p->fixups[p->nfixups++] = (struct asm_fixup){ p->len - 1, l, wide };
}

int asm_finalize(struct asm_prog *p)
{
	if (p->err)
		return p->err;
	for (int i = 0; i < p->nfixups; i++) {
		const struct asm_fixup *f = &p->fixups[i];
		const struct asm_label *l = &p->labels[f->label];
		long delta;

		if (l->insn < 0)
			return asm_error(p, -ENOENT, "undefined label '%s' (jump at %d)",
					 l->name, f->insn);
		/* The verifier refuses a jump past the last instruction. */
		if (l->insn >= p->len)
			return asm_error(p, -ERANGE, "label '%s' marks no instruction (jump at %d)",
					 l->name, f->insn);
		/* Offsets count from the instruction after the jump. */
		delta = (long)l->insn - f->insn - 1;
		if (f->wide) {
			p->insns[f->insn].imm = (int32_t)delta;
			continue;
		}
		if (delta < INT16_MIN || delta > INT16_MAX)
			return asm_error(p, -ERANGE,
					 "jump at %d to '%s' is %ld slots away, beyond a 16-bit offset (use gotol)",
					 f->insn, l->name, delta);
		p->insns[f->insn].off = (int16_t)delta;
	}
	p->finalized = 1;
	return 0;
}

/* ---- ALU ---- */

static int check_alu_cls(struct asm_prog *p, int cls)
{
	if (cls != BPF_ALU && cls != BPF_ALU64)
		return asm_error(p, -EINVAL, "insn %d: ALU class must be BPF_ALU or BPF_ALU64", p->len);
	return 0;
}

static int check_alu_op(struct asm_prog *p, int op)
{
	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_DIV: case BPF_OR:
	case BPF_AND: case BPF_LSH: case BPF_RSH: case BPF_MOD: case BPF_XOR:
	case BPF_MOV: case BPF_ARSH:
		return 0;
	}
	return asm_error(p, -EINVAL, "insn %d: bad ALU op 0x%x (NEG and END have their own emitters)",
			 p->len, op);
}

void asm_alu_imm(struct asm_prog *p, int cls, int op, int dst, int32_t imm)
{
	if (check_alu_cls(p, cls) || check_alu_op(p, op))
		return;
	asm_emit(p, cls | op | BPF_K, dst, 0, 0, imm);
}

void asm_alu_reg(struct asm_prog *p, int cls, int op, int dst, int src)
{
	if (check_alu_cls(p, cls) || check_alu_op(p, op))
		return;
	asm_emit(p, cls | op | BPF_X, dst, src, 0, 0);
}

void asm_neg(struct asm_prog *p, int cls, int dst)
{
	if (check_alu_cls(p, cls))
		return;
	asm_emit(p, cls | BPF_NEG | BPF_K, dst, 0, 0, 0);
}

void asm_movsx(struct asm_prog *p, int cls, int dst, int src, int bits)
{
	if (check_alu_cls(p, cls))
		return;
	if (bits != 8 && bits != 16 && !(bits == 32 && cls == BPF_ALU64)) {
		asm_error(p, -EINVAL, "insn %d: movsx from %d bits", p->len, bits);
		return;
	}
	asm_emit(p, cls | BPF_MOV | BPF_X, dst, src, bits, 0);
}

static int check_divmod(struct asm_prog *p, int cls, int op)
{
	if (check_alu_cls(p, cls))
		return p->err;
	if (op != BPF_DIV && op != BPF_MOD)
		return asm_error(p, -EINVAL, "insn %d: signed op must be DIV or MOD", p->len);
	return 0;
}

void asm_sdivmod_imm(struct asm_prog *p, int cls, int op, int dst, int32_t imm)
{
	if (!check_divmod(p, cls, op))
		asm_emit(p, cls | op | BPF_K, dst, 0, 1, imm);
}

void asm_sdivmod_reg(struct asm_prog *p, int cls, int op, int dst, int src)
{
	if (!check_divmod(p, cls, op))
		asm_emit(p, cls | op | BPF_X, dst, src, 1, 0);
}

static int check_swap_bits(struct asm_prog *p, int bits)
{
	if (bits != 16 && bits != 32 && bits != 64)
		return asm_error(p, -EINVAL, "insn %d: byte swap of %d bits", p->len, bits);
	return 0;
}

void asm_endian(struct asm_prog *p, int order, int dst, int bits)
{
	if (order != BPF_TO_LE && order != BPF_TO_BE) {
		asm_error(p, -EINVAL, "insn %d: byte order must be BPF_TO_LE or BPF_TO_BE", p->len);
		return;
	}
	if (!check_swap_bits(p, bits))
		asm_emit(p, BPF_ALU | BPF_END | order, dst, 0, 0, bits);
}

void asm_bswap(struct asm_prog *p, int dst, int bits)
{
	if (!check_swap_bits(p, bits))
		asm_emit(p, BPF_ALU64 | BPF_END | BPF_TO_LE, dst, 0, 0, bits);
}

/* ---- jumps ---- */

static int check_jmp(struct asm_prog *p, int cls, int op)
{
	if (cls != BPF_JMP && cls != BPF_JMP32)
		return asm_error(p, -EINVAL, "insn %d: jump class must be BPF_JMP or BPF_JMP32", p->len);
	switch (op) {
	case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET: case BPF_JNE:
	case BPF_JSGT: case BPF_JSGE: case BPF_JLT: case BPF_JLE: case BPF_JSLT:
	case BPF_JSLE:
		return 0;
	}
	return asm_error(p, -EINVAL, "insn %d: bad conditional jump op 0x%x", p->len, op);
}

void asm_jmp_imm(struct asm_prog *p, int cls, int op, int dst, int32_t imm,
		 const char *label)
{
	if (check_jmp(p, cls, op))
		return;
	asm_emit(p, cls | op | BPF_K, dst, 0, 0, imm);
	add_fixup(p, label, 0);
}

void asm_jmp_reg(struct asm_prog *p, int cls, int op, int dst, int src,
		 const char *label)
{
	if (check_jmp(p, cls, op))
		return;
	asm_emit(p, cls | op | BPF_X, dst, src, 0, 0);
	add_fixup(p, label, 0);
}

void asm_ja(struct asm_prog *p, const char *label)
{
	asm_emit(p, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	add_fixup(p, label, 0);
}

void asm_gotol(struct asm_prog *p, const char *label)
{
	asm_emit(p, BPF_JMP32 | BPF_JA, 0, 0, 0, 0);
	add_fixup(p, label, 1);
}

void asm_call(struct asm_prog *p, int32_t helper)
{
	asm_emit(p, BPF_JMP | BPF_CALL, 0, 0, 0, helper);
}

void asm_exit(struct asm_prog *p)
{
	asm_emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* ---- 64-bit immediates and maps ---- */

static void emit_ld_imm64(struct asm_prog *p, int dst, int src, uint64_t imm)
{
	asm_emit(p, BPF_LD | BPF_DW | BPF_IMM, dst, src, 0, (int32_t)(uint32_t)imm);
	asm_emit(p, 0, 0, 0, 0, (int32_t)(uint32_t)(imm >> 32));
}

void asm_ld_imm64(struct asm_prog *p, int dst, uint64_t imm)
{
	emit_ld_imm64(p, dst, 0, imm);
}

static int intern_map(struct asm_prog *p, const char *name)
{
	int i;

	if (!name || !*name || strlen(name) >= ASM_NAME_MAX)
		return asm_error(p, -EINVAL, "bad map name '%s'", name ? name : "");
	for (i = 0; i < p->nmaps; i++)
		if (!strcmp(p->map_names[i], name))
			return i;
	if (grow(p, &p->map_names, &p->maps_cap, p->nmaps + 1, sizeof(*p->map_names)))
		return p->err;
	snprintf(p->map_names[p->nmaps], ASM_NAME_MAX, "%s", name);
	return p->nmaps++;
}

static void emit_map_ref(struct asm_prog *p, int dst, int kind, const char *map,
			 uint32_t off)
{
	int m;

	if (p->err)
		return;
	m = intern_map(p, map);
	if (m < 0 || grow(p, &p->maprefs, &p->maprefs_cap, p->nmaprefs + 1,
			  sizeof(*p->maprefs)))
		return;
	p->maprefs[p->nmaprefs++] = (struct asm_mapref){ p->len, m };
	/* The fd (imm of the first slot) is filled in by asm_bind_maps(); a
	 * map value's offset lives in the second slot's imm. */
	emit_ld_imm64(p, dst, kind, (uint64_t)off << 32);
}

void asm_ld_map_fd(struct asm_prog *p, int dst, const char *map)
{
	emit_map_ref(p, dst, BPF_PSEUDO_MAP_FD, map, 0);
}

void asm_ld_map_value(struct asm_prog *p, int dst, const char *map, uint32_t off)
{
	emit_map_ref(p, dst, BPF_PSEUDO_MAP_VALUE, map, off);
}

int asm_bind_maps(struct asm_prog *p, int (*fd_of_map)(void *ctx, const char *name),
		  void *ctx)
{
	for (int i = 0; i < p->nmaprefs && !p->err; i++) {
		const struct asm_mapref *r = &p->maprefs[i];
		int fd = fd_of_map(ctx, p->map_names[r->map]);

		if (fd < 0)
			return asm_error(p, fd, "insn %d: no map '%s'", r->insn,
					 p->map_names[r->map]);
		p->insns[r->insn].imm = fd;
	}
	return p->err;
}

const char *asm_map_at(const struct asm_prog *p, int insn)
{
	for (int i = 0; i < p->nmaprefs; i++)
		if (p->maprefs[i].insn == insn)
			return p->map_names[p->maprefs[i].map];
	return NULL;
}

/* ---- memory ---- */

int asm_size(unsigned bytes)
{
	switch (bytes) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	}
	return -1;
}

static int check_size(struct asm_prog *p, int size)
{
	if (size != BPF_B && size != BPF_H && size != BPF_W && size != BPF_DW)
		return asm_error(p, -EINVAL, "insn %d: bad access size 0x%x", p->len, size);
	return 0;
}

void asm_ld_abs(struct asm_prog *p, int size, int32_t imm)
{
	if (!check_size(p, size) && size != BPF_DW)
		asm_emit(p, BPF_LD | size | BPF_ABS, 0, 0, 0, imm);
	else
		asm_error(p, -EINVAL, "insn %d: LD_ABS takes B, H or W", p->len);
}

void asm_ld_ind(struct asm_prog *p, int size, int src, int32_t imm)
{
	if (!check_size(p, size) && size != BPF_DW)
		asm_emit(p, BPF_LD | size | BPF_IND, 0, src, 0, imm);
	else
		asm_error(p, -EINVAL, "insn %d: LD_IND takes B, H or W", p->len);
}

void asm_ldx(struct asm_prog *p, int size, int dst, int src, int16_t off)
{
	if (!check_size(p, size))
		asm_emit(p, BPF_LDX | size | BPF_MEM, dst, src, off, 0);
}

void asm_ldsx(struct asm_prog *p, int size, int dst, int src, int16_t off)
{
	if (check_size(p, size))
		return;
	if (size == BPF_DW) {
		asm_error(p, -EINVAL, "insn %d: sign-extending load of a double word", p->len);
		return;
	}
	asm_emit(p, BPF_LDX | size | BPF_MEMSX, dst, src, off, 0);
}

void asm_stx(struct asm_prog *p, int size, int dst, int src, int16_t off)
{
	if (!check_size(p, size))
		asm_emit(p, BPF_STX | size | BPF_MEM, dst, src, off, 0);
}

void asm_st(struct asm_prog *p, int size, int dst, int16_t off, int32_t imm)
{
	if (!check_size(p, size))
		asm_emit(p, BPF_ST | size | BPF_MEM, dst, 0, off, imm);
}

void asm_atomic(struct asm_prog *p, int size, int op, int dst, int src,
		int16_t off)
{
	int base = op & ~BPF_FETCH;

	if (size != BPF_W && size != BPF_DW) {
		asm_error(p, -EINVAL, "insn %d: atomics are 32 or 64 bits", p->len);
		return;
	}
	switch (op) {
	case BPF_ADD: case BPF_AND: case BPF_OR: case BPF_XOR:
	case BPF_ADD | BPF_FETCH: case BPF_AND | BPF_FETCH:
	case BPF_OR | BPF_FETCH: case BPF_XOR | BPF_FETCH:
	case BPF_XCHG: case BPF_CMPXCHG:
		break;
	default:
		asm_error(p, -EINVAL, "insn %d: bad atomic op 0x%x", p->len, base);
		return;
	}
	asm_emit(p, BPF_STX | size | BPF_ATOMIC, dst, src, off, op);
}
