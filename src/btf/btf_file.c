/* BTF from a file: raw (/sys/kernel/btf/vmlinux, a module's split BTF)
 * or the .BTF section of an ELF file (a vmlinux from a build). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "btf/btf.h"
#include "core/file.h"

/* A little-endian field of an ELF header at d + off (in bounds). */
static uint64_t rd(const uint8_t *d, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)d[off + i] << (8 * i);
	return v;
}

/* The .BTF section of a little-endian ELF file (vmlinux), copied out. */
static int elf_btf(struct btf *b, const uint8_t *d, size_t n, uint8_t **out, size_t *len)
{
	int is64 = n > 4 && d[4] == 2;
	unsigned w = is64 ? 8 : 4;
	uint64_t shoff, shentsize, shnum, shstrndx, str_off = 0, str_size = 0;

	if (n < 64 || (d[4] != 1 && d[4] != 2) || d[5] != 1)
		return btf_fail(b, -EINVAL, "an ELF file, but not a little-endian one");
	shoff = rd(d, is64 ? 40 : 32, w);
	shentsize = rd(d, is64 ? 58 : 46, 2);
	shnum = rd(d, is64 ? 60 : 48, 2);
	shstrndx = rd(d, is64 ? 62 : 50, 2);
	if (shentsize < (is64 ? 64u : 40u) || shoff > n || shnum > (n - shoff) / shentsize ||
	    shstrndx >= shnum)
		return btf_fail(b, -EINVAL, "ELF section headers outside the file");
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t i = 0; i < shnum; i++) {
			uint64_t h = shoff + i * shentsize;
			uint64_t name = rd(d, h, 4);
			uint64_t off = rd(d, h + (is64 ? 24 : 16), w);
			uint64_t size = rd(d, h + (is64 ? 32 : 20), w);

			if (off > n || size > n - off)
				continue;
			if (pass == 0 && i == shstrndx) {
				str_off = off;
				str_size = size;
			} else if (pass == 1 && name + 5 <= str_size &&
				   !memcmp(d + str_off + name, ".BTF", 5)) {
				if (!(*out = malloc(size ? size : 1)))
					return btf_fail(b, -ENOMEM, "out of memory");
				memcpy(*out, d + off, size);
				*len = size;
				return 0;
			}
		}
	}
	return btf_fail(b, -ENOENT, "no .BTF section (a kernel built without CONFIG_DEBUG_INFO_BTF)");
}

int btf_load(struct btf *b, const char *path, const struct btf *base)
{
	uint8_t *data = NULL, *sect = NULL;
	size_t n = 0, len = 0;
	/* A vmlinux with its debug info is far larger than its BTF. */
	int err = file_read_bounded(path, (size_t)BTF_MAX_BYTES * 16, (char **)&data, &n);

	memset(b, 0, sizeof(*b));
	if (err)
		return btf_fail(b, err, "reading %s: %s", path, strerror(-err));
	if (n >= 4 && !memcmp(data, "\177ELF", 4)) {
		err = elf_btf(b, data, n, &sect, &len);
		free(data);
		if (err)
			return err;
		data = sect;
		n = len;
	}
	return btf_parse(b, data, n, base);
}
