#!/bin/sh
# End-to-end: boot Debian's stock kernels in QEMU (TCG) with a busybox
# initramfs holding the static schedtap, run tests/e2e/guest.sh inside,
# and report its checks. See tests/e2e/README.md.
#   tests/e2e/run.sh [LABEL...]      (labels: toolchain/e2e-image.sh list)
# Prints "PASS e2e/LABEL/CHECK", "FAIL e2e/LABEL/CHECK: why" (with the
# guest's own error lines indented below), "SKIP ...", and ends with
# "N passed, N failed, N skipped". Exit 1 if anything failed.
# Serial logs: build/e2e/LABEL.log.
# Environment: E2E_TIMEOUT (s per boot, 120), E2E_CMD_TIMEOUT (s per
# schedtap run in the guest, 20), E2E_JOBS (parallel boots, 3), E2E_MEM
# (MiB, 256), E2E_SMP (vCPUs, 2), E2E_ACCEL (tcg,thread=single; armhf: tcg),
# E2E_APPEND (more kernel arguments),
# E2E_VERBOSE=1 (show what every schedtap run printed), SCHEDTAP_CACHE
# (kernel cache, /var/cache/schedtap), BUILD (build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export BUILD
OUT=$BUILD/e2e
IMG=toolchain/e2e-image.sh
TIMEOUT=${E2E_TIMEOUT:-120}
JOBS=${E2E_JOBS:-3}
MEM=${E2E_MEM:-256}
SMP=${E2E_SMP:-2}
# One host thread runs all of a guest's vCPUs in turn. With a thread per
# vCPU (multi-threaded TCG, E2E_ACCEL=tcg), QEMU 7.2 lets a vCPU run stale
# code after the kernel patched it: 6.12 x86_64 guests oops ("Oops: int3"
# in the scheduler) when tracepoints are switched on and off under load.
# Single-threaded is also faster here, with several guests on 2 cores.
# The 32-bit ARM guest is the exception: single-threaded, it never gets
# past "clk: Disabling unused clocks" with 2 vCPUs (QEMU 7.2), and it
# passes everything with a thread per vCPU.
ACCEL=${E2E_ACCEL:-tcg,thread=single}
ACCEL_ARMHF=${E2E_ACCEL:-tcg}
KERNEL_BAD='BUG:|WARNING:|Oops|Kernel panic|Call Trace|general protection|segfault|Unable to handle|refcount_t|UBSAN|KASAN|hung_task|soft lockup|rcu.*stall'
mkdir -p "$OUT"
res=$OUT/results
: > "$res"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
report() { echo "$*" | tee -a "$res"; }
t0=$(now)

# The image fetch's own tests (offline: a local apt mirror, seconds).
sh tests/e2e/image-test.sh | tee -a "$res"

$IMG host-deps || { report "FAIL e2e/host-deps: $IMG host-deps failed"; exit 1; }

labels=${*:-$($IMG list | awk '{ print $1 }')}
archs=
for l in $labels; do
	a=$($IMG list | awk -v l="$l" '$1 == l { print $2 }')
	[ -n "$a" ] || { report "FAIL e2e/$l/kernel: unknown kernel (known: $($IMG list | awk '{ print $1 }' | tr '\n' ' '))"; continue; }
	case " $archs " in *" $a "*) ;; *) archs="$archs $a" ;; esac
done

# Fetch what the cache lacks first: kernels and busybox of every
# architecture in parallel (the initramfs builds would otherwise update
# each architecture's lists one after another). Each kernel is looked up
# below.
# shellcheck disable=SC2086
$IMG fetch $labels 2> "$OUT/fetch.err" || true

# The initramfs per architecture, if its schedtap is built.
have_arch=
for a in $archs; do
	case $a in
	amd64) bin=$BUILD/schedtap hint="make" ;;
	arm64) bin=$BUILD/aarch64/schedtap hint="make ARCH=aarch64" ;;
	armhf) bin=$BUILD/armhf/schedtap hint="make ARCH=armhf" ;;
	esac
	if [ ! -f "$bin" ]; then
		report "FAIL e2e/$a/binary: $bin is missing: build it with \`$hint\`"
		continue
	fi
	if $IMG initramfs "$a" "$bin" "$OUT/initramfs-$a.cpio.gz" 2> "$OUT/initramfs-$a.err"; then
		have_arch="$have_arch $a"
	else
		report "FAIL e2e/$a/initramfs: $(tail -n 1 "$OUT/initramfs-$a.err")"
		sed 's/^/    /' "$OUT/initramfs-$a.err"
	fi
done

# What the host checks and makes for one kernel: our BTF reader against
# pahole on the BTF of its vmlinuz, then, in a second archive after the
# arch's initramfs (the kernel unpacks both): /offsets.host, an offsets
# file made here from the guest kernel's BTF (tests/e2e/kernel-btf.py
# takes it out of the vmlinuz: the way to a board without BTF); for amd64
# kernels /sched_tp_fixture.ko, the stand-in for the sched_tp module
# (tests/e2e/fixture-module.sh). Each may be NAME.err instead, saying why
# there is none (the armhf kernel has no BTF).
host_files() {
	d=$OUT/host-$1
	rm -rf "$d"
	mkdir -p "$d"
	if python3 tests/e2e/kernel-btf.py "$3" "$d/btf" 2> "$d/offsets.host.err" &&
		"$BUILD/schedtap" btf offsets "$d/btf" -o "$d/offsets.host" 2>> "$d/offsets.host.err"; then
		rm -f "$d/offsets.host.err"
		# The guest kernel's members, our BTF reader against pahole's.
		if python3 tests/btf-vs-pahole.py "$d/offsets.host" "$d/btf" > "$d/pahole.out" 2>&1; then
			report "PASS e2e/$1/btf_vs_pahole"
		else
			report "FAIL e2e/$1/btf_vs_pahole: our offsets differ from pahole's"
			sed 's/^/    /' "$d/pahole.out"
		fi
		if [ "$2" = amd64 ]; then
			sh tests/e2e/fixture-module.sh "$3" "$d/btf" "$BUILD/schedtap" \
				"$d/sched_tp_fixture.ko" 2> "$d/sched_tp_fixture.err" &&
				rm -f "$d/sched_tp_fixture.err"
		fi
	fi
	rm -f "$d/btf"
	(cd "$d" && ls | cpio -o -H newc --quiet | gzip -n) > "$OUT/extra-$1.cpio.gz" &&
		cat "$OUT/initramfs-$2.cpio.gz" "$OUT/extra-$1.cpio.gz" > "$OUT/initrd-$1.cpio.gz"
}

todo=
for l in $labels; do
	a=$($IMG list | awk -v l="$l" '$1 == l { print $2 }')
	[ -n "$a" ] || continue
	case " $have_arch " in
	*" $a "*) ;;
	*) report "SKIP e2e/$l/boot: no $a initramfs"; continue ;;
	esac
	if k=$($IMG kernel "$l" 2> "$OUT/$l.fetch.err") && host_files "$l" "$a" "$k"; then
		todo="$todo $l:$a:$k"
	else
		report "FAIL e2e/$l/kernel: $(tail -n 1 "$OUT/$l.fetch.err")"
		sed 's/^/    /' "$OUT/$l.fetch.err"
	fi
done
t_fetch=$(now)

# boot LABEL ARCH VMLINUZ: one guest, serial console to $OUT/LABEL.log.
boot() {
	l=$1 a=$2 k=$3
	log=$OUT/$l.log
	rm -f "$log"
	# Unknown NAME=VALUE kernel arguments reach /init as its environment.
	args="panic=-1 ${E2E_CMD_TIMEOUT:+E2E_CMD_TIMEOUT=$E2E_CMD_TIMEOUT}"
	args="$args ${E2E_VERBOSE:+E2E_VERBOSE=1} ${E2E_APPEND:-}"
	case $a in
	amd64) set -- qemu-system-x86_64 -accel "$ACCEL" -append "console=ttyS0 $args" ;;
	arm64) set -- qemu-system-aarch64 -M virt -cpu cortex-a57 -accel "$ACCEL" \
		-append "console=ttyAMA0 $args" ;;
	armhf) set -- qemu-system-arm -M virt -cpu cortex-a15 -accel "$ACCEL_ARMHF" \
		-append "console=ttyAMA0 $args" ;;
	esac
	s=$(now)
	timeout -k 5 "$TIMEOUT" "$@" -m "$MEM" -smp "$SMP" -nodefaults -display none \
		-no-reboot -serial "file:$log" -kernel "$k" -initrd "$OUT/initrd-$l.cpio.gz" \
		< /dev/null > "$OUT/$l.qemu" 2>&1
	echo $? > "$OUT/$l.rc"
	secs "$s" "$(now)" > "$OUT/$l.time"
}

# Up to $JOBS guests at a time; wait for the oldest when full.
pids=
for job in $todo; do
	l=${job%%:*} rest=${job#*:}
	a=${rest%%:*} k=${rest#*:}
	rm -f "$OUT/$l.rc" "$OUT/$l.time"
	boot "$l" "$a" "$k" &
	pids="$pids $!"
	# shellcheck disable=SC2086
	set -- $pids
	if [ $# -ge "$JOBS" ]; then
		wait "$1"
		shift
		pids="$*"
	fi
done
wait

# The guest's lines, marker stripped, as PASS/FAIL/SKIP e2e/LABEL/...
for job in $todo; do
	l=${job%%:*}
	log=$OUT/$l.log
	rc=$(cat "$OUT/$l.rc" 2> /dev/null || echo '?')
	why="qemu exit $rc"
	[ "$rc" = 124 ] || [ "$rc" = 137 ] && why="no poweroff within $TIMEOUT s (qemu killed)"
	lines=$(tr -d '\r' < "$log" 2> /dev/null | sed -n 's/.*E2E: //p')
	if ! echo "$lines" | grep -q '^INIT '; then
		report "FAIL e2e/$l/boot: the guest never reported: $why"
		{ cat "$OUT/$l.qemu"; tr -d '\r' < "$log" | tail -n 25; } 2> /dev/null | sed 's/^/    /'
		continue
	fi
	report "PASS e2e/$l/boot"
	echo "$lines" | sed -n 's/^\(INIT\|INFO\) /    /p'
	echo "$lines" | awk -v p="e2e/$l/" '
		/^(PASS|FAIL|SKIP) / { print $1 " " p substr($0, 6); next }
		/^\| / { print "    " substr($0, 3) }
		/^> / { print "      " substr($0, 3) }' > "$OUT/$l.results"
	cat "$OUT/$l.results"
	grep -E '^(PASS|FAIL|SKIP) ' "$OUT/$l.results" >> "$res"
	if ! echo "$lines" | grep -q '^DONE '; then
		report "FAIL e2e/$l/finish: the guest stopped before finishing: $why"
		tr -d '\r' < "$log" | tail -n 25 | sed 's/^/    /'
	fi
	# What the kernel said after init started: no oops, BUG, WARNING,
	# or a crash of schedtap.
	tr -d '\r' < "$log" | sed -n '/E2E: INIT/,$p' | grep -v 'E2E: ' |
		grep -E "$KERNEL_BAD" > "$OUT/$l.kernel" 2> /dev/null
	if [ -s "$OUT/$l.kernel" ]; then
		report "FAIL e2e/$l/kernel_log: the kernel complained while schedtap ran"
		head -n 40 "$OUT/$l.kernel" | sed 's/^/    /'
	else
		report "PASS e2e/$l/kernel_log"
	fi
done

t1=$(now)
echo "times (wall): fetch and images $(secs "$t0" "$t_fetch") s, guests (jobs=$JOBS):"
for job in $todo; do
	l=${job%%:*}
	echo "    $l $(cat "$OUT/$l.time" 2> /dev/null || echo '?') s"
done
echo "    total $(secs "$t0" "$t1") s"
passed=$(grep -c '^PASS ' "$res")
failed=$(grep -c '^FAIL ' "$res")
skipped=$(grep -c '^SKIP ' "$res")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
