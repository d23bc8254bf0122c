/* The LLVM oracle's instruction cases: every instruction form asm.h can
 * emit, emitted twice from the same loops over operator tables: once
 * through our assembler API into o->p and once as LLVM assembly text into
 * oracle.s, one row per instruction (oracle.c compares them). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include "asm/asm.h"
#include "oracle.h"

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

void build(struct oracle *o)
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
