/* A protobuf encoder for the few shapes a Perfetto trace needs: varints
 * (unsigned, and signed int32/int64 as protobuf writes them: two's
 * complement in 10 bytes), 64-bit doubles, strings, and nested messages
 * whose length is patched in when they close. Writes into a fixed buffer
 * and never past it: an encoding that does not fit sets `full` and the
 * caller flushes what it had committed and starts again. */
#ifndef SCHEDTAP_PERFETTO_PB_H
#define SCHEDTAP_PERFETTO_PB_H

#include <stddef.h>
#include <stdint.h>

struct pb {
	uint8_t *buf;
	size_t len, cap;
	int full;
};

enum { PB_VARINT = 0, PB_FIXED64 = 1, PB_LEN = 2 };

void pb_init(struct pb *b, uint8_t *buf, size_t cap);
/* A varint field: field numbers are 1 to 2^29 - 1. */
void pb_uint(struct pb *b, uint32_t field, uint64_t v);
static inline void pb_int(struct pb *b, uint32_t field, int64_t v)
{
	pb_uint(b, field, (uint64_t)v);
}
void pb_double(struct pb *b, uint32_t field, double v);
/* At most max bytes of s, up to its first NUL. */
void pb_str(struct pb *b, uint32_t field, const char *s, size_t max);
/* A nested message: its tag now, its length when it closes. pb_open's
 * mark goes to pb_close; messages nest as calls do. */
size_t pb_open(struct pb *b, uint32_t field);
void pb_close(struct pb *b, size_t mark);
/* The tag and length of a length-delimited field of n bytes, which the
 * caller writes after them. */
void pb_len_prefix(struct pb *b, uint32_t field, size_t n);
/* Bytes already encoded (a message built in another buffer). */
void pb_raw(struct pb *b, const void *p, size_t n);
/* The bytes of v as a varint into out (10 at most); their count. */
size_t pb_varint(uint8_t *out, uint64_t v);
#endif
