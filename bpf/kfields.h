/* Kernel struct fields in programs of bare tracepoints: read with
 * probe_read_kernel at the offsets BTF (or an offsets file) gave, each
 * with a --dump comment saying where ("util_avg: cfs_rq+176 (BTF)"). */
#ifndef SCHEDTAP_BPF_KFIELDS_H
#define SCHEDTAP_BPF_KFIELDS_H

#include "asm/asm.h"
#include "bpf/program.h"
#include "btf/koffsets.h"

/* Where path is (on this kernel), or 0 after a sticky assembler error
 * naming it. */
int k_field(struct asm_prog *p, const struct tap_build_ctx *ctx, const char *path,
	    struct koff_field *f);
/* 1 when this kernel has path, 0 when not (no error: for fallbacks). */
int k_has(const struct tap_build_ctx *ctx, const char *path);
/* fp[stack_off, +size) = the bytes of path in the struct at ptr_reg (one
 * probe_read_kernel; ptr_reg must be r6-r9). Clobbers r0-r5. Returns the
 * size read, 0 after an error. */
uint32_t k_read(struct asm_prog *p, const struct tap_build_ctx *ctx, int16_t stack_off,
		int ptr_reg, const char *path);
/* dst = the scalar at path in the struct at ptr_reg, read through
 * fp[stack_off, +8) and zero-extended. Clobbers r0-r5 (dst may be one). */
void k_ld(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int16_t stack_off,
	  int ptr_reg, const char *path);
/* dst = the scalar inner ("sched_avg.util_est") of the struct member
 * outer ("cfs_rq.avg") of the struct at ptr_reg: each path on its own, as
 * an offsets file lists them. */
void k_ld_inner(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int16_t stack_off,
		int ptr_reg, const char *outer, const char *inner);
/* dst = the scalar member path of a struct already read to fp+base_off
 * (path's first component names that struct: "sched_avg.util_avg"),
 * zero-extended from its size. */
void k_ld_stack(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst,
		int16_t base_off, const char *path);
/* tp_btf: dst = the scalar at path in the BTF-typed struct at ptr_reg,
 * one plain load (the verifier checks it against BTF and guards it). */
void k_ld_direct(struct asm_prog *p, const struct tap_build_ctx *ctx, int dst, int ptr_reg,
		 const char *path);
/* dst = the index of the first argument of tracepoint tp whose type is
 * type ("_Bool"), from BTF or the offsets file; -1 if none. */
int k_tp_arg(const struct tap_build_ctx *ctx, const char *tp, const char *type);
#endif
