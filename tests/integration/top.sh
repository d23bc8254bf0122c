#!/bin/sh
# schedtap top against /proc: for tasks started by the test, CPU time,
# voluntary and involuntary switches and migrations over the same window,
# with CPU time from sched_stat_runtime and, forced, from timed slices.
# The sleeping loop works several milliseconds per wakeup: slice timing
# times a slice from tracepoint to tracepoint while the kernel's schedstat
# starts and stops a few microseconds away from there (measured: about 5 us
# per switch), which only matters for slices of a few tens of microseconds.
SUITE=top
. "$(dirname "$0")/../lib.sh"

# Tolerance for counts: 2%, but at least 2 (a count of 3 cannot be 2% off).
close_count() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d;
		t = b * 0.02; if (t < 2) t = 2; exit !(d <= t) }'
}

# Start schedtap, then the workload: two busy loops and a loop that works
# about a millisecond and sleeps. Stop the workload (its counters freeze),
# read /proc, and compare with schedtap's last report of the same tasks.
t_vs_proc() {	# test-name cpu-tolerance-% [VAR=value]
	name=$1 tol=$2
	env ${3:-SCHEDTAP_NONE=} $ST top --json -i 0.4 > "$TMP/top.json" 2> "$TMP/top.err" &
	sp=$!
	sleep 1
	( while :; do :; done ) & b1=$!
	( while :; do :; done ) & b2=$!
	( while :; do i=0; while [ $i -lt 10000 ]; do i=$((i + 1)); done; sleep 0.01; done ) & s1=$!
	sleep 3
	kill -STOP $b1 $b2 $s1
	sleep 0.3
	for p in $b1 $b2 $s1; do
		echo "$p $(cut -d' ' -f1 /proc/$p/task/$p/schedstat)" \
			"$(awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' /proc/$p/task/$p/status)" \
			"$(awk '/nr_migrations/ { print $3 }' /proc/$p/task/$p/sched 2>/dev/null || echo -)"
	done > "$TMP/proc"
	sleep 1
	kill -INT $sp; wait $sp; rc=$?
	kill -9 $b1 $b2 $s1 2>/dev/null
	[ $rc -eq 0 ] || { fail $name "schedtap exit $rc: $(cat "$TMP/top.err")"; return; }
	while read -r p cpu vol invol migr; do
		ours=$(jq -r --argjson p "$p" 'select(.tid == $p) |
			"\(.total_cpu_ns) \(.total_voluntary) \(.total_involuntary) \(.total_migrations)"' \
			"$TMP/top.json" | tail -1)
		[ -n "$ours" ] || { fail $name "task $p not reported"; return; }
		set -- $ours
		echo "    task $p: cpu_ns $1 vs $cpu, vol $2 vs $vol, invol $3 vs $invol, migr $4 vs $migr"
		within_pct "$1" "$cpu" "$tol" || { fail ${name}_cpu_time "task $p: $1 vs schedstat $cpu"; return; }
		close_count "$2" "$vol" || { fail ${name}_voluntary "task $p: $2 vs $vol"; return; }
		close_count "$3" "$invol" || { fail ${name}_involuntary "task $p: $3 vs $invol"; return; }
		[ "$migr" = - ] || close_count "$4" "$migr" || { fail ${name}_migrations "task $p: $4 vs $migr"; return; }
	done < "$TMP/proc"
	pass $name
}

# No thread is shown more than the interval's length, the first interval
# included, on either clock: a busy loop that runs through top's start-up
# (the kernel accounts its time in steps of a tick or a switch, and what
# attaching cost must not land in the first interval) never shows over
# 100% of a CPU in 0.1 s intervals, while its total stays its schedstat.
# A sleeper on the loop's CPU wakes every 10 ms, so that the loop is
# switched out: with slice timing, a task is timed from its first
# switch-in after the start, and an idle CI machine once left a lone loop
# running 0.6 s without one (9 rows of 15).
t_share_of_real_time() {	# test-name [VAR=value]
	name=$1
	taskset -c 1 sh -c 'while :; do :; done' & b=$!
	taskset -c 1 sh -c 'while :; do sleep 0.01; done' & w=$!
	sleep 0.3
	env ${2:-SCHEDTAP_NONE=} $ST top --csv -p $b 0.1 15 > "$TMP/share.csv" 2> "$TMP/share.err"; rc=$?
	kill $b $w
	[ $rc -eq 0 ] || { fail $name "exit $rc: $(cat "$TMP/share.err")"; return; }
	rows=$(awk -F, 'NR > 1' "$TMP/share.csv" | wc -l)
	over=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cpu_pct") c = i; next }
		$c > 100.0 { printf "%s ", $c }' "$TMP/share.csv")
	echo "    $rows intervals, cpu_pct $(awk -F, 'NR > 1 { printf "%s ", $6 }' "$TMP/share.csv")"
	[ "$rows" -ge 10 ] && [ -z "$over" ] && pass $name ||
		fail $name "$rows rows; over 100%: $over"
}

# Which CPU clock top uses: sched_stat_runtime on this kernel (6.8+), the
# slice timer when forced, and saying so once.
t_clock_choice() {
	$ST top --dump > "$TMP/d" 2> "$TMP/d.err"
	SCHEDTAP_FORCE_SLICE_TIMING=1 $ST top --dump > "$TMP/ds" 2> "$TMP/ds.err"
	grep -qE '^; program tap_top_runtime: .*tracepoint (sched:)?sched_stat_runtime' "$TMP/d" &&
		! grep -q 'ktime_get_ns' "$TMP/d" && [ ! -s "$TMP/d.err" ] ||
		{ fail clock_choice "default: $(grep '^; program' "$TMP/d") $(cat "$TMP/d.err")"; return; }
	! grep -q 'tap_top_runtime' "$TMP/ds" && grep -q 'call bpf_ktime_get_ns' "$TMP/ds" &&
		[ "$(grep -c 'forced by SCHEDTAP_FORCE_SLICE_TIMING: CPU time is timed at each switch' \
			"$TMP/ds.err")" -eq 1 ] ||
		{ fail clock_choice "forced: $(grep '^; program' "$TMP/ds") $(cat "$TMP/ds.err")"; return; }
	pass clock_choice
}

# The table: sorted by CPU time, a header per interval, filters honoured.
t_table_and_filters() {
	( while :; do :; done ) & b=$!
	$ST top -p $b 0.5 2 > "$TMP/t" 2>&1; rc=$?
	$ST top -c nosuchtask 0.3 1 > "$TMP/none" 2>&1
	$ST top -s switches -n 3 --json 0.3 1 > "$TMP/s.json" 2>&1
	kill -9 $b
	[ $rc -eq 0 ] || { fail table "exit $rc: $(cat "$TMP/t")"; return; }
	[ "$(grep -c '^ *TID  COMM' "$TMP/t")" -eq 2 ] || { fail table "no two headers: $(cat "$TMP/t")"; return; }
	rows=$(grep -E '^ *[0-9]+ ' "$TMP/t" | awk '{ print $1 }' | sort -u)
	[ "$rows" = "$b" ] || { fail table_pid_filter "rows for: $rows (want $b)"; return; }
	# CPU% and CPU_MS agree with each other and with the interval.
	grep -E "^ *$b " "$TMP/t" | tail -1 | awk '{ exit !($3 > 5 && $3 <= 100.5 &&
		($4 / 5 - $3) < 1 && ($3 - $4 / 5) < 1) }' ||
		{ fail table "busy loop's CPU% inconsistent: $(grep -E "^ *$b " "$TMP/t")"; return; }
	grep -qE '^ *[0-9]+ ' "$TMP/none" && { fail table_comm_filter "rows for a missing comm"; return; }
	[ "$(wc -l < "$TMP/s.json")" -le 3 ] || { fail table_top_n "more than 3 rows"; return; }
	jq -e -s 'map(.switches) as $s | $s == ($s | sort | reverse)' "$TMP/s.json" > /dev/null ||
		{ fail table_sort "not sorted by switches: $(cat "$TMP/s.json")"; return; }
	pass table_and_filters
}

# --process folds threads: perf bench's threads show up under one PID,
# one row per interval. schedtap starts first (slowly, under valgrind).
t_process() {
	settle=1
	[ "${VALGRIND:-0}" != 0 ] && settle=5
	$ST top --process --json 0.5 $((settle * 2 + 8)) > "$TMP/p.json" 2>&1 & sp=$!
	sleep $settle
	perf bench sched messaging -t -g 2 -l 2000 > /dev/null 2>&1 & pb=$!
	wait $pb
	wait $sp
	jq -e -s --argjson p "$pb" 'map(select(.pid == $p)) | length > 0 and
		(group_by(.timestamp_s) | all(map(select(.pid == $p)) | length <= 1))' \
		"$TMP/p.json" > /dev/null ||
		{ fail process "perf bench (pid $pb) not one row per interval: $(grep -c . "$TMP/p.json") lines"; return; }
	jq -e -s --argjson p "$pb" 'map(select(.pid == $p) | .switches) | max > 100' "$TMP/p.json" > /dev/null ||
		{ fail process "threads not folded into the process"; return; }
	pass process
}

# Tasks that exit leave the map: after a burst of short-lived processes
# the map holds about as many tasks as are alive.
t_exited_tasks_dropped() {
	$ST top --json -n 100000 0.5 3 > "$TMP/e.json" 2>&1 &
	sp=$!
	sleep 0.3
	i=0; while [ $i -lt 300 ]; do /bin/true; i=$((i + 1)); done
	wait $sp
	last=$(jq -s 'group_by(.timestamp_s) | last | length' "$TMP/e.json")
	alive=$(ls -d /proc/[0-9]*/task/[0-9]* | wc -l)
	[ "$last" -lt $((alive + 100)) ] && pass exited_tasks_dropped ||
		fail exited_tasks_dropped "$last tasks reported, $alive alive"
}

t_no_batch() {
	SCHEDTAP_FORCE_NO_BATCH=1 $ST top --csv -n 5 0.3 2 > "$TMP/nb" 2> "$TMP/nb.err" &&
		[ "$(tail -n +2 "$TMP/nb" | wc -l)" -ge 2 ] &&
		[ "$(grep -c 'reading the task map with get_next_key' "$TMP/nb.err")" -eq 1 ] &&
		pass no_batch_fallback || fail no_batch_fallback "$(cat "$TMP/nb" "$TMP/nb.err")"
}

# sched_stat_runtime's deltas are what schedstat sums: the same to the ns
# once the tasks stop (0.1% allowed; the issue asks 2%). Timed slices, the
# fallback for kernels before 6.8, are wall-clock, so they also hold the
# time the hypervisor stole and interrupt time, which schedstat leaves
# out: 0.1-2.4% on this VM, 5% under valgrind's load. They get 4%, and
# 10% under valgrind.
t_vs_proc vs_proc 0.1
slice_tol=4
[ "${VALGRIND:-0}" != 0 ] && slice_tol=10
t_vs_proc vs_proc_slice_timing $slice_tol SCHEDTAP_FORCE_SLICE_TIMING=1
t_share_of_real_time share_of_real_time
t_share_of_real_time share_of_real_time_slice_timing SCHEDTAP_FORCE_SLICE_TIMING=1
t_clock_choice
# switch and runtime on tp_btf where the kernel has BTF (migrate and free,
# rare, stay tracepoints), all four on tracepoints when forced; a silent
# fallback fails here.
t_attach_path() {	# suffix want [VAR=value]
	env ${3:-SCHEDTAP_NONE=} $ST top --dump > "$TMP/dump" 2>&1
	n=$(grep -cE "^; program tap_top_(switch|runtime): $2" "$TMP/dump")
	[ "$n" -eq 2 ] && [ "$(grep -c '^; program tap_top_\(migrate\|free\): tracepoint sched:' "$TMP/dump")" -eq 2 ] &&
		pass attach_path$1 || fail attach_path$1 "$(grep '^; program' "$TMP/dump")"
}
t_attach_path "" "BTF-typed tracepoint"
t_attach_path _tracepoint "tracepoint sched:" SCHEDTAP_FORCE_TRACEPOINT=1
t_vs_proc vs_proc_tracepoint 0.1 SCHEDTAP_FORCE_TRACEPOINT=1
t_table_and_filters
t_process
t_exited_tasks_dropped
t_no_batch
[ "$(our_progs)" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_(cpu|top|trace)")"
