#include "core/cpus.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* sysfs attributes are at most one page; a list longer than this is not
 * a CPU list. */
#define CPUS_FILE_MAX 8192

/* Parse one decimal id at *p; advances *p. */
static int parse_id(const char **p, int *id)
{
	const char *s = *p;
	long v = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (*s - '0');
		if (v > CPUS_ID_MAX)
			return -EINVAL;
	}
	*p = s;
	*id = (int)v;
	return 0;
}

int cpus_parse_list(const char *text, int *ids, int max)
{
	const char *p = text;
	int n = 0, prev = -1;

	if (!text || max < 0 || (!ids && max > 0))
		return -EINVAL;
	/* The kernel ends the list with one newline; an empty list is just that. */
	if (*p == '\0' || (p[0] == '\n' && p[1] == '\0'))
		return 0;
	for (;;) {
		int lo, hi;

		if (parse_id(&p, &lo))
			return -EINVAL;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_id(&p, &hi))
				return -EINVAL;
		}
		/* Ascending, disjoint ranges keep ids[] in map-value order. */
		if (hi < lo || lo <= prev)
			return -EINVAL;
		if (hi - lo >= max - n)
			return -EINVAL;
		for (int c = lo; c <= hi; c++)
			ids[n++] = c;
		prev = hi;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\n')
			p++;
		return *p == '\0' ? n : -EINVAL;
	}
}

int cpus_read_list(const char *path, int *ids, int max)
{
	char buf[CPUS_FILE_MAX + 1];
	size_t len = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (err)
		return err;
	if (len == sizeof(buf))
		return -EFBIG;
	buf[len] = '\0';
	if (strlen(buf) != len)
		return -EINVAL; /* embedded NUL */
	return cpus_parse_list(buf, ids, max);
}

int cpus_possible(int *ids, int max)
{
	return cpus_read_list("/sys/devices/system/cpu/possible", ids, max);
}

int cpus_online(int *ids, int max)
{
	return cpus_read_list("/sys/devices/system/cpu/online", ids, max);
}
