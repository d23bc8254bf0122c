/* BTF as the kernel writes it (kernel/bpf/btf.c checks the same layout):
 * a header, a type section of variable-length records and a string
 * section. Everything is checked once while indexing, and again at each
 * access, so that no id, offset or length read from the file can take a
 * read outside it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "btf/btf.h"

struct btf_name_slot {
	uint32_t id;		/* 0: empty */
	uint32_t dup;		/* another definition with this name differs */
};

int btf_fail(struct btf *b, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->err, sizeof(b->err), fmt, ap);
	va_end(ap);
	return err;
}

/* Bytes that follow a type record of this kind, or -1 for an unknown kind. */
static long extra_bytes(uint32_t kind, uint32_t vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return (long)sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * (long)sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * (long)sizeof(struct btf_enum);
	case BTF_KIND_ENUM64:
		return (long)vlen * 12;
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * (long)sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * (long)sizeof(struct btf_var_secinfo);
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	}
	return -1;
}

const char *btf_str(const struct btf *b, uint32_t off)
{
	if (off < b->start_str)
		return b->base ? btf_str(b->base, off) : NULL;
	off -= b->start_str;
	/* The section ends with a NUL (checked): every string does too. */
	return off < b->strs_len ? b->strs + off : NULL;
}

const struct btf_type *btf_type_by_id(const struct btf *b, uint32_t id)
{
	if (id < b->start_id)
		return b->base ? btf_type_by_id(b->base, id) : NULL;
	id -= b->start_id;
	return id < b->ntypes ? (const struct btf_type *)(b->types + b->offs[id]) : NULL;
}

static uint32_t kind_of(const struct btf_type *t)
{
	return BTF_INFO_KIND(t->info);
}

static uint32_t vlen_of(const struct btf_type *t)
{
	return BTF_INFO_VLEN(t->info);
}

static const void *after(const struct btf_type *t)
{
	return t + 1;
}

/* The names a record holds (its own, members', parameters', values'). */
static int check_names(struct btf *b, const struct btf_type *t, uint32_t id)
{
	uint32_t kind = kind_of(t), n = vlen_of(t);

	if (!btf_str(b, t->name_off))
		return btf_fail(b, -EINVAL, "type %u: name offset %u outside the strings", id,
			    t->name_off);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t off;

		if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION)
			off = ((const struct btf_member *)after(t))[i].name_off;
		else if (kind == BTF_KIND_FUNC_PROTO)
			off = ((const struct btf_param *)after(t))[i].name_off;
		else if (kind == BTF_KIND_ENUM)
			off = ((const struct btf_enum *)after(t))[i].name_off;
		else if (kind == BTF_KIND_ENUM64)
			memcpy(&off, (const uint8_t *)after(t) + 12 * i, 4);
		else
			break;
		if (!btf_str(b, off))
			return btf_fail(b, -EINVAL, "type %u: member %u's name offset %u outside the "
				    "strings", id, i, off);
	}
	return 0;
}

/* Index every record: its offset, and that it fits. */
static int index_types(struct btf *b)
{
	uint32_t off = 0, cap = 0;

	while (off < b->types_len) {
		const struct btf_type *t = (const struct btf_type *)(b->types + off);
		uint32_t id = b->start_id + b->ntypes;
		long extra;
		int err;

		if (b->types_len - off < sizeof(*t))
			return btf_fail(b, -EINVAL, "type %u: truncated record", id);
		extra = extra_bytes(kind_of(t), vlen_of(t));
		if (extra < 0)
			return btf_fail(b, -EOPNOTSUPP, "type %u: unknown BTF kind %u (a kernel newer "
				    "than this schedtap)", id, kind_of(t));
		if ((uint64_t)b->types_len - off - sizeof(*t) < (uint64_t)extra)
			return btf_fail(b, -EINVAL, "type %u: record runs past the type section", id);
		if (b->ntypes == BTF_MAX_TYPE)
			return btf_fail(b, -E2BIG, "more than %u types", BTF_MAX_TYPE);
		if (b->ntypes == cap) {
			uint32_t *n = realloc(b->offs, (cap ? cap * 2 : 4096) * sizeof(*n));

			if (!n)
				return btf_fail(b, -ENOMEM, "out of memory");
			b->offs = n;
			cap = cap ? cap * 2 : 4096;
		}
		b->offs[b->ntypes++] = off;
		if ((err = check_names(b, t, id)))
			return err;
		off += (uint32_t)(sizeof(*t) + (size_t)extra);
	}
	return 0;
}

static uint32_t hash_name(uint32_t kind, const char *s)
{
	uint32_t h = 2166136261u ^ kind;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static int indexed_kind(uint32_t kind)
{
	return kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION || kind == BTF_KIND_TYPEDEF ||
	       kind == BTF_KIND_ENUM || kind == BTF_KIND_ENUM64 || kind == BTF_KIND_INT ||
	       kind == BTF_KIND_FUNC;
}

/* Two definitions of one name that deduplication left apart are the same
 * if they look the same from here. */
static int same_shape(const struct btf_type *a, const struct btf_type *c)
{
	return a->info == c->info && a->size == c->size;
}

static void add_name(struct btf *b, uint32_t id)
{
	const struct btf_type *t = btf_type_by_id(b, id);
	const char *name = btf_str(b, t->name_off);
	uint32_t kind = kind_of(t);

	for (uint32_t h = hash_name(kind, name) & (b->nslots - 1);; h = (h + 1) & (b->nslots - 1)) {
		struct btf_name_slot *s = &b->names[h];
		const struct btf_type *o;

		if (!s->id) {
			s->id = id;
			return;
		}
		o = btf_type_by_id(b, s->id);
		if (kind_of(o) == kind && !strcmp(btf_str(b, o->name_off), name)) {
			s->dup |= !same_shape(o, t);
			return;
		}
	}
}

static int index_names(struct btf *b)
{
	uint32_t named = 0;

	for (uint32_t i = 0; i < b->ntypes; i++) {
		const struct btf_type *t = btf_type_by_id(b, b->start_id + i);

		named += indexed_kind(kind_of(t)) && t->name_off;
	}
	for (b->nslots = 16; b->nslots < 2 * named; b->nslots *= 2)
		;
	b->names = calloc(b->nslots, sizeof(*b->names));
	if (!b->names)
		return btf_fail(b, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < b->ntypes; i++) {
		const struct btf_type *t = btf_type_by_id(b, b->start_id + i);

		if (indexed_kind(kind_of(t)) && *btf_str(b, t->name_off))
			add_name(b, b->start_id + i);
	}
	return 0;
}

static int find_here(const struct btf *b, int kind, const char *name)
{
	if (!b->nslots)
		return -ENOENT;
	for (uint32_t h = hash_name((uint32_t)kind, name) & (b->nslots - 1);;
	     h = (h + 1) & (b->nslots - 1)) {
		const struct btf_name_slot *s = &b->names[h];
		const struct btf_type *t;

		if (!s->id)
			return -ENOENT;
		t = btf_type_by_id(b, s->id);
		if ((int)kind_of(t) == kind && !strcmp(btf_str(b, t->name_off), name))
			return s->dup ? -ENOTUNIQ : (int)s->id;
	}
}

int btf_find(const struct btf *b, int kind, const char *name)
{
	int id = b->base ? btf_find(b->base, kind, name) : -ENOENT;

	return id == -ENOENT ? find_here(b, kind, name) : id;
}

/* The kernel's pointers are as wide as its long. */
static uint32_t pointer_size(const struct btf *b)
{
	static const char *const longs[] = { "long unsigned int", "long int" };

	if (b->base)
		return b->base->ptr_size;
	for (unsigned i = 0; i < 2; i++) {
		int id = btf_find(b, BTF_KIND_INT, longs[i]);
		const struct btf_type *t = id > 0 ? btf_type_by_id(b, (uint32_t)id) : NULL;

		if (t && (t->size == 4 || t->size == 8))
			return t->size;
	}
	return 8;
}

static int check_header(struct btf *b, struct btf_header *h)
{
	uint64_t types_end, strs_end;

	if (b->size < sizeof(*h))
		return btf_fail(b, -EINVAL, "%zu bytes: too short for BTF", b->size);
	memcpy(h, b->data, sizeof(*h));
	if (h->magic == 0x9feb)
		return btf_fail(b, -EINVAL, "BTF of the other byte order");
	if (h->magic != BTF_MAGIC)
		return btf_fail(b, -EINVAL, "not BTF (magic 0x%04x)", h->magic);
	if (h->version != BTF_VERSION)
		return btf_fail(b, -EINVAL, "BTF version %u, not %u", h->version, BTF_VERSION);
	if (h->hdr_len < sizeof(*h) || h->hdr_len > b->size || h->hdr_len % 4)
		return btf_fail(b, -EINVAL, "bad header length %u", h->hdr_len);
	types_end = (uint64_t)h->hdr_len + h->type_off + h->type_len;
	strs_end = (uint64_t)h->hdr_len + h->str_off + h->str_len;
	if (types_end > b->size || strs_end > b->size || h->type_off % 4 || h->type_len % 4)
		return btf_fail(b, -EINVAL, "sections outside the file (types %u+%u, strings %u+%u, "
			    "%zu bytes)", h->type_off, h->type_len, h->str_off, h->str_len, b->size);
	if (!h->str_len || b->data[strs_end - 1])
		return btf_fail(b, -EINVAL, "the string section does not end with a NUL");
	if (!b->base && b->data[h->hdr_len + h->str_off])
		return btf_fail(b, -EINVAL, "the string section does not start with a NUL");
	return 0;
}

int btf_parse(struct btf *b, uint8_t *data, size_t size, const struct btf *base)
{
	struct btf_header h;
	int err;

	memset(b, 0, sizeof(*b));
	b->data = data;
	b->size = size;
	b->base = base;
	if (size > BTF_MAX_BYTES)
		return btf_fail(b, -EFBIG, "%zu bytes: larger than any vmlinux BTF", size);
	if ((err = check_header(b, &h)))
		return err;
	b->types = data + h.hdr_len + h.type_off;
	b->types_len = h.type_len;
	b->strs = (const char *)data + h.hdr_len + h.str_off;
	b->strs_len = h.str_len;
	b->start_id = base ? base->start_id + base->ntypes : 1;
	b->start_str = base ? base->start_str + base->strs_len : 0;
	if ((err = index_types(b)) || (err = index_names(b)))
		return err;
	b->ptr_size = pointer_size(b);
	return 0;
}

void btf_free(struct btf *b)
{
	free(b->data);
	free(b->offs);
	free(b->names);
	memset(b, 0, sizeof(*b));
}

int btf_skip_modifiers(const struct btf *b, uint32_t id)
{
	for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
		const struct btf_type *t = btf_type_by_id(b, id);

		if (!id)
			return 0;
		if (!t)
			return -EINVAL;
		switch (kind_of(t)) {
		case BTF_KIND_TYPEDEF:
		case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT:
		case BTF_KIND_TYPE_TAG:
			id = t->type;
			break;
		default:
			return (int)id;
		}
	}
	return -ELOOP;
}

int btf_type_size(const struct btf *b, uint32_t id)
{
	uint64_t n = 1;

	for (int depth = 0; depth < BTF_MAX_DEPTH; depth++) {
		int r = btf_skip_modifiers(b, id);
		const struct btf_type *t = r > 0 ? btf_type_by_id(b, (uint32_t)r) : NULL;
		const struct btf_array *a;

		if (!t)
			return r < 0 ? r : -EINVAL;
		switch (kind_of(t)) {
		case BTF_KIND_INT:
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
		case BTF_KIND_FLOAT:
			n *= t->size;
			return n > INT32_MAX ? -E2BIG : (int)n;
		case BTF_KIND_PTR:
			n *= b->ptr_size;
			return n > INT32_MAX ? -E2BIG : (int)n;
		case BTF_KIND_ARRAY:
			a = after(t);
			n *= a->nelems;
			if (n > INT32_MAX)
				return -E2BIG;
			id = a->type;
			break;
		default:
			return -EINVAL;
		}
	}
	return -ELOOP;
}

/* Where a member sits: bits from its struct's start, and its bitfield
 * width (0: not a bitfield). */
static void member_bits(const struct btf *b, const struct btf_type *s,
			const struct btf_member *m, uint32_t *bit_off, uint32_t *bits)
{
	*bit_off = BTF_INFO_KFLAG(s->info) ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
	*bits = BTF_INFO_KFLAG(s->info) ? BTF_MEMBER_BITFIELD_SIZE(m->offset) : 0;
	if (!BTF_INFO_KFLAG(s->info)) {
		/* Before kind_flag, an int's own encoding gave its bits. */
		int id = btf_skip_modifiers(b, m->type);
		const struct btf_type *t = id > 0 ? btf_type_by_id(b, (uint32_t)id) : NULL;
		uint32_t enc;

		if (t && kind_of(t) == BTF_KIND_INT) {
			memcpy(&enc, after(t), 4);
			if (BTF_INT_BITS(enc) && BTF_INT_BITS(enc) != t->size * 8) {
				*bits = BTF_INT_BITS(enc);
				*bit_off += BTF_INT_OFFSET(enc);
			}
		}
	}
}

/* Members looked at for one path element at the most: real structs nest
 * a few anonymous levels, but a hostile file can make every member an
 * anonymous copy of its own struct (vlen^depth visits). */
#define BTF_MAX_VISITS 65536

/* Find member name in struct/union sid, looking into anonymous members;
 * *bit_off (in: the struct's own, out: the member's), *bits, *type.
 * *budget counts the members still allowed to be looked at. */
static int find_member(const struct btf *b, uint32_t sid, const char *name, size_t len,
		       int depth, long *budget, uint32_t *bit_off, uint32_t *bits,
		       uint32_t *type)
{
	const struct btf_type *s = btf_type_by_id(b, sid);
	const struct btf_member *m;

	if (!s || depth >= BTF_MAX_DEPTH)
		return -ELOOP;
	m = after(s);
	for (uint32_t i = 0; i < vlen_of(s); i++) {
		if (--*budget < 0)
			return -ELOOP;
		const char *mn = btf_str(b, m[i].name_off);
		const struct btf_type *it;
		uint32_t off, nbits;
		int inner;

		member_bits(b, s, &m[i], &off, &nbits);
		if (*mn) {
			if (strlen(mn) != len || memcmp(mn, name, len))
				continue;
			*bit_off += off;
			*bits = nbits;
			*type = m[i].type;
			return 0;
		}
		inner = btf_skip_modifiers(b, m[i].type);
		it = inner > 0 ? btf_type_by_id(b, (uint32_t)inner) : NULL;
		if (it && (kind_of(it) == BTF_KIND_STRUCT || kind_of(it) == BTF_KIND_UNION)) {
			uint32_t at = *bit_off + off;

			int r = find_member(b, (uint32_t)inner, name, len, depth + 1, budget, &at,
					    bits, type);

			if (r == -ELOOP)
				return r;
			if (!r) {
				*bit_off = at;
				return 0;
			}
		}
	}
	return -ENOENT;
}

static int struct_or_union(const struct btf *b, uint32_t id)
{
	int r = btf_skip_modifiers(b, id);
	const struct btf_type *t = r > 0 ? btf_type_by_id(b, (uint32_t)r) : NULL;

	if (!t)
		return r < 0 ? r : -EINVAL;
	return kind_of(t) == BTF_KIND_STRUCT || kind_of(t) == BTF_KIND_UNION ? r : -ENOTDIR;
}

int btf_member(const struct btf *b, const char *path, struct btf_field *f, char *err,
	       size_t len)
{
	const char *p = path, *dot = strchr(path, '.');
	char root[128];
	uint32_t bit_off = 0, bits = 0, type;
	int id, size;

	if (!dot || (size_t)(dot - path) >= sizeof(root))
		return snprintf(err, len, "'%s' is not STRUCT.MEMBER", path), -EINVAL;
	memcpy(root, path, (size_t)(dot - path));
	root[dot - path] = 0;
	id = btf_find(b, BTF_KIND_STRUCT, root);
	if (id == -ENOENT)
		id = btf_find(b, BTF_KIND_UNION, root);
	if (id < 0)
		return snprintf(err, len, "struct %s: %s", root,
				id == -ENOTUNIQ ? "two different definitions" : "not in BTF"), id;
	type = (uint32_t)id;
	for (p = dot + 1; ; p = dot + 1) {
		size_t n;
		int r, sid = struct_or_union(b, type);

		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : strlen(p);
		if (sid < 0)
			return snprintf(err, len, "%s: '%.*s' is not in a struct or union", path,
					(int)(p - path - 1), path), sid;
		if (bits)
			return snprintf(err, len, "%s: a bitfield has no members", path), -EINVAL;
		r = find_member(b, (uint32_t)sid, p, n, 0, &(long){ BTF_MAX_VISITS }, &bit_off,
				&bits, &type);
		if (r == -ELOOP)
			return snprintf(err, len, "%s: members nest too deep", path), r;
		if (r)
			return snprintf(err, len, "%s: no member '%.*s'", path, (int)n, p), r;
		if (!dot)
			break;
	}
	id = btf_skip_modifiers(b, type);
	size = id < 0 ? id : btf_type_size(b, (uint32_t)id);
	if (size < 0)
		return snprintf(err, len, "%s: a member of no size", path), size;
	if (!bits && bit_off % 8)
		return snprintf(err, len, "%s: not at a byte boundary", path), -EINVAL;
	if (bits > 64 || bits > (uint32_t)size * 8)
		return snprintf(err, len, "%s: a %u-bit field in %d bytes", path, bits, size),
		       -EINVAL;
	f->offset = bit_off / 8;
	f->bit_offset = (uint8_t)(bit_off % 8);
	f->bits = (uint8_t)bits;
	f->size = (uint32_t)size;
	f->type_id = (uint32_t)id;
	return 0;
}

int btf_tracepoint_id(const struct btf *b, const char *tp)
{
	char name[128];

	if (snprintf(name, sizeof(name), "btf_trace_%s", tp) >= (int)sizeof(name))
		return -ENAMETOOLONG;
	return btf_find(b, BTF_KIND_TYPEDEF, name);
}

int btf_tracepoint_args(const struct btf *b, const char *tp, uint32_t *args, int max)
{
	const struct btf_type *t;
	const struct btf_param *p;
	int id = btf_tracepoint_id(b, tp);

	if (id < 0)
		return id;
	/* typedef void (*btf_trace_x)(void *__data, args...) */
	t = btf_type_by_id(b, (uint32_t)id);
	t = t ? btf_type_by_id(b, t->type) : NULL;
	if (!t || kind_of(t) != BTF_KIND_PTR)
		return -EINVAL;
	t = btf_type_by_id(b, t->type);
	if (!t || kind_of(t) != BTF_KIND_FUNC_PROTO || vlen_of(t) < 1)
		return -EINVAL;
	p = after(t);
	for (uint32_t i = 1; i < vlen_of(t) && (int)i <= max; i++) {
		int a = btf_skip_modifiers(b, p[i].type);

		if (a < 0)
			return a;
		args[i - 1] = (uint32_t)a;
	}
	return (int)vlen_of(t) - 1;
}

static size_t append(char *buf, size_t len, size_t at, const char *s)
{
	if (at < len)
		snprintf(buf + at, len - at, "%s", s);
	return at + strlen(s);
}

static size_t type_name(const struct btf *b, uint32_t id, char *buf, size_t len, size_t at,
			int depth)
{
	const struct btf_type *t = btf_type_by_id(b, id);
	const char *name = t ? btf_str(b, t->name_off) : NULL;

	if (!id)
		return append(buf, len, at, "void");
	if (!t || !name || depth >= BTF_MAX_DEPTH)
		return append(buf, len, at, "?");
	switch (kind_of(t)) {
	case BTF_KIND_PTR:
		at = type_name(b, t->type, buf, len, at, depth + 1);
		return append(buf, len, at, " *");
	case BTF_KIND_CONST:
		at = append(buf, len, at, "const ");
		return type_name(b, t->type, buf, len, at, depth + 1);
	case BTF_KIND_VOLATILE:
		at = append(buf, len, at, "volatile ");
		return type_name(b, t->type, buf, len, at, depth + 1);
	case BTF_KIND_STRUCT:
		at = append(buf, len, at, "struct ");
		break;
	case BTF_KIND_UNION:
		at = append(buf, len, at, "union ");
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		at = append(buf, len, at, "enum ");
		break;
	case BTF_KIND_FUNC_PROTO:
		return append(buf, len, at, "function");
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = after(t);
		char n[16];

		at = type_name(b, a->type, buf, len, at, depth + 1);
		snprintf(n, sizeof(n), "[%u]", a->nelems);
		return append(buf, len, at, n);
	}
	}
	return append(buf, len, at, *name ? name : "(anon)");
}

void btf_type_name(const struct btf *b, uint32_t id, char *buf, size_t len)
{
	if (len)
		buf[0] = 0;
	type_name(b, id, buf, len, 0, 0);
}
