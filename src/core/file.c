/* One bounded reader for files whose size cannot be trusted: tracefs,
 * procfs, BTF blobs and offsets files. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "core/file.h"

int file_read_bounded(const char *path, size_t max, char **out, size_t *outlen)
{
	size_t cap = max < 4096 ? max + 1 : 4096, len = 0;
	char *buf = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		err = -ENOMEM;
		goto out_close;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			/* One byte over max tells "too big" from "exactly max". */
			if (cap > max) {
				err = -EFBIG;
				goto out_free;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				goto out_free;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			goto out_free;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	close(fd);
	return 0;

out_free:
	free(buf);
out_close:
	close(fd);
	return err;
}
