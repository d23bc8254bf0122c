/* The one output layer for every subcommand: the same rows become an
 * aligned table for people, CSV for spreadsheets, or JSON lines for
 * programs. Strings (task names above all) are untrusted bytes: every
 * format escapes them so that one row is always one line.
 */
#ifndef SCHEDTAP_OUTPUT_H
#define SCHEDTAP_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };
/* OUT_BOOL (in .u): yes/no in tables and CSV, true/false in JSON.
 * OUT_OBJ (in .obj): a nested object or array of objects, in JSON only:
 * tables and CSV leave it out (give such columns OUT_MACHINE_ONLY and
 * keep them away from CSV). */
enum out_type { OUT_U64, OUT_S64, OUT_F64, OUT_STR, OUT_BOOL, OUT_OBJ };

struct out_col;
struct out_val;

/* A nested value: one object (n < 0) or an array of n objects, each of
 * ncols values (vals[i * ncols + c]). At most OUT_DEPTH_MAX deep. */
struct out_obj {
	const struct out_col *cols;
	int ncols;
	const struct out_val *vals;
	int n;
};
#define OUT_DEPTH_MAX 4

struct out_col {
	const char *name;  /* snake_case, used by CSV header and JSON keys */
	const char *title; /* table header text (name when NULL) */
	/* Bytes, not ints: ~400 columns in the tables are 6 KiB less. */
	uint8_t type;      /* enum out_type */
	uint8_t width;     /* table column width; strings are cut to it */
	uint8_t prec;      /* F64 decimals (0..30) */
	uint8_t left;      /* left-align in table */
	uint8_t flags;     /* OUT_* column flags below */
};

/* Column only in CSV and JSON, left out of tables (e.g. a timestamp that
 * the table already shows in its group title). */
#define OUT_MACHINE_ONLY 0x1u
#define OUT_NULL (-2)
#define OUT_TABLE_ONLY 0x2u /* column appears in tables, not in CSV/JSON */

struct out_val {
	union {
		uint64_t u;
		int64_t s;
		double f;
		const char *str; /* NULL prints as JSON null, empty CSV, "-" in tables */
		const struct out_obj *obj;	/* NULL prints as JSON null */
	};
	int len; /* OUT_STR: at most len bytes, stopping at a NUL; -1 = NUL-terminated;
	          * numbers: OUT_NULL for no value (JSON null, empty CSV, "-") */
};

/* A number's "no value". */
#define OUT_NONE ((struct out_val){ .len = OUT_NULL })

struct out {
	FILE *f;
	enum out_format fmt;
	const struct out_col *cols;
	int ncols;
	int header_done;
	int err; /* first negative errno of a failed write, else 0 */
	size_t wlen;		/* bytes in wbuf: whole rows, then the row being built */
	size_t rows_len;	/* of which whole rows, not yet written */
	char wbuf[16384];
};

void out_init(struct out *o, FILE *f, enum out_format fmt,
	      const struct out_col *cols, int ncols);
/* Table: start a new table block: blank line, optional title line, header
 * row. CSV/JSON: nothing (the CSV header is written once, before the first
 * row). A table row without a prior out_group() gets a header too. */
void out_group(struct out *o, const char *title);
void out_row(struct out *o, const struct out_val *vals);
/* n bytes of a binary stream as one whole row (trace --binary): they go
 * out with the rows, never split. */
void out_raw(struct out *o, const void *bytes, size_t n);
/* A line that is not one of the rows, such as a summary: in JSON, the
 * object of its own columns; in a table, text (sentences for people, one
 * or more lines); in CSV, text on stderr, so that the CSV holds rows
 * alone. text may be NULL (JSON only). */
void out_summary(struct out *o, const char *text, const struct out_col *cols, int ncols,
		 const struct out_val *vals);
/* Flush; returns 0 or negative errno if any write failed, so callers can
 * report disk-full. */
int out_flush(struct out *o);
/* The same for a stream written directly (BCC's and perf's text layouts):
 * fflush, then ferror, which also remembers a failure of an earlier,
 * implicit flush that a later fflush does not report. */
int out_file_flush(FILE *f);

/* Exposed for tests: write the escaped bytes of s[0..len) (len -1: up to
 * the NUL; otherwise also stopping at a NUL) into buf, NUL-terminated like
 * snprintf, and return the needed length excluding the NUL. */
/* RFC 4180: quote when , " CR LF or leading/trailing space or tab; double quotes. */
size_t out_csv_escape(const char *s, int len, char *buf, size_t size);
/* \" \\ \n \t \r \b \f, \u00XX for other controls and DEL; bytes that are
 * not valid UTF-8 become \u00XX so that every line is valid JSON and
 * valid UTF-8. */
size_t out_json_escape(const char *s, int len, char *buf, size_t size);
/* Length of the valid UTF-8 sequence at s[0..n) (n >= 1), or 0 if
 * invalid (overlong forms, surrogates, past U+10FFFF). */
size_t out_utf8_len(const unsigned char *s, size_t n);
/* Printable on a terminal: \n \t \r, \xNN for other controls, DEL, C1
 * controls and invalid UTF-8; valid UTF-8 passes through. */
size_t out_table_escape(const char *s, int len, char *buf, size_t size);

#endif
