/* Command lines: the input split at NULs into words, given to schedtap's
 * own dispatcher after "schedtap", with cli_parse_only set so that every
 * command stops once its options are parsed (nothing loads, nothing
 * runs). What the parsers do with hostile words: option clusters, long
 * options with and without =, values past every bound, 300-byte names,
 * nested commands (lottery dump, workload cpu). */
#include <getopt.h>
#include "cmd/commands.h"
#include "fuzz.h"

#define MAX_WORDS 32
#define MAX_WORD 512

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	FILE *null = fopen("/dev/null", "w");

	(void)argc;
	(void)argv;
	/* Help texts and usage errors are the parsers' normal output: off
	 * to /dev/null. glibc's stdout and stderr are plain variables;
	 * libFuzzer keeps its own copy of stderr, so its reports stay. */
	if (null)
		stdout = stderr = null;
	cli_parse_only = 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *words[MAX_WORDS + 2];
	int n = 1, rc;

	words[0] = strdup("schedtap");
	for (size_t at = 0; at < size && n <= MAX_WORDS;) {
		size_t len = strnlen((const char *)data + at, size - at);

		/* Each word in a buffer of its own exact size. */
		if (len > MAX_WORD)
			len = MAX_WORD;
		words[n] = malloc(len + 1);
		if (!words[n])
			break;
		memcpy(words[n], data + at, len);
		words[n++][len] = 0;
		at += len + 1;
	}
	words[n] = NULL;
	optind = 0;	/* glibc: a fresh scan, nextchar forgotten */
	rc = cli_dispatch(&schedtap_commands, n, words);
	FUZZ_CHECK(rc == EXIT_OK || rc == EXIT_USAGE);
	for (int i = 0; i < n; i++)
		free(words[i]);
	return 0;
}
