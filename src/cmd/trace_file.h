/* schedtap trace --binary: the records as the kernel wrote them, after a
 * header holding what decoding them needs later, on another machine
 * (prev_state's flags come from the traced kernel's own format). Written
 * at memory speed; `schedtap trace --read FILE` prints them. */
#ifndef SCHEDTAP_CMD_TRACE_FILE_H
#define SCHEDTAP_CMD_TRACE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "tracefs/sched_state.h"

#define TRACE_FILE_MAGIC "STTRACE\n"
/* 2: the traced kernel's utsname after the flags (1 is read too). */
#define TRACE_FILE_VERSION 2
#define TRACE_FILE_UTS 65		/* each utsname field, NUL-terminated */

/* Little-endian, packed by hand (trace_file.c). */
struct trace_file_hdr {
	uint32_t version;
	uint32_t rec_size;		/* sizeof(struct trace_rec) when written */
	uint64_t t0_ns;			/* CLOCK_MONOTONIC of time 0 */
	struct sched_state states;
	/* Version 2: sysname, release, version, machine ("" in version 1). */
	char uts[4][TRACE_FILE_UTS];
};

/* The header's bytes for h into buf (TRACE_FILE_HDR_MAX); its length. */
#define TRACE_FILE_HDR_MAX                                                      \
	(8 + 4 + 4 + 8 + 4 + 4 + 8 + 8 + SCHED_STATE_MAX_FLAGS * 16 + 4 * TRACE_FILE_UTS)
size_t trace_file_header(const struct trace_file_hdr *h, uint8_t *buf);
/* Parse a header from untrusted bytes: its length, or -EINVAL (not a
 * trace file, or a field out of bounds: msg says which) or -EPROTO (a
 * version or record size this schedtap does not read). */
int trace_file_parse(const uint8_t *buf, size_t len, struct trace_file_hdr *h,
		     char *msg, size_t msglen);
/* Open the file at path and read its header into h: the FILE at its
 * first record, or NULL with the reason in msg. */
FILE *trace_file_open(const char *path, struct trace_file_hdr *h, char *msg, size_t msglen);
/* Every record left in f to fn, in order; a partial record at the end (a
 * killed writer) is counted in *partial. 0, fn's error, or -EIO (msg). */
int trace_file_records(FILE *f, int (*fn)(void *ctx, const void *rec, uint32_t size),
		       void *ctx, unsigned *partial, char *msg, size_t msglen);
/* For the commands that read a recording (trace, record and report
 * --read): trace_file_open with its failure said ("reading PATH: why"),
 * and trace_file_records with what it finds said: a reading error
 * (then 1), a last record cut short by a killed writer (then 0). fn's
 * own errors come back, negative, unsaid. */
FILE *trace_file_open_said(const char *path, struct trace_file_hdr *h);
int trace_file_records_said(FILE *f, const char *path,
			    int (*fn)(void *ctx, const void *rec, uint32_t size), void *ctx);
#endif
