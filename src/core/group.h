/* A group's id by its name, from /etc/group: what `lottery load --group`
 * needs of getgrnam, without musl's NSS and nscd client (3 KiB). Only
 * the file: a device's groups are there. */
#ifndef SCHEDTAP_CORE_GROUP_H
#define SCHEDTAP_CORE_GROUP_H

#include <stddef.h>

/* In the text of a group file ("name:password:gid:members" lines), the
 * first line of that name: 0 and *gid, or -ENOENT. Lines that are not of
 * that shape, or whose gid is not a number below 2^31, are passed over. */
int group_find(const char *text, size_t len, const char *name, long *gid);
/* The same in /etc/group. 0, -ENOENT, or the file's errno. */
int group_lookup(const char *name, long *gid);
#endif
