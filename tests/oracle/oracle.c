/* LLVM oracle for the assembler and the disassembler.
 *
 * Every instruction form asm.h can emit is emitted twice from the same
 * loops over operator tables: once through our assembler API and once as
 * LLVM assembly text into oracle.s. llvm-mc assembles the text; its .text
 * bytes must equal ours row by row. llvm-objdump disassembles the same
 * object; for every row our disasm_insn() output on LLVM's bytes must
 * equal LLVM's text once both are normalized (rules in oracle_norm.c
 * and README.md). LLVM is the only source of expected bytes and texts here.
 *
 *   usage: oracle WORKDIR      (tools: $LLVM_MC $LLVM_OBJCOPY $LLVM_OBJDUMP)
 *
 * Prints "PASS oracle/<group>" (bytes) and "PASS oracle/<group>.disasm"
 * (text) per group, or FAIL with the first mismatch. ORACLE_BREAK=<group>
 * corrupts our bytes for the group's first row, ORACLE_BREAK=<group>.disasm
 * the instruction our disassembler is handed, to prove the checks bite.
 *
 * The rows come from oracle_gen.c; this file runs LLVM and compares.
 * "<unknown>" from LLVM matches only our "(bad)" (return -1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "asm/asm.h"
#include "asm/disasm.h"
#include "oracle.h"

#define MSG_MAX 2048

void die(const char *what)
{
	printf("FAIL oracle/setup: %s\n", what);
	exit(1);
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("out of memory");
	return p;
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

/* Where LLVM and the kernel's instruction set part ways, on purpose. */
static const struct {
	uint8_t code;
	int llvm_decodes;	/* 1: LLVM prints it and we say (bad) */
	const char *why;
} sweep_exceptions[] = {
	{ 0x8d, 1, "callx: LLVM's indirect call, not a kernel instruction" },
	{ 0xc2, 0, "nospec: kernel-internal, LLVM has no syntax for it" },
};

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
	int first = 1, tfirst = 1;

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
			/* The text break goes to the first row LLVM decodes and
			 * we have no documented disagreement on: a sweep's first
			 * opcode is invalid to both, whatever its register. */
			const char *lt = o->text[r->slot];
			int b = tfirst && brk && !strcmp(brk, tname) && lt &&
				strcmp(lt, "<unknown>") &&
				(!r->sweep || sweep_exception(o->bin[r->slot].code) < 0);

			tfirst &= !b;
			if (!tmsg[0] && check_text(o, r, b, msg, sizeof(msg)))
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
