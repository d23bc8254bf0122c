/* The schedtap macro assembler: builds eBPF programs instruction by
 * instruction, with symbolic labels, named map references and comment
 * pseudo-instructions that the disassembler prints back.
 *
 * Errors are sticky: the first one is kept in p->err/p->errmsg and every
 * later emit is a no-op, so a program builder can emit straight-line code
 * and check once, at asm_finalize().
 *
 * It covers every eBPF instruction, although schedtap's own programs use
 * a part of them (asm_neg, asm_movsx, asm_sdivmod_*, asm_bswap,
 * asm_endian, asm_gotol, asm_ld_abs/ind, asm_ldsx, asm_ld_map_value are
 * called only by tests/oracle, which checks each encoding against LLVM):
 * the disassembler must read what any kernel's program holds, and an
 * encoder checked against the same oracle is how its tables are known to
 * be right. --gc-sections drops the unused ones from the binary. */
#ifndef SCHEDTAP_ASM_H
#define SCHEDTAP_ASM_H

#include <linux/bpf.h>
#include <stdint.h>
#include <stddef.h>
#include "core/msg.h"

/* Register names read better than BPF_REG_n in program files. */
enum { R0 = 0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, FP = R10 };

/* v4 opcodes that older UAPI headers lack. */
#ifndef BPF_MEMSX
#define BPF_MEMSX 0x80
#endif
#ifndef BPF_JCOND
#define BPF_JCOND 0xe0
#endif

#define ASM_NAME_MAX 32

enum asm_note_kind { ASM_NOTE_LABEL, ASM_NOTE_COMMENT };

struct asm_note {
	int insn;		/* the note precedes this instruction */
	enum asm_note_kind kind;
	char *text;
};

struct asm_label {
	char name[ASM_NAME_MAX];
	int insn;		/* -1 while referenced but not yet placed */
};

struct asm_fixup {
	int insn;		/* the jump to patch */
	int label;		/* index into labels */
	int wide;		/* gotol: offset lives in imm, not off */
};

struct asm_mapref {
	int insn;		/* the LD_IMM64 to patch */
	int map;		/* index into map_names */
};

struct asm_prog {
	struct bpf_insn *insns;
	int len, cap;
	struct asm_label *labels;
	int nlabels, labels_cap;
	struct asm_fixup *fixups;
	int nfixups, fixups_cap;
	struct asm_mapref *maprefs;
	int nmaprefs, maprefs_cap;
	char (*map_names)[ASM_NAME_MAX];
	int nmaps, maps_cap;
	struct asm_note *notes;
	int nnotes, notes_cap;
	int auto_labels;	/* counter for asm_new_label() */
	int finalized;
	int err;		/* first error, negative errno */
	char errmsg[160];
};

void asm_init(struct asm_prog *p);
void asm_free(struct asm_prog *p);
/* Resolve every label reference. Returns 0 or the first error. */
int asm_finalize(struct asm_prog *p);
/* Record an error unless one is already recorded; returns -err. Its
 * format, and a comment's, are cold text (core/msg.h): --dump and the
 * verifier's rejections read them, a run that loads programs keeps them
 * compressed until the first program is built. */
#define asm_error(p, err, fmt, ...)                                                   \
	({ MSG_COLD_FMT(fmt, ##__VA_ARGS__); asm_error_at(p, err, msg_fmt_, ##__VA_ARGS__); })
int asm_error_at(struct asm_prog *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Pseudo-instructions: they occupy no slot. */
void asm_label(struct asm_prog *p, const char *name);
#define asm_comment(p, fmt, ...)                                                      \
	({ MSG_COLD_FMT(fmt, ##__VA_ARGS__); asm_comment_at(p, msg_fmt_, ##__VA_ARGS__); })
void asm_comment_at(struct asm_prog *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A fresh label name "<stem>.N" for macros that need private labels;
 * the returned pointer stays valid until asm_free(). */
const char *asm_new_label(struct asm_prog *p, const char *stem);

/* Raw emit: the escape hatch every helper below goes through. */
void asm_emit(struct asm_prog *p, uint8_t code, int dst, int src,
	      int16_t off, int32_t imm);

/* ALU / ALU64. cls is BPF_ALU64 (rN) or BPF_ALU (wN). */
void asm_alu_imm(struct asm_prog *p, int cls, int op, int dst, int32_t imm);
void asm_alu_reg(struct asm_prog *p, int cls, int op, int dst, int src);
void asm_neg(struct asm_prog *p, int cls, int dst);
/* v4: sign-extending move, bits = 8, 16 or 32. */
void asm_movsx(struct asm_prog *p, int cls, int dst, int src, int bits);
/* v4: signed division and modulo (op BPF_DIV or BPF_MOD, off = 1). */
void asm_sdivmod_imm(struct asm_prog *p, int cls, int op, int dst, int32_t imm);
void asm_sdivmod_reg(struct asm_prog *p, int cls, int op, int dst, int src);
/* Byte order: order is BPF_TO_LE or BPF_TO_BE, bits 16, 32 or 64. */
void asm_endian(struct asm_prog *p, int order, int dst, int bits);
/* v4: unconditional byte swap. */
void asm_bswap(struct asm_prog *p, int dst, int bits);

/* JMP / JMP32. cls is BPF_JMP (rN) or BPF_JMP32 (wN). */
void asm_jmp_imm(struct asm_prog *p, int cls, int op, int dst, int32_t imm,
		 const char *label);
void asm_jmp_reg(struct asm_prog *p, int cls, int op, int dst, int src,
		 const char *label);
void asm_ja(struct asm_prog *p, const char *label);
/* v4: long jump, 32-bit offset. */
void asm_gotol(struct asm_prog *p, const char *label);
void asm_call(struct asm_prog *p, int32_t helper);
void asm_exit(struct asm_prog *p);

/* LD_IMM64 (two slots). */
void asm_ld_imm64(struct asm_prog *p, int dst, uint64_t imm);
void asm_ld_map_fd(struct asm_prog *p, int dst, const char *map);
void asm_ld_map_value(struct asm_prog *p, int dst, const char *map,
		      uint32_t off);
/* Legacy packet access (socket filters). */
void asm_ld_abs(struct asm_prog *p, int size, int32_t imm);
void asm_ld_ind(struct asm_prog *p, int size, int src, int32_t imm);

/* Memory. size is BPF_B, BPF_H, BPF_W or BPF_DW: asm_size(bytes) gives it
 * for 1, 2, 4 or 8 bytes, -1 for any other width. */
int asm_size(unsigned bytes);
void asm_ldx(struct asm_prog *p, int size, int dst, int src, int16_t off);
void asm_ldsx(struct asm_prog *p, int size, int dst, int src, int16_t off);
void asm_stx(struct asm_prog *p, int size, int dst, int src, int16_t off);
void asm_st(struct asm_prog *p, int size, int dst, int16_t off, int32_t imm);
/* Atomics: op is BPF_ADD/AND/OR/XOR (optionally | BPF_FETCH), BPF_XCHG or
 * BPF_CMPXCHG; size BPF_W or BPF_DW. */
void asm_atomic(struct asm_prog *p, int size, int op, int dst, int src,
		int16_t off);

/* Shorthands for the common cases. */
#define asm_mov64_imm(p, d, i)  asm_alu_imm(p, BPF_ALU64, BPF_MOV, d, i)
#define asm_mov64_reg(p, d, s)  asm_alu_reg(p, BPF_ALU64, BPF_MOV, d, s)
#define asm_add64_imm(p, d, i)  asm_alu_imm(p, BPF_ALU64, BPF_ADD, d, i)
#define asm_add64_reg(p, d, s)  asm_alu_reg(p, BPF_ALU64, BPF_ADD, d, s)
#define asm_sub64_reg(p, d, s)  asm_alu_reg(p, BPF_ALU64, BPF_SUB, d, s)
#define asm_jeq_imm(p, d, i, l) asm_jmp_imm(p, BPF_JMP, BPF_JEQ, d, i, l)
#define asm_jne_imm(p, d, i, l) asm_jmp_imm(p, BPF_JMP, BPF_JNE, d, i, l)

/* Map fd fixups at load time: fd_of_map(name) -> fd or negative errno. */
int asm_bind_maps(struct asm_prog *p, int (*fd_of_map)(void *ctx, const char *name),
		  void *ctx);

/* Lookups for printers: the label placed at insn (NULL if none) and the
 * map name an LD_IMM64 at insn refers to (NULL if none). */
const char *asm_label_at(const struct asm_prog *p, int insn);
const char *asm_map_at(const struct asm_prog *p, int insn);

#endif
