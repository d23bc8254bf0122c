/* The lottery dump's CSV: appending samples (a row is never half
 * written) and reading them back for `lottery simulate`. The file is
 * untrusted when read: every field is checked, every line bounded. */
#ifndef SCHEDTAP_LOTTERY_CSV_H
#define SCHEDTAP_LOTTERY_CSV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LOTTERY_CSV_HEADER "timestamp_s,pid,runtime_ns,runtime_ms,switches,nice,tickets"

struct lot_csv_row {
	double ts;
	uint32_t pid;
	uint64_t runtime_ns, switches;
	int has_nice, nice;	/* empty nice: a real-time task */
	uint32_t tickets;
};

/* The first and the last sample of a file (rows sharing a timestamp). */
struct lot_csv_window {
	struct lot_csv_row *first, *last;
	size_t nfirst, nlast;
	size_t samples, lines;
};

/* Parse one data line (no newline). 0 or -EINVAL (also for timestamps
 * from 10^10 s, the year 2286, on: their nanoseconds overflow). */
int lot_csv_parse_row(const char *line, struct lot_csv_row *row);
/* Read a whole file. 0, or negative errno with a reason in why; on error
 * the window is left empty (nothing to free). */
int lot_csv_read(FILE *f, struct lot_csv_window *w, char *why, size_t whylen);
void lot_csv_window_free(struct lot_csv_window *w);

/* Append `len` bytes of rows to path, with the header first when the
 * file is new or empty, in one write. An existing file must start with
 * the same header (-EPROTO otherwise). When the write fails or is short
 * (disk full) the file is cut back to its old size: whatever was there
 * stays intact and no half row is left. 0 or negative errno. */
int lot_csv_append(const char *path, const char *rows, size_t len);
#endif
