#!/bin/sh
# schedtap trace against perf and ftrace, hostile task names, signals and
# the perf-buffer fallback.
SUITE=trace
. "$(dirname "$0")/../lib.sh"

TRACEFS=/sys/kernel/tracing

# perf stat counts sched_switch in the context of the task switched out:
# compare with our records whose prev is a perf bench process, while
# ftrace records the same events (trace_clock mono, like our timestamps)
# for a field-by-field comparison.
t_vs_perf_and_ftrace() {
	sfx=${1:+_$1}
	mounted=
	grep -qw tracefs /proc/self/mountinfo || { mount -t tracefs nodev $TRACEFS && mounted=1; }
	echo 0 > $TRACEFS/tracing_on; echo > $TRACEFS/trace
	echo mono > $TRACEFS/trace_clock
	echo 32768 > $TRACEFS/buffer_size_kb
	echo 'prev_comm == "sched-pipe"' > $TRACEFS/events/sched/sched_switch/filter
	echo 1 > $TRACEFS/events/sched/sched_switch/enable
	if [ "${1:-}" = binary ]; then
		$ST trace --binary -o "$TMP/tr.bin" 2> "$TMP/tr.err" &
	else
		$ST trace --csv -o "$TMP/tr.csv" 2> "$TMP/tr.err" &
	fi
	sp=$!
	sleep 1
	echo 1 > $TRACEFS/tracing_on
	# Under valgrind the reader is ~30x slower: a shorter run fits in the
	# ring buffer, so nothing is lost and the check stays strict.
	loops=20000
	[ "${VALGRIND:-0}" != 0 ] && loops=4000
	perf stat -e sched:sched_switch -x, -o "$TMP/perf.out" -- perf bench sched pipe -l $loops > /dev/null 2>&1
	echo 0 > $TRACEFS/tracing_on
	sleep 0.3
	kill -INT $sp; wait $sp; rc=$?
	echo 0 > $TRACEFS/events/sched/sched_switch/enable
	echo 0 > $TRACEFS/events/sched/sched_switch/filter
	grep -v '^#' $TRACEFS/trace > "$TMP/ftrace"
	echo > $TRACEFS/trace; echo local > $TRACEFS/trace_clock; echo 1408 > $TRACEFS/buffer_size_kb
	[ -n "$mounted" ] && umount $TRACEFS
	[ $rc -eq 0 ] || { fail vs_perf$sfx "exit $rc: $(cat "$TMP/tr.err")"; return; }
	# --binary: the same checks on what --read makes of the file.
	if [ "${1:-}" = binary ]; then
		$ST trace --read "$TMP/tr.bin" --csv -o "$TMP/tr.csv" 2> "$TMP/rd.err" ||
			{ fail vs_perf$sfx "--read: $(cat "$TMP/rd.err")"; return; }
		[ ! -s "$TMP/rd.err" ] || { fail vs_perf$sfx "--read said: $(cat "$TMP/rd.err")"; return; }
	fi
	grep -q ' 0 lost' "$TMP/tr.err" || { fail vs_perf$sfx "events lost: $(cat "$TMP/tr.err")"; return; }
	theirs=$(awk -F, '$3 == "sched:sched_switch" { print $1 }' "$TMP/perf.out")
	# The bench's processes are "sched-pipe" once started, "perf" before.
	ours=$(awk -F, '$4 == "switch" && $5 == "sched-pipe"' "$TMP/tr.csv" | wc -l)
	echo "    schedtap $ours sched-pipe switches, perf stat $theirs"
	within_pct "$ours" "$theirs" 1 || { fail vs_perf$sfx "schedtap $ours vs perf stat $theirs"; return; }
	pass vs_perf$sfx

	# Same events, same fields: (cpu, prev pid, prio, state, next comm,
	# pid, prio) in time order, ours against ftrace's text. An exiting
	# task's last switch is the one exception: ftrace's record and ours
	# are built one after the other, each reading prev's exit_state, and
	# the parent's wait() can turn EXIT_ZOMBIE (Z) into EXIT_DEAD (X) in
	# between (seen once in ~40k records). Both mean "exited": compare
	# them as one state.
	awk -F, '$4 == "switch" && $5 == "sched-pipe" {
		printf "%s %s %s %s %s %s %s\n", $3, $6, $7, $8, $10, $11, $12 }' "$TMP/tr.csv" |
		awk '{ $1 = $1; if ($4 == "X") $4 = "Z"; print }' > "$TMP/ours.txt"
	sed -n 's/.*\[\([0-9]*\)\].* prev_pid=\([0-9]*\) prev_prio=\([0-9]*\) prev_state=\([^ ]*\) ==> next_comm=\(.*\) next_pid=\([0-9]*\) next_prio=\([0-9]*\)$/\1 \2 \3 \4 \5 \6 \7/p' \
		"$TMP/ftrace" | awk '{ $1 = $1 + 0; if ($4 == "X") $4 = "Z"; print }' > "$TMP/theirs.txt"
	n=$(wc -l < "$TMP/theirs.txt")
	[ "$n" -gt $((loops / 2)) ] || { fail vs_ftrace$sfx "ftrace recorded only $n events"; return; }
	# Our stream ran longer than ftrace's window: find ftrace's records
	# as a contiguous run in ours, CPU by CPU (the two streams interleave
	# CPUs differently; each CPU's order is the same).
	for c in $(awk '{ print $1 }' "$TMP/theirs.txt" | sort -u); do
		awk -v c="$c" '$1 == c' "$TMP/theirs.txt" > "$TMP/theirs.$c"
		awk -v c="$c" '$1 == c' "$TMP/ours.txt" > "$TMP/ours.$c"
		awk 'NR == FNR { want[++n] = $0; next }
		     { if ($0 == want[i + 1]) i++; else if (i < n) i = ($0 == want[1]) }
		     END { exit !(i == n) }' "$TMP/theirs.$c" "$TMP/ours.$c" ||
			{ fail vs_ftrace_fields$sfx "CPU $c differs: $(diff "$TMP/theirs.$c" "$TMP/ours.$c" | head -5)"; return; }
	done
	pass vs_ftrace_fields$sfx; echo "    $n records identical to ftrace's, in order on each CPU"
}

# A task named  a,b"c  and one with a newline in its name: every CSV row
# still parses, every JSON line is valid, the names come back intact.
t_hostile_comm() {
	sh -c 'printf "a,b\"c" > /proc/$$/comm; while :; do sleep 0.02; done' & h1=$!
	sh -c 'printf "x\ny" > /proc/$$/comm; while :; do sleep 0.02; done' & h2=$!
	sleep 0.2
	$ST trace --csv -d 0.6 -o "$TMP/h.csv" 2>/dev/null
	$ST trace --json -d 0.6 > "$TMP/h.json" 2>/dev/null
	kill $h1 $h2
	python3 - "$TMP/h.csv" "$h1" "$h2" <<'PY' || { fail hostile_comm_csv "see above"; return; }
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
names = {r['comm'] for r in rows if r['pid'] in (sys.argv[2], sys.argv[3])}
ok = all(len(r) == len(rows[0]) for r in rows) and names == {'a,b"c', 'x\ny'}
print('    csv rows', len(rows), 'names', sorted(names))
sys.exit(0 if ok else 1)
PY
	pass hostile_comm_csv
	jq -e -s --argjson a "$h1" --argjson b "$h2" \
		'[.[] | select(.pid == $a or .pid == $b) | .comm] | unique == ["a,b\"c", "x\ny"]' \
		"$TMP/h.json" > /dev/null && pass hostile_comm_json ||
		fail hostile_comm_json "names not intact or JSON invalid"
}

t_filters_in_kernel() {
	sh -c 'while :; do sleep 0.01; done' & w=$!
	$ST trace --json -p $w -d 0.5 > "$TMP/p.json" 2>/dev/null
	# A quiet CPU may switch less than three times in 0.3 s: keep it busy.
	taskset -c 1 sh -c 'while :; do sleep 0.01; done' & c1=$!
	$ST trace --json -C 1 -d 0.3 > "$TMP/c.json" 2>/dev/null
	kill $c1
	$ST trace --json -c sleep -d 0.3 > "$TMP/n.json" 2>/dev/null
	$ST trace -p $w --dump > "$TMP/dump" 2>&1
	kill $w
	jq -e -s --argjson w "$w" 'length > 2 and all(.[] | select(.summary | not); .pid == $w or .next_pid == $w)' \
		"$TMP/p.json" > /dev/null || { fail filter_pid "$(head -3 "$TMP/p.json")"; return; }
	jq -e -s 'length > 2 and all(.[] | select(.summary | not); .cpu == 1)' "$TMP/c.json" > /dev/null ||
		{ fail filter_cpu "$(head -3 "$TMP/c.json")"; return; }
	jq -e -s 'length > 2 and all(.[] | select(.summary | not); .comm == "sleep" or .next_comm == "sleep")' \
		"$TMP/n.json" > /dev/null || { fail filter_comm "$(head -3 "$TMP/n.json")"; return; }
	grep -q "; -p $w" "$TMP/dump" || { fail filter_in_kernel "filter not in the program"; return; }
	pass filters_in_kernel
}

t_events() {
	$ST trace -e --json -d 0.8 > "$TMP/e.json" 2>/dev/null &
	sp=$!
	sleep 0.3; /bin/true; sleep 0.1
	wait $sp
	for ev in switch wakeup wakeup_new fork exit; do
		jq -e -s --arg e "$ev" 'map(select(.event == $e)) | length > 0' "$TMP/e.json" > /dev/null ||
			{ fail events "no $ev records"; return; }
	done
	jq -e -s 'map(select(.event == "fork")) | all(.next_pid > 0 and .pid > 0)' "$TMP/e.json" > /dev/null ||
		{ fail events "fork without child pid"; return; }
	pass events
}

t_perf_buffer() {
	SCHEDTAP_FORCE_PERF_BUFFER=1 $ST trace --json -d 0.5 > "$TMP/pb.json" 2> "$TMP/pb.err" ||
		{ fail perf_buffer "$(cat "$TMP/pb.err")"; return; }
	grep -q 'using perf buffers' "$TMP/pb.err" || { fail perf_buffer "no fallback note"; return; }
	jq -e -s 'last | .summary and .buffer == "perfbuf" and .lost == 0 and .events > 10' "$TMP/pb.json" > /dev/null &&
		pass perf_buffer || fail perf_buffer "$(tail -1 "$TMP/pb.json")"
}

t_sigint() {
	$ST trace --csv -o "$TMP/s.csv" 2> "$TMP/s.err" &
	sp=$!
	sleep 0.5
	kill -INT $sp; wait $sp; rc=$?
	[ $rc -eq 0 ] && grep -q 'events written, 0 lost' "$TMP/s.err" &&
		[ "$(wc -l < "$TMP/s.csv")" -gt 2 ] && pass sigint_flushes ||
		fail sigint_flushes "exit $rc: $(cat "$TMP/s.err")"
}

# --read of damaged files: a record cut by a killed writer is left out
# and said; a file that is not ours, or of another record size, is an
# error naming why; --read needs no root (it traces nothing).
t_read_damaged() {
	$ST trace --binary -o "$TMP/d.bin" -d 0.3 2> /dev/null || { fail read_damaged "--binary failed"; return; }
	size=$(stat -c %s "$TMP/d.bin")
	head -c $((size - 10)) "$TMP/d.bin" > "$TMP/cut.bin"
	full=$($ST trace --read "$TMP/d.bin" --csv | wc -l)
	cut=$($ST trace --read "$TMP/cut.bin" --csv 2> "$TMP/cut.err" | wc -l)
	[ "$cut" -eq $((full - 1)) ] && grep -q 'ends inside a record' "$TMP/cut.err" ||
		{ fail read_damaged "cut file: $cut rows of $full: $(cat "$TMP/cut.err")"; return; }
	$ST trace --read /etc/hostname > /dev/null 2> "$TMP/bad.err"; rc=$?
	[ $rc -eq 1 ] && grep -q 'not a schedtap trace file' "$TMP/bad.err" ||
		{ fail read_damaged "exit $rc on a foreign file: $(cat "$TMP/bad.err")"; return; }
	printf '\x02' | dd of="$TMP/d.bin" bs=1 seek=12 conv=notrunc 2> /dev/null
	$ST trace --read "$TMP/d.bin" > /dev/null 2> "$TMP/ver.err"; rc=$?
	[ $rc -eq 1 ] && grep -q 'byte records: this schedtap reads version' "$TMP/ver.err" ||
		{ fail read_damaged "exit $rc on another record size: $(cat "$TMP/ver.err")"; return; }
	pub=/tmp/schedtap-read-$$.bin
	cp "$TMP/cut.bin" "$pub" && chmod 644 "$pub"
	su nobody -s /bin/sh -c "$ST trace --read $pub --json" > "$TMP/nobody.json" 2> "$TMP/nobody.err"
	rc=$?
	rm -f "$pub"
	[ $rc -eq 0 ] && [ "$(wc -l < "$TMP/nobody.json")" -eq $((full - 2)) ] ||
		{ fail read_damaged "as nobody: exit $rc, $(cat "$TMP/nobody.err")"; return; }
	pass read_damaged
}

t_vs_perf_and_ftrace
t_vs_perf_and_ftrace binary
t_read_damaged
t_hostile_comm
t_filters_in_kernel
t_events
t_perf_buffer
t_sigint
[ "$(our_progs)" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_(cpu|top|trace)")"
