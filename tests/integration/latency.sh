#!/bin/sh
# schedtap latency against perf sched latency: perf records the whole
# system while schedtap counts in the kernel over the same run; for the
# threads the test starts (two busy loops and a work-then-sleep loop, all
# started after both tracers are running), runtime and switch counts must
# agree within 5%. Then perf's table layout, the -p filter and the CSV
# header.
SUITE=latency
. "$(dirname "$0")/../lib.sh"

# Tolerance for counts: 5%, but at least 2.
close_count() {
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d;
		t = b * 0.05; if (t < 2) t = 2; exit !(d <= t) }'
}

# perf sched latency's state machine replayed over perf's own recorded
# events (perf script): a switch-in counts when the task was runnable
# (woken after sleeping, preempted with state R/R+, or new); runtime is
# switch-in to switch-out. Prints "runtime_ms switches" for task $1.
replay() {
	awk -v p="$1" '
	{ ts = $1; sub(/:$/, "", ts) }
	/sched_switch:/ {
		prev = ""; next_ = ""; st = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^prev_pid=/) prev = substr($i, 10)
			if ($i ~ /^prev_state=/) st = substr($i, 12)
			if ($i ~ /^next_pid=/) next_ = substr($i, 10)
		}
		if (prev == p) {
			if (on != "") rt += ts - on
			on = ""; state = (st ~ /^R/) ? "wait" : "sleep"
		}
		if (next_ == p) {
			if (state == "wait" || state == "") sw++
			state = "run"; on = ts
		}
		next
	}
	/sched_(waking|wakeup|wakeup_new):/ {
		for (i = 1; i <= NF; i++) if ($i == "pid=" p && state != "run" && state != "wait") state = "wait"
	}
	END { printf "%.3f %d\n", rt * 1000, sw }'
}

t_vs_perf() {
	command -v perf > /dev/null || { fail vs_perf$SFX "perf missing (toolchain/deps.sh installs linux-perf)"; return; }
	perf sched record -a -o "$TMP/perf.data" > "$TMP/perf.out" 2>&1 &
	pp=$!
	env ${PATH_ENV:-SCHEDTAP_NONE=} $ST latency --json > "$TMP/lat.json" 2> "$TMP/lat.err" &
	sp=$!
	sleep 1.5
	( while :; do :; done ) & b1=$!
	( while :; do :; done ) & b2=$!
	( while :; do i=0; while [ $i -lt 2000 ]; do i=$((i + 1)); done; sleep 0.005; done ) & s1=$!
	sleep 3
	kill -STOP $b1 $b2 $s1
	sleep 0.3
	kill -INT $sp; wait $sp; rc=$?
	kill -INT $pp; wait $pp
	kill -9 $b1 $b2 $s1 2>/dev/null
	[ $rc -eq 0 ] || { fail vs_perf$SFX "schedtap exit $rc: $(cat "$TMP/lat.err")"; return; }
	perf sched latency -p -i "$TMP/perf.data" > "$TMP/perf.lat" 2> "$TMP/perf.lat.err" ||
		{ fail vs_perf$SFX "perf sched latency: $(tail -3 "$TMP/perf.lat.err")"; return; }
	perf script -i "$TMP/perf.data" -F time,event,trace 2> /dev/null |
		grep -E "sched_(switch|waking|wakeup|wakeup_new):" > "$TMP/perf.script"
	for p in $b1 $b2 $s1; do
		theirs=$(awk -v p="$p" -F'|' '$1 ~ ":" p " *$" { gsub(/ms/, "", $2); print $2 + 0, $3 + 0 }' "$TMP/perf.lat")
		replay=$(replay "$p" < "$TMP/perf.script")
		ours=$(jq -r --argjson p "$p" 'select(.pid == $p) | "\(.runtime_ms) \(.switches)"' "$TMP/lat.json")
		[ -n "$theirs" ] || { fail vs_perf$SFX "task $p not in perf's table"; return; }
		[ -n "$ours" ] || { fail vs_perf$SFX "task $p not reported"; return; }
		set -- $ours $theirs $replay
		echo "    task $p: runtime $1 ms vs perf sched latency $3 ms (replay $5 ms)," \
			"switches $2 vs perf sched latency $4 (replay $6)"
		awk -v a="$1" -v b="$5" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= 0.05 * b) }' ||
			{ fail vs_perf_runtime$SFX "task $p: $1 ms vs perf's events $5 ms"; return; }
		close_count "$2" "$6" || { fail vs_perf_switches$SFX "task $p: $2 vs perf's events $6"; return; }
		# perf sched latency itself (perf 6.1 on newer kernels loses
		# wakeups of sleepers: "context switch bugs"): runtime always,
		# switches for the busy loops (preempted only).
		awk -v a="$1" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b > 0 && d <= 0.05 * b) }' ||
			{ fail vs_perf_sched_latency_runtime$SFX "task $p: $1 ms vs perf $3 ms"; return; }
		[ "$p" = "$s1" ] || close_count "$2" "$4" ||
			{ fail vs_perf_sched_latency_switches$SFX "task $p: $2 vs perf $4"; return; }
	done
	pass vs_perf$SFX
}

# perf's table: its header and rule lines, rows in its number formats,
# a TOTAL row that adds up the rows; -p keeps only that task.
t_table_and_filter() {
	( while :; do i=0; while [ $i -lt 500 ]; do i=$((i + 1)); done; sleep 0.002; done ) & w=$!
	$ST latency 1 1 > "$TMP/t" 2>&1; rc=$?
	$ST latency -p $w 0.5 1 > "$TMP/p" 2>&1
	$ST latency -s switches --json 0.5 1 > "$TMP/s.json" 2>&1
	kill -9 $w
	[ $rc -eq 0 ] || { fail table "exit $rc: $(cat "$TMP/t")"; return; }
	grep -qxF '  Task                  |   Runtime ms  | Switches | Avg delay ms    | Max delay ms    | Max delay start           | Max delay end          |' "$TMP/t" ||
		{ fail table "no perf header: $(head -4 "$TMP/t")"; return; }
	[ "$(grep -c '^ -\{139\}$' "$TMP/t")" -eq 2 ] || { fail table "header rules differ"; return; }
	grep -qE '^ -{113}$' "$TMP/t" && grep -qE '^ -{51}$' "$TMP/t" || { fail table "TOTAL rules differ"; return; }
	grep -E '^  .*:[0-9]+ +\|' "$TMP/t" | grep -vqE '^  .{20,}\| +[0-9]+\.[0-9]{3} ms \| +[0-9]+ \| avg: +[0-9]+\.[0-9]{3} ms \| max: +[0-9]+\.[0-9]{3} ms \| max start: +[0-9]+\.[0-9]{6} s \| max end: +[0-9]+\.[0-9]{6} s$' &&
		{ fail table "a row not in perf's format: $(grep -E '^  .*:[0-9]+ +\|' "$TMP/t" | head -3)"; return; }
	awk -F'|' '/^  TOTAL:/ { trt = $2 + 0; tsw = $3 + 0; next }
		/^  .*:[0-9]+ +\|/ { rt += $2; sw += $3; n++ }
		# each row is rounded to 0.001 ms: n rows can be n * 0.0005 off
		END { d = rt - trt; if (d < 0) d = -d; exit !(sw == tsw && sw > 0 && d <= n * 0.0005 + 0.001) }' "$TMP/t" ||
		{ fail table_total "TOTAL does not add up: $(grep TOTAL "$TMP/t")"; return; }
	pass table
	rows=$(grep -E '^  .*:[0-9]+ +\|' "$TMP/p" | sed 's/ *|.*//; s/.*://' | sort -u)
	[ "$rows" = "$w" ] && pass pid_filter || fail pid_filter "rows for: $rows (want $w): $(cat "$TMP/p")"
	jq -e -s 'length > 1 and (map(.switches) as $s | $s == ($s | sort | reverse))' "$TMP/s.json" > /dev/null &&
		pass sort_switches || fail sort_switches "$(head -3 "$TMP/s.json")"
}

t_csv() {
	$ST latency --csv 0.3 1 > "$TMP/c" 2>&1 || { fail csv "$(cat "$TMP/c")"; return; }
	[ "$(head -1 "$TMP/c")" = "comm,pid,runtime_ms,switches,avg_delay_ms,max_delay_ms,max_delay_start_s,max_delay_end_s" ] &&
		[ "$(tail -n +2 "$TMP/c" | wc -l)" -ge 1 ] && pass csv_header || fail csv_header "$(head -2 "$TMP/c")"
}

# Tasks that exit are reported once, then dropped.
t_exited() {
	$ST latency --json 0.5 3 > "$TMP/e.json" 2>&1 &
	sp=$!
	sleep 0.2
	sh -c 'i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done' & x=$!
	wait $x
	wait $sp
	n=$(jq -s --argjson p "$x" 'map(select(.pid == $p)) | length' "$TMP/e.json")
	[ "$n" -ge 1 ] && [ "$n" -le 2 ] && pass exited_reported_then_dropped ||
		fail exited_reported_then_dropped "$n reports of exited task $x"
}

# The BTF-typed programs (tp_btf) where the kernel has BTF, the tracepoint
# ones when forced or without it: each checked against perf, the one in
# use read from --dump so that a silent fallback fails.
t_attach_path() {	# suffix want [VAR=value]
	env ${3:-SCHEDTAP_NONE=} $ST latency --dump > "$TMP/dump" 2>&1
	n=$(grep -cE "^; program tap_lat_(wake|wnew|switch): $2" "$TMP/dump")
	[ "$n" -eq 3 ] && grep -q '^; program tap_lat_free: tracepoint sched:' "$TMP/dump" &&
		pass attach_path$1 || fail attach_path$1 "$(grep '^; program' "$TMP/dump")"
}

t_attach_path "" "BTF-typed tracepoint"
t_attach_path _tracepoint "tracepoint sched:" SCHEDTAP_FORCE_TRACEPOINT=1
SFX= t_vs_perf
SFX=_tracepoint PATH_ENV=SCHEDTAP_FORCE_TRACEPOINT=1 t_vs_perf
t_table_and_filter
t_csv
t_exited
$ST latency --dump > "$TMP/d" 2>&1 && grep -q tap_lat_switch "$TMP/d" && pass dump || fail dump "$(head -3 "$TMP/d")"
# Only ours: other subcommands' tests may be running at the same time.
n=$(bpftool prog show 2>/dev/null | grep -c " name tap_lat")
[ "$n" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_lat")"
