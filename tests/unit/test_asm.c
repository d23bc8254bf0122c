/* The assembler's bookkeeping: labels, fixups, map references, errors.
 * (Encodings are checked against LLVM by tests/oracle.) */
#include <errno.h>
#include <string.h>
#include "asm/asm.h"
#include "asm/macros.h"
#include "unit.h"

static void forward_and_backward_labels(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_label(&p, "top");			/* 0 */
	asm_jeq_imm(&p, R1, 0, "out");		/* 0: +3 */
	asm_ld_imm64(&p, R2, 1);		/* 1-2: two slots */
	asm_ja(&p, "top");			/* 3: -4 */
	asm_label(&p, "out");
	asm_exit(&p);				/* 4 */
	CHECK(asm_finalize(&p) == 0);
	CHECK(p.len == 5);
	CHECK(p.insns[0].off == 3);
	CHECK(p.insns[3].off == -4);
	CHECK(!strcmp(asm_label_at(&p, 4), "out"));
	CHECK(asm_label_at(&p, 1) == NULL);
	asm_free(&p);
}

static void undefined_label_is_an_error(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_ja(&p, "nowhere");
	asm_exit(&p);
	CHECK(asm_finalize(&p) == -ENOENT);
	CHECK(strstr(p.errmsg, "nowhere"));
	asm_free(&p);
}

static void duplicate_label_is_an_error(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_label(&p, "x");
	asm_exit(&p);
	asm_label(&p, "x");
	asm_exit(&p);
	CHECK(asm_finalize(&p) == -EEXIST);
	asm_free(&p);
}

static void label_past_the_end_is_an_error(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_ja(&p, "end");
	asm_label(&p, "end");
	CHECK(asm_finalize(&p) == -ERANGE);
	asm_free(&p);
}

/* A 16-bit jump offset that does not fit is refused, never truncated;
 * gotol carries the same distance in its 32-bit immediate. */
static void out_of_range_jump_is_an_error(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_ja(&p, "far");
	for (int i = 0; i < 40000; i++)
		asm_mov64_imm(&p, R0, 0);
	asm_label(&p, "far");
	asm_exit(&p);
	CHECK(asm_finalize(&p) == -ERANGE);
	asm_free(&p);

	asm_init(&p);
	asm_gotol(&p, "far");
	for (int i = 0; i < 40000; i++)
		asm_mov64_imm(&p, R0, 0);
	asm_label(&p, "far");
	asm_exit(&p);
	CHECK(asm_finalize(&p) == 0);
	CHECK(p.insns[0].imm == 40000);
	CHECK(p.insns[0].off == 0);
	asm_free(&p);
}

static int fake_fd(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "counts") ? 42 : !strcmp(name, "hist") ? 43 : -ENOENT;
}

static void map_references_bind_by_name(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_ld_map_fd(&p, R1, "counts");
	asm_ld_map_value(&p, R2, "hist", 16);
	asm_ld_map_fd(&p, R3, "counts");
	asm_exit(&p);
	CHECK(asm_finalize(&p) == 0);
	CHECK(p.nmaps == 2);
	CHECK(asm_bind_maps(&p, fake_fd, NULL) == 0);
	CHECK(p.insns[0].src_reg == BPF_PSEUDO_MAP_FD && p.insns[0].imm == 42);
	CHECK(p.insns[2].src_reg == BPF_PSEUDO_MAP_VALUE && p.insns[2].imm == 43);
	CHECK(p.insns[3].imm == 16);
	CHECK(p.insns[4].imm == 42);
	CHECK(!strcmp(asm_map_at(&p, 2), "hist"));
	asm_free(&p);

	asm_init(&p);
	asm_ld_map_fd(&p, R1, "missing");
	asm_exit(&p);
	CHECK(asm_finalize(&p) == 0);
	CHECK(asm_bind_maps(&p, fake_fd, NULL) == -ENOENT);
	CHECK(strstr(p.errmsg, "missing"));
	asm_free(&p);
}

/* The first error sticks; later emits do nothing. */
static void errors_are_sticky(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_mov64_imm(&p, 11, 0);
	CHECK(p.err == -EINVAL);
	asm_alu_imm(&p, BPF_ALU64, 0xf0, R1, 0);
	asm_exit(&p);
	CHECK(p.len == 0);
	CHECK(strstr(p.errmsg, "r11"));
	CHECK(asm_finalize(&p) == -EINVAL);
	asm_free(&p);
}

static void invalid_forms_are_refused(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_ldsx(&p, BPF_DW, R1, R2, 0);
	CHECK(p.err == -EINVAL);
	asm_free(&p);
	asm_init(&p);
	asm_atomic(&p, BPF_B, BPF_ADD, R1, R2, 0);
	CHECK(p.err == -EINVAL);
	asm_free(&p);
	asm_init(&p);
	asm_jmp_imm(&p, BPF_JMP, BPF_CALL, R1, 0, "x");
	CHECK(p.err == -EINVAL);
	asm_free(&p);
	asm_init(&p);
	asm_endian(&p, BPF_TO_BE, R1, 24);
	CHECK(p.err == -EINVAL);
	asm_free(&p);
}

static void notes_keep_their_place(void)
{
	struct asm_prog p;

	asm_init(&p);
	asm_comment(&p, "first %d", 1);
	asm_mov64_imm(&p, R0, 1);
	asm_label(&p, "done");
	asm_comment(&p, "second");
	asm_exit(&p);
	CHECK(p.nnotes == 3);
	CHECK(p.notes[0].insn == 0 && !strcmp(p.notes[0].text, "first 1"));
	CHECK(p.notes[1].kind == ASM_NOTE_LABEL && p.notes[1].insn == 1);
	CHECK(p.notes[2].insn == 1 && p.notes[2].kind == ASM_NOTE_COMMENT);
	asm_free(&p);
}

static void macro_labels_are_unique(void)
{
	struct asm_prog p;
	const char *a, *b;

	asm_init(&p);
	a = asm_new_label(&p, "loop");
	b = asm_new_label(&p, "loop");
	CHECK(strcmp(a, b) != 0);
	asm_free(&p);
}

static void size_codes_for_widths(void)
{
	CHECK(asm_size(1) == BPF_B && asm_size(2) == BPF_H);
	CHECK(asm_size(4) == BPF_W && asm_size(8) == BPF_DW);
	CHECK(asm_size(0) == -1 && asm_size(3) == -1 && asm_size(16) == -1);
}

UNIT_SUITE(asm_tests) = {
	UNIT(size_codes_for_widths),
	UNIT(forward_and_backward_labels),
	UNIT(undefined_label_is_an_error),
	UNIT(duplicate_label_is_an_error),
	UNIT(label_past_the_end_is_an_error),
	UNIT(out_of_range_jump_is_an_error),
	UNIT(map_references_bind_by_name),
	UNIT(errors_are_sticky),
	UNIT(invalid_forms_are_refused),
	UNIT(notes_keep_their_place),
	UNIT(macro_labels_are_unique),
	UNIT_END,
};
