/* The LLVM oracle's three parts (tests/oracle/README.md):
 *   oracle_gen.c   every instruction form, emitted through our assembler
 *                  and as LLVM assembly text (build);
 *   oracle_norm.c  LLVM's and our disassembly rewritten into one syntax;
 *   oracle.c       running llvm-mc, llvm-objcopy and llvm-objdump, the
 *                  comparisons and the summary. */
#ifndef ORACLE_H
#define ORACLE_H

#include <stdio.h>
#include "asm/asm.h"

#define TEXT_MAX 160
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

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

/* oracle.c: say what failed as FAIL oracle/setup and exit 1. */
void die(const char *what);
void *xrealloc(void *p, size_t n);

/* oracle_gen.c: fill o->p and o->s with every row. */
void build(struct oracle *o);

/* oracle_norm.c: the normalized text of one instruction, LLVM's or ours. */
void norm_llvm(const char *in, char *out, size_t cap);
void norm_ours(const char *in, char *out, size_t cap);
/* The " <target>" annotation that ends a jump's line, or NULL. */
char *find_annotation(char *s);

#endif
