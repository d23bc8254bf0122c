/* bpf/fields.c: tracepoint field loads and copies. */
#include <errno.h>
#include <string.h>
#include "bpf/fields.h"
#include "unit.h"

/* Field loads use the size and offset tracefs gave, and refuse what the
 * kernel's context rules would refuse. */
static void field_loads_follow_the_format(void)
{
	struct tp_field fields[] = {
		{ .name = "prev_pid", .offset = 24, .size = 4, .is_signed = 1 },
		{ .name = "prev_state", .offset = 32, .size = 8, .is_signed = 1 },
		{ .name = "odd", .offset = 26, .size = 4 },
		{ .name = "prev_comm", .offset = 8, .size = 16 },
	};
	struct tp_format fmt = { .system = "sched", .event = "sched_switch",
				 .fields = fields, .nfields = 4 };
	struct asm_prog p;

	asm_init(&p);
	tp_ld_field(&p, &fmt, R1, R6, "prev_pid");
	CHECK(p.insns[0].code == (BPF_LDX | BPF_W | BPF_MEM) && p.insns[0].off == 24);
	tp_ld_field_sx(&p, &fmt, R2, R6, "prev_pid");
	CHECK(p.len == 4);	/* load, lsh 32, arsh 32 */
	CHECK(p.insns[3].code == (BPF_ALU64 | BPF_ARSH | BPF_K) && p.insns[3].imm == 32);
	tp_ld_field(&p, &fmt, R3, R6, "prev_state");
	CHECK(p.insns[4].code == (BPF_LDX | BPF_DW | BPF_MEM));
	tp_copy_field(&p, &fmt, FP, -16, R6, "prev_comm", R1, 16);
	CHECK(p.len == 9);	/* two 8-byte load/store pairs */
	CHECK(p.err == 0);
	tp_ld_field(&p, &fmt, R1, R6, "odd");
	CHECK(p.err == -EINVAL);
	asm_free(&p);

	/* A comm at offset 28 (sched_process_fork's child_comm on 6.1): 4,
	 * 8, 4 bytes, every access aligned on both sides. */
	fields[3].offset = 28;
	asm_init(&p);
	tp_copy_field(&p, &fmt, FP, -16, R6, "prev_comm", R1, 16);
	CHECK(p.err == 0);
	for (int i = 0; i < p.len; i++) {
		int size = (p.insns[i].code & 0x18) == BPF_DW ? 8 : (p.insns[i].code & 0x18) == BPF_W ? 4 : 0;

		CHECK(size && p.insns[i].off % size == 0);
	}
	asm_free(&p);

	asm_init(&p);
	tp_ld_field(&p, &fmt, R1, R6, "nosuch");
	CHECK(p.err == -ENOENT && strstr(p.errmsg, "nosuch"));
	asm_free(&p);
}

UNIT_SUITE(fields_tests) = {
	UNIT(field_loads_follow_the_format),
	UNIT_END,
};
