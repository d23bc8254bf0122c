#!/bin/sh
# Event format files from several kernels, for the tracefs_format seeds.
#   tests/fuzz/collect-formats.sh [-c] [-n] LABEL...
# LABEL is "host" (this machine's tracefs) or a kernel of the end-to-end
# suite (toolchain/e2e-image.sh list: amd64-6.1, arm64-6.1, armhf-6.1,
# amd64-6.12). A guest kernel boots in QEMU with an initramfs of its own,
# made here: busybox (the e2e cache's, read-only) and an /init that mounts
# tracefs and prints header_page, header_event and the format of every
# sched, syscalls, raw_syscalls and power event on the serial console
# between markers, each with its md5sum; the console log is split into
# build/fuzz/formats/LABEL/SYSTEM/EVENT, and a file whose md5 does not
# match (a kernel message in the middle) is dropped with a warning.
# -c also copies the events in PICK (below) into
# tests/fuzz/corpus/tracefs_format/LABEL-SYSTEM-EVENT, leaving out a file
# whose content is there already under another name. -n collects
# nothing and takes what an earlier run left in build/fuzz/formats/LABEL.
# Environment: SCHEDTAP_CACHE (/var/cache/schedtap), COLLECT_TIMEOUT (s
# per boot, 300), BUILD (build).
set -eu
cd "$(dirname "$0")/../.."
OUT=${BUILD:-build}/fuzz/formats
CACHE=${SCHEDTAP_CACHE:-/var/cache/schedtap}/e2e
CORPUS=tests/fuzz/corpus/tracefs_format
TIMEOUT=${COLLECT_TIMEOUT:-300}
SYSTEMS="sched syscalls raw_syscalls power"
# What goes into the corpus: every event schedtap attaches to, and a few
# others with other shapes (many fields, __data_loc strings, arrays,
# syscall arguments, the ring buffer's own headers).
PICK="header_page header_event sched/sched_switch sched/sched_wakeup sched/sched_wakeup_new
sched/sched_waking sched/sched_migrate_task sched/sched_process_fork sched/sched_process_exec
sched/sched_process_exit sched/sched_process_free sched/sched_stat_runtime sched/sched_pi_setprio
sched/sched_swap_numa raw_syscalls/sys_enter raw_syscalls/sys_exit syscalls/sys_enter_openat
syscalls/sys_exit_openat syscalls/sys_enter_execve power/cpu_frequency"

say() { echo "collect-formats: $*" >&2; }
die() { say "$*"; exit 1; }

copy='' again=''
while [ $# -gt 0 ]; do
	case $1 in
	-c) copy=1 ;;
	-n) again=1 ;;
	*) break ;;
	esac
	shift
done
[ $# -gt 0 ] || die "usage: $0 [-c] [-n] LABEL... (host, $(toolchain/e2e-image.sh list | awk '{ print $1 }' | tr '\n' ' '))"

# The guest's /init: everything it prints goes to the serial console.
guest_init() {
	cat <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
exec < /dev/console > /dev/console 2>&1
# Kernel messages would land in the middle of a file: only emergencies.
echo 1 > /proc/sys/kernel/printk
mount -t tracefs nodev /sys/kernel/tracing
cd /sys/kernel/tracing/events
echo "@@KERNEL \$(uname -r) \$(uname -m)"
for f in header_page header_event \$(for s in $SYSTEMS; do ls -d \$s/*/format 2> /dev/null; done); do
	[ -f "\$f" ] || continue
	echo "@@FMT \$f \$(md5sum < "\$f" | cut -d' ' -f1)"
	cat "\$f"
	echo "@@END"
done
echo "@@DONE"
poweroff -f
EOF
}

# make_initramfs DEBARCH OUT.cpio.gz
make_initramfs() {
	bb=$CACHE/busybox/$1/busybox
	[ -x "$bb" ] || die "no $bb: fetch it with toolchain/e2e-image.sh fetch"
	stage=$(mktemp -d "${TMPDIR:-/tmp}/collect-formats.XXXXXX")
	mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev"
	cp "$bb" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	mknod -m 600 "$stage/dev/console" c 5 1 2> /dev/null || true
	guest_init > "$stage/init"
	chmod 755 "$stage/init" "$stage/bin/busybox"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -6n > "$2"
	rm -rf "$stage"
}

# split LOG DIR: the console log's files into DIR/SYSTEM/EVENT.
split_log() {
	tr -d '\r' < "$1" | awk -v dir="$2" '
		/^@@FMT / { path = $2; sum = $3; body = ""; inside = 1; next }
		/^@@END$/ && inside {
			n = split(path, p, "/")
			f = (n == 1) ? dir "/" p[1] : dir "/" p[1] "/" p[2]
			if (n > 1)
				system("mkdir -p \"" dir "/" p[1] "\"")
			printf "%s", body > f
			close(f)
			print f, sum
			inside = 0
			next
		}
		inside { body = body $0 "\n" }' | while read -r f sum; do
		if [ "$(md5sum < "$f" | cut -d' ' -f1)" != "$sum" ]; then
			say "$f: md5 differs from the guest's (a console message inside?): dropped"
			rm -f "$f"
		fi
	done
}

from_host() {
	dir=$1
	t=/sys/kernel/tracing
	[ -d "$t/events" ] || t=/sys/kernel/debug/tracing
	[ -d "$t/events" ] || die "no tracefs at /sys/kernel/tracing"
	# Concurrent test runs share tracefs: read it under their lock.
	# shellcheck disable=SC2086,SC2016 # $SYSTEMS: a list; the inner sh expands
	flock /tmp/schedtap-kernel.lock sh -c '
		d=$1 t=$2
		shift 2
		cat "$t/events/header_page" > "$d/header_page" &&
			cat "$t/events/header_event" > "$d/header_event" || exit 1
		for s in "$@"; do
			for e in "$t/events/$s"/*/format; do
				[ -f "$e" ] || continue
				mkdir -p "$d/$s" && cat "$e" > "$d/$s/$(basename "$(dirname "$e")")" || exit 1
			done
		done' sh "$dir" "$t" $SYSTEMS
}

from_guest() {
	label=$1 dir=$2
	arch=$(toolchain/e2e-image.sh list | awk -v l="$label" '$1 == l { print $2 }')
	[ -n "$arch" ] || die "unknown kernel $label"
	k=$(toolchain/e2e-image.sh kernel "$label") || die "no kernel for $label"
	[ -x "$CACHE/busybox/$arch/busybox" ] || toolchain/e2e-image.sh fetch "$label" ||
		die "could not fetch busybox for $arch"
	make_initramfs "$arch" "$OUT/initramfs-$arch.cpio.gz"
	log=$OUT/$label.log
	args="panic=-1 quiet loglevel=1"
	case $arch in
	amd64) set -- qemu-system-x86_64 -accel tcg,thread=single \
		-append "console=ttyS0 $args" ;;
	arm64) set -- qemu-system-aarch64 -M virt -cpu cortex-a57 -append "console=ttyAMA0 $args" ;;
	armhf) set -- qemu-system-arm -M virt -cpu cortex-a15 -append "console=ttyAMA0 $args" ;;
	esac
	rm -f "$log"
	say "booting $label ($k)"
	timeout -k 5 "$TIMEOUT" "$@" -m 256 -smp 1 -nodefaults -display none -no-reboot \
		-serial "file:$log" -kernel "$k" -initrd "$OUT/initramfs-$arch.cpio.gz" \
		< /dev/null > "$OUT/$label.qemu" 2>&1 || say "qemu: exit $? (see $OUT/$label.qemu)"
	grep -q '^@@DONE' "$log" || die "$label: the guest did not finish (see $log)"
	split_log "$log" "$dir"
}

# corpus_add LABEL DIR: the PICK files not in the corpus yet.
corpus_add() {
	mkdir -p "$CORPUS"
	for p in $PICK; do
		f=$2/$p
		[ -f "$f" ] || continue
		# Kernels number their events differently: the ID line is no news.
		dup=
		for c in "$CORPUS"/*; do
			[ -f "$c" ] && [ "$(grep -v '^ID:' "$f")" = "$(grep -v '^ID:' "$c")" ] && dup=$c && break
		done
		if [ -z "$dup" ]; then
			cp "$f" "$CORPUS/$1-$(echo "$p" | tr / -)"
		fi
	done
}

mkdir -p "$OUT"
for label in "$@"; do
	dir=$OUT/$label
	name=$label
	[ "$label" = host ] && name=$(dpkg --print-architecture)-$(uname -r | cut -d. -f1-2)
	if [ -n "$again" ]; then
		[ -d "$dir" ] || die "no $dir: collect $label first"
	else
		rm -rf "$dir"
		mkdir -p "$dir"
		if [ "$label" = host ]; then
			from_host "$dir"
		else
			from_guest "$label" "$dir"
		fi
	fi
	say "$name: $(find "$dir" -type f | wc -l) files in $dir"
	[ -n "$copy" ] && corpus_add "$name" "$dir"
done
exit 0
