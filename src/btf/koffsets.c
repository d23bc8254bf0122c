/* Kernel struct offsets from BTF or from an offsets file. The file is
 * text, one fact a line:
 *   # schedtap offsets 1
 *   kernel 6.1.0-27-amd64
 *   pointer 8
 *   field cfs_rq.avg 160 64 struct sched_avg
 *   tp pelt_cfs_tp struct cfs_rq *
 *   tp sched_update_nr_running_tp struct rq *, int
 * and is untrusted input like any other (bounded, every number checked). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "btf/koffsets.h"
#include "core/decimal.h"
#include "core/file.h"

#define KOFF_MAGIC "# schedtap offsets 1"
#define KOFF_MAX_OFFSET (1u << 20)	/* no kernel struct is a megabyte */

int koff_from_btf(struct koffsets *k, const char *path, char *err, size_t len)
{
	const char *p = path ? path : "/sys/kernel/btf/vmlinux";
	struct utsname u;
	int r;

	memset(k, 0, sizeof(*k));
	r = btf_load(&k->btf, p, NULL);
	if (r) {
		snprintf(err, len, "%s", k->btf.err);
		btf_free(&k->btf);
		return r;
	}
	k->have_btf = 1;
	k->ptr_size = k->btf.ptr_size;
	snprintf(k->source, sizeof(k->source), "BTF %s", p);
	if (!path && !uname(&u))
		snprintf(k->release, sizeof(k->release), "%s", u.release);
	return 0;
}

void koff_free(struct koffsets *k)
{
	if (k->have_btf)
		btf_free(&k->btf);
	free(k->fields);
	memset(k, 0, sizeof(*k));
}

/* The rest of a line after its keyword and one blank, trimmed. */
static const char *rest(const char *s, const char *kw)
{
	size_t n = strlen(kw);

	if (strncmp(s, kw, n) || s[n] != ' ')
		return NULL;
	return s + n + 1;
}

static int copy_word(char *dst, size_t size, const char *s, size_t n)
{
	if (!n || n >= size)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

static int parse_number(const char **s, uint32_t max, uint32_t *out)
{
	const char *end;
	long long v;

	if (**s < '0' || **s > '9')
		return -1;
	end = decimal_int(*s, 0, max, &v);
	if (!end || *end != ' ')
		return -1;
	*out = (uint32_t)v;
	*s = end + 1;
	return 0;
}

/* "cfs_rq.avg 160 64 struct sched_avg" */
static int parse_field(struct koffsets *k, const char *s)
{
	struct koff_field *f;
	size_t n = strcspn(s, " ");

	if (k->nfields == KOFF_MAX_FIELDS)
		return -1;
	f = &k->fields[k->nfields];
	memset(f, 0, sizeof(*f));
	if (copy_word(f->path, sizeof(f->path), s, n) || !strchr(f->path, '.'))
		return -1;
	s += n;
	if (*s++ != ' ' || parse_number(&s, KOFF_MAX_OFFSET, &f->f.offset) ||
	    parse_number(&s, KOFF_MAX_OFFSET, &f->f.size) || !f->f.size ||
	    copy_word(f->type, sizeof(f->type), s, strlen(s)))
		return -1;
	for (int i = 0; i < k->nfields; i++)
		if (!strcmp(k->fields[i].path, f->path))
			return -1;	/* twice: which one is right? */
	k->nfields++;
	return 0;
}

/* "pelt_cfs_tp struct cfs_rq *, int" */
static int parse_tp(struct koffsets *k, const char *s)
{
	struct koff_tp *t;
	size_t n = strcspn(s, " ");

	if (k->ntps == KOFF_MAX_TPS)
		return -1;
	t = &k->tps[k->ntps];
	memset(t, 0, sizeof(*t));
	if (copy_word(t->name, sizeof(t->name), s, n))
		return -1;
	for (s += n; *s == ' ' || *s == ','; ) {
		s++;
		while (*s == ' ')
			s++;
		n = strcspn(s, ",");
		if (t->nargs == 4 || copy_word(t->args[t->nargs++], sizeof(t->args[0]), s, n))
			return -1;
		s += n;
	}
	if (*s || !t->nargs)
		return -1;
	k->ntps++;
	return 0;
}

static int parse_line(struct koffsets *k, const char *s)
{
	const char *r;
	uint32_t v;

	if (!*s || *s == '#')
		return 0;
	if ((r = rest(s, "field")))
		return parse_field(k, r);
	if ((r = rest(s, "tp")))
		return parse_tp(k, r);
	if ((r = rest(s, "kernel")))
		return copy_word(k->release, sizeof(k->release), r, strlen(r));
	if ((r = rest(s, "pointer"))) {
		char tail[16];
		size_t n = strnlen(r, sizeof(tail) - 2);

		/* A number then the separator parse_number wants; a longer
		 * word is cut, and fails, as it would anyway. */
		memcpy(tail, r, n);
		tail[n] = ' ';
		tail[n + 1] = '\0';
		r = tail;
		if (parse_number(&r, 8, &v) || (v != 4 && v != 8) || *r)
			return -1;
		k->ptr_size = v;
		return 0;
	}
	return -1;
}

int koff_parse(struct koffsets *k, const char *text, char *err, size_t len)
{
	char line[256];
	int lineno = 0;

	memset(k, 0, sizeof(*k));
	if (strncmp(text, KOFF_MAGIC, strlen(KOFF_MAGIC)) ||
	    (text[strlen(KOFF_MAGIC)] != '\n' && text[strlen(KOFF_MAGIC)]))
		return snprintf(err, len, "not a schedtap offsets file (no '%s' line)", KOFF_MAGIC),
		       -EINVAL;
	k->fields = calloc(KOFF_MAX_FIELDS, sizeof(*k->fields));
	if (!k->fields)
		return snprintf(err, len, "out of memory"), -ENOMEM;
	for (const char *p = text; *p; ) {
		size_t n = strcspn(p, "\n");

		lineno++;
		if (n >= sizeof(line)) {
			koff_free(k);
			return snprintf(err, len, "line %d: longer than %zu bytes", lineno,
					sizeof(line) - 1), -EINVAL;
		}
		memcpy(line, p, n);
		line[n] = 0;
		if (memchr(line, 0, n) || parse_line(k, line)) {
			koff_free(k);
			return snprintf(err, len, "line %d: not understood: '%.60s'", lineno, line),
			       -EINVAL;
		}
		p += n + (p[n] == '\n');
	}
	if (!k->ptr_size) {
		koff_free(k);
		return snprintf(err, len, "no 'pointer' line"), -EINVAL;
	}
	return 0;
}

int koff_from_file(struct koffsets *k, const char *path, char *err, size_t len)
{
	char *text = NULL;
	size_t n = 0;
	int r = file_read_bounded(path, KOFF_FILE_MAX, &text, &n);

	memset(k, 0, sizeof(*k));
	if (r)
		return snprintf(err, len, "%s: %s", path, strerror(-r)), r;
	if (memchr(text, 0, n)) {
		free(text);
		return snprintf(err, len, "%s: a NUL byte: not an offsets file", path), -EINVAL;
	}
	r = koff_parse(k, text, err, len);
	free(text);
	if (!r)
		snprintf(k->source, sizeof(k->source), "offsets file %s", path);
	return r;
}

int koff_field(const struct koffsets *k, const char *path, struct koff_field *out,
	       char *err, size_t len)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s", path);
	if (k->have_btf) {
		int r = btf_member(&k->btf, path, &out->f, err, len);

		if (!r)
			btf_type_name(&k->btf, out->f.type_id, out->type, sizeof(out->type));
		return r;
	}
	for (int i = 0; i < k->nfields; i++)
		if (!strcmp(k->fields[i].path, path)) {
			*out = k->fields[i];
			return 0;
		}
	return snprintf(err, len, "%s: not in the %s", path, k->source), -ENOENT;
}

int koff_tp_args(const struct koffsets *k, const char *tp, char args[][48], int max)
{
	if (k->have_btf) {
		uint32_t ids[8];
		int n = btf_tracepoint_args(&k->btf, tp, ids, 8);

		for (int i = 0; i < n && i < max; i++)
			btf_type_name(&k->btf, ids[i], args[i], 48);
		return n;
	}
	for (int i = 0; i < k->ntps; i++)
		if (!strcmp(k->tps[i].name, tp)) {
			for (int a = 0; a < k->tps[i].nargs && a < max; a++)
				memcpy(args[a], k->tps[i].args[a], 48);
			return k->tps[i].nargs;
		}
	return -ENOENT;
}

int koff_write(const struct koffsets *k, const char *const *paths, const char *const *tps,
	       FILE *out)
{
	char err[160], args[4][48];

	fprintf(out, "%s\n", KOFF_MAGIC);
	if (k->release[0])
		fprintf(out, "kernel %s\n", k->release);
	fprintf(out, "# from %s\npointer %u\n", k->source, k->ptr_size);
	for (const char *const *p = paths; *p; p++) {
		struct koff_field f;

		/* What this kernel lacks is left out: readers say so. */
		if (koff_field(k, *p, &f, err, sizeof(err)) || f.f.bits)
			continue;
		fprintf(out, "field %s %u %u %s\n", f.path, f.f.offset, f.f.size, f.type);
	}
	for (const char *const *t = tps; *t; t++) {
		int n = koff_tp_args(k, *t, args, 4);

		if (n <= 0 || n > 4)
			continue;
		fprintf(out, "tp %s", *t);
		for (int i = 0; i < n; i++)
			fprintf(out, "%s %s", i ? "," : "", args[i]);
		fputc('\n', out);
	}
	return ferror(out) ? -EIO : 0;
}
