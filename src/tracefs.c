#include "tracefs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define MOUNTINFO_MAX (8u << 20) /* thousands of container mounts fit */
#define EVAL_DEPTH_MAX 64        /* nesting bound for the expression parser */

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

static const char *trim_end(const char *start, const char *end)
{
	while (end > start && is_space(end[-1]))
		end--;
	return end;
}

/* Copy s[0..n) as a C string; -ENAMETOOLONG rather than a silent cut. */
static int copy_str(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Read a whole file into a NUL-terminated malloc'd buffer. Files in
 * tracefs and procfs report st_size 0, so read until EOF, but never past
 * max bytes: -EFBIG beyond that. */
static int read_bounded(const char *path, size_t max, char **out, size_t *outlen)
{
	size_t cap = max < 4096 ? max + 1 : 4096, len = 0;
	char *buf = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			/* One byte over max tells "too big" from "exactly max". */
			if (cap > max) {
				err = -EFBIG;
				goto out_free;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				goto out_free;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	close(fd);
	return 0;

out_free:
	free(buf);
out_close:
	close(fd);
	return err;
}

/* ---- mountinfo ---------------------------------------------------- */

/* Split off the next space-separated mountinfo field of [*p, end). */
static int next_word(const char **p, const char *end, const char **w, size_t *wl)
{
	const char *s = *p, *e;

	if (s >= end)
		return 0;
	e = memchr(s, ' ', (size_t)(end - s));
	if (!e)
		e = end;
	*w = s;
	*wl = (size_t)(e - s);
	*p = e < end ? e + 1 : end;
	return 1;
}

/* Undo the kernel's \ooo escaping of space, tab, newline and backslash.
 * A decoded NUL cannot be a path: -EINVAL. */
static int unescape_path(const char *s, size_t n, char *out, size_t size)
{
	size_t i = 0, o = 0;

	if (size == 0)
		return -ENAMETOOLONG;
	while (i < n) {
		char c = s[i];

		if (c == '\\' && n - i >= 4 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' &&
		    s[i + 3] <= '7') {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
				   (s[i + 3] - '0'));
			if (c == '\0')
				return -EINVAL;
			i += 4;
		} else {
			i++;
		}
		if (o + 1 >= size)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

enum { MI_NONE, MI_DEBUGFS, MI_TRACEFS };

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SRC SUPEROPTS".
 * Returns which usable kind it is and the tracing dir in out. */
static int mountinfo_line(const char *p, const char *end, char *out, size_t len)
{
	const char *w, *root = NULL, *mp = NULL;
	size_t wl, rootl = 0, mpl = 0;
	int i, kind, n;

	for (i = 0; i < 5; i++) {
		if (!next_word(&p, end, &w, &wl))
			return MI_NONE;
		if (i == 3) {
			root = w;
			rootl = wl;
		} else if (i == 4) {
			mp = w;
			mpl = wl;
		}
	}
	/* Optional tags end at a lone "-"; the filesystem type follows. */
	do {
		if (!next_word(&p, end, &w, &wl))
			return MI_NONE;
	} while (!(wl == 1 && w[0] == '-'));
	if (!next_word(&p, end, &w, &wl))
		return MI_NONE;

	if (wl == 7 && !memcmp(w, "tracefs", 7))
		kind = MI_TRACEFS;
	else if (wl == 7 && !memcmp(w, "debugfs", 7))
		kind = MI_DEBUGFS;
	else
		return MI_NONE;
	/* A bind mount of a subdirectory is not the tracing root. */
	if (rootl != 1 || root[0] != '/')
		return MI_NONE;
	if (unescape_path(mp, mpl, out, len))
		return MI_NONE;
	if (kind == MI_DEBUGFS) {
		size_t l = strlen(out);

		/* "/" + "/tracing" must not become "//tracing". */
		n = snprintf(out + l, len - l, "%s",
			     l && out[l - 1] == '/' ? "tracing" : "/tracing");
		if (n < 0 || (size_t)n >= len - l)
			return MI_NONE;
	}
	return kind;
}

int tracefs_from_mountinfo(const char *text, char *out, size_t len)
{
	const char *p, *end;
	int best = MI_NONE;
	char *tmp;

	if (!text || !out || len == 0)
		return -EINVAL;
	tmp = malloc(len);
	if (!tmp)
		return -ENOMEM;
	end = text + strlen(text);
	for (p = text; p < end && best != MI_TRACEFS;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		int kind;

		if (!eol)
			eol = end;
		kind = mountinfo_line(p, eol, tmp, len);
		if (kind > best) {
			best = kind;
			memcpy(out, tmp, strlen(tmp) + 1);
		}
		p = eol < end ? eol + 1 : end;
	}
	free(tmp);
	return best == MI_NONE ? -ENOENT : 0;
}

/* A tracing directory is usable when it has the events tree. */
/* 0 when dir/events exists and we may look in it, else -errno: ENOENT
 * for no tracefs there, EACCES for one we may not read (root-only 0700).
 * tracefs_find leaves the path of a closed one in path for messages. */
static int events_access(const char *dir)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s/events", dir);

	if (n <= 0 || (size_t)n >= sizeof(p))
		return -ENAMETOOLONG;
	if (access(p, F_OK) == 0)
		return 0;
	/* The mount point's own mode hides events/ from the unprivileged. */
	return errno == EACCES || errno == EPERM ? -EACCES : -ENOENT;
}

static int set_path(char *path, size_t len, const char *src)
{
	return copy_str(path, len, src, strlen(src));
}

int tracefs_find(char *path, size_t len, int *mounted_by_us)
{
	static const char *const known[] = { "/sys/kernel/tracing",
					     "/sys/kernel/debug/tracing" };
	char *mi = NULL;
	size_t mil;
	int err, denied = 0;

	if (!path || len == 0 || !mounted_by_us)
		return -EINVAL;
	*mounted_by_us = 0;
	if (read_bounded("/proc/self/mountinfo", MOUNTINFO_MAX, &mi, &mil) == 0) {
		err = tracefs_from_mountinfo(mi, path, len);
		free(mi);
		if (err == 0) {
			err = events_access(path);
			if (err != -ENOENT)
				return err;
		}
	}
	/* No /proc, or an odd mount table: the well-known places may still
	 * work (debug/tracing is an automount on kernels >= 4.1). */
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		err = events_access(known[i]);
		if (!err)
			return set_path(path, len, known[i]);
		if (err == -EACCES && !denied++)
			set_path(path, len, known[i]);
	}
	/* Mounted but closed to us: mounting again would not help. */
	if (denied)
		return -EACCES;
	if (mount("nodev", known[0], "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return -errno;
	*mounted_by_us = 1;
	return set_path(path, len, known[0]);
}

/* ---- format files ------------------------------------------------- */

/* Parse a decimal number of [s, end), up to limit. */
static int parse_udec(const char *s, const char *end, unsigned long long limit,
		      unsigned long long *val)
{
	unsigned long long v = 0;

	s = skip_space(s, end);
	end = trim_end(s, end);
	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (limit - (unsigned)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*val = v;
	return 0;
}

/* Older kernels do not print "signed:"; guess from the C type so that
 * consumers sign-extend pids and priorities. */
static int guess_signed(const char *type)
{
	static const char *const sgn[] = {
		"int", "long", "long int", "long long", "short", "signed char",
		"s8", "s16", "s32", "s64", "__s8", "__s16", "__s32", "__s64",
		"int8_t", "int16_t", "int32_t", "int64_t", "pid_t", "ssize_t",
		"loff_t", "off_t", "time_t", "signed", "signed int", "long long int",
	};

	if (!strncmp(type, "const ", 6))
		type += 6;
	for (size_t i = 0; i < sizeof(sgn) / sizeof(sgn[0]); i++)
		if (!strcmp(type, sgn[i]))
			return 1;
	return 0;
}

/* "[N]" at the end of type: is_array, and N when it is a plain number
 * (kernels print "[16]"; a symbolic size is left at 0: trust size:). */
static void parse_array_suffix(const char *t, size_t n, struct tp_field *f)
{
	const char *lb, *end = t + n;
	unsigned long long v;

	if (n == 0 || t[n - 1] != ']')
		return;
	for (lb = end - 1; lb > t && *lb != '['; lb--)
		;
	if (*lb != '[')
		return;
	f->is_array = 1;
	if (parse_udec(lb + 1, end - 1, UINT_MAX, &v) == 0)
		f->array_len = (unsigned)v;
}

/* Parse the declaration part of a field line, e.g. "char prev_comm[16]",
 * "__data_loc char[] filename", "const char * fmt". */
static int parse_decl(const char *s, const char *e, struct tp_field *f)
{
	const char *name_end, *name, *br, *tend;
	char type[256];
	size_t tl, bl;
	int err;

	s = skip_space(s, e);
	e = trim_end(s, e);
	if (s == e)
		return -EINVAL;
	/* br..e is the array part, empty without [N]. Taken after the trim:
	 * "int x ;" once wrapped e - br round to ~2^64 (found by fuzzing). */
	br = e;
	name_end = e;
	if (e[-1] == ']') {
		for (br = e - 1; br > s && *br != '['; br--)
			;
		if (*br != '[')
			return -EINVAL;
		name_end = trim_end(s, br);
	}
	for (name = name_end; name > s && is_ident(name[-1]); name--)
		;
	if (name == name_end)
		return -EINVAL;
	err = copy_str(f->name, sizeof(f->name), name, (size_t)(name_end - name));
	if (err)
		return err;
	tend = trim_end(s, name);
	if (tend == s)
		return -EINVAL; /* no type at all */
	tl = (size_t)(tend - s);
	bl = (size_t)(e - br);
	/* Compose "type" + "[N]" with the array part moved from the name. */
	if (tl >= sizeof(type) - 1)
		tl = sizeof(type) - 1;
	if (bl > sizeof(type) - 1 - tl)
		bl = sizeof(type) - 1 - tl;
	memcpy(type, s, tl);
	memcpy(type + tl, br, bl);
	type[tl + bl] = '\0';
	parse_array_suffix(type, tl + bl, f);
	f->is_data_loc = !strncmp(type, "__data_loc", 10) ||
			 !strncmp(type, "__rel_loc", 9);
	f->is_common = !strncmp(f->name, "common_", 7);
	/* The type is informative only: cut rather than reject. */
	tl = strlen(type);
	if (tl >= sizeof(f->type))
		tl = sizeof(f->type) - 1;
	memcpy(f->type, type, tl);
	f->type[tl] = '\0';
	return 0;
}

/* "offset:8;\tsize:16;\tsigned:0;" -- unknown keys are ignored so that a
 * future attribute does not break old binaries. */
static int parse_attrs(const char *p, const char *end, struct tp_field *f)
{
	int have_off = 0, have_size = 0, have_signed = 0;

	for (;;) {
		const char *colon, *semi;
		unsigned long long v;
		int err, *have;
		size_t kl;

		p = skip_space(p, end);
		if (p == end)
			break;
		semi = memchr(p, ';', (size_t)(end - p));
		if (!semi)
			return -EINVAL; /* truncated line */
		colon = memchr(p, ':', (size_t)(semi - p));
		if (!colon) {
			p = semi + 1;
			continue;
		}
		kl = (size_t)(colon - p);
		if (kl == 6 && !memcmp(p, "offset", 6))
			have = &have_off;
		else if (kl == 4 && !memcmp(p, "size", 4))
			have = &have_size;
		else if (kl == 6 && !memcmp(p, "signed", 6))
			have = &have_signed;
		else
			have = NULL;
		if (have) {
			err = parse_udec(colon + 1, semi, TRACEFS_MAX_RECORD, &v);
			if (err)
				return err;
			*have = 1;
			if (have == &have_off)
				f->offset = (unsigned)v;
			else if (have == &have_size)
				f->size = (unsigned)v;
			else
				f->is_signed = v != 0;
		}
		p = semi + 1;
	}
	if (!have_off || !have_size)
		return -EINVAL;
	if (f->offset + f->size > TRACEFS_MAX_RECORD)
		return -ERANGE;
	if (!have_signed)
		f->is_signed = guess_signed(f->type);
	return 0;
}

static int add_field(struct tp_format *fmt, const struct tp_field *f, int *cap)
{
	if (fmt->nfields == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		struct tp_field *nf;

		if (fmt->nfields >= TRACEFS_MAX_FIELDS)
			return -E2BIG;
		if (ncap > TRACEFS_MAX_FIELDS)
			ncap = TRACEFS_MAX_FIELDS;
		nf = realloc(fmt->fields, (size_t)ncap * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		fmt->fields = nf;
		*cap = ncap;
	}
	fmt->fields[fmt->nfields++] = *f;
	if (f->offset + f->size > fmt->size)
		fmt->size = f->offset + f->size;
	return 0;
}

/* "field:TYPE NAME;\toffset:N;\tsize:N;\tsigned:N;" where p points past
 * the "field...:" tag. */
static int parse_field_line(const char *p, const char *end, struct tp_format *fmt,
			    int *cap)
{
	const char *semi = memchr(p, ';', (size_t)(end - p));
	struct tp_field f;
	int err;

	if (!semi)
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	err = parse_decl(p, semi, &f);
	if (err)
		return err;
	err = parse_attrs(semi + 1, end, &f);
	if (err)
		return err;
	return add_field(fmt, &f, cap);
}

static int starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

static int parse_line(const char *p, const char *end, struct tp_format *fmt, int *cap)
{
	unsigned long long v;
	int err;

	p = skip_space(p, end);
	if (starts(p, end, "field") && p + 5 < end &&
	    (p[5] == ':' || is_space(p[5]))) {
		/* "field:" and the old "field special:" both end the tag at ':'. */
		const char *c = p + 5;

		while (c < end && (is_space(*c) || is_ident(*c)))
			c++;
		if (c >= end || *c != ':')
			return -EINVAL;
		return parse_field_line(c + 1, end, fmt, cap);
	}
	if (starts(p, end, "name:")) {
		p = skip_space(p + 5, end);
		return copy_str(fmt->event, sizeof(fmt->event), p,
				(size_t)(trim_end(p, end) - p));
	}
	if (starts(p, end, "ID:")) {
		err = parse_udec(p + 3, end, INT_MAX, &v);
		if (err)
			return err;
		fmt->id = (int)v;
		return 0;
	}
	if (starts(p, end, "print fmt:")) {
		char *s;

		p = skip_space(p + 10, end);
		end = trim_end(p, end);
		s = strndup(p, (size_t)(end - p));
		if (!s)
			return -ENOMEM;
		free(fmt->print_fmt);
		fmt->print_fmt = s;
	}
	return 0; /* "format:", blank and unknown lines */
}

static void format_init(struct tp_format *fmt)
{
	memset(fmt, 0, sizeof(*fmt));
	fmt->id = -1;
}

int tracefs_format_parse(const char *text, struct tp_format *fmt)
{
	const char *p, *end;
	int cap = 0, err = 0;

	if (!fmt)
		return -EINVAL;
	format_init(fmt);
	if (!text)
		return -EINVAL;
	end = text + strlen(text);
	for (p = text; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (!eol)
			eol = end;
		err = parse_line(p, eol, fmt, &cap);
		if (err)
			goto fail;
		p = eol < end ? eol + 1 : end;
	}
	if (fmt->nfields == 0) {
		err = -EINVAL;
		goto fail;
	}
	return 0;
fail:
	tracefs_format_free(fmt);
	return err;
}

/* Names become path components: keep them inside events/. */
static int bad_component(const char *s)
{
	return !s || !*s || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, "..");
}

int tracefs_format_load(const char *tracefs, const char *system,
			const char *event, struct tp_format *fmt)
{
	char path[PATH_MAX], *text = NULL;
	size_t len;
	int n, err;

	if (!fmt)
		return -EINVAL;
	format_init(fmt);
	if (!tracefs || bad_component(system) || bad_component(event))
		return -EINVAL;
	if (strlen(system) >= sizeof(fmt->system) || strlen(event) >= sizeof(fmt->event))
		return -ENAMETOOLONG;
	n = snprintf(path, sizeof(path), "%s/events/%s/%s/format", tracefs, system, event);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	err = read_bounded(path, TRACEFS_FORMAT_MAX, &text, &len);
	if (err)
		return err;
	/* An embedded NUL would silently hide the rest of the file. */
	if (strlen(text) != len) {
		free(text);
		return -EINVAL;
	}
	err = tracefs_format_parse(text, fmt);
	free(text);
	if (err)
		return err;
	strcpy(fmt->system, system);
	strcpy(fmt->event, event);
	return 0;
}

void tracefs_format_free(struct tp_format *fmt)
{
	if (!fmt)
		return;
	free(fmt->fields);
	free(fmt->print_fmt);
	fmt->fields = NULL;
	fmt->print_fmt = NULL;
	fmt->nfields = 0;
	fmt->size = 0;
}

const struct tp_field *tracefs_field(const struct tp_format *fmt, const char *name)
{
	if (!fmt || !name)
		return NULL;
	for (int i = 0; i < fmt->nfields; i++)
		if (!strcmp(fmt->fields[i].name, name))
			return &fmt->fields[i];
	return NULL;
}

int tracefs_field_offset(const struct tp_format *fmt, const char *name)
{
	const struct tp_field *f = tracefs_field(fmt, name);

	return f ? (int)f->offset : -ENOENT;
}

/* ---- constant expressions ----------------------------------------- */

/* Recursive descent over C precedence, unsigned 64-bit arithmetic (wraps
 * like the kernel's unsigned long on 64-bit). Errors stick in e->err. */
struct cexpr {
	const char *p, *end;
	int depth;
	int err;
};

static unsigned long long ce_or(struct cexpr *e);

static void ce_space(struct cexpr *e)
{
	e->p = skip_space(e->p, e->end);
}

static int ce_peek(struct cexpr *e, char c)
{
	ce_space(e);
	return e->p < e->end && *e->p == c;
}

/* Single-char operator c, but not when it is the first of "cc" or "c=". */
static int ce_op1(struct cexpr *e, char c)
{
	if (!ce_peek(e, c))
		return 0;
	if (e->p + 1 < e->end && (e->p[1] == c || e->p[1] == '='))
		return 0;
	e->p++;
	return 1;
}

static int ce_op2(struct cexpr *e, char c)
{
	if (!ce_peek(e, c) || e->p + 1 >= e->end || e->p[1] != c)
		return 0;
	e->p += 2;
	return 1;
}

static int digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

static unsigned long long ce_number(struct cexpr *e)
{
	unsigned long long v = 0;
	unsigned base = 10;
	int nd = 0;

	if (*e->p == '0') {
		base = 8;
		if (e->p + 1 < e->end && (e->p[1] == 'x' || e->p[1] == 'X')) {
			base = 16;
			e->p += 2;
		}
	}
	for (; e->p < e->end; e->p++, nd++) {
		unsigned d = (unsigned)digit_val(*e->p);

		if (d >= base)
			break;
		if (v > (ULLONG_MAX - d) / base) {
			e->err = -EINVAL;
			return 0;
		}
		v = v * base + d;
	}
	if (base == 16 && nd == 0)
		e->err = -EINVAL;
	/* Integer suffixes: u, l, ul, ull, in either case. */
	while (e->p < e->end && (*e->p == 'u' || *e->p == 'U' || *e->p == 'l' ||
				 *e->p == 'L'))
		e->p++;
	if (e->p < e->end && is_ident(*e->p))
		e->err = -EINVAL;
	return v;
}

/* "(unsigned long)" and friends: only words and '*' before ')'. */
static int ce_is_cast(const struct cexpr *e)
{
	const char *p = skip_space(e->p + 1, e->end);

	if (p >= e->end || !is_ident(*p) || (*p >= '0' && *p <= '9'))
		return 0;
	for (; p < e->end; p++) {
		if (*p == ')')
			return 1;
		if (!is_ident(*p) && *p != '*' && !is_space(*p))
			return 0;
	}
	return 0;
}

static unsigned long long ce_unary(struct cexpr *e)
{
	unsigned long long v = 0;

	if (e->err)
		return 0;
	if (++e->depth > EVAL_DEPTH_MAX) {
		e->err = -EINVAL;
		return 0;
	}
	ce_space(e);
	if (e->p >= e->end) {
		e->err = -EINVAL;
	} else if (*e->p == '(' && ce_is_cast(e)) {
		e->p = memchr(e->p, ')', (size_t)(e->end - e->p)) + 1;
		v = ce_unary(e);
	} else if (*e->p == '(') {
		e->p++;
		v = ce_or(e);
		if (!ce_peek(e, ')'))
			e->err = -EINVAL;
		else
			e->p++;
	} else if (*e->p == '~') {
		e->p++;
		v = ~ce_unary(e);
	} else if (*e->p == '!') {
		e->p++;
		v = !ce_unary(e);
	} else if (*e->p == '-') {
		e->p++;
		v = -ce_unary(e);
	} else if (*e->p == '+') {
		e->p++;
		v = ce_unary(e);
	} else if (*e->p >= '0' && *e->p <= '9') {
		v = ce_number(e);
	} else {
		e->err = -EINVAL; /* identifiers: an unexpanded name, unknowable */
	}
	e->depth--;
	return e->err ? 0 : v;
}

static unsigned long long ce_mul(struct cexpr *e)
{
	unsigned long long v = ce_unary(e);

	while (!e->err) {
		unsigned long long r;
		char op;

		if (ce_op1(e, '*'))
			op = '*';
		else if (ce_op1(e, '/'))
			op = '/';
		else if (ce_op1(e, '%'))
			op = '%';
		else
			break;
		r = ce_unary(e);
		if (op == '*') {
			v *= r;
		} else if (r == 0) {
			e->err = -EINVAL;
		} else {
			v = op == '/' ? v / r : v % r;
		}
	}
	return v;
}

static unsigned long long ce_add(struct cexpr *e)
{
	unsigned long long v = ce_mul(e);

	while (!e->err) {
		if (ce_op1(e, '+'))
			v += ce_mul(e);
		else if (ce_op1(e, '-'))
			v -= ce_mul(e);
		else
			break;
	}
	return v;
}

static unsigned long long ce_shift(struct cexpr *e)
{
	unsigned long long v = ce_add(e);

	while (!e->err) {
		int left;
		unsigned long long r;

		if (ce_op2(e, '<'))
			left = 1;
		else if (ce_op2(e, '>'))
			left = 0;
		else
			break;
		r = ce_add(e);
		if (r >= 64) {
			e->err = -EINVAL;
			break;
		}
		v = left ? v << r : v >> r;
	}
	return v;
}

static unsigned long long ce_and(struct cexpr *e)
{
	unsigned long long v = ce_shift(e);

	while (!e->err && ce_op1(e, '&'))
		v &= ce_shift(e);
	return v;
}

static unsigned long long ce_xor(struct cexpr *e)
{
	unsigned long long v = ce_and(e);

	while (!e->err && ce_op1(e, '^'))
		v ^= ce_and(e);
	return v;
}

static unsigned long long ce_or(struct cexpr *e)
{
	unsigned long long v = ce_xor(e);

	while (!e->err && ce_op1(e, '|'))
		v |= ce_xor(e);
	return v;
}

int tracefs_eval_const(const char *s, size_t len, unsigned long long *val)
{
	struct cexpr e = { .p = s, .end = s + len };
	unsigned long long v;

	if (!s || !val)
		return -EINVAL;
	v = ce_or(&e);
	ce_space(&e);
	if (e.err || e.p != e.end)
		return -EINVAL;
	*val = v;
	return 0;
}

/* ---- print fmt scanning ------------------------------------------- */

/* p at an opening quote: return the char after the closing one, or NULL. */
static const char *skip_quoted(const char *p, const char *end)
{
	char q = *p++;

	while (p < end && *p != q) {
		if (*p == '\\' && p + 1 < end)
			p++;
		p++;
	}
	return p < end ? p + 1 : NULL;
}

/* End of the argument starting at p: the first ',' or closing bracket at
 * nesting depth 0 (or end). NULL when brackets or quotes do not balance. */
static const char *arg_end(const char *p, const char *end)
{
	int depth = 0;

	while (p < end) {
		char c = *p;

		if (c == '"' || c == '\'') {
			p = skip_quoted(p, end);
			if (!p)
				return NULL;
			continue;
		}
		if (c == '(' || c == '[' || c == '{') {
			depth++;
		} else if (c == ')' || c == ']' || c == '}') {
			if (depth == 0)
				return p;
			depth--;
		} else if (c == ',' && depth == 0) {
			return p;
		}
		p++;
	}
	return depth == 0 ? p : NULL;
}

/* First c at depth 0 in [p, end), outside quotes; NULL if none. */
static const char *find_top(const char *p, const char *end, char c)
{
	int depth = 0;

	while (p && p < end) {
		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p, end);
			continue;
		}
		if (*p == c && depth == 0)
			return p;
		if (*p == '(' || *p == '[' || *p == '{')
			depth++;
		else if ((*p == ')' || *p == ']' || *p == '}') && depth > 0)
			depth--;
		p++;
	}
	return NULL;
}

/* Does [p, end) start with REC-><field> as a whole word? */
static int is_field_ref(const char *p, const char *end, const char *field)
{
	size_t fl = strlen(field);

	if (!starts(p, end, "REC->") || (size_t)(end - p - 5) < fl ||
	    memcmp(p + 5, field, fl))
		return 0;
	return p + 5 + fl == end || !is_ident(p[5 + fl]);
}

static int mentions_field(const char *p, const char *end, const char *field)
{
	for (const char *s = p; s < end; s++)
		if (is_field_ref(s, end, field) && (s == p || !is_ident(s[-1])))
			return 1;
	return 0;
}

/* Parse string literal at p into out (no escapes in flag names). */
static int parse_name(const char **pp, const char *end, char *out, size_t size)
{
	const char *p = skip_space(*pp, end), *q;

	if (p >= end || *p != '"')
		return -EINVAL;
	q = skip_quoted(p, end);
	if (!q || memchr(p + 1, '\\', (size_t)(q - 1 - (p + 1))))
		return -EINVAL;
	*pp = q;
	return copy_str(out, size, p + 1, (size_t)(q - 1 - (p + 1)));
}

/* The { value, "name" } list after __print_flags(field, "delim", */
static int parse_flag_list(const char *p, const char *end, struct tp_flag *flags,
			   int max)
{
	char delim[16];
	int n = 0, err;

	err = parse_name(&p, end, delim, sizeof(delim));
	if (err)
		return err == -ENAMETOOLONG ? -EINVAL : err;
	for (;;) {
		const char *ve;

		p = skip_space(p, end);
		if (p < end && *p == ')')
			return n;
		if (p >= end || *p != ',')
			return -EINVAL;
		p = skip_space(p + 1, end);
		if (p >= end || *p != '{')
			return -EINVAL;
		ve = arg_end(p + 1, end);
		if (!ve || ve >= end || *ve != ',')
			return -EINVAL;
		if (n >= max)
			return -ENOSPC;
		err = tracefs_eval_const(p + 1, (size_t)(ve - (p + 1)), &flags[n].value);
		if (err)
			return err;
		p = ve + 1;
		err = parse_name(&p, end, flags[n].name, sizeof(flags[n].name));
		if (err)
			return err;
		p = skip_space(p, end);
		if (p >= end || *p != '}')
			return -EINVAL;
		p++;
		n++;
	}
}

/* Find "__print_flags(" whose first argument mentions REC-><field>;
 * return the position after the first argument's comma. */
static const char *find_print_flags(const char *start, const char *end,
				    const char *field)
{
	static const char kw[] = "__print_flags";
	const size_t kl = sizeof(kw) - 1;
	const char *p = start;

	while (p && p < end) {
		const char *a, *ae;

		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p, end);
			continue;
		}
		if (!starts(p, end, kw) || (p > start && is_ident(p[-1]))) {
			p++;
			continue;
		}
		p += kl;
		/* 64-bit flag words use __print_flags_u64() (6.x). */
		if (starts(p, end, "_u64"))
			p += 4;
		a = skip_space(p, end);
		if (a >= end || *a != '(')
			continue;
		ae = arg_end(a + 1, end);
		if (ae && ae < end && *ae == ',' && mentions_field(a + 1, ae, field))
			return ae + 1;
	}
	return NULL;
}

/* An argument of the form "COND ? "+" : """ where COND is
 * "REC-><field> & EXPR", possibly parenthesised: EXPR is the marker bit. */
static int plus_marker(const char *a, const char *ae, const char *field,
		       unsigned long long *val)
{
	const char *q = find_top(a, ae, '?'), *c, *ce, *r;

	if (!q)
		return 0;
	r = skip_space(q + 1, ae);
	if (!starts(r, ae, "\"+\""))
		return 0;
	c = skip_space(a, q);
	ce = trim_end(c, q);
	/* Strip parentheses that wrap the whole condition. */
	while (c < ce && *c == '(' && ce[-1] == ')' && arg_end(c + 1, ce) == ce - 1) {
		c = skip_space(c + 1, ce);
		ce = trim_end(c, ce - 1);
	}
	if (!is_field_ref(c, ce, field))
		return 0;
	c = skip_space(c + 5 + strlen(field), ce);
	if (c >= ce || *c != '&' || (c + 1 < ce && c[1] == '&'))
		return -EINVAL;
	return tracefs_eval_const(c + 1, (size_t)(ce - c - 1), val) ? -EINVAL : 1;
}

static int find_report_max(const char *fmt, const char *end, const char *field,
			   unsigned long long *report_max)
{
	const char *p = skip_space(fmt, end);

	*report_max = 0;
	/* The printf format string comes first; the arguments follow. */
	if (p < end && *p == '"') {
		p = skip_quoted(p, end);
		if (!p)
			return -EINVAL;
	}
	while (p < end) {
		const char *ae;
		int r;

		p = skip_space(p, end);
		if (p >= end || *p != ',')
			break;
		ae = arg_end(p + 1, end);
		if (!ae)
			return -EINVAL;
		r = plus_marker(p + 1, ae, field, report_max);
		if (r)
			return r < 0 ? r : 0;
		p = ae;
	}
	return 0;
}

int tracefs_print_flags(const char *print_fmt, const char *field,
			struct tp_flag *flags, int max,
			unsigned long long *report_max)
{
	const char *end, *list;
	unsigned long long rm;
	int n, err;

	if (!print_fmt || !field || !*field || (!flags && max > 0) || max < 0)
		return -EINVAL;
	end = print_fmt + strlen(print_fmt);
	list = find_print_flags(print_fmt, end, field);
	if (!list)
		return -ENOENT;
	n = parse_flag_list(list, end, flags, max);
	if (n < 0)
		return n;
	err = find_report_max(print_fmt, end, field, &rm);
	if (err)
		return err;
	if (report_max)
		*report_max = rm;
	return n;
}
