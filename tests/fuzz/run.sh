#!/bin/sh
# libFuzzer harnesses under ASan+UBSan (see tests/fuzz/README.md).
#   tests/fuzz/run.sh SECONDS [HARNESS...]
# Builds the library sources and each tests/fuzz/HARNESS.c with clang-14
# into build/fuzz/, then runs the harnesses one after another, SECONDS
# each, on a copy of tests/fuzz/corpus/HARNESS (build/fuzz/corpus-HARNESS:
# what a run finds never grows the repository's corpus). Prints
# "PASS fuzz/HARNESS: N runs, M s" or "FAIL fuzz/HARNESS: what and the
# reproducer"; exit 1 on any finding or build failure.
# Environment: FUZZ_CC (clang-14), FUZZ_RSS_MB (2048), FUZZ_TIMEOUT (s
# for one input, 10), BUILD (build).
set -u
cd "$(dirname "$0")/../.." || exit 1
secs=${1:-25}
[ $# -gt 0 ] && shift
case $secs in '' | *[!0-9]*) echo "usage: $0 SECONDS [HARNESS...]" >&2; exit 2 ;; esac
CC=${FUZZ_CC:-clang-14}
RSS_MB=${FUZZ_RSS_MB:-2048}
TIMEOUT=${FUZZ_TIMEOUT:-10}
OUT=${BUILD:-build}/fuzz
FLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -fno-omit-frame-pointer"
FLAGS="$FLAGS -fno-sanitize-recover=all -I. -Isrc -DSCHEDTAP_VERSION='\"fuzz\"'"
failed=0

fail() { echo "FAIL fuzz/$1: $2"; failed=1; }

harnesses=${*:-$(for f in tests/fuzz/*.c; do basename "$f" .c; done)}

# The toolchain: clang-14 and libFuzzer's runtime (libclang-rt-14-dev).
if ! command -v "$CC" > /dev/null 2>&1; then
	for h in $harnesses; do fail "$h" "no $CC: run toolchain/deps.sh"; done
	exit 1
fi
rt="$($CC -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a"
if [ ! -f "$rt" ]; then
	for h in $harnesses; do
		fail "$h" "libFuzzer's runtime $rt is missing: install libclang-rt-14-dev (toolchain/deps.sh)"
	done
	exit 1
fi
# Reports with file:line; libFuzzer finds the symbolizer on its own only
# when it is on PATH under this name.
sym=$(dirname "$(readlink -f "$(command -v "$CC")")")/llvm-symbolizer
[ -x "$sym" ] || sym=$($CC -print-prog-name=llvm-symbolizer)
[ -x "$sym" ] && export ASAN_SYMBOLIZER_PATH="$sym"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

# The library, instrumented once (-fsanitize=fuzzer-no-link: coverage
# without libFuzzer's main), into an archive that each harness links: the
# linker takes only the objects a harness needs. An object is rebuilt
# when its source, a header or this script is newer.
mkdir -p "$OUT/obj"
stale='' objs=''
for src in asm/*.c bpf/*.c src/*/*.c; do
	[ "$src" = src/main.c ] && continue
	obj=$OUT/obj/$(echo "$src" | tr / _ | sed 's/\.c$/.o/')
	objs="$objs $obj"
	[ -f "$obj" ] && [ -z "$(find "$src" asm/*.h src/*/*.h bpf/*.h tests/fuzz/run.sh \
		-newer "$obj" 2> /dev/null | head -n 1)" ] || stale="$stale $src"
done
if [ -n "$stale" ]; then
	# Two at a time (the machine has 2 CPUs); errors go to per-file logs.
	# shellcheck disable=SC2086,SC2016 # a list; the inner sh expands
	printf '%s\n' $stale | OUT=$OUT CC=$CC FLAGS=$FLAGS xargs -P 2 -I{} sh -c '
		o=$OUT/obj/$(echo "$1" | tr / _ | sed "s/\.c\$/.o/")
		rm -f "$o"
		eval "$CC $FLAGS -fsanitize=fuzzer-no-link,address,undefined -c -o \"\$o\" \"\$1\"" \
			> "$o.log" 2>&1 || echo "$1" >> "$OUT/obj/failed"' sh {}
fi
# Objects that did not compile are left out: a harness that needs one
# fails to link, and says which.
rm -f "$OUT/libschedtap.a"
# shellcheck disable=SC2086,SC2046 # lists
ar rcs "$OUT/libschedtap.a" $(ls $objs 2> /dev/null)
broken=$(tr '\n' ' ' 2> /dev/null < "$OUT/obj/failed")
rm -f "$OUT/obj/failed"

# stat_of LOG NAME: libFuzzer's final stat::NAME (-print_final_stats).
stat_of() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1; }

for h in $harnesses; do
	src=tests/fuzz/$h.c bin=$OUT/$h log=$OUT/$h.log
	if [ ! -f "$src" ]; then
		fail "$h" "no harness $src"
		continue
	fi
	if ! eval "$CC $FLAGS -fsanitize=fuzzer,address,undefined -Itests/fuzz -o \"\$bin\" \"\$src\" \
		\"\$OUT/libschedtap.a\" -lm" > "$OUT/$h.build.log" 2>&1; then
		why=$(grep -m 1 -E 'error|undefined reference' "$OUT/$h.build.log")
		fail "$h" "does not build: ${why:-see $OUT/$h.build.log}${broken:+ (library sources that did not compile: $broken- see $OUT/obj/*.log)}"
		continue
	fi
	corpus=$OUT/corpus-$h crashes=$OUT/crashes-$h
	rm -rf "$corpus" "$crashes"
	mkdir -p "$corpus" "$crashes"
	[ -d "tests/fuzz/corpus/$h" ] && cp tests/fuzz/corpus/"$h"/* "$corpus"/ 2> /dev/null
	# A harness may ask for more libFuzzer flags in its comment, e.g.
	# "fuzz-options: -max_len=65536 (why)", to fuzz up to its reader's bound.
	opts=$(sed -n 's/.*fuzz-options: *\([^(*]*\).*/\1/p' "$src" | head -n 1)
	t0=$(date +%s)
	# -max_total_time ends the run; timeout(1) is the backstop for a
	# harness that stops answering (simulate blocks SIGTERM, hence -k).
	# shellcheck disable=SC2086 # $opts: several flags
	timeout -k 10 $((secs + 120)) "$bin" -max_total_time="$secs" -timeout="$TIMEOUT" \
		-rss_limit_mb="$RSS_MB" -print_final_stats=1 -artifact_prefix="$crashes/" \
		$opts "$corpus" > "$log" 2>&1
	rc=$?
	t=$(($(date +%s) - t0))
	runs=$(stat_of "$log" number_of_executed_units)
	repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ] && [ -z "$repro" ] && [ "${runs:-0}" -gt 0 ]; then
		echo "PASS fuzz/$h: $runs runs, $t s"
		continue
	fi
	# The report's first line and the first frame in our own code.
	what=$(grep -m 1 -E '^SUMMARY: |FUZZ_CHECK failed|==ERROR: libFuzzer' "$log" |
		sed -E 's/ \([^ )]*\+0x[0-9a-f]+\)//; s/ \(BuildId: [0-9a-f]+\)//')
	[ -n "$what" ] || what="exit $rc, ${runs:-no} runs"
	frames=$(grep -E '^ +#[0-9]+ 0x[0-9a-f]+ in [^ ]+ [^ ]*/(src|asm|bpf|tests/fuzz)/' "$log" |
		grep -v '/tests/fuzz/fuzz\.h' | sed -E "s|^ +#[0-9]+ 0x[0-9a-f]+ in ||; s|$(pwd)/||")
	at=$(echo "$frames" | head -n 1)
	fail "$h" "$what${at:+ (in $at)}; reproducer ${repro:-none} (log $log; replay: $bin ${repro:-FILE})"
	echo "$frames" | head -n 8 | sed 's/^/    /'
done
exit $failed
