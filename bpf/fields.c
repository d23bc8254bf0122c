/* Loads of tracepoint fields, at the offsets the event's format file
 * gives: what ties a program to tracefs (asm/ knows nothing of it). */
#include <errno.h>
#include "bpf/fields.h"

static const struct tp_field *field_or_error(struct asm_prog *p,
					      const struct tp_format *fmt,
					      const char *name)
{
	const struct tp_field *f = tracefs_field(fmt, name);

	if (!f)
		asm_error(p, -ENOENT, "tracepoint %s:%s has no field '%s' on this kernel",
			  fmt->system, fmt->event, name);
	return f;
}

/* Loads the field; returns its size in bytes or 0 on error. */
static unsigned ld_field(struct asm_prog *p, const struct tp_format *fmt,
			 int dst, int ctx, const char *name)
{
	const struct tp_field *f = field_or_error(p, fmt, name);
	int code;

	if (!f)
		return 0;
	code = asm_size(f->size);
	if (code < 0 || f->offset % f->size || f->offset > INT16_MAX) {
		asm_error(p, -EINVAL, "%s:%s field '%s' (offset %u, size %u) is not a scalar load",
			  fmt->system, fmt->event, name, f->offset, f->size);
		return 0;
	}
	asm_comment(p, "r%d = %s: ctx+%u, %u bytes (format)", dst, name, f->offset, f->size);
	asm_ldx(p, code, dst, ctx, (int16_t)f->offset);
	return f->size;
}

void tp_ld_field(struct asm_prog *p, const struct tp_format *fmt, int dst,
		 int ctx, const char *name)
{
	ld_field(p, fmt, dst, ctx, name);
}

void tp_ld_field_sx(struct asm_prog *p, const struct tp_format *fmt, int dst,
		    int ctx, const char *name)
{
	const struct tp_field *f = tracefs_field(fmt, name);
	unsigned size = ld_field(p, fmt, dst, ctx, name);

	if (!size || size == 8 || !f->is_signed)
		return;
	asm_alu_imm(p, BPF_ALU64, BPF_LSH, dst, 64 - 8 * size);
	asm_alu_imm(p, BPF_ALU64, BPF_ARSH, dst, 64 - 8 * size);
}

void tp_copy_field(struct asm_prog *p, const struct tp_format *fmt, int base,
		   int16_t off, int ctx, const char *name, int tmp, unsigned max)
{
	const struct tp_field *f = field_or_error(p, fmt, name);
	unsigned len, done = 0;

	if (!f)
		return;
	len = f->size < max ? f->size : max;
	asm_comment(p, "copy %s (%u bytes at offset %u)", name, len, f->offset);
	while (done < len) {
		unsigned at = f->offset + done, chunk = 8;
		int to = off + (int)done;

		/* The widest access aligned on both sides (the verifier refuses
		 * misaligned stack and context accesses) that stays inside the
		 * field. */
		while (chunk > 1 && (at % chunk || (unsigned)to % chunk || done + chunk > len))
			chunk /= 2;
		asm_ldx(p, asm_size(chunk), tmp, ctx, (int16_t)at);
		asm_stx(p, asm_size(chunk), base, tmp, (int16_t)(off + done));
		done += chunk;
	}
}
