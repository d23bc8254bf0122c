/* Event format files: fields with their offsets, sizes and signedness,
 * and the print fmt, parsed as untrusted text. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/file.h"
#include "tracefs/text.h"
#include "tracefs/tracefs.h"

/* Parse a decimal number of [s, end), up to limit. */
static int parse_udec(const char *s, const char *end, unsigned long long limit,
		      unsigned long long *val)
{
	unsigned long long v = 0;

	s = tx_skip_space(s, end);
	end = tx_trim_end(s, end);
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

	s = tx_skip_space(s, e);
	e = tx_trim_end(s, e);
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
		name_end = tx_trim_end(s, br);
	}
	for (name = name_end; name > s && tx_is_ident(name[-1]); name--)
		;
	if (name == name_end)
		return -EINVAL;
	err = tx_copy_str(f->name, sizeof(f->name), name, (size_t)(name_end - name));
	if (err)
		return err;
	tend = tx_trim_end(s, name);
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

		p = tx_skip_space(p, end);
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

static int parse_line(const char *p, const char *end, struct tp_format *fmt, int *cap)
{
	unsigned long long v;
	int err;

	p = tx_skip_space(p, end);
	if (tx_starts(p, end, "field") && p + 5 < end &&
	    (p[5] == ':' || tx_is_space(p[5]))) {
		/* "field:" and the old "field special:" both end the tag at ':'. */
		const char *c = p + 5;

		while (c < end && (tx_is_space(*c) || tx_is_ident(*c)))
			c++;
		if (c >= end || *c != ':')
			return -EINVAL;
		return parse_field_line(c + 1, end, fmt, cap);
	}
	if (tx_starts(p, end, "name:")) {
		p = tx_skip_space(p + 5, end);
		return tx_copy_str(fmt->event, sizeof(fmt->event), p,
				(size_t)(tx_trim_end(p, end) - p));
	}
	if (tx_starts(p, end, "ID:")) {
		err = parse_udec(p + 3, end, INT_MAX, &v);
		if (err)
			return err;
		fmt->id = (int)v;
		return 0;
	}
	if (tx_starts(p, end, "print fmt:")) {
		char *s;

		p = tx_skip_space(p + 10, end);
		end = tx_trim_end(p, end);
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
	err = file_read_bounded(path, TRACEFS_FORMAT_MAX, &text, &len);
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
