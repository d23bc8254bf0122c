/* tracefs: locate the tracing filesystem and parse event format files.
 *
 * Everything read from tracefs (and /proc/self/mountinfo) is treated as
 * untrusted text: every parser here is bounded by the input length and
 * rejects numbers that do not fit instead of wrapping.
 */
#ifndef SCHEDTAP_TRACEFS_H
#define SCHEDTAP_TRACEFS_H

#include <stddef.h>

/* Limits applied to untrusted format files. */
#define TRACEFS_FORMAT_MAX  (64 * 1024) /* bytes read from one format file */
#define TRACEFS_MAX_FIELDS  512         /* fields accepted in one event */
#define TRACEFS_MAX_RECORD  (1u << 20)  /* offset and size must stay below */

struct tp_field {
	char name[64];
	char type[96];        /* declared type as written, e.g. "char[16]", "pid_t",
	                         "__data_loc char[]"; silently cut at 95 bytes */
	unsigned offset, size;
	int is_signed;        /* from "signed:"; guessed from the type if absent */
	int is_array;         /* declared with [N] or [] */
	unsigned array_len;   /* N, 0 if dynamic/unknown */
	int is_data_loc;      /* __data_loc or __rel_loc: the u32 holds (len<<16 | offset) */
	int is_common;        /* common_* header fields */
};

struct tp_format {
	char system[64], event[64];
	int id;               /* from "ID:" line, -1 if absent */
	struct tp_field *fields;
	int nfields;
	unsigned size;        /* max(offset+size) over all fields */
	char *print_fmt;      /* text after "print fmt: ", malloc'd, may be NULL */
};

/* Find tracefs: /proc/self/mountinfo (type tracefs; also debugfs +
 * "/tracing"), then /sys/kernel/tracing, /sys/kernel/debug/tracing.
 * If not mounted anywhere, mount tracefs at /sys/kernel/tracing and set
 * *mounted_by_us=1 (0 otherwise); it stays mounted, as perf leaves it.
 * Returns 0 and the path, or negative errno (message left to the caller):
 * -EACCES when tracefs is mounted but closed to us (mode 0700, not root). */
int tracefs_find(char *path, size_t len, int *mounted_by_us);

/* Pure parser: mountinfo text -> tracefs dir; 0 or -ENOENT. Handles
 * octal escapes (\040) in paths. Only mounts of the filesystem root count
 * (a bind mount of a tracefs subdirectory is not the tracing root);
 * tracefs wins over debugfs wherever it appears. */
int tracefs_from_mountinfo(const char *text, char *out, size_t len);

/* Pure parser: the text of events/<sys>/<event>/format. Fills event from
 * "name:" (system stays empty), id, fields, size and print_fmt.
 * Tolerates unknown lines and unknown field attributes, any common header
 * length, "field special:" lines and a missing "signed:". A field line
 * without its ';' terminators, offset: or size: is -EINVAL; numbers beyond
 * TRACEFS_MAX_RECORD are -ERANGE; a field name over 63 bytes is
 * -ENAMETOOLONG; no fields at all is -EINVAL. *fmt is always initialised,
 * and left empty on error. */
int tracefs_format_parse(const char *text, struct tp_format *fmt);

/* Read <tracefs>/events/<system>/<event>/format (at most
 * TRACEFS_FORMAT_MAX bytes, -EFBIG beyond) and parse; fills system/event.
 * -ENOENT when the event is absent; -EINVAL for names with '/' or "..". */
int tracefs_format_load(const char *tracefs, const char *system,
			const char *event, struct tp_format *fmt);
void tracefs_format_free(struct tp_format *fmt);

const struct tp_field *tracefs_field(const struct tp_format *fmt, const char *name);
int tracefs_field_offset(const struct tp_format *fmt, const char *name); /* offset or -ENOENT */

/* Decode the symbolic-flags table that the print fmt applies to REC-><field>
 * (sched_switch's prev_state):
 *   __print_flags(REC->prev_state & MASK, "|", { 0x00000001, "S" }, ...)
 * and the preemption marker argument "REC->prev_state & MAX ? "+" : """.
 * Values are constant C expressions as the kernel expanded them (hex,
 * decimal, (1u << 3), (((0x1 | 0x2) + 1) << 1) ...).
 * Returns the number of pairs stored in flags (in print order), with
 * *report_max set to the "+" bit (0 when the format has no "+" marker);
 * -ENOENT when no __print_flags applies to the field, -ENOSPC when more
 * than max pairs, -ENAMETOOLONG for a name over 7 bytes, -EINVAL when an
 * expression cannot be evaluated. */
struct tp_flag {
	unsigned long long value;
	char name[8];
};
int tracefs_print_flags(const char *print_fmt, const char *field,
			struct tp_flag *flags, int max,
			unsigned long long *report_max);

/* Exposed for tests: evaluate the constant integer C expression s[0..len)
 * (numbers with u/l suffixes, casts, ( ) ~ ! unary -, * / % + - << >> & ^ |).
 * 0 or -EINVAL. */
int tracefs_eval_const(const char *s, size_t len, unsigned long long *val);

#endif
