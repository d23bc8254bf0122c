/* The doubling array the map consumers share. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "core/array.h"
#include "unit.h"

static void array_grows_by_doubling(void)
{
	struct pair { uint32_t k; uint64_t v; } *a = NULL;
	size_t cap = 0;

	CHECK(array_grow(&a, &cap, 0, sizeof(*a), 4) == 0 && a && cap == 4);
	a[3].v = 33;
	CHECK(array_grow(&a, &cap, 3, sizeof(*a), 4) == 0 && cap == 4);
	CHECK(array_grow(&a, &cap, 4, sizeof(*a), 4) == 0 && cap == 8 && a[3].v == 33);
	CHECK(array_grow(&a, &cap, 20, sizeof(*a), 4) == 0 && cap == 32);
	a[20].k = 7;
	/* Past what a size_t holds: refused, the array kept. */
	CHECK(array_grow(&a, &cap, 40, SIZE_MAX / 8, 4) == -ENOMEM && cap == 32);
	CHECK(array_grow(&a, &cap, SIZE_MAX / 2 + 2, 1, 4) == -ENOMEM && cap == 32);
	CHECK(a[20].k == 7 && a[3].v == 33);
	free(a);
}

UNIT_SUITE(array_tests) = {
	UNIT(array_grows_by_doubling),
	UNIT_END,
};
