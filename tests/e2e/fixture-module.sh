#!/bin/sh
# The e2e suite's stand-in for the sched_tp module (tests/e2e/sched_tp_fixture),
# built for one of Debian's amd64 kernels: its headers packages of the
# image's own version (apt-get download and dpkg -x into the cache, never
# installed) and the member offsets of the scheduler's private struct rq
# and struct cfs_rq from that kernel's BTF (schedtap btf member).
#   tests/e2e/fixture-module.sh VMLINUZ BTF SCHEDTAP OUT.ko
# VMLINUZ is the image in the e2e cache (its folder names the package).
set -eu
[ $# -eq 4 ] || { echo "usage: $0 VMLINUZ BTF SCHEDTAP OUT.ko" >&2; exit 2; }
vmlinuz=$1 btf=$2 st=$3 out=$4
src=$(cd "$(dirname "$0")/sched_tp_fixture" && pwd)
pkg=$(basename "$(dirname "$(readlink -f "$vmlinuz")")")	# linux-image-6.1.0-57-amd64_6.1.192-3_amd64
name=${pkg%%_*} rest=${pkg#*_}
ver=${rest%%_*} arch=${rest#*_}
release=${name#linux-image-}	# 6.1.0-57-amd64
abi=${release%-*}		# 6.1.0-57, 6.12.117+deb12
series=$(echo "$abi" | cut -d. -f1,2)
[ "$arch" = amd64 ] || { echo "$pkg: only amd64 kernels (the headers' tools run on this host)" >&2; exit 1; }
cache=${SCHEDTAP_CACHE:-/var/cache/schedtap}/e2e/headers/${release}_$ver
if [ ! -f "$cache/done" ]; then
	rm -rf "$cache"
	mkdir -p "$cache/deb"
	kbuild=linux-kbuild-$abi
	apt-cache show "$kbuild=$ver" > /dev/null 2>&1 || kbuild=linux-kbuild-$series
	(cd "$cache/deb" && apt-get download -q "linux-headers-$release=$ver" \
		"linux-headers-$abi-common=$ver" "$kbuild=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) || true
	for d in "$cache"/deb/*.deb; do dpkg -x "$d" "$cache/root"; done
	hdr=$cache/root/usr/src/linux-headers-$release
	[ -f "$hdr/Makefile" ] || { echo "no headers for $release $ver (apt-get download failed)" >&2; exit 1; }
	# Its Makefile names the common headers at their installed place.
	sed -i "s|/usr/src/|$cache/root/usr/src/|" "$hdr/Makefile"
	touch "$cache/done"
fi
hdr=$cache/root/usr/src/linux-headers-$release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src"/Kbuild "$src"/*.c "$src"/*.h "$work/"
# OFF_<STRUCT>_<MEMBER> for each member the fixture reads.
"$st" btf member --btf "$btf" --csv cfs_rq.avg cfs_rq.rq rq.cpu rq.cfs rq.avg_rt rq.nr_running |
	awk -F, 'NR > 1 { m = toupper($1); gsub(/\./, "_", m); printf "#define OFF_%s %s\n", m, $2 }' > "$work/offsets.h"
[ "$(wc -l < "$work/offsets.h")" -eq 6 ] || { echo "member offsets missing: $(cat "$work/offsets.h")" >&2; exit 1; }
make -s -C "$hdr" M="$work" modules > "$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
strip --strip-debug -o "$out" "$work/sched_tp_fixture.ko"
