/* Names and thread groups from /proc, for top, pelt and runqlat. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/proc_task.h"

/* A small /proc file's first line starting with tag, or the first line,
 * without the tag and the newline. Bounded: status has ~60 lines. */
static int read_line(const char *proc, uint32_t tid, const char *file,
		     const char *tag, char *buf, size_t len)
{
	char path[96], line[256];
	size_t skip = tag ? strlen(tag) : 0;
	int found = -ENOENT;
	FILE *f;

	if (len == 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/%u/%s", proc, tid, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	for (int i = 0; i < 64 && fgets(line, sizeof(line), f); i++) {
		if (tag && strncmp(line, tag, skip))
			continue;
		line[strcspn(line, "\n")] = 0;
		/* Cut to the caller's buffer on purpose: values are short. */
		size_t n = strnlen(line + skip, len - 1);

		memcpy(buf, line + skip, n);
		buf[n] = 0;
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

int proc_task_comm(const char *proc, uint32_t tid, char *buf, size_t len)
{
	return read_line(proc, tid, "comm", NULL, buf, len);
}

int proc_task_tgid(const char *proc, uint32_t tid, uint32_t *tgid)
{
	char buf[32];
	int err = read_line(proc, tid, "status", "Tgid:", buf, sizeof(buf));

	if (!err)
		*tgid = (uint32_t)strtoul(buf, NULL, 10);
	return err;
}
