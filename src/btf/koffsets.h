/* Where kernel struct fields are, on the running kernel: from its BTF
 * (/sys/kernel/btf/vmlinux), or from an offsets file that `schedtap btf
 * offsets` made on a build host from the target's vmlinux (boards without
 * BTF). Programs that read kernel structs ask here, never a header. */
#ifndef SCHEDTAP_KOFFSETS_H
#define SCHEDTAP_KOFFSETS_H

#include <stdio.h>
#include "btf/btf.h"

#define KOFF_MAX_FIELDS 256
#define KOFF_MAX_TPS 32
#define KOFF_PATH_MAX 96
#define KOFF_FILE_MAX (256u << 10)

struct koff_field {
	char path[KOFF_PATH_MAX];	/* "cfs_rq.avg.util_avg" */
	struct btf_field f;		/* type_id 0 when from a file */
	char type[48];			/* "struct util_est", "unsigned int", ... */
};

/* A bare tracepoint's arguments as type names ("struct cfs_rq *"). */
struct koff_tp {
	char name[48];
	int nargs;
	char args[4][48];
};

struct koffsets {
	struct btf btf;
	int have_btf;
	struct koff_field *fields;	/* from a file */
	int nfields;
	struct koff_tp tps[KOFF_MAX_TPS];
	int ntps;
	char source[160];		/* "BTF /sys/kernel/btf/vmlinux", "offsets file F" */
	char release[65];		/* the kernel a file was made for */
	uint32_t ptr_size;
};

/* From BTF (path NULL: /sys/kernel/btf/vmlinux, or the file at path: a
 * vmlinux or raw BTF). 0 or negative errno, the reason in err. */
int koff_from_btf(struct koffsets *k, const char *path, char *err, size_t len);
/* From an offsets file. 0 or negative errno, the reason (with the line)
 * in err. */
int koff_from_file(struct koffsets *k, const char *path, char *err, size_t len);
/* Parse an offsets file's text (exposed for the tests and the fuzzer). */
int koff_parse(struct koffsets *k, const char *text, char *err, size_t len);
void koff_free(struct koffsets *k);

/* Where path is: 0, or -ENOENT (this kernel has no such member: a config
 * or a version without it) with the reason in err. */
int koff_field(const struct koffsets *k, const char *path, struct koff_field *out,
	       char *err, size_t len);
/* A bare tracepoint's argument types ("struct rq *"): the count, or
 * negative errno (-ENOENT: no such tracepoint in the BTF or file). */
int koff_tp_args(const struct koffsets *k, const char *tp, char args[][48], int max);

/* The offsets file for these paths and tracepoints, from k (BTF). */
int koff_write(const struct koffsets *k, const char *const *paths, const char *const *tps,
	       FILE *out);
#endif
