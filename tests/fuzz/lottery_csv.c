/* Fuzz target: a CSV file written by `schedtap lottery dump -o`, read
 * back by lot_csv_read (and lot_csv_parse_row for one line), and then as
 * `lottery simulate --from FILE` reads it: read_csv is static there, so
 * the whole subcommand runs on a memfd holding the input. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sys/mman.h>
#include "fuzz.h"
#include "lottery/cmd.h"
#include "lottery/csv.h"

static int memfd = -1;
static char memfd_path[64];

/* simulate prints a table and its errors through stdio: send both to
 * /dev/null. glibc's stdout and stderr are plain variables, and
 * libFuzzer and the sanitizers keep writing to fd 2 as before. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	(void)argc, (void)argv;
	if (null)
		stdout = stderr = null;
	memfd = memfd_create("lottery-csv", MFD_CLOEXEC);
	if (memfd >= 0)
		snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

static void check_window(const struct lot_csv_window *w)
{
	FUZZ_CHECK(w->samples >= 1 && w->lines >= 2);
	FUZZ_CHECK(w->nfirst >= 1 && w->nlast >= 1 && w->first && w->last);
	FUZZ_CHECK(w->nfirst < w->lines && w->nlast < w->lines);
	for (size_t i = 0; i < w->nfirst; i++)
		FUZZ_CHECK(w->first[i].ts == w->first[0].ts);
	for (size_t i = 0; i < w->nlast; i++)
		FUZZ_CHECK(w->last[i].ts == w->last[0].ts);
	if (w->samples == 1)
		FUZZ_CHECK(w->nfirst == w->nlast && w->first[0].ts == w->last[0].ts);
}

static void check_row(const char *line)
{
	struct lot_csv_row r;

	if (lot_csv_parse_row(line, &r))
		return;
	FUZZ_CHECK(r.ts >= 0);
	FUZZ_CHECK(!r.has_nice || (r.nice >= -20 && r.nice <= 19));
}

static void read_window(const uint8_t *data, size_t size)
{
	/* why gets a size from the input, to try its truncation. */
	size_t whylen = 1 + (size ? data[size - 1] % 160 : 0);
	char *why = malloc(whylen);
	struct lot_csv_window w;
	FILE *f;
	int err;

	if (!why)
		return;
	/* fmemopen refuses an empty buffer; /dev/null reads as empty. */
	f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!f) {
		free(why);
		return;
	}
	err = lot_csv_read(f, &w, why, whylen);
	fclose(f);
	FUZZ_CHECK(strnlen(why, whylen) < whylen);
	if (err == 0) {
		check_window(&w);
		lot_csv_window_free(&w);
	} else {
		FUZZ_CHECK(err == -EINVAL || err == -ENODATA || err == -EIO);
		FUZZ_CHECK(!w.first && !w.last && !w.nfirst && !w.nlast);
	}
	free(why);
}

/* The file as lottery simulate --from reads it, with a fixed number of
 * draws: the default is the switch count, which the file says. */
static void simulate(const uint8_t *data, size_t size)
{
	char *argv[] = { "simulate", "--from", memfd_path, "--draws", "1000", NULL };
	sigset_t mask;

	if (memfd < 0 || ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		return;
	sigprocmask(SIG_SETMASK, NULL, &mask);	/* simulate blocks SIGINT and SIGTERM */
	optind = 0;				/* glibc: start getopt afresh */
	(void)lottery_simulate(5, argv);
	sigprocmask(SIG_SETMASK, &mask, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_cstr(data, size);

	if (!line)
		return 0;
	check_row(line);
	free(line);
	read_window(data, size);
	simulate(data, size);
	return 0;
}
