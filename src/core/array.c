/* One doubling array for the consumers that collect map entries. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/array.h"

int array_grow(void *arrp, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t ncap = *cap ? *cap : first ? first : 1;
	void *arr, *nv;

	if (n < *cap)
		return 0;
	while (ncap <= n) {
		if (ncap > SIZE_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	/* *arrp is a struct's pointer: copied, not read through a void **. */
	memcpy(&arr, arrp, sizeof(arr));
	nv = realloc(arr, ncap * elem);
	if (!nv)
		return -ENOMEM;
	memcpy(arrp, &nv, sizeof(nv));
	*cap = ncap;
	return 0;
}
