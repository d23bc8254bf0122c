/* /proc/self/mountinfo, parsed for the readers that look for one kind of
 * mount (tracefs, the CPU controller's cgroup hierarchy). The text is
 * untrusted: fields are bounded by the line, paths unescaped with care. */
#ifndef SCHEDTAP_CORE_MOUNTINFO_H
#define SCHEDTAP_CORE_MOUNTINFO_H

#include <stddef.h>

#define MOUNTINFO_MAX (8u << 20) /* thousands of container mounts fit */

/* One line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SRC
 * SUPEROPTS". Each field points into the text (not NUL-terminated); the
 * mount point still has the kernel's \ooo escapes. */
struct mount_entry {
	const char *root, *point, *fstype, *superopts;
	size_t root_len, point_len, fstype_len, superopts_len;
};

/* fn for each well-formed line, in order, until it returns nonzero (that
 * value is returned); 0 after the last line. */
int mountinfo_each(const char *text, int (*fn)(void *ctx, const struct mount_entry *m),
		   void *ctx);
/* Undo \ooo escaping of space, tab, newline and backslash into out.
 * -EINVAL for a decoded NUL, -ENAMETOOLONG when out is too small. */
int mountinfo_unescape(const char *s, size_t n, char *out, size_t size);
/* 1 when the comma-separated list s (n bytes) holds word exactly. */
int mountinfo_has_opt(const char *s, size_t n, const char *word);
#endif
