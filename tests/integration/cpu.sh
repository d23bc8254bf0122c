#!/bin/sh
# schedtap cpu against the real kernel, checked against perf and /proc.
SUITE=cpu
. "$(dirname "$0")/../lib.sh"


t_static() {
	file "$ST_BIN" | grep -q 'statically linked' && pass static ||
		fail static "$(file "$ST_BIN")"
}

t_usage() {
	$ST --help > "$TMP/h" 2>&1; rc=$?
	[ $rc -eq 0 ] && grep -q '^  cpu ' "$TMP/h" || { fail usage_help "rc=$rc $(cat "$TMP/h")"; return; }
	$ST nosuchcmd > /dev/null 2>&1; [ $? -eq 2 ] || { fail usage_unknown_cmd "exit != 2"; return; }
	$ST cpu --nosuch > /dev/null 2>&1; [ $? -eq 2 ] || { fail usage_unknown_opt "exit != 2"; return; }
	$ST cpu 0 > /dev/null 2>&1; [ $? -eq 2 ] || { fail usage_bad_interval "exit != 2"; return; }
	$ST cpu 1 x > /dev/null 2>&1; [ $? -eq 2 ] || { fail usage_bad_count "exit != 2"; return; }
	$ST cpu --help | grep -q 'interval \[count\]' || { fail usage_cpu_help "no synopsis"; return; }
	$ST --version | grep -q '^schedtap ' || { fail usage_version "no version"; return; }
	pass usage
}

# Three intervals, whichever way the interval is given.
t_intervals() {
	for args in "-i 0.3 3" "0.3 3"; do
		# shellcheck disable=SC2086
		$ST cpu $args > "$TMP/iv" 2>&1 || { fail "intervals" "cpu $args failed: $(cat "$TMP/iv")"; return; }
		groups=$(grep -c 'interval 0\.[0-9]* s$' "$TMP/iv")
		alls=$(grep -c '^ *all ' "$TMP/iv")
		if [ "$groups" -ne 3 ] || [ "$alls" -ne 3 ]; then
			fail intervals "cpu $args: $groups groups, $alls all-rows"; cat "$TMP/iv"; return
		fi
	done
	pass intervals
}

t_csv() {
	$ST cpu --csv 0.3 2 > "$TMP/c.csv" 2> "$TMP/c.err" || { fail csv "$(cat "$TMP/c.err")"; return; }
	head -1 "$TMP/c.csv" | grep -qx 'timestamp_s,interval_s,cpu,switches,switches_per_s,total' ||
		{ fail csv "header: $(head -1 "$TMP/c.csv")"; return; }
	[ "$(grep -c '^timestamp_s' "$TMP/c.csv")" -eq 1 ] || { fail csv "header repeated"; return; }
	n=$(nproc)
	rows=$(($(wc -l < "$TMP/c.csv") - 1))
	[ "$rows" -eq $((2 * (n + 1))) ] || { fail csv "$rows rows for $n CPUs x 2"; return; }
	# Per interval, the all row is the sum of the CPU rows.
	awk -F, 'NR > 1 { if ($3 == "all") { if (s != $4) bad = 1; s = 0 } else s += $4 }
		END { exit bad }' "$TMP/c.csv" || { fail csv "all != sum of CPUs"; return; }
	pass csv
}

t_json() {
	$ST cpu --json 0.3 2 > "$TMP/j" 2> "$TMP/j.err" || { fail json "$(cat "$TMP/j.err")"; return; }
	n=$(nproc)
	[ "$(wc -l < "$TMP/j")" -eq $((2 * (n + 1))) ] || { fail json "line count $(wc -l < "$TMP/j")"; return; }
	jq -e -c 'select((.cpu|type) == "string" and (.switches|type) == "number"
		and (.switches_per_s|type) == "number" and (.total|type) == "number"
		and (.timestamp_s|type) == "number" and (.interval_s|type) == "number")' "$TMP/j" > "$TMP/j.ok" 2>&1 ||
		{ fail json "jq: $(head -3 "$TMP/j.ok")"; return; }
	[ "$(wc -l < "$TMP/j.ok")" -eq "$(wc -l < "$TMP/j")" ] || { fail json "objects missing keys"; return; }
	pass json
}

# Our count and perf's, both attached over the same window, within 2%.
# perf only sees sched_switch at all if our program returns 1.
#   compare_with_perf NAME PERF_EVENT WORKLOAD...
compare_with_perf() {
	name=$1 event=$2
	shift 2
	perf stat -e "$event" -a -x, -o "$TMP/perf.out" > /dev/null 2>&1 &
	pp=$!
	$ST cpu --csv 100 > "$TMP/vp.csv" 2> "$TMP/vp.err" &
	sp=$!
	sleep 1
	"$@" > /dev/null 2>&1
	sleep 0.2
	kill -INT $pp $sp
	wait $pp; wait $sp; rc=$?
	[ $rc -eq 0 ] || { fail "$name" "schedtap exit $rc: $(cat "$TMP/vp.err")"; return; }
	ours=$(awk -F, '$3 == "all" { s += $4 } END { print s + 0 }' "$TMP/vp.csv")
	theirs=$(awk -F, -v e="$event" '$3 == e { print $1 }' "$TMP/perf.out")
	case $theirs in ''|*[!0-9]*) fail "$name" "perf said: $(cat "$TMP/perf.out")"; return ;; esac
	[ "$ours" -gt 60000 ] || { fail "$name" "only $ours switches counted"; return; }
	if within_pct "$ours" "$theirs" 2; then
		pass "$name"; echo "    schedtap $ours, perf stat -e $event $theirs"
	else
		fail "$name" "schedtap $ours vs perf stat -e $event $theirs"
	fi
}

# Against perf's count of the same tracepoint. The ping-pong is pinned to
# one CPU: on this VM's kernel, perf's and ftrace's sched_switch records
# miss about half of the switches out of the idle task when two CPUs
# ping-pong through idle (the trace shows twice as many switches into
# idle as out of it), while the BPF program and the kernel's own
# context-switch counter see them all. Pinned, no idle task is involved.
t_vs_perf_tracepoint() {
	compare_with_perf vs_perf_sched_switch sched:sched_switch \
		taskset -c 0 perf bench sched pipe -l 40000
}

# Against the kernel's context-switch counter, which counts every switch,
# idle ones included: the unpinned ping-pong goes through idle.
t_vs_perf_context_switches() {
	compare_with_perf vs_perf_context_switches context-switches \
		perf bench sched pipe -l 30000
}

t_dump() {
	$ST cpu --dump > "$TMP/d" 2>&1 || { fail dump "$(cat "$TMP/d")"; return; }
	for want in '^out:' 'call bpf_map_lookup_elem#1' '^ *[0-9]*: (95) exit' \
		'r1 = map\[switches\]' '; program tap_cpu_switch' 'goto pc+[0-9]* <out>'; do
		grep -q "$want" "$TMP/d" || { fail dump "no '$want' in: $(cat "$TMP/d")"; return; }
	done
	pass dump
}

t_signals() {
	for sig in INT TERM; do
		$ST cpu 30 > "$TMP/s" 2>&1 &
		p=$!
		sleep 0.5
		[ "$(our_progs)" -ge 1 ] || { fail "signal_$sig" "program not attached"; kill $p; return; }
		kill -$sig $p
		wait $p; rc=$?
		[ $rc -eq 0 ] || { fail "signal_$sig" "exit $rc"; return; }
		grep -q '^ *all ' "$TMP/s" || { fail "signal_$sig" "no final report: $(cat "$TMP/s")"; return; }
		[ "$(our_progs)" -eq 0 ] || { fail "signal_$sig" "program left attached"; return; }
	done
	pass signals
}

t_nonroot() {
	cp "$ST_BIN" "$TMP/st" && chmod 755 "$TMP" "$TMP/st"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/st" cpu 0.1 1 > "$TMP/nr" 2>&1
	rc=$?
	[ $rc -eq 1 ] || { fail nonroot "exit $rc"; return; }
	grep -q 'CAP_BPF and CAP_PERFMON' "$TMP/nr" || { fail nonroot "no hint: $(cat "$TMP/nr")"; return; }
	pass nonroot
}

# With tracefs unmounted (in a private mount namespace), schedtap mounts
# it, runs, and leaves it mounted (once: a second run finds it).
t_tracefs_mount() {
	unshare -m sh -c '
		mount --make-rprivate / 2>/dev/null
		# Mounts may be stacked: unmount until none is left.
		for try in 1 2 3 4 5 6 7 8; do
			for m in $(awk "{ for (i = 7; i < NF; i++) if (\$i == \"-\") t = \$(i + 1) }
				t == \"tracefs\" || t == \"debugfs\" { print \$5 }" /proc/self/mountinfo | sort -r); do
				umount -l "$m" || exit 3
			done
		done
		grep -qw tracefs /proc/self/mountinfo && exit 4
		'"$ST"' cpu 0.2 1 > '"$TMP/tm"' 2>&1 || exit 5
		[ "$(grep -cw tracefs /proc/self/mountinfo)" -eq 1 ] || exit 6
		'"$ST"' cpu 0.2 1 > /dev/null 2>&1 || exit 7
		[ "$(grep -cw tracefs /proc/self/mountinfo)" -eq 1 ] || exit 8
		exit 0'
	rc=$?
	[ $rc -eq 0 ] && pass tracefs_mount || fail tracefs_mount "step $rc: $(cat "$TMP/tm" 2>/dev/null)"
}

t_ioctl_attach() {
	SCHEDTAP_FORCE_IOCTL_ATTACH=1 $ST cpu --csv 0.3 1 > "$TMP/io" 2>&1 ||
		{ fail ioctl_attach "$(cat "$TMP/io")"; return; }
	n=$(awk -F, '$3 == "all" { print $4 }' "$TMP/io")
	[ "${n:-0}" -gt 0 ] && pass ioctl_attach || fail ioctl_attach "counted ${n:-nothing}"
}

t_output_file() {
	$ST cpu --csv -o "$TMP/o.csv" 0.2 1 > "$TMP/o.stdout" 2> "$TMP/o.stderr" ||
		{ fail output_file "$(cat "$TMP/o.stderr")"; return; }
	[ ! -s "$TMP/o.stdout" ] && head -1 "$TMP/o.csv" | grep -q '^timestamp_s,' && pass output_file ||
		fail output_file "stdout: $(cat "$TMP/o.stdout")"
	$ST cpu -o /nonexistent/dir/x 0.2 1 > /dev/null 2> "$TMP/o.err"
	[ $? -eq 1 ] && grep -q 'No such file' "$TMP/o.err" && pass output_file_error ||
		fail output_file_error "$(cat "$TMP/o.err")"
}

t_static
t_usage
t_intervals
t_csv
t_json
t_vs_perf_tracepoint
t_vs_perf_context_switches
t_dump
t_signals
t_nonroot
t_tracefs_mount
t_ioctl_attach
t_output_file
[ "$(our_progs)" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_(cpu|top|trace)")"
