#!/bin/sh
# schedtap inversion against schedtap workload inversion: the classic
# three-thread SCHED_FIFO inversion must be found with the right tasks and
# M's delay close to its spin; with a PI mutex, the boost is reported and
# no inversion.
SUITE=inversion
. "$(dirname "$0")/../lib.sh"

SPIN=200

# run_case NAME [workload options]: detector in the background, the
# workload, then stop the detector. Output in $TMP/NAME.{json,err,tids}.
run_case() {
	n=$1
	shift
	$ST inversion --json > "$TMP/$n.json" 2> "$TMP/$n.err" &
	sp=$!
	sleep 1
	$ST workload inversion --spin-ms $SPIN "$@" > "$TMP/$n.tids" 2> "$TMP/$n.werr"
	wrc=$?
	sleep 0.3
	kill -INT $sp; wait $sp; rc=$?
	L=$(awk '$1 == "L" { print $2 }' "$TMP/$n.tids")
	M=$(awk '$1 == "M" { print $2 }' "$TMP/$n.tids")
	H=$(awk '$1 == "H" { print $2 }' "$TMP/$n.tids")
	echo "    workload $*: L=$L M=$M H=$H (exit $wrc); detector exit $rc: $(cat "$TMP/$n.err")"
	sed 's/^/    /' "$TMP/$n.json"
	[ $wrc -eq 0 ] && [ $rc -eq 0 ] && [ -n "$L" ] && [ -n "$M" ] && [ -n "$H" ]
}

t_blocking() {
	run_case nopi || { fail blocking "runs failed: $(cat "$TMP/nopi.werr" "$TMP/nopi.err")"; return; }
	row=$(jq -c --argjson h "$H" --argjson l "$L" --argjson m "$M" \
		'select(.type == "blocking" and .h_pid == $h and .l_pid == $l and .m_pid == $m)' "$TMP/nopi.json")
	[ -n "$row" ] || { fail blocking "no blocking inversion with H=$H L=$L M=$M"; return; }
	pass blocking_tasks
	delay=$(echo "$row" | jq '.delay_ms * 1000 | floor' | head -1)
	echo "    M delayed H by $delay us, spin $SPIN ms"
	within_pct "$delay" $((SPIN * 1000)) 10 && pass blocking_delay_vs_spin ||
		fail blocking_delay_vs_spin "delay $delay us vs spin $SPIN ms"
	echo "$row" | jq -e '.h_prio < .m_prio and .m_prio < .l_prio and (.futex | startswith("0x"))' > /dev/null &&
		pass blocking_prios || fail blocking_prios "$row"
	jq -e -s --argjson l "$L" 'map(select(.type == "pi_boost" and .l_pid == $l)) | length == 0' \
		"$TMP/nopi.json" > /dev/null && pass no_boost_without_pi || fail no_boost_without_pi "a PI boost without --pi"
}

t_pi() {
	run_case pi --pi || { fail pi "runs failed: $(cat "$TMP/pi.werr" "$TMP/pi.err")"; return; }
	# L (FIFO 10, prio 89) boosted to H's priority (FIFO 30, prio 69).
	jq -e -s --argjson h "$H" --argjson l "$L" \
		'map(select(.type == "pi_boost" and .l_pid == $l and .h_pid == $h and .l_prio == 89
			and .boost_prio == 69 and .wait_ms > 0)) | length == 1' "$TMP/pi.json" > /dev/null &&
		pass pi_boost || fail pi_boost "no boost of L=$L to H's priority"
	jq -e -s --argjson h "$H" 'map(select((.type == "blocking" or .type == "runnable") and .h_pid == $h)) | length == 0' \
		"$TMP/pi.json" > /dev/null && pass pi_no_inversion || fail pi_no_inversion "inversion reported with PI"
}

t_workload_sigint() {
	$ST workload inversion --spin-ms 900 > "$TMP/w.out" 2>&1 &
	wp=$!
	sleep 0.3
	kill -INT $wp
	t0=$(date +%s%N)
	wait $wp; rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ $rc -eq 0 ] && [ $ms -lt 500 ] && grep -q '^L [0-9]' "$TMP/w.out" && pass workload_sigint ||
		fail workload_sigint "exit $rc after $ms ms: $(cat "$TMP/w.out")"
}

t_blocking
t_pi
t_workload_sigint
# Only ours: other suites may run beside this one.
n=$(bpftool prog show 2>/dev/null | grep -c " name tap_inv")
[ "$n" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_inv")"
