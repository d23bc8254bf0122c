/* LLVM oracle for the assembler and the disassembler.
 *
 * Every instruction form asm.h can emit is emitted twice from the same
 * loops over operator tables: once through our assembler API and once as
 * LLVM assembly text into oracle.s. llvm-mc assembles the text; its .text
 * bytes must equal ours row by row. llvm-objdump disassembles the same
 * object; for every row our disasm_insn() output on LLVM's bytes must
 * equal LLVM's text once both are normalized (rules below and in
 * README.md). LLVM is the only source of expected bytes and texts here.
 *
 *   usage: oracle WORKDIR      (tools: $LLVM_MC $LLVM_OBJCOPY $LLVM_OBJDUMP)
 *
 * Prints "PASS oracle/<group>" (bytes) and "PASS oracle/<group>.disasm"
 * (text) per group, or FAIL with the first mismatch. ORACLE_BREAK=<group>
 * corrupts our bytes for the group's first row, ORACLE_BREAK=<group>.disasm
 * the instruction our disassembler is handed, to prove the checks bite.
 *
 * Normalization, LLVM side (its syntax -> the kernel's):
 *   N1 drop objdump's target annotation " <.text+0x..>" after jumps;
 *   N2 collapse whitespace;
 *   N3 memory operands "(r6 + 24)" / "(r10 - 8)" -> "(r6 +24)" / "(r10 -8)";
 *   N4 in loads, stores and atomics LLVM names sub-64-bit values wN, the
 *      kernel rN: wN -> rN there;
 *   N5 atomics: "atomic_fetch_OP((u64 *)" -> "atomic64_fetch_OP((u64 *)",
 *      "xchg_64(A, r)" -> "atomic64_xchg((u64 *)(A), r)",
 *      "xchg32_32(A, r)" -> "atomic_xchg((u32 *)(A), r)",
 *      "cmpxchg_64(A, r0, r)" -> "atomic64_cmpxchg((u64 *)(A), r0, r)",
 *      "cmpxchg32_32(A, r0, r)" -> "atomic_cmpxchg((u32 *)(A), r0, r)";
 *   N6 "goto +N" / "gotol -N" / "may_goto +N" -> "goto pc+N" ...;
 *   N7 conditional-jump immediates: decimal -> 0x%x of the 32-bit value;
 *   N8 LD_IMM64 "rD = V ll" -> "rD = 0x%llx" of the 64-bit value;
 *   N9 LD_IND "skb[rN]" -> "skb[rN + 0]" (LLVM has no syntax for the
 *      immediate and prints none; only imm 0 is compared).
 * Our side: "call bpf_name#N", "call unknown#N" -> "call N" and the
 * pseudo-call "call pc+N" -> "call N" (LLVM prints only the number for
 * both; helper names are checked against the UAPI header instead).
 * "<unknown>" from LLVM matches only our "(bad)" (return -1). */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "asm/asm.h"
#include "asm/disasm.h"

#define TEXT_MAX 160
#define MSG_MAX 2048

struct row {
	const char *group;
	int slot, nslots;
	char llvm[TEXT_MAX];	/* what llvm-mc assembled; "" = bytes only */
	int sweep;		/* raw encoding: an exception may apply */
};

struct oracle {
	struct asm_prog p;
	FILE *s;		/* oracle.s */
	struct row *rows;
	int nrows, cap;
	const char *group;
	int mark;		/* p.len when the current row began */
	int nfresh;		/* fresh label counter */
	/* LLVM's view */
	struct bpf_insn *bin;
	int nbin;
	char **text;		/* objdump text by slot, NULL where none */
};

static void die(const char *what)
{
	printf("FAIL oracle/setup: %s\n", what);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
}

/* ---- building both programs ---- */

static void begin(struct oracle *o)
{
	o->mark = o->p.len;
}

/* Close a row begun by begin(): fmt is the same instruction in LLVM's
 * assembly syntax. */
static void end(struct oracle *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void end(struct oracle *o, const char *fmt, ...)
{
	struct row *r;
	va_list ap;

	if (o->nrows == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 1024;
		o->rows = xrealloc(o->rows, (size_t)o->cap * sizeof(*o->rows));
	}
	r = &o->rows[o->nrows++];
	r->group = o->group;
	r->slot = o->mark;
	r->nslots = o->p.len - o->mark;
	r->sweep = 0;
	va_start(ap, fmt);
	vsnprintf(r->llvm, sizeof(r->llvm), fmt, ap);
	va_end(ap);
	fprintf(o->s, "\t%s\n", r->llvm);
}

#define ROW(o, emit, ...)			\
	do {					\
		begin(o);			\
		emit;				\
		end(o, __VA_ARGS__);		\
	} while (0)

static void label(struct oracle *o, const char *name)
{
	asm_label(&o->p, name);
	fprintf(o->s, ".L%s:\n", name);
}

static void fresh(struct oracle *o, char *name, size_t len)
{
	snprintf(name, len, "l%d", o->nfresh++);
}

/* n slots of "r0 = 0", compared as bytes only. */
static void pad(struct oracle *o, int n)
{
	struct row *r;

	begin(o);
	for (int i = 0; i < n; i++)
		asm_mov64_imm(&o->p, R0, 0);
	end(o, ".rept %d\n\tr0 = 0\n\t.endr", n);
	r = &o->rows[o->nrows - 1];
	r->llvm[0] = 0;
}

/* "r1 + 8" / "r1 - 8": LLVM's address syntax. */
static const char *addr(char *buf, size_t len, int reg, int off)
{
	snprintf(buf, len, "r%d %c %d", reg, off < 0 ? '-' : '+',
		 off < 0 ? -off : off);
	return buf;
}

struct opname {
	int op;
	const char *llvm;
};

static const struct opname alu_ops[] = {
	{ BPF_ADD, "+=" }, { BPF_SUB, "-=" }, { BPF_MUL, "*=" },
	{ BPF_DIV, "/=" }, { BPF_OR, "|=" }, { BPF_AND, "&=" },
	{ BPF_LSH, "<<=" }, { BPF_RSH, ">>=" }, { BPF_MOD, "%=" },
	{ BPF_XOR, "^=" }, { BPF_MOV, "=" }, { BPF_ARSH, "s>>=" },
};

static const struct opname jmp_ops[] = {
	{ BPF_JEQ, "==" }, { BPF_JGT, ">" }, { BPF_JGE, ">=" },
	{ BPF_JSET, "&" }, { BPF_JNE, "!=" }, { BPF_JSGT, "s>" },
	{ BPF_JSGE, "s>=" }, { BPF_JLT, "<" }, { BPF_JLE, "<=" },
	{ BPF_JSLT, "s<" }, { BPF_JSLE, "s<=" },
};

static const struct opname sizes[] = {
	{ BPF_B, "8" }, { BPF_H, "16" }, { BPF_W, "32" }, { BPF_DW, "64" },
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* dst/src pairs: low, high and r10 as a source/base. */
static const int regs[][2] = { { 0, 1 }, { 3, 10 }, { 9, 7 } };
static const int32_t imms[] = {
	0, 1, -1, 7, 4096, -4096, 0x7fffffff, INT32_MIN,
};
static const int16_t offs[] = { 0, 8, -8, 24, 32767, -32768 };

#define NAME_LEN 16

static void gen_alu(struct oracle *o, int cls)
{
	char c = cls == BPF_ALU64 ? 'r' : 'w';

	o->group = cls == BPF_ALU64 ? "alu64_imm" : "alu32_imm";
	for (int i = 0; i < N(alu_ops); i++)
		for (int r = 0; r < N(regs); r++)
			for (int k = 0; k < N(imms); k++)
				ROW(o, asm_alu_imm(&o->p, cls, alu_ops[i].op, regs[r][0], imms[k]),
				    "%c%d %s %d", c, regs[r][0], alu_ops[i].llvm, imms[k]);
	for (int r = 0; r < N(regs); r++)
		ROW(o, asm_neg(&o->p, cls, regs[r][0]), "%c%d = -%c%d", c,
		    regs[r][0], c, regs[r][0]);

	o->group = cls == BPF_ALU64 ? "alu64_reg" : "alu32_reg";
	for (int i = 0; i < N(alu_ops); i++)
		for (int r = 0; r < N(regs); r++)
			ROW(o, asm_alu_reg(&o->p, cls, alu_ops[i].op, regs[r][0], regs[r][1]),
			    "%c%d %s %c%d", c, regs[r][0], alu_ops[i].llvm, c, regs[r][1]);
}

static void gen_signed(struct oracle *o)
{
	static const struct opname ops[] = { { BPF_DIV, "s/=" }, { BPF_MOD, "s%=" } };
	static const int classes[] = { BPF_ALU64, BPF_ALU };

	o->group = "sdivmod";
	for (int ci = 0; ci < N(classes); ci++) {
		int cls = classes[ci];
		char c = cls == BPF_ALU64 ? 'r' : 'w';

		for (int i = 0; i < N(ops); i++)
			for (int r = 0; r < N(regs); r++) {
				int d = regs[r][0], s = regs[r][1];

				for (int k = 0; k < N(imms); k++)
					ROW(o, asm_sdivmod_imm(&o->p, cls, ops[i].op, d, imms[k]),
					    "%c%d %s %d", c, d, ops[i].llvm, imms[k]);
				ROW(o, asm_sdivmod_reg(&o->p, cls, ops[i].op, d, s),
				    "%c%d %s %c%d", c, d, ops[i].llvm, c, s);
			}
	}

	o->group = "movsx";
	for (int r = 0; r < N(regs); r++) {
		int d = regs[r][0], s = regs[r][1];

		for (int bits = 8; bits <= 32; bits *= 2)
			ROW(o, asm_movsx(&o->p, BPF_ALU64, d, s, bits), "r%d = (s%d)r%d",
			    d, bits, s);
		for (int bits = 8; bits <= 16; bits *= 2)
			ROW(o, asm_movsx(&o->p, BPF_ALU, d, s, bits), "w%d = (s%d)w%d",
			    d, bits, s);
	}
}

static void gen_endian(struct oracle *o)
{
	static const struct opname orders[] = { { BPF_TO_LE, "le" }, { BPF_TO_BE, "be" } };

	o->group = "endian";
	for (int r = 0; r < N(regs); r++) {
		int d = regs[r][0];

		for (int bits = 16; bits <= 64; bits *= 2) {
			for (int i = 0; i < N(orders); i++)
				ROW(o, asm_endian(&o->p, orders[i].op, d, bits),
				    "r%d = %s%d r%d", d, orders[i].llvm, bits, d);
			ROW(o, asm_bswap(&o->p, d, bits), "r%d = bswap%d r%d", d, bits, d);
		}
	}
}

/* Targets cycle through: back to the group's start, forward to its end,
 * the jump itself (pc-1) and the next instruction (pc+0). */
struct targets {
	char back[NAME_LEN], fwd[NAME_LEN], here[NAME_LEN];
	int k;
};

static void targets_begin(struct oracle *o, struct targets *t)
{
	fresh(o, t->back, NAME_LEN);
	fresh(o, t->fwd, NAME_LEN);
	t->k = 0;
	label(o, t->back);
}

static const char *target_next(struct oracle *o, struct targets *t)
{
	switch (t->k++ % 4) {
	case 0:
		return t->back;
	case 1:
		return t->fwd;
	case 2:
		fresh(o, t->here, NAME_LEN);
		label(o, t->here);
		return t->here;
	}
	fresh(o, t->here, NAME_LEN);
	return t->here;
}

/* After the row: place the "next instruction" label if that was the
 * target. */
static void target_after(struct oracle *o, struct targets *t)
{
	if (t->k % 4 == 0)
		label(o, t->here);
}

static void gen_jmp(struct oracle *o, int cls, int x)
{
	char c = cls == BPF_JMP ? 'r' : 'w';
	struct targets t;

	if (cls == BPF_JMP)
		o->group = x ? "jmp64_reg" : "jmp64_imm";
	else
		o->group = x ? "jmp32_reg" : "jmp32_imm";
	targets_begin(o, &t);
	for (int i = 0; i < N(jmp_ops); i++)
		for (int r = 0; r < N(regs); r++) {
			int d = regs[r][0], s = regs[r][1];

			for (int k = 0; k < (x ? 1 : N(imms)); k++) {
				const char *to = target_next(o, &t);

				if (x)
					ROW(o, asm_jmp_reg(&o->p, cls, jmp_ops[i].op, d, s, to),
					    "if %c%d %s %c%d goto .L%s", c, d, jmp_ops[i].llvm,
					    c, s, to);
				else
					ROW(o, asm_jmp_imm(&o->p, cls, jmp_ops[i].op, d, imms[k], to),
					    "if %c%d %s %d goto .L%s", c, d, jmp_ops[i].llvm,
					    imms[k], to);
				target_after(o, &t);
			}
		}
	label(o, t.fwd);
}

static void gen_ja(struct oracle *o)
{
	struct targets t;
	char a[NAME_LEN], b[NAME_LEN], c[NAME_LEN], d[NAME_LEN];

	o->group = "ja";
	targets_begin(o, &t);
	for (int i = 0; i < 8; i++) {
		const char *to = target_next(o, &t);

		ROW(o, asm_ja(&o->p, to), "goto .L%s", to);
		target_after(o, &t);
	}
	label(o, t.fwd);

	o->group = "gotol";
	targets_begin(o, &t);
	for (int i = 0; i < 8; i++) {
		const char *to = target_next(o, &t);

		ROW(o, asm_gotol(&o->p, to), "gotol .L%s", to);
		target_after(o, &t);
	}
	label(o, t.fwd);

	/* The extremes of a 16-bit jump and gotol beyond them. */
	o->group = "far";
	fresh(o, a, NAME_LEN);
	fresh(o, b, NAME_LEN);
	fresh(o, c, NAME_LEN);
	fresh(o, d, NAME_LEN);
	label(o, a);
	ROW(o, asm_ja(&o->p, b), "goto .L%s", b);		/* pc+32767 */
	pad(o, 32767);
	label(o, b);
	ROW(o, asm_gotol(&o->p, d), "gotol .L%s", d);		/* pc+40768 */
	label(o, c);
	pad(o, 32767);
	ROW(o, asm_ja(&o->p, c), "goto .L%s", c);		/* pc-32768 */
	pad(o, 8000);
	label(o, d);
	ROW(o, asm_gotol(&o->p, a), "gotol .L%s", a);		/* pc-73538 */
}

static void gen_call(struct oracle *o)
{
	static const int32_t ids[] = {
		0, 1, 2, 5, 6, 12, 14, 16, 35, 130, 131, 132, 209, 210, 211, 212,
		1000, 0x7fffffff,
	};

	o->group = "call_exit";
	for (int i = 0; i < N(ids); i++)
		ROW(o, asm_call(&o->p, ids[i]), "call %d", ids[i]);
	ROW(o, asm_exit(&o->p), "exit");
}

static void gen_ld_imm64(struct oracle *o)
{
	static const uint64_t vals[] = {
		0, 1, 0x1234, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
		0xdeadbeefcafebabe, 0x8000000000000000, UINT64_MAX,
	};

	o->group = "ld_imm64";
	for (int r = 0; r < N(regs); r++)
		for (int i = 0; i < N(vals); i++)
			ROW(o, asm_ld_imm64(&o->p, regs[r][0], vals[i]), "r%d = %" PRId64 " ll",
			    regs[r][0], (int64_t)vals[i]);
}

static void gen_mem(struct oracle *o)
{
	static const int32_t st_imms[] = { 0, -1, 42, 0x7fffffff, INT32_MIN };
	char a[32];

	o->group = "ldx";
	for (int z = 0; z < N(sizes); z++)
		for (int r = 0; r < N(regs); r++)
			for (int f = 0; f < N(offs); f++)
				ROW(o, asm_ldx(&o->p, sizes[z].op, regs[r][0], regs[r][1], offs[f]),
				    "r%d = *(u%s *)(%s)", regs[r][0], sizes[z].llvm,
				    addr(a, sizeof(a), regs[r][1], offs[f]));

	o->group = "ldsx";
	for (int z = 0; z < N(sizes) - 1; z++)
		for (int r = 0; r < N(regs); r++)
			for (int f = 0; f < N(offs); f++)
				ROW(o, asm_ldsx(&o->p, sizes[z].op, regs[r][0], regs[r][1], offs[f]),
				    "r%d = *(s%s *)(%s)", regs[r][0], sizes[z].llvm,
				    addr(a, sizeof(a), regs[r][1], offs[f]));

	o->group = "st";
	for (int z = 0; z < N(sizes); z++)
		for (int r = 0; r < N(regs); r++)
			for (int f = 0; f < N(offs); f++)
				for (int k = 0; k < N(st_imms); k++)
					ROW(o, asm_st(&o->p, sizes[z].op, regs[r][1], offs[f], st_imms[k]),
					    "*(u%s *)(%s) = %d", sizes[z].llvm,
					    addr(a, sizeof(a), regs[r][1], offs[f]), st_imms[k]);

	o->group = "stx";
	for (int z = 0; z < N(sizes); z++)
		for (int r = 0; r < N(regs); r++)
			for (int f = 0; f < N(offs); f++)
				ROW(o, asm_stx(&o->p, sizes[z].op, regs[r][1], regs[r][0], offs[f]),
				    "*(u%s *)(%s) = r%d", sizes[z].llvm,
				    addr(a, sizeof(a), regs[r][1], offs[f]), regs[r][0]);
}

static void gen_atomics(struct oracle *o)
{
	static const struct { int op; const char *lock, *fetch; } ops[] = {
		{ BPF_ADD, "+=", "add" }, { BPF_AND, "&=", "and" },
		{ BPF_OR, "|=", "or" }, { BPF_XOR, "^=", "xor" },
	};
	static const int16_t aoffs[] = { 0, 8, -8, 32767, -32768 };
	char a[32];

	o->group = "atomics";
	for (int z = 2; z < N(sizes); z++) {	/* W and DW */
		int sz = sizes[z].op;
		int dw = sz == BPF_DW;
		char c = dw ? 'r' : 'w';

		for (int r = 0; r < N(regs); r++)
			for (int f = 0; f < N(aoffs); f++) {
				/* The value register is never r0: cmpxchg has its own use for r0. */
				int base = regs[r][1], v = regs[r][0] ? regs[r][0] : 2;

				addr(a, sizeof(a), base, aoffs[f]);
				for (int i = 0; i < N(ops); i++) {
					ROW(o, asm_atomic(&o->p, sz, ops[i].op, base, v, aoffs[f]),
					    "lock *(u%s *)(%s) %s %c%d", sizes[z].llvm, a,
					    ops[i].lock, c, v);
					ROW(o, asm_atomic(&o->p, sz, ops[i].op | BPF_FETCH, base, v, aoffs[f]),
					    "%c%d = atomic_fetch_%s((u%s *)(%s), %c%d)", c, v,
					    ops[i].fetch, sizes[z].llvm, a, c, v);
				}
				ROW(o, asm_atomic(&o->p, sz, BPF_XCHG, base, v, aoffs[f]),
				    "%c%d = %s(%s, %c%d)", c, v, dw ? "xchg_64" : "xchg32_32",
				    a, c, v);
				ROW(o, asm_atomic(&o->p, sz, BPF_CMPXCHG, base, v, aoffs[f]),
				    "%c0 = %s(%s, %c0, %c%d)", c,
				    dw ? "cmpxchg_64" : "cmpxchg32_32", a, c, c, v);
			}
	}
}

static void gen_pkt(struct oracle *o)
{
	static const int32_t pimms[] = { 0, 12, -1, 0x7fffffff };

	o->group = "ld_abs_ind";
	for (int z = 0; z < N(sizes) - 1; z++) {
		for (int k = 0; k < N(pimms); k++)
			ROW(o, asm_ld_abs(&o->p, sizes[z].op, pimms[k]),
			    "r0 = *(u%s *)skb[%d]", sizes[z].llvm, pimms[k]);
		for (int r = 0; r < N(regs); r++)
			ROW(o, asm_ld_ind(&o->p, sizes[z].op, regs[r][1], 0),
			    "r0 = *(u%s *)skb[r%d]", sizes[z].llvm, regs[r][1]);
	}
}

/* Encodings asm.h has no emitter for but the disassembler must print:
 * emitted raw, offsets worked out by hand from the labels' places. */
static void gen_raw(struct oracle *o)
{
	static const int spaces[][2] = { { 0, 1 }, { 1, 0 }, { 3, 7 } };
	char a[NAME_LEN], b[NAME_LEN];

	o->group = "v4_raw";
	fresh(o, a, NAME_LEN);
	fresh(o, b, NAME_LEN);
	label(o, a);
	ROW(o, asm_emit(&o->p, BPF_JMP | BPF_JCOND, 0, 0, -1, 0), "may_goto .L%s", a);
	ROW(o, asm_emit(&o->p, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, -2),
	    "call .L%s", a);
	/* Forward over the next call and the casts to b. */
	ROW(o, asm_emit(&o->p, BPF_JMP | BPF_JCOND, 0, 0, 1 + N(spaces), 0),
	    "may_goto .L%s", b);
	ROW(o, asm_emit(&o->p, BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, N(spaces)),
	    "call .L%s", b);
	for (int i = 0; i < N(spaces); i++)
		ROW(o, asm_emit(&o->p, BPF_ALU64 | BPF_MOV | BPF_X, 1 + i, 9 - i, 1,
				spaces[i][0] << 16 | spaces[i][1]),
		    "r%d = addr_space_cast(r%d, %d, %d)", 1 + i, 9 - i,
		    spaces[i][0], spaces[i][1]);
	label(o, b);
	ROW(o, asm_exit(&o->p), "exit");
}

/* ---- raw encoding sweeps: every opcode, every END width ---- */

/* One raw instruction, then a zero slot that is not a row: it is the
 * second half when the opcode is LD_IMM64 and "(bad)" to both otherwise. */
static void sweep_row(struct oracle *o, uint8_t code, int dst, int src, int32_t imm)
{
	uint64_t q = code | (uint64_t)dst << 8 | (uint64_t)src << 12 |
		     (uint64_t)(uint32_t)imm << 32;

	ROW(o, asm_emit(&o->p, code, dst, src, 0, imm), ".quad 0x%016" PRIx64, q);
	o->rows[o->nrows - 1].sweep = 1;
	asm_emit(&o->p, 0, 0, 0, 0, 0);
	fprintf(o->s, "\t.quad 0\n");
}

/* Operand fields for the opcode sweep: the simplest ones that make the
 * opcode valid wherever it can be, so that LLVM and we disagree only
 * about opcodes. */
static int32_t sweep_imm(uint8_t code)
{
	if (BPF_CLASS(code) == BPF_STX)
		return BPF_ADD;		/* an atomic op */
	if (code == (BPF_JMP | BPF_EXIT))
		return 0;		/* LLVM refuses a nonzero one */
	if (BPF_CLASS(code) == BPF_LD && BPF_MODE(code) == BPF_IND)
		return 0;		/* LLVM cannot print it */
	return 16;			/* a valid END width, harmless elsewhere */
}

static void gen_sweeps(struct oracle *o)
{
	static const int32_t widths[] = { 0, 8, 15, 16, 17, 24, 32, 48, 63, 64, 65, 128,
					  0x10010, -16 };
	static const uint8_t ends[] = { 0xd4, 0xdc, 0xd7, 0xdf };

	o->group = "opcodes";
	for (int c = 0; c < 256; c++)
		sweep_row(o, (uint8_t)c, 1, 0, sweep_imm((uint8_t)c));
	o->group = "end_widths";
	for (int i = 0; i < N(ends); i++)
		for (int k = 0; k < N(widths); k++)
			sweep_row(o, ends[i], 3, 0, widths[k]);
}

/* Where LLVM and the kernel's instruction set part ways, on purpose. */
static const struct {
	uint8_t code;
	int llvm_decodes;	/* 1: LLVM prints it and we say (bad) */
	const char *why;
} sweep_exceptions[] = {
	{ 0x8d, 1, "callx: LLVM's indirect call, not a kernel instruction" },
	{ 0xc2, 0, "nospec: kernel-internal, LLVM has no syntax for it" },
};

static void build(struct oracle *o)
{
	gen_alu(o, BPF_ALU64);
	gen_alu(o, BPF_ALU);
	gen_signed(o);
	gen_endian(o);
	gen_jmp(o, BPF_JMP, 0);
	gen_jmp(o, BPF_JMP, 1);
	gen_jmp(o, BPF_JMP32, 0);
	gen_jmp(o, BPF_JMP32, 1);
	asm_comment(&o->p, "long jumps");
	gen_ja(o);
	gen_call(o);
	gen_ld_imm64(o);
	asm_comment(&o->p, "memory");
	gen_mem(o);
	gen_atomics(o);
	gen_pkt(o);
	gen_raw(o);
	asm_comment(&o->p, "raw encodings");
	gen_sweeps(o);
	asm_comment(&o->p, "end of program");
}

/* ---- running LLVM ---- */

static const char *tool(const char *env, const char *def)
{
	const char *v = getenv(env);

	return v && *v ? v : def;
}

static void run(const char *cmd, const char *errfile)
{
	char line[512];
	FILE *f;

	if (system(cmd) == 0)
		return;
	printf("FAIL oracle/llvm: `%s` failed\n", cmd);
	f = fopen(errfile, "r");
	for (int n = 0; f && n < 10 && fgets(line, sizeof(line), f); n++)
		printf("    %s", line);
	if (f)
		fclose(f);
	exit(1);
}

static void load_bin(struct oracle *o, const char *path)
{
	FILE *f = fopen(path, "rb");
	long size = -1;

	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0)
		die("cannot read llvm-objcopy output");
	rewind(f);
	o->nbin = (int)(size / 8);
	o->bin = xrealloc(NULL, (size_t)size + 8);
	if (fread(o->bin, 1, (size_t)size, f) != (size_t)size)
		die("short read of llvm-objcopy output");
	fclose(f);
}

/* objdump lines look like "      12:\tr1 += 7" (no raw bytes). */
static void load_text(struct oracle *o, const char *cmd)
{
	char line[512];
	FILE *f = popen(cmd, "r");

	if (!f)
		die("cannot run llvm-objdump");
	o->text = xrealloc(NULL, (size_t)(o->nbin + 1) * sizeof(char *));
	memset(o->text, 0, (size_t)(o->nbin + 1) * sizeof(char *));
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *q;
		long slot;

		while (*p == ' ')
			p++;
		slot = strtol(p, &q, 10);
		if (q == p || *q != ':' || slot < 0 || slot >= o->nbin)
			continue;
		q++;
		while (*q == '\t' || *q == ' ')
			q++;
		q[strcspn(q, "\n")] = 0;
		free(o->text[slot]);
		o->text[slot] = strdup(q);
	}
	if (pclose(f))
		die("llvm-objdump failed");
}

/* ---- normalization (see the top of the file) ---- */

static void squeeze(char *s)
{
	char *w = s;
	int space = 1;

	for (char *r = s; *r; r++) {
		if (isspace((unsigned char)*r)) {
			if (!space)
				*w++ = ' ';
			space = 1;
			continue;
		}
		*w++ = *r;
		space = 0;
	}
	if (w > s && w[-1] == ' ')
		w--;
	*w = 0;
}

/* Replace n bytes at s[pos] with rep, within cap. */
static void splice(char *s, size_t cap, size_t pos, size_t n, const char *rep)
{
	size_t len = strlen(s), rlen = strlen(rep);

	if (len - n + rlen + 1 > cap)
		return;
	memmove(s + pos + rlen, s + pos + n, len - pos - n + 1);
	memcpy(s + pos, rep, rlen);
}

static int is_num_start(const char *p)
{
	return isdigit((unsigned char)p[0]) ||
	       (p[0] == '-' && isdigit((unsigned char)p[1]));
}

/* " <L1>" / " <.text+0x10>" ending a jump's line: the last " <" whose
 * rest is one word closed by '>' (so never the "<", "<=" or "<<="
 * operators). */
static char *find_annotation(char *s)
{
	char *last = NULL;
	size_t n;

	for (char *p = strstr(s, " <"); p; p = strstr(p + 1, " <"))
		last = p;
	if (!last)
		return NULL;
	n = strlen(last);
	if (n < 4 || last[n - 1] != '>' || strchr(last + 1, ' '))
		return NULL;
	return last;
}

/* N1 */
static void strip_annotation(char *s)
{
	char *p = find_annotation(s);

	if (p)
		*p = 0;
}

/* N3: "(r6 + 24)" -> "(r6 +24)". */
static void tighten_offsets(char *s, size_t cap)
{
	for (char *p = s; (p = strchr(p, '(')); p++) {
		char *q = p + 1;

		if (*q != 'r' && *q != 'w')
			continue;
		for (q++; isdigit((unsigned char)*q); q++)
			;
		if ((q[0] == ' ') && (q[1] == '+' || q[1] == '-') && q[2] == ' ')
			splice(s, cap, (size_t)(q + 2 - s), 1, "");
	}
}

/* N4: wN -> rN. */
static void wide_regs(char *s)
{
	for (char *p = s; *p; p++)
		if (*p == 'w' && isdigit((unsigned char)p[1]) &&
		    (p == s || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')))
			*p = 'r';
}

/* N5: LLVM's xchg/cmpxchg spelling -> the kernel's atomic*_ calls. */
static void rename_xchg(char *s, size_t cap)
{
	static const struct { const char *llvm, *kernel; } names[] = {
		{ "cmpxchg_64(", "atomic64_cmpxchg((u64 *)(" },
		{ "cmpxchg32_32(", "atomic_cmpxchg((u32 *)(" },
		{ "xchg_64(", "atomic64_xchg((u64 *)(" },
		{ "xchg32_32(", "atomic_xchg((u32 *)(" },
	};
	char *p, *comma;

	for (int i = 0; i < N(names); i++) {
		p = strstr(s, names[i].llvm);
		if (!p)
			continue;
		splice(s, cap, (size_t)(p - s), strlen(names[i].llvm), names[i].kernel);
		comma = strchr(p, ',');
		if (comma)
			splice(s, cap, (size_t)(comma - s), 0, ")");
		return;
	}
	p = strstr(s, "atomic_fetch_");
	if (p && strstr(s, "(u64 *)"))
		splice(s, cap, (size_t)(p - s), strlen("atomic_"), "atomic64_");
}

/* N6: "goto +N" -> "goto pc+N", also gotol and may_goto. */
static void pc_relative(char *s, size_t cap)
{
	static const char *const words[] = { "goto ", "gotol " };

	for (int i = 0; i < N(words); i++) {
		char *p = strstr(s, words[i]);

		if (p && (p[strlen(words[i])] == '+' || p[strlen(words[i])] == '-'))
			splice(s, cap, (size_t)(p - s) + strlen(words[i]), 0, "pc");
	}
}

/* N7: "if r1 == -1 goto" -> "if r1 == 0xffffffff goto". */
static void jump_imm_hex(char *s, size_t cap)
{
	char *p, *e, hex[16];
	long long v;

	if (strncmp(s, "if ", 3))
		return;
	p = strchr(s + 3, ' ');		/* after the register */
	p = p ? strchr(p + 1, ' ') : NULL;	/* after the operator */
	if (!p || !is_num_start(p + 1))
		return;
	v = strtoll(p + 1, &e, 0);
	snprintf(hex, sizeof(hex), "0x%x", (uint32_t)v);
	splice(s, cap, (size_t)(p + 1 - s), (size_t)(e - p - 1), hex);
}

/* N8: "r1 = -1 ll" -> "r1 = 0xffffffffffffffff". */
static void ld_imm64_hex(char *s, size_t cap)
{
	size_t len = strlen(s);
	char *p, hex[24];

	if (len < 3 || strcmp(s + len - 3, " ll"))
		return;
	s[len - 3] = 0;
	p = strrchr(s, ' ');
	if (!p || !is_num_start(p + 1))
		return;
	snprintf(hex, sizeof(hex), "0x%" PRIx64,
		 p[1] == '-' ? (uint64_t)strtoll(p + 1, NULL, 0) :
			       (uint64_t)strtoull(p + 1, NULL, 0));
	splice(s, cap, (size_t)(p + 1 - s), strlen(p + 1), hex);
}

/* N9: "skb[r1]" -> "skb[r1 + 0]". */
static void ind_offset(char *s, size_t cap)
{
	char *p = strstr(s, "skb[r");

	if (!p)
		return;
	for (p += 5; isdigit((unsigned char)*p); p++)
		;
	if (*p == ']')
		splice(s, cap, (size_t)(p - s), 0, " + 0");
}

static void norm_llvm(const char *in, char *out, size_t cap)
{
	snprintf(out, cap, "%s", in);
	strip_annotation(out);
	squeeze(out);
	tighten_offsets(out, cap);
	if (strstr(out, "*(") || strstr(out, "xchg") || strstr(out, "atomic"))
		wide_regs(out);
	rename_xchg(out, cap);
	pc_relative(out, cap);
	jump_imm_hex(out, cap);
	ld_imm64_hex(out, cap);
	ind_offset(out, cap);
}

static void norm_ours(const char *in, char *out, size_t cap)
{
	char *p, *hash;

	snprintf(out, cap, "%s", in);
	if (strncmp(out, "call ", 5))
		return;
	p = out + 5;
	hash = strchr(p, '#');
	if (hash)
		splice(out, cap, 5, (size_t)(hash + 1 - p), "");
	else if (!strncmp(p, "pc+", 3))
		splice(out, cap, 5, 3, "");
	else if (!strncmp(p, "pc-", 3))
		splice(out, cap, 5, 2, "");
}

/* ---- checks ---- */

static int nfail, ninsn_bytes, ninsn_pad, ninsn_text;

static void hexbytes(char *buf, size_t len, const struct bpf_insn *in, int n)
{
	const unsigned char *b = (const unsigned char *)in;
	size_t at = 0;

	buf[0] = 0;
	for (int i = 0; i < 8 * n && at + 4 < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%02x", i ? " " : "", b[i]);
}

static int sweep_exception(uint8_t code)
{
	for (int i = 0; i < N(sweep_exceptions); i++)
		if (sweep_exceptions[i].code == code)
			return i;
	return -1;
}

/* Compare one row's bytes; 0 or a message in msg. */
static int check_bytes(const struct oracle *o, const struct row *r, int brk,
		       char *msg, size_t len)
{
	struct bpf_insn ours;
	char a[64], b[64];
	int n = r->nslots;

	if (r->slot + n > o->nbin) {
		snprintf(msg, len, "%s: LLVM's .text ends at slot %d", r->llvm, o->nbin);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		ours = o->p.insns[r->slot + i];
		if (brk && i == 0)
			ours.imm ^= 1;	/* ORACLE_BREAK */
		if (!memcmp(&ours, &o->bin[r->slot + i], sizeof(ours)))
			continue;
		hexbytes(a, sizeof(a), &ours, 1);
		hexbytes(b, sizeof(b), &o->bin[r->slot + i], 1);
		snprintf(msg, len, "slot %d `%s`: ours [%s] llvm [%s]", r->slot + i,
			 r->llvm[0] ? r->llvm : "(pad)", a, b);
		return -1;
	}
	return 0;
}

/* Compare our disassembly of LLVM's bytes with LLVM's own. */
static int check_text(const struct oracle *o, const struct row *r, int brk,
		      char *msg, size_t len)
{
	struct bpf_insn in[2] = { { 0 } };
	char ours[TEXT_MAX], a[TEXT_MAX], b[TEXT_MAX];
	const char *lt = o->text[r->slot];
	int left = o->nbin - r->slot, used, ex;

	if (!lt) {
		snprintf(msg, len, "slot %d `%s`: no llvm-objdump line", r->slot, r->llvm);
		return -1;
	}
	memcpy(in, &o->bin[r->slot], (size_t)(left > 1 ? 2 : 1) * sizeof(in[0]));
	if (brk)
		in[0].dst_reg ^= 1;	/* ORACLE_BREAK */
	used = disasm_insn(in, left > 1 ? 2 : 1, NULL, ours, sizeof(ours));
	ex = r->sweep ? sweep_exception(in[0].code) : -1;
	if (ex >= 0) {
		/* The documented disagreement must still be the one we see. */
		if ((used < 0) == sweep_exceptions[ex].llvm_decodes &&
		    (strcmp(lt, "<unknown>") != 0) == sweep_exceptions[ex].llvm_decodes)
			return 0;
		snprintf(msg, len, "slot %d (%02x): exception '%s' no longer holds: ours `%s` llvm `%s`",
			 r->slot, in[0].code, sweep_exceptions[ex].why, ours, lt);
		return -1;
	}
	if (!strcmp(lt, "<unknown>")) {
		if (used < 0)
			return 0;
		snprintf(msg, len, "slot %d (%02x): ours `%s`, llvm `<unknown>`", r->slot,
			 in[0].code, ours);
		return -1;
	}
	norm_ours(ours, a, sizeof(a));
	norm_llvm(lt, b, sizeof(b));
	if (used >= 0 && !strcmp(a, b))
		return 0;
	snprintf(msg, len, "slot %d `%s`: ours `%s` -> `%s`, llvm `%s` -> `%s`",
		 r->slot, r->llvm, ours, a, lt, b);
	return -1;
}

static void report(const char *name, const char *msg)
{
	if (msg[0]) {
		printf("FAIL oracle/%s: %s\n", name, msg);
		nfail++;
	} else {
		printf("PASS oracle/%s\n", name);
	}
}

static void check_group(const struct oracle *o, const char *group, const char *brk)
{
	char bmsg[MSG_MAX] = "", tmsg[MSG_MAX] = "", tname[64];
	int first = 1;

	snprintf(tname, sizeof(tname), "%s.disasm", group);
	for (int i = 0; i < o->nrows; i++) {
		const struct row *r = &o->rows[i];
		char msg[MSG_MAX];

		if (strcmp(r->group, group))
			continue;
		if (!bmsg[0] && check_bytes(o, r, first && brk && !strcmp(brk, group),
					    msg, sizeof(msg)))
			snprintf(bmsg, sizeof(bmsg), "%s", msg);
		ninsn_bytes += r->nslots;
		ninsn_pad += r->llvm[0] ? 0 : r->nslots;
		if (r->llvm[0]) {
			if (!tmsg[0] && check_text(o, r, first && brk && !strcmp(brk, tname),
						   msg, sizeof(msg)))
				snprintf(tmsg, sizeof(tmsg), "%s", msg);
			ninsn_text++;
		}
		first = 0;
	}
	report(group, bmsg);
	report(tname, tmsg);
}

/* Helper names against the UAPI header this test is built with: the
 * kernel's own list, in id order. */
static void check_helpers(void)
{
	/* Both header styles put the commas between the FN(name)s. */
#define UAPI_HELPER(x) { #x, BPF_FUNC_##x }
	static const struct { const char *name; int id; } uapi[] = {
		__BPF_FUNC_MAPPER(UAPI_HELPER)
	};
#undef UAPI_HELPER
	char msg[256] = "";

	for (int i = 0; i < N(uapi) && !msg[0]; i++) {
		const char *got = disasm_helper_name(uapi[i].id);

		if (!got || strcmp(got, uapi[i].name))
			snprintf(msg, sizeof(msg), "id %d: ours %s, <linux/bpf.h> %s",
				 uapi[i].id, got ? got : "NULL", uapi[i].name);
	}
	if (!msg[0] && N(uapi) != __BPF_FUNC_MAX_ID)
		snprintf(msg, sizeof(msg), "header lists %d helpers, max id %d", N(uapi),
			 __BPF_FUNC_MAX_ID);
	if (!msg[0] && !disasm_helper_name(211))
		snprintf(msg, sizeof(msg), "no name for helper 211");
	if (!msg[0] && (disasm_helper_name(-1) || disasm_helper_name(100000)))
		snprintf(msg, sizeof(msg), "a name for helper -1 or 100000");
	report("helpers", msg);
}

/* disasm_prog over the whole program: each instruction line must be the
 * slot and opcode LLVM has there and the text LLVM gives (after the
 * normalization); labels and comments must stand before the slot they
 * were placed at, and a jump's " <name>" must name a label at the slot
 * LLVM says the jump lands on. */
struct prog_check {
	const struct oracle *o;
	char msg[MSG_MAX];
	int expect;		/* next instruction slot */
	int nlabels, ncomments;
	const char *pending[8];	/* labels seen since the last instruction */
	int npending;
};

static int label_slot(const struct asm_prog *p, const char *name)
{
	for (int i = 0; i < p->nlabels; i++)
		if (!strcmp(p->labels[i].name, name))
			return p->labels[i].insn;
	return -2;
}

/* LLVM's jump target as a slot, from its " <.text+0x..>" annotation. */
static int llvm_target(const char *text)
{
	const char *p = strstr(text, "<.text");

	if (!p)
		return -1;
	if (p[6] == '>')
		return 0;
	return p[6] == '+' ? (int)(strtol(p + 7, NULL, 0) / 8) : -1;
}

static void prog_insn_line(struct prog_check *c, char *line)
{
	const struct oracle *o = c->o;
	char a[TEXT_MAX], b[TEXT_MAX], *text, *suffix;
	unsigned code;
	int slot, n;

	if (sscanf(line, "%d: (%2x) %n", &slot, &code, &n) != 2) {
		snprintf(c->msg, sizeof(c->msg), "unparsable line `%s`", line);
		return;
	}
	text = line + n;
	if (slot != c->expect || slot >= o->nbin || code != o->bin[slot].code) {
		snprintf(c->msg, sizeof(c->msg), "line `%s`: expected slot %d, opcode %02x",
			 line, c->expect, slot < o->nbin ? o->bin[slot].code : 0);
		return;
	}
	for (int i = 0; i < c->npending; i++)
		if (label_slot(&o->p, c->pending[i]) != slot) {
			snprintf(c->msg, sizeof(c->msg), "label %s: printed before slot %d",
				 c->pending[i], slot);
			return;
		}
	c->npending = 0;
	suffix = find_annotation(text);
	if (suffix) {
		int want = llvm_target(o->text[slot] ? o->text[slot] : "");
		/* LLVM annotates no call; a local call's target is its imm. */
		if (BPF_OP(o->bin[slot].code) == BPF_CALL)
			want = slot + 1 + o->bin[slot].imm;
		char name[ASM_NAME_MAX];

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(suffix + 2, ">"), suffix + 2);
		if (label_slot(&o->p, name) != want) {
			snprintf(c->msg, sizeof(c->msg), "line `%s`: <%s> is not at slot %d",
				 line, name, want);
			return;
		}
		*suffix = 0;
	}
	c->expect = slot + (o->bin[slot].code == (BPF_LD | BPF_IMM | BPF_DW) &&
			    strcmp(text, "(bad)") ? 2 : 1);
	if (!o->text[slot])
		return;
	if (!strcmp(o->text[slot], "<unknown>")) {
		if (strcmp(text, "(bad)") && sweep_exception(o->bin[slot].code) < 0)
			snprintf(c->msg, sizeof(c->msg), "line `%s`: llvm `<unknown>`", line);
		return;
	}
	if (sweep_exception(o->bin[slot].code) >= 0)
		return;
	norm_ours(text, a, sizeof(a));
	norm_llvm(o->text[slot], b, sizeof(b));
	if (strcmp(a, b))
		snprintf(c->msg, sizeof(c->msg), "line `%s`: llvm `%s` -> `%s`", line,
			 o->text[slot], b);
}

static void prog_line(struct prog_check *c, char *line)
{
	size_t len = strlen(line);

	if (line[0] == '\t' && line[1] == ';') {
		c->ncomments++;
		return;
	}
	if (len && line[len - 1] == ':' && !strchr(line, ' ')) {
		line[len - 1] = 0;
		c->nlabels++;
		if (c->npending < N(c->pending))
			c->pending[c->npending++] = line;
		if (label_slot(&c->o->p, line) < 0)
			snprintf(c->msg, sizeof(c->msg), "unknown label line `%s:`", line);
		return;
	}
	prog_insn_line(c, line);
}

static void check_prog(const struct oracle *o)
{
	struct prog_check c = { .o = o };
	char *buf = NULL, *line, *save = NULL;
	size_t size = 0;
	int want_labels = 0, want_comments = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		die("open_memstream");
	disasm_prog(f, &o->p);
	fclose(f);
	/* Labels are kept in the pending list by pointer into buf. */
	for (line = strtok_r(buf, "\n", &save); line && !c.msg[0];
	     line = strtok_r(NULL, "\n", &save))
		prog_line(&c, line);
	for (int i = 0; i < o->p.nnotes; i++) {
		want_labels += o->p.notes[i].kind == ASM_NOTE_LABEL;
		want_comments += o->p.notes[i].kind == ASM_NOTE_COMMENT;
	}
	for (int i = 0; i < c.npending && !c.msg[0]; i++)
		if (label_slot(&o->p, c.pending[i]) != o->p.len)
			snprintf(c.msg, sizeof(c.msg), "label %s: printed after the last slot",
				 c.pending[i]);
	if (!c.msg[0] && c.expect != o->nbin)
		snprintf(c.msg, sizeof(c.msg), "listing ends at slot %d of %d", c.expect,
			 o->nbin);
	if (!c.msg[0] && (c.nlabels != want_labels || c.ncomments != want_comments))
		snprintf(c.msg, sizeof(c.msg), "%d label and %d comment lines for %d and %d notes",
			 c.nlabels, c.ncomments, want_labels, want_comments);
	free(buf);
	report("disasm_prog", c.msg);
}

int main(int argc, char **argv)
{
	const char *mc = tool("LLVM_MC", "llvm-mc-19");
	const char *objcopy = tool("LLVM_OBJCOPY", "llvm-objcopy-19");
	const char *objdump = tool("LLVM_OBJDUMP", "llvm-objdump-19");
	const char *brk = getenv("ORACLE_BREAK");
	struct oracle o = { 0 };
	char path[4096], cmd[16384];
	const char *dir;

	if (argc != 2) {
		fprintf(stderr, "usage: %s WORKDIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	asm_init(&o.p);
	snprintf(path, sizeof(path), "%s/oracle.s", dir);
	o.s = fopen(path, "w");
	if (!o.s)
		die("cannot write oracle.s");
	fprintf(o.s, "\t.text\n");
	build(&o);
	if (fclose(o.s))
		die("cannot write oracle.s");
	if (asm_finalize(&o.p)) {
		printf("FAIL oracle/asm: %s\n", o.p.errmsg);
		return 1;
	}

	snprintf(cmd, sizeof(cmd),
		 "'%s' -triple bpfel -mcpu=v4 -filetype=obj -o '%s/oracle.o' '%s/oracle.s' 2>'%s/llvm.err'",
		 mc, dir, dir, dir);
	snprintf(path, sizeof(path), "%s/llvm.err", dir);
	run(cmd, path);
	snprintf(cmd, sizeof(cmd),
		 "'%s' -O binary --only-section=.text '%s/oracle.o' '%s/oracle.bin' 2>'%s/llvm.err'",
		 objcopy, dir, dir, dir);
	run(cmd, path);
	snprintf(path, sizeof(path), "%s/oracle.bin", dir);
	load_bin(&o, path);
	snprintf(cmd, sizeof(cmd),
		 "'%s' -d --no-show-raw-insn --no-print-imm-hex --mcpu=v4 '%s/oracle.o'",
		 objdump, dir);
	load_text(&o, cmd);

	if (o.nbin != o.p.len) {
		printf("FAIL oracle/layout: llvm-mc made %d slots, we made %d\n", o.nbin,
		       o.p.len);
		nfail++;
	}
	/* Each group's rows are contiguous: check it at its first row. */
	for (int i = 0; i < o.nrows; i++)
		if (!i || strcmp(o.rows[i - 1].group, o.rows[i].group))
			check_group(&o, o.rows[i].group, brk);
	check_helpers();
	check_prog(&o);
	printf("oracle: %d instruction slots compared with llvm-mc (%d of them jump padding), "
	       "%d texts with llvm-objdump\n", ninsn_bytes, ninsn_pad, ninsn_text);
	for (int i = 0; i < o.nbin; i++)
		free(o.text[i]);
	free(o.text);
	free(o.bin);
	free(o.rows);
	asm_free(&o.p);
	return nfail ? 1 : 0;
}
