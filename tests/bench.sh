#!/bin/sh
# make bench: speed and memory figures, measured in one run on this
# machine, each printed next to its target.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
ST=$BUILD/schedtap
RUNS=${RUNS:-21}
TMP=$(mktemp -d /tmp/schedtap-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "schedtap bench ($(uname -r), $(nproc) CPUs, $RUNS runs each)"

# Start-up: time from main() to attached, as schedtap itself measures it
# (SCHEDTAP_TIMING), and the whole exec..detach of a 1 ms report.
for i in $(seq "$RUNS"); do
	SCHEDTAP_TIMING=1 $ST cpu 0.001 1 2>&1 >/dev/null |
		awk '/attached in/ { print $(NF - 1) }'
done > "$TMP/attach"
printf '%-44s %8s ms   (target < 10 ms)\n' "cpu: main() to attached, median" "$(median < "$TMP/attach")"
for i in $(seq "$RUNS"); do
	s=$(date +%s%N); $ST cpu 0.001 1 > /dev/null; e=$(date +%s%N)
	echo $(((e - s) / 1000))
done > "$TMP/whole"
printf '%-44s %8s ms\n' "cpu: exec..report..detach (1 ms interval)" \
	"$(median < "$TMP/whole" | awk '{ printf "%.2f", $1 / 1000 }')"

# Peak RSS (GNU time's maximum resident set size, KiB).
rss=$(/usr/bin/time -f %M $ST cpu 0.2 2 2>&1 >/dev/null | tail -1)
printf '%-44s %8s KiB  (target < 1024 KiB)\n' "cpu: peak RSS" "$rss"

size=$(stat -c %s "$ST")
strip -o "$TMP/st" "$ST" 2>/dev/null && ssize=$(stat -c %s "$TMP/st") || ssize=?
printf '%-44s %8s B (stripped %s B)\n' "binary size" "$size" "$ssize"
