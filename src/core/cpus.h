/* CPU lists from sysfs. Per-CPU BPF map values come back one per possible
 * CPU, in the ascending order that cpus_possible() returns. */
#ifndef SCHEDTAP_CPUS_H
#define SCHEDTAP_CPUS_H

#define CPUS_ID_MAX (1 << 22) /* far above any NR_CPUS; rejects garbage */

/* Parse a kernel CPU list "0-3,5,7-8\n" into strictly ascending ids.
 * An empty list ("" or "\n", as in an empty "offline") gives 0.
 * Returns the count, or -EINVAL for bad syntax, backwards or overlapping
 * ranges, ids above CPUS_ID_MAX, or more than max ids. */
int cpus_parse_list(const char *text, int *ids, int max);

/* /sys/devices/system/cpu/{possible,online}: count or negative errno. */
int cpus_possible(int *ids, int max);
int cpus_online(int *ids, int max);

/* Read and parse any CPU list file (exposed for tests). */
int cpus_read_list(const char *path, int *ids, int max);

#endif
