#!/bin/sh
# schedtap micro against perf stat: a task that faults in 64 MiB (dd
# reading /dev/zero into one buffer, sixteen times over), its
# page faults and CPU time charged slice by slice at each switch, against
# perf's own count of the same task; both attach paths. This host has no
# PMU: micro must say so once and show no ratio of time counters. (The
# hardware path, cycles, is checked in the arm64 guest: tests/e2e.)
SUITE=micro
. "$(dirname "$0")/../lib.sh"

t_vs_perf() {
	$ST micro --json -e page-faults,cpu-clock 4 1 > "$TMP/m.json" 2> "$TMP/m.err" &
	mp=$!
	sleep 1.5
	perf stat -x, -e page-faults,task-clock -o "$TMP/perf" -- taskset -c 1 dd if=/dev/zero of=/dev/null bs=64M count=16 2> /dev/null
	wait $mp || { fail vs_perf$SFX "micro exit $?: $(cat "$TMP/m.err")"; return; }
	pf=$(awk -F, '$3 == "page-faults" { print $1 }' "$TMP/perf")
	tc=$(awk -F, '$3 == "task-clock" { printf "%d", $1 * 1e6 }' "$TMP/perf")
	set -- $(jq -r 'select(.comm == "dd") | "\(.page_faults) \(.cpu_ns) \(.cpu_clock_ns)"' "$TMP/m.json")
	echo "    dd: micro $1 faults, $2 ns (cpu-clock $3 ns); perf stat $pf faults, $tc ns"
	[ $# -eq 3 ] || { fail vs_perf$SFX "no one dd row: $(head -c 300 "$TMP/m.json")"; return; }
	within_pct "$1" "$pf" 3 || { fail faults_vs_perf$SFX "$1 vs $pf"; return; }
	within_pct "$2" "$tc" 5 || { fail cpu_time_vs_perf$SFX "$2 vs $tc"; return; }
	# The counter read at each switch and the program's own clock time
	# the same slices.
	within_pct "$3" "$2" 2 || { fail cpu_clock_vs_slices$SFX "$3 vs $2"; return; }
	pass vs_perf$SFX
}

# No PMU: said once, the software counters by default, no ratio column;
# asking for a hardware counter is a runtime error saying why.
t_no_pmu() {
	$ST micro -n 3 0.3 2 > "$TMP/t" 2> "$TMP/e"
	[ "$(grep -c 'no PMU' "$TMP/e")" -eq 1 ] && grep -q 'CLOCK_NS  *FAULTS' "$TMP/t" &&
		! grep -qE 'IPC|CYC/MS|MPKI' "$TMP/t" && pass no_pmu$SFX ||
		fail no_pmu$SFX "$(cat "$TMP/e" "$TMP/t" | head -5)"
	$ST micro -e cycles 0.1 1 > /dev/null 2> "$TMP/e"; rc=$?
	[ $rc -eq 1 ] && grep -q 'cannot count cycles: .*No such file or directory: no PMU' "$TMP/e" &&
		pass hardware_refused$SFX || fail hardware_refused$SFX "exit $rc: $(cat "$TMP/e")"
}

t_attach_path() {
	$ST micro --dump > "$TMP/dump" 2>&1
	grep -q "^; program tap_micro_sw: $1" "$TMP/dump" && pass attach_path$SFX ||
		fail attach_path$SFX "$(grep '^; program' "$TMP/dump")"
}

# --events: a row per slice of a 5-on/5-off duty cycle, filtered in the
# kernel by -p; each slice's cpu-clock count is its run time; nothing lost.
t_events() {
	$ST_BIN workload burst --on 5 --off 5 --cpu 1 --duration 4 > "$TMP/b.out" &
	b=$!
	sleep 0.3
	tid=$(awk '{ print $2 }' "$TMP/b.out")
	$ST micro --events -e cpu-clock -p "$tid" -d 1 --json > "$TMP/ev.json" 2> "$TMP/ev.err"; rc=$?
	kill $b 2> /dev/null; wait $b 2> /dev/null
	[ $rc -eq 0 ] || { fail events$SFX "exit $rc: $(cat "$TMP/ev.err")"; return; }
	set -- $(jq -r -s --argjson t "$tid" '[.[] | select(.tid != null)] as $r |
		"\($r | length) \([$r[] | select(.tid != $t)] | length) \([$r[].run_us] | add)" +
		" \([$r[].cpu_clock_ns] | add / 1000) \([.[] | select(.summary)][0].lost)"' "$TMP/ev.json")
	echo "    --events -p $tid: $1 slices, $2 of others, run $3 us, cpu-clock $4 us, lost $5"
	[ "$1" -ge 50 ] && [ "$2" -eq 0 ] && [ "$5" = 0 ] &&
		awk -v a="$3" -v b="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d <= 0.02 * a) }' &&
		pass events$SFX || fail events$SFX "$*: $(head -c 300 "$TMP/ev.json")"
}

t_usage() {
	for a in "--events -n 3" "-d 1" "--events 1 1" "-e nope" "-e cycles,cycles" "-e cycles,instructions,branches,branch-misses,cache-misses,cache-references,page-faults" "-n 0"; do
		$ST micro $a 1 1 > /dev/null 2>&1; rc=$?
		[ $rc -eq 2 ] || { fail usage "'micro $a': exit $rc, want 2"; return; }
	done
	pass usage
}

SFX= t_attach_path "BTF-typed tracepoint"
SFX= t_vs_perf
SFX= t_no_pmu
SFX= t_events
export SCHEDTAP_FORCE_TRACEPOINT=1
SFX=_tracepoint t_attach_path "tracepoint sched:"
SFX=_tracepoint t_vs_perf
SFX=_tracepoint t_events
unset SCHEDTAP_FORCE_TRACEPOINT
t_usage
[ "$(our_progs)" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_")"
