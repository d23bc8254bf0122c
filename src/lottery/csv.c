#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "core/decimal.h"
#include "lottery/csv.h"

#define MAX_LINE 256
#define MAX_SAMPLE_ROWS (1u << 20)
/* Unix time in seconds, before the year 2286: in nanoseconds it still
 * fits a u64, as simulate converts it (1.8e11 s once made that
 * conversion undefined: found by tests/fuzz/lottery_csv). */
#define MAX_TIMESTAMP 1e10

static int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!len || len > 20)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return -EINVAL;
		v = v * 10 + d;
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_nice(const char *s, size_t len, struct lot_csv_row *r)
{
	uint64_t v;
	int neg = len && s[0] == '-';

	r->has_nice = 0;
	if (!len)
		return 0;
	if (parse_u64(s + neg, len - (size_t)neg, 20, &v))
		return -EINVAL;
	r->nice = neg ? -(int)v : (int)v;
	r->has_nice = 1;
	return r->nice >= -20 && r->nice <= 19 ? 0 : -EINVAL;
}

int lot_csv_parse_row(const char *line, struct lot_csv_row *row)
{
	const char *f[7];
	size_t len[7];
	const char *p = line;
	uint64_t pid, tickets;
	int n = 0;

	for (;;) {
		const char *c = strchr(p, ',');

		if (n == 7)
			return -EINVAL;
		f[n] = p;
		len[n++] = c ? (size_t)(c - p) : strlen(p);
		if (!c)
			break;
		p = c + 1;
	}
	if (n != 7)
		return -EINVAL;
	memset(row, 0, sizeof(*row));
	if (decimal_parse(f[0], len[0], &row->ts) || row->ts >= MAX_TIMESTAMP ||
	    parse_u64(f[1], len[1], UINT32_MAX, &pid) ||
	    parse_u64(f[2], len[2], UINT64_MAX, &row->runtime_ns) ||
	    decimal_parse(f[3], len[3], &(double){ 0 }) ||
	    parse_u64(f[4], len[4], UINT64_MAX, &row->switches) ||
	    parse_nice(f[5], len[5], row) ||
	    parse_u64(f[6], len[6], UINT32_MAX, &tickets))
		return -EINVAL;
	row->pid = (uint32_t)pid;
	row->tickets = (uint32_t)tickets;
	return 0;
}

static int why_line(char *why, size_t whylen, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int why_line(char *why, size_t whylen, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(why, whylen, "line %zu: ", line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < whylen)
		vsnprintf(why + n, whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int push(struct lot_csv_row **rows, size_t *n, size_t *cap,
		const struct lot_csv_row *r)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		struct lot_csv_row *m;

		if (c > MAX_SAMPLE_ROWS)
			return -E2BIG;
		m = realloc(*rows, c * sizeof(*m));
		if (!m)
			return -ENOMEM;
		*rows = m, *cap = c;
	}
	(*rows)[(*n)++] = *r;
	return 0;
}

/* Lines end in \n; a longer line than any dump writes is an error. */
static int next_line(FILE *f, char *buf, size_t size, size_t lineno, char *why, size_t whylen)
{
	size_t l;

	if (!fgets(buf, (int)size, f))
		return ferror(f) ? -EIO : 1;
	l = strlen(buf);
	if (l && buf[l - 1] == '\n')
		buf[--l] = 0;
	else if (!feof(f))
		return why_line(why, whylen, lineno, "longer than %zu bytes", size - 2);
	if (l && buf[l - 1] == '\r')
		buf[--l] = 0;
	return 0;
}

/* On error the window is left empty: rows read before a bad line are
 * freed here (lottery simulate once returned without freeing them). */
int lot_csv_read(FILE *f, struct lot_csv_window *w, char *why, size_t whylen)
{
	char line[MAX_LINE + 2];
	size_t capf = 0, capl = 0;
	double ts_first = 0, ts_last = 0;
	int err;

	memset(w, 0, sizeof(*w));
	snprintf(why, whylen, "no data rows");
	err = next_line(f, line, sizeof(line), 1, why, whylen);
	if (err)
		return err > 0 ? why_line(why, whylen, 1, "empty file") : err;
	w->lines = 1;
	if (strcmp(line, LOTTERY_CSV_HEADER))
		return why_line(why, whylen, 1, "not the header %s", LOTTERY_CSV_HEADER);
	while (!(err = next_line(f, line, sizeof(line), w->lines + 1, why, whylen))) {
		struct lot_csv_row r;

		w->lines++;
		if (!line[0])
			continue;
		if (lot_csv_parse_row(line, &r)) {
			err = why_line(why, whylen, w->lines, "not a lottery dump row");
			goto fail;
		}
		if (!w->samples || r.ts != ts_last) {
			/* A new sample: the previous one is no longer the last. */
			w->samples++;
			w->nlast = 0;
			ts_last = r.ts;
			if (w->samples == 1)
				ts_first = r.ts;
		}
		if ((r.ts == ts_first && w->samples == 1 &&
		     (err = push(&w->first, &w->nfirst, &capf, &r))) ||
		    (err = push(&w->last, &w->nlast, &capl, &r))) {
			if (err == -E2BIG)
				err = why_line(why, whylen, w->lines, "more than %u rows in one sample",
					       MAX_SAMPLE_ROWS);
			goto fail;
		}
	}
	if (err < 0)
		goto fail;
	return w->samples ? 0 : -ENODATA;
fail:
	lot_csv_window_free(w);
	return err;
}

void lot_csv_window_free(struct lot_csv_window *w)
{
	free(w->first);
	free(w->last);
	memset(w, 0, sizeof(*w));
}

/* Does the file at fd (size > 0) start with our header line? */
static int header_matches(int fd)
{
	char buf[sizeof(LOTTERY_CSV_HEADER) + 1];
	size_t want = sizeof(LOTTERY_CSV_HEADER);	/* header and its \n */
	ssize_t n = pread(fd, buf, want, 0);

	if (n < 0)
		return -errno;
	return (size_t)n == want && !memcmp(buf, LOTTERY_CSV_HEADER "\n", want) ? 0 : -EPROTO;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENOSPC;
		buf += n, len -= (size_t)n;
	}
	return 0;
}

int lot_csv_append(const char *path, const char *rows, size_t len)
{
	static const char header[] = LOTTERY_CSV_HEADER "\n";
	size_t hlen = sizeof(header) - 1;
	struct stat st;
	char *buf = NULL;
	int fd, err;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	if (st.st_size > 0) {
		int rd = open(path, O_RDONLY | O_CLOEXEC);

		err = rd < 0 ? -errno : header_matches(rd);
		if (rd >= 0)
			close(rd);
		if (err)
			goto out;
		hlen = 0;
	}
	buf = malloc(hlen + len);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	memcpy(buf, header, hlen);
	memcpy(buf + hlen, rows, len);
	err = write_all(fd, buf, hlen + len);
	if (!err && fsync(fd) && errno != EINVAL)
		err = -errno;
	/* Disk full half-way (or at writeback): cut our rows off again. The
	 * first error is the one to report, whatever ftruncate says. */
	if (err) {
		int ignored = ftruncate(fd, st.st_size);

		(void)ignored;
	}
out:
	free(buf);
	if (close(fd) && !err)
		err = -errno;
	return err;
}
