#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/decimal.h"
#include "report/lt_timeline.h"

#define LTT_FIELDS 32

/* The columns the plots need, by the names loadtrack writes. */
enum { F_SCENARIO, F_T, F_ACTUAL, F_UTIL, F_EST, F_MODEL, NFIELDS };
static const char *const field_names[NFIELDS] = {
	"scenario", "t_ms", "truth_8ms", "util_avg", "util_est", "model",
};

int ltt_split(char *line, char **fields, int max)
{
	int n = 0;
	char *r = line, *w;

	while (n < max) {
		fields[n++] = w = r;
		if (*r == '"') {
			for (r++;; r++) {
				if (!*r)
					return -EINVAL;
				if (*r == '"' && r[1] != '"')
					break;
				if (*r == '"')
					r++;
				*w++ = *r;
			}
			r++;
		}
		while (*r && *r != ',')
			*w++ = *r++;
		if (!*r) {
			*w = '\0';
			return n;
		}
		*w = '\0';
		r++;
	}
	return n;
}

/* A number or nothing: NAN for an empty field, -1 for one that is not a
 * number (a non-negative decimal: all loadtrack writes). */
static int number(const char *s, float *out)
{
	double v;

	if (!*s) {
		*out = NAN;
		return 0;
	}
	if (decimal_parse(s, strlen(s), &v))
		return -1;
	*out = (float)v;
	return 0;
}

static struct ltt_scenario *scenario(struct ltt_file *t, const char *name)
{
	struct ltt_scenario *sc;

	for (int i = 0; i < t->n; i++)
		if (!strncmp(t->sc[i].name, name, LTT_NAME - 1))
			return &t->sc[i];
	if (t->n == LTT_SCENARIOS)
		return NULL;
	sc = &t->sc[t->n];
	if (!(sc->pts = malloc(LTT_POINTS * sizeof(*sc->pts))))
		return NULL;
	t->n++;
	snprintf(sc->name, sizeof(sc->name), "%s", name);
	return sc;
}

static int header(char *line, int *col, char *why, size_t len)
{
	char *f[LTT_FIELDS];
	int n = ltt_split(line, f, LTT_FIELDS);

	for (int k = 0; k < NFIELDS; k++) {
		col[k] = -1;
		for (int i = 0; i < n; i++)
			if (!strcmp(f[i], field_names[k]))
				col[k] = i;
		if (col[k] < 0) {
			snprintf(why, len, "no column %s: not `loadtrack --timeline --csv` output",
				 field_names[k]);
			return -EINVAL;
		}
	}
	return 0;
}

static void row(struct ltt_file *t, char *line, const int *col)
{
	char *f[LTT_FIELDS];
	int n = ltt_split(line, f, LTT_FIELDS), max = 0;
	struct ltt_scenario *sc;
	struct ltt_point p;

	for (int k = 0; k < NFIELDS; k++)
		max = col[k] > max ? col[k] : max;
	if (n <= max || number(f[col[F_T]], &p.t_ms) || isnan(p.t_ms) ||
	    number(f[col[F_ACTUAL]], &p.actual) || number(f[col[F_UTIL]], &p.util) ||
	    number(f[col[F_EST]], &p.est) || number(f[col[F_MODEL]], &p.model) ||
	    !(sc = scenario(t, f[col[F_SCENARIO]]))) {
		t->bad++;
		return;
	}
	t->rows++;
	if (sc->n == LTT_POINTS) {
		sc->dropped++;
		return;
	}
	sc->pts[sc->n++] = p;
}

int ltt_read(FILE *f, struct ltt_file *t, char *why, size_t len)
{
	char line[LTT_LINE];
	int col[NFIELDS], err, first = 1;

	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f)) {
			/* Longer than any line loadtrack writes: skip it whole. */
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			t->bad++;
			continue;
		}
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (first) {
			if ((err = header(line, col, why, len)))
				return err;
			first = 0;
			continue;
		}
		row(t, line, col);
	}
	if (ferror(f)) {
		snprintf(why, len, "%s", strerror(errno));
		return -EIO;
	}
	if (first) {
		snprintf(why, len, "empty: not `loadtrack --timeline --csv` output");
		return -EINVAL;
	}
	return 0;
}

void ltt_free(struct ltt_file *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->sc[i].pts);
	t->n = 0;
}
