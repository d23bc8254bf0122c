/* The BTF reader on small BTF files built here: paths to offsets (nested,
 * anonymous, bitfields), tracepoint arguments, and one test per kind of
 * file it must refuse. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "btf/btf.h"
#include "btf/storage_btf.h"
#include "unit.h"

/* A BTF file being built: types and strings, then btf_parse'd. */
struct blob {
	uint8_t types[4096];
	size_t ntypes_len;
	char strs[1024];
	size_t strs_len;
	uint32_t next_id;
};

static void blob_init(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->strs_len = 1;	/* "" at offset 0 */
	b->next_id = 1;
}

static uint32_t str(struct blob *b, const char *s)
{
	uint32_t off = (uint32_t)b->strs_len;

	memcpy(b->strs + off, s, strlen(s) + 1);
	b->strs_len += strlen(s) + 1;
	return off;
}

static void put32(struct blob *b, uint32_t v)
{
	memcpy(b->types + b->ntypes_len, &v, 4);
	b->ntypes_len += 4;
}

/* A type record: name, kind, vlen, kflag, size or type. Returns its id. */
static uint32_t type(struct blob *b, const char *name, uint32_t kind, uint32_t vlen,
		     uint32_t kflag, uint32_t size_type)
{
	put32(b, name ? str(b, name) : 0);
	put32(b, kind << 24 | vlen | kflag << 31);
	put32(b, size_type);
	return b->next_id++;
}

static uint32_t int_type(struct blob *b, const char *name, uint32_t size)
{
	uint32_t id = type(b, name, BTF_KIND_INT, 0, 0, size);

	put32(b, size * 8);	/* encoding 0, offset 0, bits */
	return id;
}

static void member(struct blob *b, const char *name, uint32_t type_id, uint32_t offset)
{
	put32(b, name ? str(b, name) : 0);
	put32(b, type_id);
	put32(b, offset);
}

/* The file: header, types, strings. data is malloc'd (btf_parse owns it). */
static uint8_t *file_of(const struct blob *b, size_t *size)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (uint32_t)b->ntypes_len,
		.str_off = (uint32_t)b->ntypes_len, .str_len = (uint32_t)b->strs_len,
	};
	uint8_t *d;

	*size = sizeof(h) + b->ntypes_len + b->strs_len;
	d = malloc(*size);
	memcpy(d, &h, sizeof(h));
	memcpy(d + sizeof(h), b->types, b->ntypes_len);
	memcpy(d + sizeof(h) + b->ntypes_len, b->strs, b->strs_len);
	return d;
}

static int parse(const struct blob *b, struct btf *out)
{
	size_t n;
	uint8_t *d = file_of(b, &n);

	return btf_parse(out, d, n, NULL);
}

/* struct sched_avg { u64 load_avg; union { u32 util_est; }; u32 f:3, g:5; };
 * struct cfs_rq { int nr; struct sched_avg avg; struct rq *rq; };
 * typedef void (*btf_trace_pelt_cfs_tp)(void *, struct cfs_rq *); */
static void build_sched(struct blob *b)
{
	uint32_t u64, u32, i32, avg, anon, cfs, rq, ptr_rq, ptr_cfs, voidp, proto;

	blob_init(b);
	u64 = int_type(b, "long unsigned int", 8);
	u32 = int_type(b, "unsigned int", 4);
	i32 = int_type(b, "int", 4);
	anon = type(b, NULL, BTF_KIND_UNION, 1, 0, 4);
	member(b, "util_est", u32, 0);
	avg = type(b, "sched_avg", BTF_KIND_STRUCT, 4, 1, 16);
	member(b, "load_avg", u64, 0);
	member(b, NULL, anon, 64);
	member(b, "f", u32, 3u << 24 | 96);
	member(b, "g", u32, 5u << 24 | 99);
	rq = type(b, "rq", BTF_KIND_STRUCT, 1, 0, 4);
	member(b, "cpu", i32, 0);
	ptr_rq = type(b, NULL, BTF_KIND_PTR, 0, 0, rq);
	cfs = type(b, "cfs_rq", BTF_KIND_STRUCT, 3, 0, 32);
	member(b, "nr", i32, 0);
	member(b, "avg", avg, 64);
	member(b, "rq", ptr_rq, 192);
	ptr_cfs = type(b, NULL, BTF_KIND_PTR, 0, 0, cfs);
	voidp = type(b, NULL, BTF_KIND_PTR, 0, 0, 0);
	proto = type(b, NULL, BTF_KIND_FUNC_PROTO, 2, 0, 0);
	put32(b, 0);
	put32(b, voidp);
	put32(b, 0);
	put32(b, ptr_cfs);
	type(b, "btf_trace_pelt_cfs_tp", BTF_KIND_TYPEDEF, 0, 0,
	     type(b, NULL, BTF_KIND_PTR, 0, 0, proto));
}

static void paths_to_offsets(void)
{
	struct blob b;
	struct btf t;
	struct btf_field f;
	char err[128], name[64];
	uint32_t args[4];

	build_sched(&b);
	CHECK(parse(&b, &t) == 0);
	CHECK(btf_member(&t, "cfs_rq.avg.load_avg", &f, err, sizeof(err)) == 0);
	CHECK(f.offset == 8 && f.size == 8 && !f.bits);
	/* A member of an anonymous union is found where C finds it. */
	CHECK(btf_member(&t, "cfs_rq.avg.util_est", &f, err, sizeof(err)) == 0);
	CHECK(f.offset == 16 && f.size == 4);
	CHECK(btf_member(&t, "sched_avg.g", &f, err, sizeof(err)) == 0);
	CHECK(f.offset == 12 && f.bit_offset == 3 && f.bits == 5);
	CHECK(btf_member(&t, "cfs_rq.rq", &f, err, sizeof(err)) == 0);
	CHECK(f.offset == 24 && f.size == 8);
	btf_type_name(&t, f.type_id, name, sizeof(name));
	CHECK_STR(name, "struct rq *");
	CHECK(btf_member(&t, "cfs_rq.avg.nope", &f, err, sizeof(err)) == -ENOENT);
	CHECK(strstr(err, "nope"));
	CHECK(btf_member(&t, "cfs_rq.nr.x", &f, err, sizeof(err)) == -ENOTDIR);
	CHECK(btf_member(&t, "nostruct.x", &f, err, sizeof(err)) == -ENOENT);
	CHECK(btf_member(&t, "sched_avg.f.x", &f, err, sizeof(err)) == -ENOTDIR);
	CHECK(btf_member(&t, "cfs_rq", &f, err, sizeof(err)) == -EINVAL);
	CHECK(btf_tracepoint_args(&t, "pelt_cfs_tp", args, 4) == 1);
	btf_type_name(&t, args[0], name, sizeof(name));
	CHECK_STR(name, "struct cfs_rq *");
	CHECK(btf_tracepoint_args(&t, "nosuch_tp", args, 4) == -ENOENT);
	CHECK(t.ptr_size == 8);
	btf_free(&t);
}

/* Two different structs of one name: a path through it is ambiguous. */
static void duplicate_names(void)
{
	struct blob b;
	struct btf t;
	struct btf_field f;
	char err[128];
	uint32_t i32;

	blob_init(&b);
	i32 = int_type(&b, "int", 4);
	type(&b, "rq", BTF_KIND_STRUCT, 1, 0, 4);
	member(&b, "cpu", i32, 0);
	type(&b, "rq", BTF_KIND_STRUCT, 1, 0, 8);
	member(&b, "cpu", i32, 32);
	CHECK(parse(&b, &t) == 0);
	CHECK(btf_find(&t, BTF_KIND_STRUCT, "rq") == -ENOTUNIQ);
	CHECK(btf_member(&t, "rq.cpu", &f, err, sizeof(err)) == -ENOTUNIQ);
	btf_free(&t);
}

/* typedef a a; and an array whose size overflows. */
static void loops_and_overflow(void)
{
	struct blob b;
	struct btf t;
	uint32_t i32;

	blob_init(&b);
	type(&b, "a", BTF_KIND_TYPEDEF, 0, 0, 1);
	i32 = int_type(&b, "int", 4);
	type(&b, NULL, BTF_KIND_ARRAY, 0, 0, 0);
	put32(&b, i32);
	put32(&b, i32);
	put32(&b, 0xffffffffu);
	CHECK(parse(&b, &t) == 0);
	CHECK(btf_skip_modifiers(&t, 1) == -ELOOP);
	CHECK(btf_type_size(&t, 3) == -E2BIG);
	CHECK(btf_type_by_id(&t, 99) == NULL);
	btf_free(&t);
}

/* What the fuzzer found: a bitfield wider than its type, and a struct
 * whose anonymous members are itself (vlen^depth lookups took minutes). */
static void fuzz_findings(void)
{
	struct blob b;
	struct btf t;
	struct btf_field f;
	char err[128];
	uint32_t u32, self;

	blob_init(&b);
	u32 = int_type(&b, "unsigned int", 4);
	type(&b, "s", BTF_KIND_STRUCT, 1, 1, 4);
	member(&b, "wide", u32, 200u << 24);
	CHECK(parse(&b, &t) == 0);
	CHECK(btf_member(&t, "s.wide", &f, err, sizeof(err)) == -EINVAL && strstr(err, "200-bit"));
	btf_free(&t);

	blob_init(&b);
	self = b.next_id;
	type(&b, "loop", BTF_KIND_STRUCT, 16, 0, 4);
	for (int i = 0; i < 16; i++)
		member(&b, NULL, self, 0);
	CHECK(parse(&b, &t) == 0);
	CHECK(btf_member(&t, "loop.x", &f, err, sizeof(err)) == -ELOOP && strstr(err, "deep"));
	btf_free(&t);
}

/* One broken file per check: each refused, with a reason. */
static void refuses_bad_files(void)
{
	struct blob b;
	struct btf t;
	struct btf_header *h;
	uint8_t *d;
	size_t n;

	build_sched(&b);
	d = file_of(&b, &n);
	((struct btf_header *)d)->magic = 0x1234;
	CHECK(btf_parse(&t, d, n, NULL) == -EINVAL && strstr(t.err, "not BTF"));
	btf_free(&t);

	d = file_of(&b, &n);
	((struct btf_header *)d)->magic = 0x9feb;
	CHECK(btf_parse(&t, d, n, NULL) == -EINVAL && strstr(t.err, "byte order"));
	btf_free(&t);

	d = file_of(&b, &n);
	((struct btf_header *)d)->version = 2;
	CHECK(btf_parse(&t, d, n, NULL) == -EINVAL);
	btf_free(&t);

	d = file_of(&b, &n);
	((struct btf_header *)d)->hdr_len = 10;
	CHECK(btf_parse(&t, d, n, NULL) == -EINVAL && strstr(t.err, "header"));
	btf_free(&t);

	d = file_of(&b, &n);
	((struct btf_header *)d)->str_len += 1;
	CHECK(btf_parse(&t, d, n, NULL) == -EINVAL && strstr(t.err, "outside"));
	btf_free(&t);

	d = file_of(&b, &n);
	d[n - 1] = 'x';
	CHECK(btf_parse(&t, d, n, NULL) == -EINVAL && strstr(t.err, "NUL"));
	btf_free(&t);

	/* A record cut in the middle: types end 4 bytes early. */
	d = file_of(&b, &n);
	h = (struct btf_header *)d;
	h->type_len -= 4;
	h->str_off -= 0;
	CHECK(btf_parse(&t, d, n, NULL) == -EINVAL && strstr(t.err, "record"));
	btf_free(&t);

	/* An unknown kind (a kernel newer than this reader). */
	blob_init(&b);
	type(&b, "x", 31, 0, 0, 0);
	CHECK(parse(&b, &t) == -EOPNOTSUPP && strstr(t.err, "unknown BTF kind 31"));
	btf_free(&t);

	/* A name offset past the strings, and a member's. */
	blob_init(&b);
	put32(&b, 5000);
	put32(&b, BTF_KIND_INT << 24);
	put32(&b, 4);
	put32(&b, 32);
	CHECK(parse(&b, &t) == -EINVAL && strstr(t.err, "name offset"));
	btf_free(&t);
	blob_init(&b);
	type(&b, "s", BTF_KIND_STRUCT, 1, 0, 4);
	put32(&b, 7000);
	put32(&b, 0);
	put32(&b, 0);
	CHECK(parse(&b, &t) == -EINVAL && strstr(t.err, "member 0"));
	btf_free(&t);

	CHECK(btf_parse(&t, calloc(1, 8), 8, NULL) == -EINVAL && strstr(t.err, "too short"));
	btf_free(&t);
}

/* A module's split BTF: its ids and strings continue the base's. */
static void split_btf(void)
{
	struct blob base, mod;
	struct btf tb, tm;
	struct btf_field f;
	char err[128];
	uint8_t *d;
	size_t n;

	build_sched(&base);
	CHECK(parse(&base, &tb) == 0);
	blob_init(&mod);
	mod.strs_len = 0;	/* a split file's strings need not start with "" */
	mod.next_id = tb.start_id + tb.ntypes;
	{
		uint32_t name = (uint32_t)(tb.strs_len + mod.strs_len);

		memcpy(mod.strs + mod.strs_len, "mod_s", 6);
		mod.strs_len += 6;
		put32(&mod, name);
		put32(&mod, BTF_KIND_STRUCT << 24 | 1);
		put32(&mod, 8);
		name = (uint32_t)(tb.strs_len + mod.strs_len);
		memcpy(mod.strs + mod.strs_len, "q", 2);
		mod.strs_len += 2;
		put32(&mod, name);
		put32(&mod, 1);	/* the base's "long unsigned int" */
		put32(&mod, 0);
	}
	d = file_of(&mod, &n);
	CHECK(btf_parse(&tm, d, n, &tb) == 0);
	CHECK(btf_member(&tm, "mod_s.q", &f, err, sizeof(err)) == 0 && f.size == 8);
	CHECK(btf_member(&tm, "cfs_rq.avg.load_avg", &f, err, sizeof(err)) == 0);
	btf_free(&tm);
	btf_free(&tb);
}

/* The blob task storage maps are created with reads back as an int key
 * and a value of the size asked for; too small a buffer is refused. */
static void storage_blob(void)
{
	uint8_t buf[STORAGE_BTF_MAX];
	struct btf b;
	int n = storage_btf(buf, sizeof(buf), 24);
	uint8_t *d = malloc(STORAGE_BTF_MAX);

	CHECK(n > 0 && d);
	if (n <= 0 || !d) {
		free(d);
		return;
	}
	memcpy(d, buf, (size_t)n);
	CHECK(btf_parse(&b, d, (size_t)n, NULL) == 0);
	CHECK(btf_find(&b, BTF_KIND_INT, "int") == STORAGE_BTF_KEY);
	CHECK(btf_type_size(&b, STORAGE_BTF_KEY) == 4);
	CHECK(btf_type_size(&b, STORAGE_BTF_VALUE) == 24);
	btf_free(&b);
	CHECK(storage_btf(buf, (size_t)n - 1, 8) == -ENOSPC);
	CHECK(storage_btf(buf, sizeof(buf), 0) == -EINVAL);
}

UNIT_SUITE(btf_tests) = {
	UNIT(storage_blob),
	UNIT(paths_to_offsets),
	UNIT(duplicate_names),
	UNIT(loops_and_overflow),
	UNIT(refuses_bad_files),
	UNIT(fuzz_findings),
	UNIT(split_btf),
	UNIT_END,
};
