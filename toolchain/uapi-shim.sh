#!/bin/sh
# Make an include directory that lets musl-gcc see the kernel's UAPI headers
# (linux/, asm/, asm-generic/) from Debian's linux-libc-dev, without copying
# them into the repository. musl's specs file hides /usr/include on purpose,
# so we expose only the kernel headers, never glibc's.
#   usage: toolchain/uapi-shim.sh OUTDIR [MULTIARCH [ROOT]]
# ROOT (default /) is where linux-libc-dev's usr/include is: / for the
# host's installed package, or a directory it was unpacked into for another
# architecture (toolchain/cross.sh: $SCHEDTAP_CACHE/ARCH/root, with
# MULTIARCH aarch64-linux-gnu or arm-linux-gnueabihf). All three directories
# come from the same ROOT, so linux/ and asm/ are always of one version.
set -eu
usage="usage: uapi-shim.sh OUTDIR [MULTIARCH [ROOT]]"
out=${1:?$usage}
multiarch=${2:-$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)}
root=${3:-/}
inc=${root%/}/usr/include
asmdir=$inc/$multiarch/asm
if [ "$root" = / ]; then
	fix="install linux-libc-dev (toolchain/deps.sh)"
else
	fix="unpack linux-libc-dev for $multiarch into $root (toolchain/cross.sh)"
fi
for d in "$inc/linux" "$inc/asm-generic" "$asmdir"; do
	if [ ! -d "$d" ]; then
		echo "uapi-shim: $d is missing: $fix" >&2
		exit 1
	fi
done
mkdir -p "$out"
ln -sfn "$inc/linux" "$out/linux"
ln -sfn "$inc/asm-generic" "$out/asm-generic"
ln -sfn "$asmdir" "$out/asm"
