/* Names and thread groups from /proc, for top, pelt and runqlat. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <stdint.h>
#include "cmd/proc_task.h"
#include "core/decimal.h"
#include "core/file.h"

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
	long long v;
	int err = read_line(proc, tid, "status", "Tgid:", buf, sizeof(buf));

	if (err)
		return err;
	if (!decimal_int(buf + strspn(buf, " \t"), 0, UINT32_MAX, &v))
		return -EINVAL;
	*tgid = (uint32_t)v;
	return 0;
}

/* "key   :   value": the key alone before spaces and the colon, then a
 * decimal integer, maybe negative, then nothing but spaces. */
int proc_sched_value(const char *text, const char *key, long long *val)
{
	size_t klen = strlen(key);

	for (const char *line = text, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
		const char *p, *end;
		long long v;

		nl = strchr(line, '\n');
		if (strncmp(line, key, klen))
			continue;
		p = line + klen;
		if (*p != ' ' && *p != ':')
			continue;
		p += strspn(p, " ");
		if (*p++ != ':')
			continue;
		p += strspn(p, " ");
		if (!(end = decimal_int(p, LLONG_MIN, LLONG_MAX, &v)))
			return -EINVAL;
		end += strspn(end, " ");
		if (*end && *end != '\n')
			return -EINVAL;
		*val = v;
		return 0;
	}
	return -ENOENT;
}

int proc_schedstat_runtime(const char *text, unsigned long long *ns)
{
	const char *end;
	long long v;

	if (*text < '0' || *text > '9' || !(end = decimal_int(text, 0, LLONG_MAX, &v)))
		return -EINVAL;
	if (*end != ' ' && *end != '\n' && *end)
		return -EINVAL;
	*ns = (unsigned long long)v;
	return 0;
}

/* /proc/TID/FILE whole: sched is ~50 lines of ~60 bytes. */
static int read_proc(const char *proc, uint32_t tid, const char *file, char **text)
{
	char path[96];
	size_t len;

	snprintf(path, sizeof(path), "%s/%u/%s", proc, tid, file);
	return file_read_bounded(path, 64 << 10, text, &len);
}

int proc_task_sched(const char *proc, uint32_t tid, const char *key, long long *val)
{
	char *text = NULL;
	int err = read_proc(proc, tid, "sched", &text);

	if (!err)
		err = proc_sched_value(text, key, val);
	free(text);
	return err;
}

int proc_task_runtime(const char *proc, uint32_t tid, unsigned long long *ns)
{
	char *text = NULL;
	int err = read_proc(proc, tid, "schedstat", &text);

	if (!err)
		err = proc_schedstat_runtime(text, ns);
	free(text);
	return err;
}
