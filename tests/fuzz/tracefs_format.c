/* Fuzz target: an event's format file as tracefs_format_load hands it to
 * tracefs_format_parse, and what schedtap does with the result: field
 * lookups (the loader), the prev_state flags table of the print fmt and
 * its constant expressions (sched_state). The raw input also goes to the
 * print-fmt scanner and the expression evaluator directly, so that they
 * are reached without a valid format around them.
 * fuzz-options: -max_len=65536 (TRACEFS_FORMAT_MAX, the most load reads) */
#include <errno.h>
#include "fuzz.h"
#include "tracefs/sched_state.h"
#include "tracefs/tracefs.h"

/* Fields whose name is tried as a flags field: each try scans the whole
 * print fmt, and 512 of them over 64 KiB would make runs slow. */
#define FLAG_FIELDS 8

static int known_flags_err(int n)
{
	return n == -ENOENT || n == -ENOSPC || n == -ENAMETOOLONG || n == -EINVAL;
}

static void check_flags(const char *print_fmt, const char *field)
{
	struct tp_flag fl[SCHED_STATE_MAX_FLAGS], again[SCHED_STATE_MAX_FLAGS];
	unsigned long long rm = 0, rm2 = 0;
	int n, m;

	n = tracefs_print_flags(print_fmt, field, fl, SCHED_STATE_MAX_FLAGS, &rm);
	FUZZ_CHECK(n <= SCHED_STATE_MAX_FLAGS);
	FUZZ_CHECK(n >= 0 || known_flags_err(n));
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(strnlen(fl[i].name, sizeof(fl[i].name)) < sizeof(fl[i].name));
	if (n <= 0)
		return;
	/* Exactly n slots give the same table; n - 1 are too few. */
	m = tracefs_print_flags(print_fmt, field, again, n, &rm2);
	FUZZ_CHECK(m == n && rm2 == rm);
	for (int i = 0; i < n; i++)
		FUZZ_CHECK(again[i].value == fl[i].value && !strcmp(again[i].name, fl[i].name));
	FUZZ_CHECK(tracefs_print_flags(print_fmt, field, again, n - 1, NULL) == -ENOSPC);
}

static void check_field(const struct tp_format *fmt, const struct tp_field *f)
{
	const struct tp_field *g;

	FUZZ_CHECK(strnlen(f->name, sizeof(f->name)) < sizeof(f->name) && f->name[0]);
	FUZZ_CHECK(strnlen(f->type, sizeof(f->type)) < sizeof(f->type) && f->type[0]);
	FUZZ_CHECK(f->offset + f->size <= fmt->size);
	FUZZ_CHECK(f->is_common == !strncmp(f->name, "common_", 7));
	FUZZ_CHECK(f->is_data_loc == (!strncmp(f->type, "__data_loc", 10) ||
				      !strncmp(f->type, "__rel_loc", 9)));
	FUZZ_CHECK(!f->array_len || f->is_array);
	/* Lookups find the first field of that name. */
	g = tracefs_field(fmt, f->name);
	FUZZ_CHECK(g && g <= f && !strcmp(g->name, f->name));
	FUZZ_CHECK(tracefs_field_offset(fmt, f->name) == (int)g->offset);
}

/* sched_state's names for a few states, into buffers of exact sizes. */
static void check_state(const struct tp_format *fmt)
{
	static const size_t lens[] = { 1, 2, 3, 8, 64 };
	struct sched_state st;
	unsigned long long states[5];

	sched_state_decode(fmt, &st);
	states[0] = 0;
	states[1] = 1;
	states[2] = st.preempt_bit;
	states[3] = st.sleep_mask | st.preempt_bit;
	states[4] = ~0ull;
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		(void)sched_state_runnable(&st, states[i]);
		for (size_t j = 0; j < sizeof(lens) / sizeof(lens[0]); j++) {
			char *buf = malloc(lens[j]);

			if (!buf)
				return;
			sched_state_name(&st, states[i], buf, lens[j]);
			FUZZ_CHECK(strnlen(buf, lens[j]) < lens[j]);
			free(buf);
		}
	}
}

static void check_format(const struct tp_format *fmt)
{
	FUZZ_CHECK(fmt->nfields >= 1 && fmt->nfields <= TRACEFS_MAX_FIELDS && fmt->fields);
	FUZZ_CHECK(fmt->size <= TRACEFS_MAX_RECORD);
	FUZZ_CHECK(strnlen(fmt->event, sizeof(fmt->event)) < sizeof(fmt->event));
	FUZZ_CHECK(!fmt->system[0]);
	for (int i = 0; i < fmt->nfields; i++)
		check_field(fmt, &fmt->fields[i]);
	FUZZ_CHECK(!tracefs_field(fmt, ""));
	if (fmt->print_fmt) {
		check_flags(fmt->print_fmt, "prev_state");
		for (int i = 0; i < fmt->nfields && i < FLAG_FIELDS; i++)
			check_flags(fmt->print_fmt, fmt->fields[i].name);
	}
	check_state(fmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_format fmt;
	unsigned long long v;
	char *text;
	int err;

	/* tracefs_format_load never passes more on. */
	if (size > TRACEFS_FORMAT_MAX)
		return 0;
	/* The evaluator takes a length: give it the bare input, so that a
	 * read past the end is an overflow ASan reports. */
	err = tracefs_eval_const((const char *)data, size, &v);
	FUZZ_CHECK(err == 0 || err == -EINVAL);
	text = fuzz_cstr(data, size);
	if (!text)
		return 0;
	err = tracefs_format_parse(text, &fmt);
	if (err == 0) {
		check_format(&fmt);
		tracefs_format_free(&fmt);
	} else {
		FUZZ_CHECK(err == -EINVAL || err == -ERANGE || err == -ENAMETOOLONG ||
			   err == -E2BIG);
		FUZZ_CHECK(!fmt.fields && !fmt.nfields && !fmt.print_fmt);
	}
	FUZZ_CHECK(!fmt.fields && !fmt.print_fmt);
	check_flags(text, "prev_state");
	free(text);
	return 0;
}
