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
#   toolchain/e2e-image.sh host-deps            toolchain/deps.sh (QEMU, cpio among them)
#   toolchain/e2e-image.sh fetch [LABEL...]     kernels (all by default), busybox
#   toolchain/e2e-image.sh kernel LABEL         fetch if needed; print vmlinuz path
#   toolchain/e2e-image.sh resolve [LABEL...]   what a fetch would take, downloading
#                                               nothing: LABEL PKG VERSION ARCH
#                                               SUITE STATE (STATE: ARCH or host)
#   toolchain/e2e-image.sh initramfs DEBARCH SCHEDTAP OUT.cpio.gz
#
# Cache: ${SCHEDTAP_CACHE:-/var/cache/schedtap}/e2e. Idempotent: a kernel
# or busybox already in the cache is used as it is, without asking apt;
# E2E_REFRESH=1 re-resolves the meta packages against fresh package lists.
#
# apt runs with a private state per architecture, $CACHE/apt/ARCH (lists,
# package cache, APT::Architectures = that one arch), with the host's
# sources; the host's dpkg architectures and apt state are neither needed
# nor changed. One state per arch because apt drops a whole suite when any
# of its indexes fails: with one state for all three, an armhf index
# caught mid-sync on the mirror (size not matching the Release file) hid
# bookworm-security from amd64 too, and with it the only 6.12 image.
# `apt-get update` is tried again after E2E_APT_DELAYS (seconds, "5 15 45"),
# each try limited to E2E_APT_TIMEOUT (120 s). What the private state
# cannot resolve for the host's own architecture is looked up in the
# host's apt lists (read only). What nothing resolves fails naming the
# package, the suites without a usable index and apt's error.
#
# Test hooks (tests/e2e/image-test.sh): E2E_APT_OPTS, E2E_APT_OPTS_<ARCH>
# (more apt options for every private state, or one arch's), E2E_HOST_APT_OPTS
# (for the host's state), E2E_APT_MAX_AGE (s lists are used without an
# update when something must be fetched, 3600), E2E_KERNELS (the kernel
# table below). Options are split at blanks: no blanks in their paths.
set -eu

# The kernels: a label, the Debian architecture, and the meta package that
# names the current image. To add a kernel, add a line (see tests/e2e/README.md).
KERNELS=${E2E_KERNELS:-'
amd64-6.1   amd64  linux-image-amd64
arm64-6.1   arm64  linux-image-arm64
amd64-6.12  amd64  linux-image-6.12-amd64
armhf-6.1   armhf  linux-image-armmp-lpae
'}

root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$root/build}
CACHE=${SCHEDTAP_CACHE:-/var/cache/schedtap}/e2e
# Absolute: apt-get download runs in the directory it downloads to.
case $CACHE in /*) ;; *) CACHE=$(pwd)/$CACHE ;; esac
APT=$CACHE/apt
# 5 + 15 + 45 s outlast a mirror push caught once, without making a
# failure that lasts (a bogus source, no network) cost more than a minute.
DELAYS=${E2E_APT_DELAYS-5 15 45}
TRY_TIMEOUT=${E2E_APT_TIMEOUT:-120}
MAX_AGE=${E2E_APT_MAX_AGE:-3600}
# A failed update is not tried again for this long: run.sh calls this
# script once per initramfs and per kernel, and each would else spend the
# whole retry time again on the same failure.
FAILED_AGE=300

say() { echo "e2e-image: $*" >&2; }
die() { say "$*"; exit 1; }
in_words() { case " $2 " in *" $1 "*) return 0 ;; esac; return 1; }

host_arch_=
host_arch() {
	[ -n "$host_arch_" ] || host_arch_=$(dpkg --print-architecture)
	echo "$host_arch_"
}

# apt_ STATE TOOL ARGS...: an apt tool on one state. STATE is an arch (its
# private state) or "host" (the host's lists and sources, read only; the
# binary cache goes to $APT/host, since Debian's container images turn the
# host's off, and with it an apt-cache call takes milliseconds, not 1.2 s).
# apt_prefix, if set, goes before the tool (timeout).
apt_() {
	as=$1 at=$2
	shift 2
	if [ "$as" = host ]; then
		# shellcheck disable=SC2086
		${apt_prefix:-} "$at" -q -o Dir::Cache="$APT/host" \
			-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache=srcpkgcache.bin \
			${E2E_HOST_APT_OPTS:-} "$@"
		return
	fi
	ao=
	eval "ao=\${E2E_APT_OPTS_$as:-}"
	# An empty dpkg status: the host's installed packages (of its own
	# arch) have no business in another arch's resolution. As it never
	# changes, the source cache (a 37 MB copy of pkgcache.bin, kept to
	# rebuild that faster after dpkg runs) would serve nothing.
	# shellcheck disable=SC2086
	${apt_prefix:-} "$at" -q -c "$APT/apt.conf" \
		-o Dir::State::Lists="$APT/$as/lists" -o Dir::Cache="$APT/$as/cache" \
		-o Dir::Cache::pkgcache=pkgcache.bin -o Dir::Cache::srcpkgcache= \
		-o Dir::State::status="$APT/status" \
		-o APT::Architecture="$as" -o APT::Architectures::="$as" \
		${E2E_APT_OPTS:-} $ao "$@"
}

# The files every private state shares.
apt_setup() {
	mkdir -p "$APT/host/archives/partial"
	[ -f "$APT/status" ] || : > "$APT/status"
	# The host's apt.conf.d (proxies, compression) applies, but not its
	# update hooks: they refresh the host's own caches (AppStream,
	# PackageKit) and have nothing to do with these lists.
	[ -f "$APT/apt.conf" ] || cat > "$APT/apt.conf" <<'EOC'
// toolchain/e2e-image.sh: the host's hooks serve the host's apt state.
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
EOC
	# Caches from before the per-arch states kept one state for all
	# arches in $APT/lists and $APT/cache. This script does not read it
	# (a failing index may have left it without a suite) and leaves it
	# alone: the cache is machine-wide, and a checkout of an older
	# revision sharing it would download it again after each removal.
}

lists_have() {
	set -- "$APT/$1"/lists/*_Packages*
	[ -e "$1" ]
}

# lists_fresh ARCH: ARCH's lists may be used without an update. The stamp
# $APT/ARCH/updated holds the time of the last update and ok or failed.
lists_fresh() {
	[ -f "$APT/$1/updated" ] || return 1
	read -r lt lr < "$APT/$1/updated" || return 1
	lage=$(($(date +%s) - lt))
	if [ "$lr" = ok ]; then
		lists_have "$1" && [ "$lage" -lt "$MAX_AGE" ]
	else
		[ "$lage" -lt "$FAILED_AGE" ]
	fi
}

# update_lists ARCH: apt-get update of ARCH's state, tried again after
# each delay. Any failed index counts (Error-Mode=any: a download that
# fails is otherwise only a warning, exit 0). Goes on with the lists it
# has when all tries fail: apt keeps a failing suite's old lists, and the
# other suites still resolve.
update_lists() {
	ua=$1 ud=$APT/$1
	mkdir -p "$ud/lists/partial" "$ud/cache/archives/partial"
	# shellcheck disable=SC2086
	set -- $DELAYS
	un=1 ut=$(($# + 1))
	while :; do
		say "apt-get update, $ua (try $un of $ut, lists in $ud/lists)"
		apt_prefix="timeout $TRY_TIMEOUT"
		urc=0
		apt_ "$ua" apt-get -o APT::Update::Error-Mode=any update > "$ud/update.log" 2>&1 || urc=$?
		apt_prefix=
		if [ "$urc" -eq 0 ]; then
			echo "$(date +%s) ok" > "$ud/updated"
			return 0
		fi
		[ "$urc" -ne 124 ] || echo "E: e2e-image: apt-get update took over $TRY_TIMEOUT s (try $un of $ut)" >> "$ud/update.log"
		apt_errors "$ud/update.log" | sed "s/^/e2e-image: $ua: /" >&2
		[ $# -gt 0 ] || break
		say "$ua: apt-get update failed (exit $urc); again in $1 s"
		sleep "$1"
		shift
		un=$((un + 1))
	done
	echo "$(date +%s) failed" > "$ud/updated"
	say "$ua: apt-get update failed $ut times; going on with the lists it has"
}

# apt_errors LOG: apt's error and warning lines, but not the note that a
# cache directory _apt cannot enter (mktemp -d) is written to as root.
apt_errors() {
	grep -E '^(E|W):' "$1" 2> /dev/null | grep -v 'unsandboxed as root' || true
}

# prepare_lists ARCH...: update the states that need it, in parallel
# (each is its own directory). E2E_REFRESH: once per run of this script.
refreshed=
prepare_lists() {
	pl=
	for pa in "$@"; do
		if [ -n "${E2E_REFRESH:-}" ] && ! in_words "$pa" "$refreshed"; then
			pl="$pl $pa"
		elif ! lists_fresh "$pa"; then
			pl="$pl $pa"
		fi
	done
	[ -n "$pl" ] || return 0
	pp=
	for pa in $pl; do
		update_lists "$pa" &
		pp="$pp $!"
	done
	for p in $pp; do wait "$p" || true; done
	refreshed="$refreshed $pl"
}

# lookup STATE ARCH PKG: "VERSION SUITE" of PKG:ARCH's candidate; 1 if none.
lookup() {
	lv=$(apt_ "$1" apt-cache policy "$3:$2" 2> /dev/null | awk '$1 == "Candidate:" { print $2; exit }')
	case $lv in '' | '(none)') return 1 ;; esac
	# madison: "PKG | VERSION | SITE SUITE/COMPONENT ARCH Packages"
	lsu=$(apt_ "$1" apt-cache madison "$3:$2" 2> /dev/null | awk -F'|' -v v="$lv" '
		{ gsub(/^ +| +$/, "", $2) }
		$2 == v { split($3, w, " "); sub("/.*", "", w[2]); print w[2]; exit }')
	echo "$lv ${lsu:-?}"
}

# resolve_in STATE ARCH PKG KIND: "ok PKG VERSION SUITE", or "miss PKG [WHY]"
# naming what is missing. KIND meta: PKG is a meta package, and the
# answer is the linux-image package its candidate depends on.
resolve_in() {
	rs=$1 ra=$2 rp=$3
	if ! rv=$(lookup "$rs" "$ra" "$rp"); then
		echo "miss $rp"
		return 0
	fi
	if [ "$4" != meta ]; then
		echo "ok $rp $rv"
		return 0
	fi
	# shellcheck disable=SC2086
	set -- $rv
	# A dependency that no list has shows as <name>.
	ri=$(apt_ "$rs" apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$rp:$ra=$1" 2> /dev/null |
		awk '$1 ~ /Depends:$/ { n = $2; gsub(/[<>]/, "", n); sub(/:.*/, "", n)
			if (n ~ /^linux-image-/) { print n; exit } }')
	if [ -z "$ri" ]; then
		echo "miss $rp ($1 from $2 depends on no linux-image package)"
	elif ri_v=$(lookup "$rs" "$ra" "$ri"); then
		echo "ok $ri $ri_v"
	else
		echo "miss $ri (named by $rp $1 from $2)"
	fi
}

# suites_of STATE ARCH: "SUITE/COMPONENT yes|no" per configured Packages
# index of ARCH: whether its list is there (apt removes a failed suite's).
suites_of() {
	sa=$2
	# shellcheck disable=SC2016 # apt's own $(FIELD) syntax
	apt_ "$1" apt-get indextargets --no-release-info \
		--format '$(IDENTIFIER) $(ARCHITECTURE) $(RELEASE)/$(COMPONENT) $(FILENAME)' 2> /dev/null |
		while read -r sid sar ssu sfn; do
			[ "$sid" = Packages ] || continue
			[ "$sar" = "$sa" ] || continue
			set -- "$sfn"*
			if [ -e "$1" ]; then echo "$ssu yes"; else echo "$ssu no"; fi
		done
}

# resolve ARCH PKG KIND WHAT: PKG:ARCH (KIND as resolve_in) from ARCH's
# private state, else from the host's (host arch only). Sets r_pkg, r_ver,
# r_suite, r_state. Otherwise says why, last line naming the package, the
# suite and apt's error (run.sh shows that line), and returns 1.
resolve() {
	prepare_lists "$1"
	ra=$1 rp=$2 rk=$3 rw=$4
	# shellcheck disable=SC2046
	set -- $(resolve_in "$ra" "$ra" "$rp" "$rk")
	if [ "${1:-}" = ok ]; then
		r_pkg=$2 r_ver=$3 r_suite=$4 r_state=$ra
		return 0
	fi
	shift
	pmiss=$*
	hmiss=
	if [ "$ra" = "$(host_arch)" ]; then
		# shellcheck disable=SC2046
		set -- $(resolve_in host "$ra" "$rp" "$rk")
		if [ "${1:-}" = ok ]; then
			r_pkg=$2 r_ver=$3 r_suite=$4 r_state=host
			say "$rw: $pmiss not in the private $ra lists; the host's apt lists have $r_pkg $r_ver ($r_suite)"
			return 0
		fi
		shift
		hmiss=$*
	fi
	diagnose "$ra" "$rw" "$pmiss" "$hmiss"
	return 1
}

# diagnose ARCH WHAT MISS HOSTMISS: the failure of resolve.
diagnose() {
	da=$1 dw=$2 dp=${3%% *} dwhy=
	case $3 in *" "*) dwhy=" ${3#* }" ;; esac
	dsu=$(suites_of "$da" "$da")
	dhave=$(echo "$dsu" | awk '$2 == "yes" { printf "%s%s", s, $1; s = ", " }')
	dlack=$(echo "$dsu" | awk '$2 == "no" { printf "%s%s", s, $1; s = ", " }')
	dlog=$APT/$da/update.log
	derr=$(apt_errors "$dlog")
	say "$da's private lists ($APT/$da/lists) index ${dhave:-no suite}${dlack:+; not $dlack}"
	if [ -n "$derr" ]; then
		say "the last apt-get update for $da ($dlog) said:"
		echo "$derr" | sed 's/^/    /' >&2
	fi
	dhost=
	if [ "$da" = "$(host_arch)" ]; then
		dhs=$(suites_of host "$da" | awk '$2 == "yes" { printf "%s%s", s, $1; s = ", " }')
		say "the host's apt lists (${dhs:-no $da index}) lack it too: ${4:-?}"
		dhost=", nor in the host's apt lists"
	fi
	# The error about a suite that has no index: the suite that should
	# have had the package. apt's summary line says nothing specific.
	d1=
	for s in $(echo "$dsu" | awk '$2 == "no" { sub("/.*", "", $1); print $1 }'); do
		d1=$(echo "$derr" | grep -F "/dists/$s/" | head -n 1)
		[ -z "$d1" ] || break
	done
	[ -n "$d1" ] || d1=$(echo "$derr" | grep -v 'Some index files failed' | head -n 1)
	if [ -n "$dlack" ]; then
		say "$dw: $dp:$da$dwhy not found: no usable $da index of $dlack (${d1:-apt-get update reported no error}); not in ${dhave:-any other suite}$dhost"
	else
		say "$dw: $dp:$da$dwhy not found in any suite of the $da lists (${dhave:-none})$dhost; apt-get update: ${d1:-no error}"
	fi
}

# fetch_deb STATE PKG ARCH VERSION DESTDIR: download PKG:ARCH=VERSION,
# unpack with dpkg -x into DESTDIR/root, and drop the .deb.
fetch_deb() {
	fs=$1 fp=$2 fa=$3 fv=$4 fd=$5
	rm -rf "$fd"
	mkdir -p "$fd"
	say "apt-get download $fp:$fa=$fv ($fs apt state)"
	# apt-get download writes to the current directory.
	(cd "$fd" && apt_ "$fs" apt-get download "$fp:$fa=$fv") > "$fd/download.log" 2>&1 ||
		{ cat "$fd/download.log" >&2; return 1; }
	set -- "$fd"/*.deb
	[ -f "$1" ] || { cat "$fd/download.log" >&2; return 1; }
	dpkg -x "$1" "$fd/root"
	rm -f "$1" "$fd/download.log"
}

labels() { echo "$KERNELS" | awk 'NF { print $1 }'; }
arch_of() { echo "$KERNELS" | awk -v l="$1" '$1 == l { print $2; exit }'; }
meta_of() { echo "$KERNELS" | awk -v l="$1" '$1 == l { print $3; exit }'; }
known() { [ -n "$(arch_of "$1")" ] || die "unknown kernel '$1' (known: $(labels | tr '\n' ' '))"; }
kernel_cached() { [ -z "${E2E_REFRESH:-}" ] && [ -f "$CACHE/kernels/$1/vmlinuz" ]; }

# plan_kernel LABEL: resolve its image (updating lists as needed) into
# p_line="LABEL PKG VERSION ARCH SUITE STATE".
plan_kernel() {
	known "$1"
	ka=$(arch_of "$1")
	resolve "$ka" "$(meta_of "$1")" meta "kernel $1" || return 1
	p_line="$1 $r_pkg $r_ver $ka $r_suite $r_state"
}

# get_kernel LABEL PKG VERSION ARCH SUITE STATE: the image into
# $CACHE/kernels/PKG_VERSION_ARCH (vmlinuz, config, pkg) unless there, and
# $CACHE/kernels/LABEL linked to it.
get_kernel() {
	gl=$1 gp=$2 gv=$3 ga=$4 gs=$5 gst=$6
	dir=$CACHE/kernels/${gp}_$(echo "$gv" | tr ':' '%')_$ga
	if [ ! -f "$dir/vmlinuz" ]; then
		tmp=$dir.tmp
		fetch_deb "$gst" "$gp" "$ga" "$gv" "$tmp" || die "could not download $gp:$ga $gv ($gs)"
		set -- "$tmp"/root/boot/vmlinuz-*
		[ -f "$1" ] || die "$gp:$ga has no /boot/vmlinuz-*"
		mkdir -p "$dir"
		mv "$1" "$dir/vmlinuz"
		for c in "$tmp"/root/boot/config-*; do [ -f "$c" ] && mv "$c" "$dir/config"; done
		echo "${gp}_${gv}_$ga" > "$dir/pkg"
		rm -rf "$tmp"
		say "cached $gp:$ga $gv ($gs) in $dir"
	fi
	ln -sfn "$(basename "$dir")" "$CACHE/kernels/$gl"
}

# fetch_kernels LABEL...: those not in the cache. Lists are updated in
# parallel, the images resolved one by one (apt-cache takes milliseconds),
# then downloaded and unpacked in parallel (a few seconds each).
# Non-zero if any failed.
fetch_kernels() {
	need='' na=''
	for l in "$@"; do
		known "$l"
		kernel_cached "$l" && continue
		need="$need $l"
		in_words "$(arch_of "$l")" "$na" || na="$na $(arch_of "$l")"
	done
	[ -n "$need" ] || return 0
	# shellcheck disable=SC2086
	prepare_lists $na
	rc=0 plans=
	for l in $need; do
		if plan_kernel "$l"; then
			plans="$plans$p_line
"
		else
			rc=1
		fi
	done
	pids=
	while read -r l p v a s st; do
		[ -n "$l" ] || continue
		get_kernel "$l" "$p" "$v" "$a" "$s" "$st" < /dev/null &
		pids="$pids $!"
	done <<EOP
$(printf %s "$plans")
EOP
	for p in $pids; do wait "$p" || rc=1; done
	return $rc
}

# busybox-static for DEBARCH into $CACHE/busybox/DEBARCH/busybox.
fetch_busybox() {
	arch=$1
	dir=$CACHE/busybox/$arch
	if [ -z "${E2E_REFRESH:-}" ] && [ -x "$dir/busybox" ]; then
		return 0
	fi
	resolve "$arch" busybox-static plain "busybox for $arch" || exit 1
	ver=$r_ver
	if [ -x "$dir/busybox" ] && [ "$(cat "$dir/pkg" 2>/dev/null)" = "busybox-static_${ver}_$arch" ]; then
		return 0
	fi
	tmp=$dir.tmp
	fetch_deb "$r_state" busybox-static "$arch" "$ver" "$tmp" || die "could not download busybox-static:$arch $ver ($r_suite)"
	rm -rf "$dir"
	mkdir -p "$dir"
	mv "$tmp/root/bin/busybox" "$dir/busybox"
	echo "busybox-static_${ver}_$arch" > "$dir/pkg"
	rm -rf "$tmp"
	say "cached busybox-static:$arch $ver ($r_suite) in $dir"
}

# QEMU and cpio are in toolchain/deps.sh's list: one installer for all.
host_deps() {
	"$root/toolchain/deps.sh"
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
	apt_setup
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
	rc=0
	fetch_kernels "$@" || rc=1
	for a in $(for l in "$@"; do arch_of "$l"; done | sort -u); do fetch_busybox "$a"; done
	exit $rc ;;
kernel)
	[ $# -eq 1 ] || die "usage: $0 kernel LABEL"
	lock
	fetch_kernels "$1" || exit 1
	readlink -f "$CACHE/kernels/$1/vmlinuz" ;;
resolve)
	lock
	# shellcheck disable=SC2046
	[ $# -gt 0 ] || set -- $(labels)
	# shellcheck disable=SC2046
	prepare_lists $(for l in "$@"; do known "$l"; arch_of "$l"; done | sort -u)
	rc=0
	for l in "$@"; do
		if plan_kernel "$l"; then echo "$p_line"; else rc=1; fi
	done
	exit $rc ;;
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
*) die "usage: $0 [list|host-deps|fetch [LABEL...]|kernel LABEL|resolve [LABEL...]|initramfs DEBARCH SCHEDTAP OUT]" ;;
esac
