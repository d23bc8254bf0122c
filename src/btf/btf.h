/* A reader of the kernel's BTF (/sys/kernel/btf/vmlinux, a module's
 * split BTF on top of it, or the .BTF section of a vmlinux file): struct
 * member paths to byte offsets and sizes, and the arguments of a bare
 * tracepoint. BTF is untrusted input: every length, id and string offset
 * is checked before use, unknown kinds are refused, recursion is
 * bounded. */
#ifndef SCHEDTAP_BTF_H
#define SCHEDTAP_BTF_H

#include <stddef.h>
#include <stdint.h>
#include <linux/btf.h>

/* More than vmlinux holds (126k types on 6.18) by a wide margin. */
#define BTF_MAX_BYTES (64u << 20)
/* Typedef, const, volatile... chains and nested anonymous members. */
#define BTF_MAX_DEPTH 32

struct btf_name_slot;

struct btf {
	uint8_t *data;			/* the whole file, owned */
	size_t size;
	const uint8_t *types;		/* type section */
	const char *strs;		/* string section */
	uint32_t types_len, strs_len;
	uint32_t start_id;		/* the first id here: 1, or base's last + 1 */
	uint32_t ntypes;		/* ids start_id .. start_id + ntypes - 1 */
	uint32_t *offs;			/* each type's offset in the type section */
	uint32_t start_str;		/* base's string section length (split) */
	struct btf_name_slot *names;	/* named types, open addressing */
	uint32_t nslots;
	const struct btf *base;		/* split BTF: the vmlinux it extends */
	uint32_t ptr_size;		/* the kernel's pointer size */
	char err[160];			/* why parsing failed */
};

/* Parse data[0..size), which b takes over (malloc'd; freed by btf_free
 * even on failure). base: vmlinux for a module's split BTF, else NULL.
 * 0 or negative errno, with the reason in b->err. */
int btf_parse(struct btf *b, uint8_t *data, size_t size, const struct btf *base);
/* Read and parse a file: raw BTF, or an ELF file's .BTF section. */
int btf_load(struct btf *b, const char *path, const struct btf *base);
void btf_free(struct btf *b);
/* For the readers: the reason into b->err; returns err. */
int btf_fail(struct btf *b, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The type of an id (NULL when out of range), and a name ("" if none,
 * NULL when the offset is bad). */
const struct btf_type *btf_type_by_id(const struct btf *b, uint32_t id);
const char *btf_str(const struct btf *b, uint32_t off);
/* The id of the type of this kind and name: -ENOENT, or -ENOTUNIQ when
 * two different definitions share it. */
int btf_find(const struct btf *b, int kind, const char *name);
/* Past typedefs and const/volatile/restrict/type tags: the id. */
int btf_skip_modifiers(const struct btf *b, uint32_t id);
/* Bytes a value of this type takes, or negative errno. */
int btf_type_size(const struct btf *b, uint32_t id);

struct btf_field {
	uint32_t offset;	/* bytes from the start of the outer struct */
	uint32_t size;		/* bytes */
	uint32_t type_id;	/* the member's type, modifiers skipped */
	uint8_t bit_offset;	/* bitfields: bits past offset, else 0 */
	uint8_t bits;		/* bitfields: width, else 0 */
};

/* "cfs_rq.avg.util_avg": the last member of a path starting at a struct
 * or union, members of anonymous structs and unions found where C finds
 * them. 0, or negative errno with the reason in err[0..len). */
int btf_member(const struct btf *b, const char *path, struct btf_field *f, char *err,
	       size_t len);

/* The id of tracepoint tp's btf_trace_<tp> typedef (what a tp_btf
 * program attaches by), or negative errno (-ENOENT). */
int btf_tracepoint_id(const struct btf *b, const char *tp);
/* A bare tracepoint's arguments, from its btf_trace_<name> typedef (a
 * pointer to a function taking void *__data first): up to max type ids
 * (modifiers skipped) into args; the count, or negative errno. */
int btf_tracepoint_args(const struct btf *b, const char *tp, uint32_t *args, int max);
/* "struct cfs_rq *", "int", "bool": for messages and --dump. */
void btf_type_name(const struct btf *b, uint32_t id, char *buf, size_t len);
#endif
