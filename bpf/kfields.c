#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "bpf/kfields.h"

/* Where the offsets came from, for --dump comments. */
static const char *origin(const struct tap_build_ctx *ctx)
{
	return ctx->ko && ctx->ko->have_btf ? "BTF" : "offsets file";
}

int k_field(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *path,
	    struct koff_field *f)
{
	char err[160];

	if (!ctx->ko)
		return asm_error(p, -EINVAL, "%s: no kernel struct offsets", path), 0;
	if (koff_field(ctx->ko, path, f, err, sizeof(err)))
		return asm_error(p, -ENOENT, "%s (this kernel has no such member)", err), 0;
	if (f->f.bits)
		return asm_error(p, -EINVAL, "%s: a bitfield", path), 0;
	return 1;
}

int k_has(const struct tap_build_ctx *ctx, const char *path)
{
	struct koff_field f;
	char err[160];

	return ctx->ko && !koff_field(ctx->ko, path, &f, err, sizeof(err));
}

/* fp[stack_off, +size) = size bytes at ptr_reg + offset. */
static uint32_t read_at(struct asm_prog *p, const struct tap_build_ctx *ctx, int16_t stack_off,
			int ptr_reg, uint32_t offset, uint32_t size)
{
	if (size > 256 || ptr_reg < R6 || ptr_reg > R9 || offset > INT32_MAX)
		return asm_error(p, -EINVAL, "%u bytes at +%u: not read to the stack", size, offset),
		       0;
	asm_mov64_reg(p, R1, FP);
	asm_add64_imm(p, R1, stack_off);
	asm_mov64_imm(p, R2, (int32_t)size);
	asm_mov64_reg(p, R3, ptr_reg);
	asm_add64_imm(p, R3, (int32_t)offset);
	asm_call(p, ctx->probe_read ? ctx->probe_read : BPF_FUNC_probe_read_kernel);
	return size;
}

uint32_t k_read(struct asm_prog *p, const struct tap_build_ctx *ctx, int16_t stack_off,
		int ptr_reg, const char *path)
{
	struct koff_field f;
	const char *dot = strchr(path, '.');

	if (!k_field(p, ctx, path, &f))
		return 0;
	asm_comment(p, "fp%d = %s: %.*s+%u, %u bytes (%s)", stack_off, dot ? dot + 1 : path,
		    dot ? (int)(dot - path) : 0, path, f.f.offset, f.f.size, origin(ctx));
	return read_at(p, ctx, stack_off, ptr_reg, f.f.offset, f.f.size);
}

void k_ld_inner(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int16_t stack_off,
		int ptr_reg, const char *outer, const char *inner)
{
	struct koff_field a, b;
	int code;

	if (!k_field(p, ctx, outer, &a) || !k_field(p, ctx, inner, &b))
		return;
	code = asm_size(b.f.size);
	if (code < 0 || b.f.offset + b.f.size > a.f.size) {
		asm_error(p, -EINVAL, "%s in %s: not a scalar inside it", inner, outer);
		return;
	}
	asm_comment(p, "fp%d = %s at %s: +%u+%u, %u bytes (%s)", stack_off, inner, outer,
		    a.f.offset, b.f.offset, b.f.size, origin(ctx));
	if (read_at(p, ctx, stack_off, ptr_reg, a.f.offset + b.f.offset, b.f.size))
		asm_ldx(p, code, dst, FP, stack_off);
}

void k_ld_stack(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst,
		int16_t base_off, const char *path)
{
	struct koff_field f;
	int code;

	if (!k_field(p, ctx, path, &f))
		return;
	code = asm_size(f.f.size);
	if (code < 0 || f.f.offset > 256) {
		asm_error(p, -EINVAL, "%s: %u bytes at +%u, not a scalar", path, f.f.size,
			  f.f.offset);
		return;
	}
	asm_comment(p, "r%d = %s: +%u, %u bytes (%s)", dst, path, f.f.offset, f.f.size,
		    origin(ctx));
	asm_ldx(p, code, dst, FP, (int16_t)(base_off + (int)f.f.offset));
}

void k_ld(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int16_t stack_off,
	  int ptr_reg, const char *path)
{
	uint32_t size = k_read(p, ctx, stack_off, ptr_reg, path);
	int code = asm_size(size);

	if (!size)
		return;
	if (code < 0) {
		asm_error(p, -EINVAL, "%s: %u bytes, not a scalar", path, size);
		return;
	}
	asm_ldx(p, code, dst, FP, stack_off);
}

void k_ld_direct(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int ptr_reg,
		 const char *path)
{
	struct koff_field f;
	int code;

	if (!k_field(p, ctx, path, &f))
		return;
	code = asm_size(f.f.size);
	if (code < 0 || f.f.offset > INT16_MAX) {
		asm_error(p, -EINVAL, "%s: %u bytes at +%u, not a scalar in reach", path, f.f.size,
			  f.f.offset);
		return;
	}
	asm_comment(p, "r%d = %s: +%u, %u bytes (%s)", dst, path, f.f.offset, f.f.size,
		    origin(ctx));
	asm_ldx(p, code, dst, ptr_reg, (int16_t)f.f.offset);
}

int k_tp_arg(const struct tap_build_ctx *ctx, const char *tp, const char *type)
{
	char args[4][48];
	int n = ctx->ko ? koff_tp_args(ctx->ko, tp, args, 4) : -1;

	for (int i = 0; i < n && i < 4; i++)
		if (!strcmp(args[i], type))
			return i;
	return -1;
}
