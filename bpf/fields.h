/* Tracepoint fields in programs: loads and copies at the offsets tracefs
 * reported, each with a --dump comment naming the field and register. */
#ifndef SCHEDTAP_BPF_FIELDS_H
#define SCHEDTAP_BPF_FIELDS_H

#include "asm/asm.h"
#include "tracefs/tracefs.h"

/* dst = the tracepoint field `name`, zero-extended, read from the context
 * pointer in ctx at the offset tracefs reported. The field must be 1, 2,
 * 4 or 8 bytes and naturally aligned (the kernel's rule for tracepoint
 * context reads). */
void tp_ld_field(struct asm_prog *p, const struct tp_format *fmt, int dst,
		 int ctx, const char *name);
/* The same, sign-extended to 64 bits when tracefs says the field is signed
 * (shift pair, so it runs on kernels without v4 sign-extending loads). */
void tp_ld_field_sx(struct asm_prog *p, const struct tp_format *fmt, int dst,
		    int ctx, const char *name);
/* Copy up to max bytes of a fixed-size field (a comm array) to
 * *(base + off), with the widest aligned loads the context allows;
 * tmp is clobbered. */
void tp_copy_field(struct asm_prog *p, const struct tp_format *fmt, int base,
		   int16_t off, int ctx, const char *name, int tmp, unsigned max);
#endif
