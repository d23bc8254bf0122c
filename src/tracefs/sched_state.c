#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "tracefs/sched_state.h"

int sched_state_decode(const struct tp_format *fmt, struct sched_state *st)
{
	int n;

	memset(st, 0, sizeof(*st));
	n = fmt->print_fmt ? tracefs_print_flags(fmt->print_fmt, "prev_state", st->flags,
						 SCHED_STATE_MAX_FLAGS, &st->preempt_bit)
			   : -ENOENT;
	if (n <= 0) {
		st->sleep_mask = ~0ull;
		return n < 0 ? n : -ENOENT;
	}
	st->nflags = n;
	for (int i = 0; i < n; i++)
		st->sleep_mask |= st->flags[i].value;
	/* The marker is never a sleep state, whatever the table says. */
	st->sleep_mask &= ~st->preempt_bit;
	st->decoded = 1;
	return 0;
}

int sched_state_runnable(const struct sched_state *st, unsigned long long state)
{
	return !(state & st->sleep_mask & ~st->preempt_bit);
}

void sched_state_name(const struct sched_state *st, unsigned long long state,
		      char *buf, size_t len)
{
	size_t at = 0;

	if (!len)
		return;
	buf[0] = 0;
	if (!st->decoded) {
		snprintf(buf, len, "%llu", state);
		return;
	}
	for (int i = 0; i < st->nflags && at < len; i++) {
		if (!(state & st->flags[i].value) || !st->flags[i].value)
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "|" : "",
				       st->flags[i].name);
	}
	if (!at && len > 1)
		at = (size_t)snprintf(buf, len, "R");
	if (at < len && st->preempt_bit && (state & st->preempt_bit))
		snprintf(buf + at, len - at, "+");
}
