/* Reading whole files that are not to be trusted with their size. */
#ifndef SCHEDTAP_CORE_FILE_H
#define SCHEDTAP_CORE_FILE_H

#include <stddef.h>

/* A whole file into a NUL-terminated malloc'd buffer. Files in tracefs,
 * procfs and sysfs report st_size 0, so read until EOF, but never past
 * max bytes: -EFBIG beyond that. 0 or negative errno. */
int file_read_bounded(const char *path, size_t max, char **out, size_t *outlen);
#endif
