/* The schedtap disassembler: prints eBPF instructions in the syntax of the
 * kernel's verifier log and `bpftool prog dump xlated`, so a --dump of our
 * programs reads the same as what the kernel says about them.
 *
 * Covers the whole v1-v4 instruction set plus the few later encodings the
 * kernel prints (may_goto, addr_space_cast, load_acquire/store_release,
 * nospec). Anything else is "(bad)". */
#ifndef SCHEDTAP_DISASM_H
#define SCHEDTAP_DISASM_H

#include <stdio.h>
#include "asm.h"

/* Format insn[0] (and insn[1] if it is an LD_IMM64) in the kernel's syntax,
 * without the "N: (code) " prefix. nleft is the number of slots readable
 * from insn.
 *
 * map_name: when non-NULL and insn is an LD_IMM64 whose src_reg is
 * BPF_PSEUDO_MAP_FD or BPF_PSEUDO_MAP_IDX, it prints as "r1 = map[name]";
 * with BPF_PSEUDO_MAP_VALUE or BPF_PSEUDO_MAP_IDX_VALUE as
 * "r1 = map[name][0]+off" (off from the second slot). That is bpftool's
 * "map[id:N]" form with the name in place of the id. Without a name every
 * LD_IMM64 prints its raw 64-bit immediate, as the verifier log does.
 *
 * Returns the slots consumed (1 or 2), or -1 when the instruction is
 * truncated or not a known encoding; buf then holds "(bad)". */
int disasm_insn(const struct bpf_insn *insn, int nleft, const char *map_name,
		char *buf, size_t len);

/* A whole assembled program, one instruction a line as "%4d: (%02x) %s".
 * The program's labels print on their own line as "name:" before the
 * instruction they mark, comments as "\t; text" lines, and a jump to a
 * labelled instruction gets " <name>" after its "goto pc+N". */
void disasm_prog(FILE *out, const struct asm_prog *p);


/* The helper's name without the "bpf_" prefix ("map_lookup_elem" for 1),
 * or NULL when id is not a helper we know of. */
const char *disasm_helper_name(int id);

#endif
