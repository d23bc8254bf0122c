#!/bin/sh
# Make an include directory that lets musl-gcc see the kernel's UAPI headers
# (linux/, asm/, asm-generic/) from Debian's linux-libc-dev, without copying
# them into the repository. musl's specs file hides /usr/include on purpose,
# so we expose only the kernel headers, never glibc's.
#   usage: toolchain/uapi-shim.sh OUTDIR [MULTIARCH]
set -eu
out=${1:?usage: uapi-shim.sh OUTDIR [MULTIARCH]}
multiarch=${2:-$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)}
inc=/usr/include
asmdir=$inc/$multiarch/asm
for d in "$inc/linux" "$inc/asm-generic" "$asmdir"; do
	if [ ! -d "$d" ]; then
		echo "uapi-shim: $d is missing: install linux-libc-dev (toolchain/deps.sh)" >&2
		exit 1
	fi
done
mkdir -p "$out"
ln -sfn "$inc/linux" "$out/linux"
ln -sfn "$inc/asm-generic" "$out/asm-generic"
ln -sfn "$asmdir" "$out/asm"
