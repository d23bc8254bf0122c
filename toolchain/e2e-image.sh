#!/bin/sh
# Images for the end-to-end suite (tests/e2e): Debian's stock kernels and
# busybox-static, fetched with `apt-get download` and unpacked with
# `dpkg -x` (never installed) into a cache outside the repository, and a
# busybox initramfs per architecture holding the static schedtap, /init
# and tests/e2e/guest.sh.
#
#   toolchain/e2e-image.sh                      host packages, every kernel,
#                                               the initramfs of each arch
#                                               whose schedtap is built
#   toolchain/e2e-image.sh list                 LABEL DEBARCH META per kernel
#   toolchain/e2e-image.sh host-deps            qemu-system-x86 qemu-system-arm cpio
#   toolchain/e2e-image.sh fetch [LABEL...]     kernels (all by default), busybox
#   toolchain/e2e-image.sh kernel LABEL         fetch if needed; print vmlinuz path
#   toolchain/e2e-image.sh initramfs DEBARCH SCHEDTAP OUT.cpio.gz
#
# Cache: ${SCHEDTAP_CACHE:-/var/cache/schedtap}/e2e. Idempotent: a kernel
# or busybox already in the cache is used as it is, without asking apt;
# E2E_REFRESH=1 re-resolves the meta packages against fresh package lists.
# apt runs with its own lists and archive cache under the cache directory
# (amd64, arm64 and armhf), so the host's dpkg architectures and apt lists
# are neither needed nor changed.
set -eu

# The kernels: a label, the Debian architecture, and the meta package that
# names the current image. To add a kernel, add a line (see tests/e2e/README.md).
KERNELS='
amd64-6.1   amd64  linux-image-amd64
arm64-6.1   arm64  linux-image-arm64
amd64-6.12  amd64  linux-image-6.12-amd64
armhf-6.1   armhf  linux-image-armmp-lpae
'
HOST_PKGS="qemu-system-x86 qemu-system-arm cpio"

root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$root/build}
CACHE=${SCHEDTAP_CACHE:-/var/cache/schedtap}/e2e
APTDIR=$CACHE/apt

say() { echo "e2e-image: $*" >&2; }
die() { say "$*"; exit 1; }

# apt with private state: lists and archives in the cache, both arches.
apt_() {
	tool=$1
	shift
	# Debian's container images turn the binary package cache off
	# (docker-clean); with it, an apt-cache call takes milliseconds, not 1.2 s.
	"$tool" -q -o Dir::State::Lists="$APTDIR/lists" -o Dir::Cache="$APTDIR/cache" \
		-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin \
		-o APT::Architectures::=amd64 -o APT::Architectures::=arm64 \
		-o APT::Architectures::=armhf "$@"
}

apt_updated=
apt_lists() {
	[ -n "$apt_updated" ] && return 0
	if [ -n "${E2E_REFRESH:-}" ] || ! ls "$APTDIR"/lists/*_Packages* > /dev/null 2>&1; then
		mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial"
		say "apt-get update (private lists in $APTDIR)"
		# One index failing (a mirror mid-sync) leaves the others usable:
		# go on, and let a package that cannot be resolved say so.
		apt_ apt-get update > "$APTDIR/update.log" 2>&1 ||
			{ grep -E '^(E|W):' "$APTDIR/update.log" >&2; say "apt-get update failed in part; going on"; }
	fi
	apt_updated=1
}

# The package a meta package depends on (the versioned image), as name:arch.
resolve_meta() {
	meta=$1 arch=$2
	apt_ apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$meta:$arch" 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }' | sed 's/:.*//'
}

candidate() {
	apt_ apt-cache policy "$1:$2" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }'
}

# fetch_deb PKG ARCH DESTDIR: download PKG:ARCH, unpack with dpkg -x into
# DESTDIR/root, and drop the .deb. The caller keeps what it needs.
fetch_deb() {
	pkg=$1 arch=$2 dest=$3
	rm -rf "$dest"
	mkdir -p "$dest"
	say "apt-get download $pkg:$arch"
	# apt-get download writes to the current directory.
	(cd "$dest" && apt_ apt-get download "$pkg:$arch") > "$dest/download.log" 2>&1 ||
		{ cat "$dest/download.log" >&2; return 1; }
	set -- "$dest"/*.deb
	[ -f "$1" ] || { cat "$dest/download.log" >&2; return 1; }
	dpkg -x "$1" "$dest/root"
	rm -f "$1" "$dest/download.log"
}

# Resolve and fetch one kernel into the cache; $CACHE/kernels/LABEL links to
# the directory of its vmlinuz (and config, and pkg: package_version_arch).
fetch_kernel() {
	label=$1
	line=$(echo "$KERNELS" | awk -v l="$label" '$1 == l')
	[ -n "$line" ] || die "unknown kernel '$label' (known: $(labels | tr '\n' ' '))"
	# shellcheck disable=SC2086
	set -- $line
	arch=$2 meta=$3
	link=$CACHE/kernels/$label
	if [ -z "${E2E_REFRESH:-}" ] && [ -f "$link/vmlinuz" ]; then
		return 0
	fi
	apt_lists
	pkg=$(resolve_meta "$meta" "$arch")
	[ -n "$pkg" ] || die "$meta:$arch depends on no linux-image package (apt lists in $APTDIR)"
	ver=$(candidate "$pkg" "$arch")
	[ -n "$ver" ] || die "no candidate version for $pkg:$arch"
	dir=$CACHE/kernels/${pkg}_$(echo "$ver" | tr ':' '%')_$arch
	if [ ! -f "$dir/vmlinuz" ]; then
		tmp=$dir.tmp
		fetch_deb "$pkg" "$arch" "$tmp" || die "could not download $pkg:$arch $ver"
		set -- "$tmp"/root/boot/vmlinuz-*
		[ -f "$1" ] || die "$pkg:$arch has no /boot/vmlinuz-*"
		mkdir -p "$dir"
		mv "$1" "$dir/vmlinuz"
		for c in "$tmp"/root/boot/config-*; do [ -f "$c" ] && mv "$c" "$dir/config"; done
		echo "${pkg}_${ver}_$arch" > "$dir/pkg"
		rm -rf "$tmp"
		say "cached $pkg:$arch $ver in $dir"
	fi
	ln -sfn "$(basename "$dir")" "$link"
}

# busybox-static for DEBARCH into $CACHE/busybox/DEBARCH/busybox.
fetch_busybox() {
	arch=$1
	dir=$CACHE/busybox/$arch
	if [ -z "${E2E_REFRESH:-}" ] && [ -x "$dir/busybox" ]; then
		return 0
	fi
	apt_lists
	ver=$(candidate busybox-static "$arch")
	[ -n "$ver" ] || die "no candidate version for busybox-static:$arch"
	if [ -x "$dir/busybox" ] && [ "$(cat "$dir/pkg" 2>/dev/null)" = "busybox-static_${ver}_$arch" ]; then
		return 0
	fi
	tmp=$dir.tmp
	fetch_deb busybox-static "$arch" "$tmp" || die "could not download busybox-static:$arch"
	rm -rf "$dir"
	mkdir -p "$dir"
	mv "$tmp/root/bin/busybox" "$dir/busybox"
	echo "busybox-static_${ver}_$arch" > "$dir/pkg"
	rm -rf "$tmp"
	say "cached busybox-static:$arch $ver in $dir"
}

# fetch_kernels LABEL...: those not in the cache, in parallel (download
# and dpkg -x take a few seconds each). Non-zero if any failed.
fetch_kernels() {
	need=
	for l in "$@"; do
		[ -z "${E2E_REFRESH:-}" ] && [ -f "$CACHE/kernels/$l/vmlinuz" ] || need="$need $l"
	done
	[ -n "$need" ] || return 0
	apt_lists
	pids=
	for l in $need; do
		fetch_kernel "$l" &
		pids="$pids $!"
	done
	rc=0
	for p in $pids; do wait "$p" || rc=1; done
	return $rc
}

labels() { echo "$KERNELS" | awk 'NF { print $1 }'; }
arch_of() { echo "$KERNELS" | awk -v l="$1" '$1 == l { print $2 }'; }

host_deps() {
	missing=
	for p in $HOST_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" -eq 0 ] || die "need root to install:$missing"
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing > /dev/null
}

# The initramfs: busybox, schedtap, /init, /guest.sh; cpio newc, gzip.
build_initramfs() {
	arch=$1 bin=$2 out=$3
	[ -f "$bin" ] || die "no schedtap binary at $bin"
	fetch_busybox "$arch"
	stage=$(mktemp -d "${TMPDIR:-/tmp}/schedtap-initramfs.XXXXXX")
	mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" "$stage/root"
	cp "$CACHE/busybox/$arch/busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	cp "$bin" "$stage/bin/schedtap"
	cp "$root/tests/e2e/guest.sh" "$stage/guest.sh"
	# The kernel opens /dev/console for init before anything is mounted.
	mknod -m 600 "$stage/dev/console" c 5 1 2> /dev/null || true
	cat > "$stage/init" <<'EOF'
#!/bin/busybox sh
# Mounts proc, sys and dev only: tracefs (and bpffs) are schedtap's job.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
export PATH=/bin HOME=/root TMPDIR=/tmp
exec < /dev/console > /dev/console 2>&1
echo "E2E: INIT $(uname -r) $(uname -m), $(nproc) CPUs, up $(cut -d" " -f1 /proc/uptime) s"
# guest.sh runs in a child: if it dies, init still powers off.
sh /guest.sh
echo "E2E: DONE rc=$? up $(cut -d" " -f1 /proc/uptime) s"
sync
poweroff -f
EOF
	chmod 755 "$stage/init" "$stage/guest.sh" "$stage/bin/busybox" "$stage/bin/schedtap"
	mkdir -p "$(dirname "$out")"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -6n > "$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$stage"
}

schedtap_for() {
	case $1 in
	amd64) echo "$BUILD/schedtap" ;;
	arm64) echo "$BUILD/aarch64/schedtap" ;;
	armhf) echo "$BUILD/armhf/schedtap" ;;
	*) die "no schedtap build for $1" ;;
	esac
}

# One fetch at a time per cache.
lock() {
	mkdir -p "$CACHE"
	exec 9> "$CACHE/.lock"
	flock 9
}

cmd=${1:-all}
[ $# -gt 0 ] && shift
case $cmd in
list) echo "$KERNELS" | awk 'NF' ;;
host-deps) host_deps ;;
fetch)
	lock
	# shellcheck disable=SC2046
	[ $# -gt 0 ] || set -- $(labels)
	fetch_kernels "$@"
	rc=$?
	for a in $(for l in "$@"; do arch_of "$l"; done | sort -u); do fetch_busybox "$a"; done
	exit $rc ;;
kernel)
	[ $# -eq 1 ] || die "usage: $0 kernel LABEL"
	lock
	fetch_kernel "$1"
	readlink -f "$CACHE/kernels/$1/vmlinuz" ;;
initramfs)
	[ $# -eq 3 ] || die "usage: $0 initramfs DEBARCH SCHEDTAP OUT.cpio.gz"
	lock
	build_initramfs "$@" ;;
all)
	host_deps
	lock
	# shellcheck disable=SC2046
	fetch_kernels $(labels) || exit 1
	for a in $(echo "$KERNELS" | awk 'NF { print $2 }' | sort -u); do
		b=$(schedtap_for "$a")
		if [ -f "$b" ]; then
			build_initramfs "$a" "$b" "$BUILD/e2e/initramfs-$a.cpio.gz"
			say "built $BUILD/e2e/initramfs-$a.cpio.gz"
		else
			say "skipped the $a initramfs: no $b"
		fi
	done ;;
*) die "usage: $0 [list|host-deps|fetch [LABEL...]|kernel LABEL|initramfs DEBARCH SCHEDTAP OUT]" ;;
esac
