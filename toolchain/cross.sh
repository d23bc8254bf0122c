#!/bin/sh
# Set up what `make ARCH=aarch64` (or armhf) needs to build a static musl
# schedtap for another architecture, from Debian packages only:
#   - Debian's cross compiler (gcc-aarch64-linux-gnu, gcc-arm-linux-gnueabihf),
#     installed with apt-get like toolchain/deps.sh does;
#   - the target's musl-dev and linux-libc-dev (musl's libc.a and headers, the
#     kernel's UAPI headers), fetched with `apt-get download` and unpacked with
#     `dpkg -x` into a cache outside the repository, never installed. apt runs
#     with a private state directory for the target architecture, so the
#     host's dpkg architectures and package lists are left as they are;
#   - a gcc specs file (like musl-gcc's) that points the cross gcc at that
#     musl instead of glibc, written only when its contents change.
# Idempotent: prints nothing and touches nothing when all is present.
#   usage: toolchain/cross.sh ARCH        ARCH: aarch64 | armhf
#   cache: ${SCHEDTAP_CACHE:-/var/cache/schedtap}/ARCH/
#            root/            the unpacked packages (usr/include, usr/lib)
#            musl-gcc.specs   for: TRIPLE-gcc -specs musl-gcc.specs
#            versions         what was unpacked (remove ARCH/ to fetch again)
set -eu
usage="usage: toolchain/cross.sh ARCH  (aarch64 | armhf)"
arch=${1:?$usage}
case $arch in
aarch64) debarch=arm64 gnu=aarch64-linux-gnu musl=aarch64-linux-musl ldso=aarch64 ;;
armhf) debarch=armhf gnu=arm-linux-gnueabihf musl=arm-linux-musleabihf ldso=armhf ;;
*) echo "cross: unknown ARCH '$arch': $usage" >&2; exit 2 ;;
esac
cache=${SCHEDTAP_CACHE:-/var/cache/schedtap}
dir=$cache/$arch
root=$dir/root
pkgs="musl-dev linux-libc-dev"
stamp="schedtap-cross 1 $arch $debarch: $pkgs"

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "cross: need root to $1 (run: sudo $0 $arch, or set SCHEDTAP_CACHE to a writable directory)" >&2
		exit 1
	fi
}

# 1. The cross compiler (and its binutils), from the host's package lists.
gccpkg=gcc-$gnu
if ! dpkg-query -W -f='${Status}' "$gccpkg" 2>/dev/null | grep -q 'install ok installed'; then
	need_root "install $gccpkg"
	echo "cross: installing $gccpkg"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || echo "cross: apt-get update reported errors; trying the install anyway" >&2
	apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "$gccpkg" >/dev/null
fi

# 2. The target's musl-dev and linux-libc-dev, unpacked into the cache.
present() {
	[ -f "$dir/versions" ] && [ "$(head -n 1 "$dir/versions")" = "$stamp" ] &&
		[ -f "$root/usr/lib/$musl/libc.a" ] && [ -d "$root/usr/include/$gnu/asm" ] &&
		[ -d "$root/usr/include/linux" ]
}
if ! present; then
	mkdir -p "$cache" 2>/dev/null || need_root "create $cache"
	[ -w "$cache" ] || need_root "write to $cache"
	exec 9>"$cache/.lock"
	flock 9 # another cross.sh (make -j cross) may be fetching too
	if ! present; then
		echo "cross: fetching $pkgs for $debarch into $dir"
		rm -rf "$dir/apt" "$root.new"
		mkdir -p "$dir/apt/lists/partial" "$dir/apt/cache/archives/partial" "$dir/apt/debs"
		: >"$dir/apt/status"
		set -- -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache=$dir/apt/cache" \
			-o "Dir::State::status=$dir/apt/status" \
			-o "APT::Architecture=$debarch" -o "APT::Architectures::=$debarch" \
			-o Acquire::Languages=none -o APT::Sandbox::User=root
		# A failed index (say the security suite mid-sync) is not fatal as
		# long as the packages can be had from the others: the download below
		# is what must succeed.
		apt-get "$@" -qq update >"$dir/apt/update.log" 2>&1 || true
		# shellcheck disable=SC2086
		if ! (cd "$dir/apt/debs" && apt-get "$@" -qq download $pkgs) >"$dir/apt/download.log" 2>&1; then
			cat "$dir/apt/update.log" "$dir/apt/download.log" >&2
			echo "cross: could not download $pkgs for $debarch" >&2
			exit 1
		fi
		mkdir -p "$root.new"
		echo "$stamp" >"$dir/versions.new"
		for deb in "$dir"/apt/debs/*.deb; do
			dpkg -x "$deb" "$root.new"
			# shellcheck disable=SC2016 # dpkg's ${field}, not the shell's
			dpkg-deb -W --showformat='${Package} ${Version} ${Architecture}\n' "$deb" >>"$dir/versions.new"
		done
		rm -rf "$root"
		mv "$root.new" "$root"
		mv "$dir/versions.new" "$dir/versions"
		rm -rf "$dir/apt"
		sed 1d "$dir/versions" | sed 's/^/cross:   /'
	fi
	exec 9>&-
fi

# 3. The specs file: musl's own (see /usr/lib/x86_64-linux-musl/musl-gcc.specs)
# with the cache's paths, and the cross gcc's libgcc named in full (aarch64's
# long double arithmetic in musl's printf needs it in a static link).
lib=$root/usr/lib/$musl
inc=$root/usr/include/$musl
libgcc=$("$gnu-gcc" -print-libgcc-file-name)
libgcc_eh=$(dirname "$libgcc")/libgcc_eh.a
[ -f "$libgcc" ] || { echo "cross: $gnu-gcc has no $libgcc" >&2; exit 1; }
specs=$(cat <<EOF
%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem $inc -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem $inc -isystem include%s

*link_libgcc:
-L$lib -L .%s

*libgcc:
$libgcc %:if-exists($libgcc_eh)

*startfile:
%{!shared: $lib/Scrt1.o} $lib/crti.o crtbeginS.o%s

*endfile:
crtendS.o%s $lib/crtn.o

*link:
-dynamic-linker /lib/ld-musl-$ldso.so.1 -nostdlib %{shared:-shared} %{static:-static} %{rdynamic:-export-dynamic}

EOF
)
if [ "$(cat "$dir/musl-gcc.specs" 2>/dev/null)" != "$specs" ]; then
	[ -w "$dir" ] || need_root "write $dir/musl-gcc.specs"
	printf '%s\n' "$specs" >"$dir/musl-gcc.specs.new"
	mv "$dir/musl-gcc.specs.new" "$dir/musl-gcc.specs"
fi
