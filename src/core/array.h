/* Arrays that grow as a map or a file is read. */
#ifndef SCHEDTAP_CORE_ARRAY_H
#define SCHEDTAP_CORE_ARRAY_H

#include <stddef.h>

/* Room in *arrp (a pointer to an array of elem-sized items, cap of them)
 * for item n: doubles, from first. Callers bound n themselves (the maps
 * they read have max_entries). 0 or -ENOMEM (*arrp is kept). */
int array_grow(void *arrp, size_t *cap, size_t n, size_t elem, size_t first);
#endif
