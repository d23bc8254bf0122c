#include <string.h>
#include "unit.h"
#include "suites.h"

int unit_failed;

static const struct unit_case *const suites[] = {
#define SUITE(sym) sym,
#include "suites.def"
#undef SUITE
};

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	int failed = 0;

	/* Line-buffered: LeakSanitizer ends the process with _exit, which
	 * would drop buffered PASS/FAIL lines. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (const struct unit_case *c = suites[s]; c->name; c++) {
			if (only && !strstr(c->name, only))
				continue;
			unit_failed = 0;
			c->fn();
			printf("%s unit/%s\n", unit_failed ? "FAIL" : "PASS", c->name);
			failed += unit_failed;
		}
	}
	return failed ? 1 : 0;
}
