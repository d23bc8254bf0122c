/* The LLVM oracle's normalization: LLVM's disassembly and ours rewritten
 * into one syntax before oracle.c compares them.
 *
 * LLVM side (its syntax -> the kernel's):
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
 * both; helper names are checked against the UAPI header instead). */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oracle.h"

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
char *find_annotation(char *s)
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

void norm_llvm(const char *in, char *out, size_t cap)
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

void norm_ours(const char *in, char *out, size_t cap)
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
