#!/bin/sh
# Tests of toolchain/e2e-image.sh's fetch (the e2e suite's kernels and
# busybox), offline and in seconds: the private apt states get a local
# file: mirror instead of the host's sources, laid out as Debian's
# (bookworm, bookworm-updates, bookworm-security; amd64, arm64, armhf),
# with tiny packages of the real names (the 6.12 image only in
# bookworm-security, as on Debian's mirror). apt itself is real: its
# hash checks, its dropping of a suite whose index does not match the
# Release file ("File has unexpected size ... Mirror sync in progress?"),
# its lists and caches. One check reads the host's own apt lists.
#   tests/e2e/image-test.sh
# Prints "PASS e2e/image/NAME" or "FAIL e2e/image/NAME: why"; exit 1 if
# any failed. E2E_IMAGE=path tests another copy of the script; KEEP=1
# leaves the mirror and caches in /tmp/schedtap-image-test.*.
set -u
cd "$(dirname "$0")/../.." || exit 1
IMG=${E2E_IMAGE:-$(pwd)/toolchain/e2e-image.sh}
T=$(mktemp -d /tmp/schedtap-image-test.XXXXXX)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
# apt's file method reads the mirror as user _apt.
chmod 755 "$T"
M=$T/mirror
failed=0

pass() { echo "PASS e2e/image/$1"; }
fail() {
	t=$1
	shift
	echo "FAIL e2e/image/$t: $*"
	failed=1
}
# detail FILE: the end of a log under a FAIL line.
detail() { tail -n "${2:-12}" "$1" | sed 's/^/    /'; }

# deb REPO SUITE ARCH NAME VERSION DEPENDS [FILE...]: a package in the
# mirror, its files holding their own path (the "vmlinuz" is text).
deb() {
	repo=$1 suite=$2 arch=$3 name=$4 ver=$5 dep=$6
	shift 6
	d=$T/build/${name}_$arch
	rm -rf "$d"
	mkdir -p "$d/DEBIAN"
	for f in "$@"; do
		mkdir -p "$d/$(dirname "$f")"
		echo "$name $ver $f" > "$d/$f"
		chmod 755 "$d/$f"
	done
	{
		echo "Package: $name"
		echo "Version: $ver"
		echo "Architecture: $arch"
		echo "Maintainer: schedtap tests <root@localhost>"
		[ -z "$dep" ] || echo "Depends: $dep"
		echo "Description: e2e image test package"
	} > "$d/DEBIAN/control"
	fn=pool/main/${name}_$(echo "$ver" | tr : %)_$arch.deb
	mkdir -p "$M/$repo/pool/main"
	dpkg-deb -Zgzip --root-owner-group --build "$d" "$M/$repo/$fn" > /dev/null
	idx=$M/$repo/dists/$suite/main/binary-$arch
	mkdir -p "$idx"
	{
		cat "$d/DEBIAN/control"
		echo "Filename: $fn"
		echo "Size: $(wc -c < "$M/$repo/$fn")"
		echo "SHA256: $(sha256sum "$M/$repo/$fn" | cut -d' ' -f1)"
		echo
	} >> "$idx/Packages"
}

# kernel REPO SUITE ARCH META METAVER IMAGE: a meta package and its image.
kernel() {
	deb "$1" "$2" "$3" "$4" "$5" "$6 (= $5)"
	deb "$1" "$2" "$3" "$6" "$5" "" "boot/vmlinuz-${6#linux-image-}" "boot/config-${6#linux-image-}"
}

# release REPO SUITE: the Release file, as the mirror publishes it.
release() {
	r=$M/$1/dists/$2
	for a in amd64 arm64 armhf; do
		mkdir -p "$r/main/binary-$a"
		touch "$r/main/binary-$a/Packages"
	done
	{
		echo "Origin: Debian"
		echo "Label: Debian"
		echo "Suite: $2"
		echo "Codename: $2"
		echo "Date: $(date -Ru)"
		echo "Architectures: amd64 arm64 armhf"
		echo "Components: main"
		echo "SHA256:"
		for a in amd64 arm64 armhf; do
			p=$r/main/binary-$a/Packages
			echo " $(sha256sum "$p" | cut -d' ' -f1) $(wc -c < "$p") main/binary-$a/Packages"
		done
	} > "$r/Release"
}

for a in amd64 arm64 armhf; do
	deb debian bookworm "$a" busybox-static 1:1.35.0-4+t1 "" bin/busybox
	deb debian bookworm-updates "$a" tzdata 2025b-0+t1 ""
done
kernel debian bookworm amd64 linux-image-amd64 6.1.150-1 linux-image-6.1.0-90-amd64
kernel debian bookworm arm64 linux-image-arm64 6.1.150-1 linux-image-6.1.0-90-arm64
kernel debian bookworm armhf linux-image-armmp-lpae 6.1.150-1 linux-image-6.1.0-90-armmp-lpae
kernel debian-security bookworm-security amd64 linux-image-amd64 6.1.160-1 linux-image-6.1.0-91-amd64
kernel debian-security bookworm-security arm64 linux-image-arm64 6.1.160-1 linux-image-6.1.0-91-arm64
kernel debian-security bookworm-security armhf linux-image-armmp-lpae 6.1.160-1 linux-image-6.1.0-91-armmp-lpae
kernel debian-security bookworm-security amd64 linux-image-6.12-amd64 6.12.99-1~deb12u1 linux-image-6.12.99+deb12-amd64
# A meta package whose image no suite has.
deb debian bookworm amd64 linux-image-lost-amd64 6.1.150-1 "linux-image-6.1.0-89-amd64 (= 6.1.150-1)"
release debian bookworm
release debian bookworm-updates
release debian-security bookworm-security

# sources FILE SECURITY-URI: the mirror as a deb822 sources file.
sources() {
	mkdir -p "$(dirname "$1")"
	cat > "$1" <<EOF
Types: deb
URIs: file:$M/debian
Suites: bookworm bookworm-updates
Components: main
Trusted: yes

Types: deb
URIs: $2
Suites: bookworm-security
Components: main
Trusted: yes
EOF
}
sources "$T/src.d/mirror.sources" "file:$M/debian-security"
# The security suite at a path that does not exist: apt-get update fails.
sources "$T/nosec.d/mirror.sources" "file:$T/nowhere"
# The host's own state, stood in for by an empty one unless a check says.
mkdir -p "$T/nohost/lists/partial" "$T/nohost.d"

E2E_APT_OPTS="-o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts=$T/src.d -o Acquire::Check-Valid-Until=false"
E2E_HOST_APT_OPTS="-o Dir::State::Lists=$T/nohost/lists -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts=$T/nohost.d"
E2E_APT_DELAYS=0
export E2E_APT_OPTS E2E_HOST_APT_OPTS E2E_APT_DELAYS
unset E2E_REFRESH E2E_KERNELS E2E_APT_OPTS_amd64 E2E_APT_OPTS_arm64 E2E_APT_OPTS_armhf E2E_APT_MAX_AGE E2E_APT_TIMEOUT

# garble SUITE ARCH / heal SUITE ARCH: the index as a mirror mid-sync has
# it (longer than its Release file says), and back.
pkgs() {
	case $1 in
	bookworm-security) echo "$M/debian-security/dists/$1/main/binary-$2/Packages" ;;
	*) echo "$M/debian/dists/$1/main/binary-$2/Packages" ;;
	esac
}
garble() {
	cp "$(pkgs "$1" "$2")" "$(pkgs "$1" "$2").good"
	printf 'Package: half-synced\n\n' >> "$(pkgs "$1" "$2")"
}
heal() { mv "$(pkgs "$1" "$2").good" "$(pkgs "$1" "$2")"; }

# img CACHE ARGS...: the script on a cache, stderr to $T/err.
img() {
	c=$1
	shift
	SCHEDTAP_CACHE=$c "$IMG" "$@" 2> "$T/err"
}
pkg_of() { cat "$1/e2e/kernels/$2/pkg" 2> /dev/null; }

# Apt that must not run: every call is noted, and fails.
mkdir -p "$T/noapt"
for t in apt apt-get apt-cache apt-config; do
	printf '#!/bin/sh\necho "%s $*" >> %s/apt-calls\nexit 100\n' "$t" "$T" > "$T/noapt/$t"
	chmod 755 "$T/noapt/$t"
done

# --- An empty cache: everything fetched, each arch in its own state.
C=$T/cold
s=$(date +%s)
if img "$C" fetch > "$T/out"; then
	want='amd64-6.1 linux-image-6.1.0-91-amd64_6.1.160-1_amd64
arm64-6.1 linux-image-6.1.0-91-arm64_6.1.160-1_arm64
amd64-6.12 linux-image-6.12.99+deb12-amd64_6.12.99-1~deb12u1_amd64
armhf-6.1 linux-image-6.1.0-91-armmp-lpae_6.1.160-1_armhf'
	got=$(for l in amd64-6.1 arm64-6.1 amd64-6.12 armhf-6.1; do echo "$l $(pkg_of "$C" "$l")"; done)
	bb=$(cat "$C"/e2e/busybox/*/pkg 2> /dev/null | tr '\n' ' ')
	vm=$(cat "$C/e2e/kernels/amd64-6.12/vmlinuz" 2> /dev/null)
	if [ "$got" != "$want" ]; then
		fail cold_fetch "kernels: got '$got', want '$want'"
	elif [ "$bb" != "busybox-static_1:1.35.0-4+t1_amd64 busybox-static_1:1.35.0-4+t1_arm64 busybox-static_1:1.35.0-4+t1_armhf " ]; then
		fail cold_fetch "busybox: $bb"
	elif [ "$vm" != "linux-image-6.12.99+deb12-amd64 6.12.99-1~deb12u1 boot/vmlinuz-6.12.99+deb12-amd64" ]; then
		fail cold_fetch "amd64-6.12's vmlinuz holds '$vm'"
	else
		pass cold_fetch
	fi
else
	fail cold_fetch "fetch into an empty cache: exit $?"
	detail "$T/err"
fi
echo "    cold fetch (local mirror): $(($(date +%s) - s)) s"
# Each state has its own arch's indexes only.
bad=
for a in amd64 arm64 armhf; do
	n=0 o=0
	for f in "$C/e2e/apt/$a/lists/"*_binary-*; do
		case $f in
		*"_binary-${a}_Packages"*) n=$((n + 1)) ;;
		*_binary-*_*) o=$((o + 1)) ;;
		esac
	done
	[ "$n" -eq 3 ] && [ "$o" -eq 0 ] || bad="$bad $a: $n own indexes (want 3), $o of other arches;"
done
if [ -z "$bad" ]; then pass per_arch_state; else fail per_arch_state "$bad"; fi

# --- The same cache again: nothing to fetch, so no apt at all, no file
# changed, and the same answers. The lists made old first: lists that
# are too old to use would be updated if anything asked for them.
for f in "$C"/e2e/apt/*/updated; do echo "1 ok" > "$f"; done
touch "$T/before"
sleep 1
rm -f "$T/apt-calls"
rc=0
k=$(PATH=$T/noapt:$PATH img "$C" kernel amd64-6.12) || rc=$?
[ $rc -ne 0 ] || PATH=$T/noapt:$PATH img "$C" fetch || rc=$?
cp /bin/true "$T/schedtap"
[ $rc -ne 0 ] || PATH=$T/noapt:$PATH img "$C" initramfs amd64 "$T/schedtap" "$T/initramfs.cpio.gz" || rc=$?
changed=$(find "$C" -newer "$T/before" ! -name .lock | head -n 3)
if [ $rc -ne 0 ]; then
	fail warm_no_apt "exit $rc on a full cache"
	detail "$T/err"
elif [ -s "$T/apt-calls" ]; then
	fail warm_no_apt "apt ran on a full cache: $(head -n 3 "$T/apt-calls" | tr '\n' ';')"
elif [ "$k" != "$C/e2e/kernels/linux-image-6.12.99+deb12-amd64_6.12.99-1~deb12u1_amd64/vmlinuz" ]; then
	fail warm_no_apt "kernel amd64-6.12 printed '$k'"
elif [ -n "$changed" ]; then
	fail warm_no_apt "files changed: $changed"
elif ! gzip -dc "$T/initramfs.cpio.gz" | cpio -it --quiet 2> /dev/null | grep -qx bin/busybox; then
	fail warm_no_apt "the initramfs has no bin/busybox"
else
	pass warm_no_apt
fi

# --- E2E_REFRESH: fresh lists, the same packages, nothing downloaded again.
rc=0
E2E_REFRESH=1 img "$C" fetch || rc=$?
if [ $rc -ne 0 ]; then
	fail refresh "E2E_REFRESH=1 fetch: exit $rc"
	detail "$T/err"
elif ! grep -q 'apt-get update, armhf' "$T/err" || grep -q 'apt-get download' "$T/err"; then
	fail refresh "want an update of each arch and no download:"
	detail "$T/err"
elif [ "$(pkg_of "$C" amd64-6.12)" != "linux-image-6.12.99+deb12-amd64_6.12.99-1~deb12u1_amd64" ]; then
	fail refresh "amd64-6.12 is now $(pkg_of "$C" amd64-6.12)"
else
	pass refresh
fi

# --- armhf's security index half synced: amd64 must still have that
# suite (its 6.12 image is only there), armhf falls back to bookworm.
garble bookworm-security armhf
C=$T/isolated
E2E_APT_DELAYS="0 0" img "$C" resolve > "$T/out"
rc=$?
r12=$(awk '$1 == "amd64-6.12" { print $2, $3, $5, $6 }' "$T/out")
rhf=$(awk '$1 == "armhf-6.1" { print $2, $5 }' "$T/out")
if [ "$r12" != "linux-image-6.12.99+deb12-amd64 6.12.99-1~deb12u1 bookworm-security amd64" ]; then
	fail arch_isolated "amd64-6.12 resolved to '$r12' (exit $rc)"
	detail "$T/err"
elif [ "$rhf" != "linux-image-6.1.0-90-armmp-lpae bookworm" ]; then
	fail arch_isolated "armhf-6.1 resolved to '$rhf', want bookworm's image"
	detail "$T/err"
elif ! grep -Eq 'Hash Sum mismatch|unexpected size' "$C/e2e/apt/armhf/update.log"; then
	fail arch_isolated "armhf's update.log does not show the broken index"
	detail "$C/e2e/apt/armhf/update.log"
else
	pass arch_isolated
fi
# Three tries for armhf (two delays), one for the others.
n=$(grep -c 'apt-get update, armhf (try' "$T/err")
n64=$(grep -c 'apt-get update, amd64 (try' "$T/err")
if [ "$n" -eq 3 ] && [ "$n64" -eq 1 ] && grep -q 'armhf (try 3 of 3' "$T/err"; then
	pass retry_bounded
else
	fail retry_bounded "armhf tried $n times (want 3), amd64 $n64 (want 1)"
fi
# A failed update is not tried again by the next call.
E2E_APT_DELAYS="0 0" img "$C" resolve armhf-6.1 > /dev/null
if grep -q 'apt-get update, ' "$T/err"; then
	fail failed_update_kept "the next call updated again: $(grep 'apt-get update, ' "$T/err" | head -n 1)"
else
	pass failed_update_kept
fi
heal bookworm-security armhf

# --- A mirror caught mid-sync once: the second try gets it.
garble bookworm-security amd64
mkdir -p "$T/heal"
cat > "$T/heal/apt-get" <<EOF
#!/bin/sh
# The real apt-get; after the first update, the mirror finishes its sync.
$(command -v apt-get) "\$@"
rc=\$?
case " \$* " in *" update "*) [ -f "$(pkgs bookworm-security amd64).good" ] && mv "$(pkgs bookworm-security amd64).good" "$(pkgs bookworm-security amd64)" ;; esac
exit \$rc
EOF
chmod 755 "$T/heal/apt-get"
C=$T/transient
s=$(date +%s)
PATH=$T/heal:$PATH E2E_APT_DELAYS="1 1" img "$C" resolve amd64-6.12 > "$T/out"
rc=$?
el=$(($(date +%s) - s))
if [ "$(awk '{ print $2, $5 }' "$T/out")" != "linux-image-6.12.99+deb12-amd64 bookworm-security" ]; then
	fail retry_transient "resolved '$(cat "$T/out")' (exit $rc)"
	detail "$T/err"
elif ! grep -q 'amd64 (try 2 of 3' "$T/err" || grep -q 'try 3 of 3' "$T/err"; then
	fail retry_transient "want exactly two tries:"
	detail "$T/err"
elif [ "$el" -lt 1 ] || [ "$(cut -d' ' -f2 "$C/e2e/apt/amd64/updated")" != ok ]; then
	fail retry_transient "$el s (want >= 1 s of delay), stamp $(cat "$C/e2e/apt/amd64/updated")"
else
	pass retry_transient
fi
[ -f "$(pkgs bookworm-security amd64).good" ] && heal bookworm-security amd64

# --- A try that hangs is cut off at E2E_APT_TIMEOUT.
mkdir -p "$T/hang"
cat > "$T/hang/apt-get" <<EOF
#!/bin/sh
case " \$* " in *" update "*) exec sleep 30 ;; esac
exec $(command -v apt-get) "\$@"
EOF
chmod 755 "$T/hang/apt-get"
s=$(date +%s)
PATH=$T/hang:$PATH E2E_APT_TIMEOUT=1 E2E_APT_DELAYS='' img "$T/hung" resolve amd64-6.12 > /dev/null
rc=$?
el=$(($(date +%s) - s))
if [ $rc -eq 0 ] || [ "$el" -gt 20 ] || ! grep -q 'took over 1 s' "$T/err"; then
	fail try_timeout "exit $rc after $el s (want a failure within 20 s naming the time-out)"
	detail "$T/err"
else
	pass try_timeout
fi

# --- Nothing has the package: the error names it, the suite, and apt's
# error. amd64's security index is broken on every try; no host lists.
garble bookworm-security amd64
C=$T/none
img "$C" kernel amd64-6.12 > /dev/null
rc=$?
last=$(tail -n 1 "$T/err")
if [ $rc -eq 0 ]; then
	fail error_names_all "kernel amd64-6.12 succeeded with no usable security index"
else
	miss=
	for w in 'linux-image-6.12-amd64:amd64' 'bookworm-security' 'Hash Sum mismatch' 'kernel amd64-6.12'; do
		case $last in *"$w"*) ;; *) miss="$miss '$w'" ;; esac
	done
	if [ -z "$miss" ]; then pass error_names_all; else fail error_names_all "last line lacks$miss: $last"; fi
fi
heal bookworm-security amd64
# A meta package that no suite has: named, with the suites searched.
E2E_KERNELS='amd64-nope amd64 linux-image-nope-amd64' img "$T/nope" kernel amd64-nope > /dev/null
rc=$?
last=$(tail -n 1 "$T/err")
case $rc:$last in
0:*) fail error_no_such_meta "succeeded" ;;
*"linux-image-nope-amd64:amd64 not found in any suite"*"bookworm/main, bookworm-updates/main, bookworm-security/main"*)
	pass error_no_such_meta ;;
*) fail error_no_such_meta "last line: $last" ;;
esac
# A meta package whose image no suite has: the image named, and by whom.
E2E_KERNELS='amd64-lost amd64 linux-image-lost-amd64' img "$T/lost" kernel amd64-lost > /dev/null
rc=$?
last=$(tail -n 1 "$T/err")
case $rc:$last in
0:*) fail error_image_missing "succeeded" ;;
*"linux-image-6.1.0-89-amd64:amd64 (named by linux-image-lost-amd64 6.1.150-1 from bookworm)"*) pass error_image_missing ;;
*) fail error_image_missing "last line: $last" ;;
esac

# --- The host's own lists, for the host's arch, when the private state
# has no security suite (its source fails on every try).
if [ "$(dpkg --print-architecture)" = amd64 ]; then
	# A host that has the mirror in its lists (what `apt-get update` of
	# the host leaves), with its binary cache off as in Debian's images.
	H="-o Dir::State::Lists=$T/host/lists -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts=$T/src.d -o Acquire::Check-Valid-Until=false"
	mkdir -p "$T/host/lists/partial"
	# shellcheck disable=SC2086
	apt-get -q $H -o Dir::Cache="$T/host/cache" update > "$T/host.log" 2>&1 ||
		{ fail host_fallback "apt-get update of the stand-in host state failed"; detail "$T/host.log"; }
	C=$T/viahost
	E2E_APT_OPTS_amd64="-o Dir::Etc::sourceparts=$T/nosec.d" E2E_HOST_APT_OPTS=$H \
		img "$C" kernel amd64-6.12 > "$T/out"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail host_fallback "kernel amd64-6.12: exit $rc"
		detail "$T/err"
	elif [ "$(pkg_of "$C" amd64-6.12)" != "linux-image-6.12.99+deb12-amd64_6.12.99-1~deb12u1_amd64" ] ||
		! grep -q "host's apt lists have linux-image-6.12.99+deb12-amd64" "$T/err"; then
		fail host_fallback "got '$(pkg_of "$C" amd64-6.12)'"
		detail "$T/err"
	else
		pass host_fallback
	fi
	# Not for another arch: the host's lists are of its own arch.
	E2E_APT_OPTS_armhf="-o Dir::Etc::sourceparts=$T/nosec.d" E2E_HOST_APT_OPTS=$H \
		img "$C" resolve armhf-6.1 > "$T/out"
	if [ "$(awk '{ print $2, $6 }' "$T/out")" = "linux-image-6.1.0-90-armmp-lpae armhf" ]; then
		pass host_fallback_own_arch_only
	else
		fail host_fallback_own_arch_only "armhf-6.1: $(cat "$T/out")"
	fi

	# The real host: its own sources and lists (read only, no update).
	if apt-cache madison linux-image-6.12-amd64 2> /dev/null | grep -q bookworm-security; then
		C=$T/realhost
		(unset E2E_HOST_APT_OPTS; E2E_APT_OPTS_amd64="-o Dir::Etc::sourceparts=$T/nosec.d" img "$C" resolve amd64-6.12) > "$T/out"
		rc=$?
		case $(awk '{ print $2, $5, $6 }' "$T/out") in
		"linux-image-6.12."*"-amd64 bookworm-security host") pass host_fallback_real ;;
		*) fail host_fallback_real "resolved '$(cat "$T/out")' (exit $rc)"; detail "$T/err" ;;
		esac
	else
		echo "SKIP e2e/image/host_fallback_real: the host's apt lists have no linux-image-6.12-amd64 in bookworm-security"
	fi
else
	echo "SKIP e2e/image/host_fallback: the test mirror's security-only 6.12 image is amd64, the host $(dpkg --print-architecture)"
fi

# --- Caches from before the per-arch states: one state for all arches
# in apt/lists and apt/cache, here with nothing in its lists (as if the
# failing index had left no suite). A full cache still needs no apt; one
# that lacks a kernel gets it from the new states. The old state is left
# as it was (an older checkout may share the cache).
oldlayout() {
	mkdir -p "$1/e2e/apt/lists/partial" "$1/e2e/apt/cache"
	for a in amd64 arm64 armhf; do
		: > "$1/e2e/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-${a}_Packages.lz4"
	done
	: > "$1/e2e/apt/cache/pkgcache.bin"
	echo 'E: Failed to fetch ... File has unexpected size' > "$1/e2e/apt/update.log"
	(cd "$1/e2e/apt" && find lists cache update.log -type f | LC_ALL=C sort | xargs sha256sum) > "$1.old"
}
oldintact() {
	(cd "$1/e2e/apt" && find lists cache update.log -type f | LC_ALL=C sort | xargs sha256sum) 2> /dev/null |
		cmp -s - "$1.old"
}
C=$T/oldfull
mkdir -p "$C/e2e"
cp -a "$T/cold/e2e/kernels" "$T/cold/e2e/busybox" "$C/e2e/"
oldlayout "$C"
rm -f "$T/apt-calls"
rc=0
PATH=$T/noapt:$PATH img "$C" fetch || rc=$?
if [ $rc -ne 0 ]; then
	fail old_layout_full "fetch: exit $rc"
	detail "$T/err"
elif [ -s "$T/apt-calls" ]; then
	fail old_layout_full "apt calls: $(head -n 2 "$T/apt-calls" 2> /dev/null)"
elif ! oldintact "$C"; then
	fail old_layout_full "the old state changed: $(find "$C/e2e/apt" -maxdepth 2 | head -n 8 | tr '\n' ' ')"
else
	pass old_layout_full
fi
C=$T/oldpart
mkdir -p "$C/e2e/kernels"
cp -a "$T/cold/e2e/busybox" "$C/e2e/"
cp -a "$T/cold/e2e/kernels/linux-image-6.1.0-91-amd64_6.1.160-1_amd64" "$T/cold/e2e/kernels/amd64-6.1" "$C/e2e/kernels/"
oldlayout "$C"
rc=0
img "$C" fetch || rc=$?
if [ $rc -ne 0 ]; then
	fail old_layout_partial "fetch: exit $rc"
	detail "$T/err"
elif [ "$(pkg_of "$C" amd64-6.12)" != "linux-image-6.12.99+deb12-amd64_6.12.99-1~deb12u1_amd64" ] ||
	! oldintact "$C" || grep -q 'download linux-image-6.1.0-91-amd64' "$T/err"; then
	fail old_layout_partial "amd64-6.12 '$(pkg_of "$C" amd64-6.12)'; apt: $(find "$C/e2e/apt" -maxdepth 1 | tr '\n' ' ')"
	detail "$T/err"
else
	pass old_layout_partial
fi

exit $failed
