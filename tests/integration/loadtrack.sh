#!/bin/sh
# schedtap loadtrack: the kernel's PELT against PELT's own arithmetic and
# against the truth, and its cross-checks with /proc. For each scenario
# run here: |kernel - model| within 5% of 1024 at 98% of the updates and
# 3 units on average (the model from the update before; for the step from
# the first on, at every update), each departure said as a finding; the last
# update equal to /proc/PID/sched once the child sleeps (util_avg and
# util_est), its running time within 2% of schedstat's. The step: util at
# 32, 64 and 106 ms within 10% of the model, the model within 3% of
# 1024 of the closed form. 50% duty cycles: the steady mean within 5% of
# 512, the ripple within 10% of the model's. Both attach paths of
# sched_switch; watching a task; the timeline; usage errors.
SUITE=loadtrack
. "$(dirname "$0")/../lib.sh"

# jq over the summary rows (the ones with a duty): true when all pass.
all_rows() { jq -e -s "[.[] | select(.duty_pct != null)] | length > 0 and all(.[]; $1)" "$2" > /dev/null; }

t_scenarios() {
	# At nice -10 the child waits less behind whatever else this machine
	# runs on its CPU: the step and duty cycles keep their shape.
	$ST loadtrack -s step,periodic-50-8,periodic-50-32,io --nice -10 --json > "$TMP/lt.json" 2> "$TMP/lt.err" ||
		{ fail scenarios$SFX "exit $?: $(cat "$TMP/lt.err")"; return; }
	jq -r 'select(.duty_pct != null) | "    \(.scenario): duty \(.duty_pct)%, util \(.util_avg) vs truth \(.truth), |kernel - model| max \(.model_err_max) (from the start \(.drift_max)) over \(.updates) updates, run \(.run_ms) ms vs schedstat \(.schedstat_run_ms)"' "$TMP/lt.json"
	# A departure (an update more than 5% of 1024 off the arithmetic over
	# the interval before) is a finding the tool reports: allowed at 2%
	# of the updates, never for the mean.
	all_rows '.updates > 20 and .model_err_mean <= 3 and .departures <= ([1, .updates / 50] | max)' "$TMP/lt.json" &&
		{ ! all_rows '.departures == 0' "$TMP/lt.json" || ! grep -q '^schedtap: finding' "$TMP/lt.err"; } &&
		jq -e -s '[.[] | select(.scenario == "step" and .duty_pct != null)] | length == 1 and .[0].drift_max <= 51.2' "$TMP/lt.json" > /dev/null &&
		pass model$SFX ||
		fail model$SFX "$(jq -c 'select(.duty_pct != null) | [.scenario, .model_err_max, .drift_max, .updates]' "$TMP/lt.json")"
	all_rows '.last_util_avg == .proc_util_avg and .last_util_est == .proc_util_est' "$TMP/lt.json" &&
		pass vs_proc_sched$SFX ||
		fail vs_proc_sched$SFX "$(jq -c 'select(.duty_pct != null) | [.scenario, .last_util_avg, .proc_util_avg, .last_util_est, .proc_util_est]' "$TMP/lt.json")"
	# The scheduler starts a slice's clock when its __schedule begins,
	# sched_switch fires later: up to 50 us a slice here on the way in.
	# Where the kernel counted a wait as running (the tool's finding: a
	# departure, or its free-running model pulled 25 units off), schedstat
	# counted it too: a CI run had 602 ms against 585 of slices.
	all_rows '(.run_ms - .schedstat_run_ms | fabs) <= 0.02 * .schedstat_run_ms + 0.05 * .slices or
		((.departures > 0 or .drift_max > 25.6) and (.run_ms - .schedstat_run_ms | fabs) <= 0.05 * .schedstat_run_ms)' "$TMP/lt.json" &&
		pass vs_schedstat$SFX ||
		fail vs_schedstat$SFX "$(jq -c 'select(.duty_pct != null) | [.scenario, .run_ms, .schedstat_run_ms, .slices, .drift_max, .departures]' "$TMP/lt.json")"
	jq -e -s '[.[] | select(.scenario == "step" and .duty_pct != null)] | length == 1 and all(.[];
		((.util_at_32ms - .model_at_32ms | fabs) <= 0.1 * .model_at_32ms) and
		((.util_at_64ms - .model_at_64ms | fabs) <= 0.1 * .model_at_64ms) and
		((.util_at_106ms - .model_at_106ms | fabs) <= 0.1 * .model_at_106ms) and
		((.model_at_32ms - .closed_form_at_32ms | fabs) <= 31) and
		((.model_at_64ms - .closed_form_at_64ms | fabs) <= 31) and
		((.model_at_106ms - .closed_form_at_106ms | fabs) <= 31))' "$TMP/lt.json" > /dev/null &&
		pass step_response$SFX ||
		fail step_response$SFX "$(jq -c 'select(.scenario == "step" and .duty_pct != null) | [.util_at_32ms, .model_at_32ms, .closed_form_at_32ms, .util_at_64ms, .model_at_64ms, .closed_form_at_64ms, .util_at_106ms, .model_at_106ms, .closed_form_at_106ms]' "$TMP/lt.json")"
	jq -e -s '[.[] | select(.duty_pct != null and (.scenario | startswith("periodic-50")))] |
		length == 2 and all(.[]; ((.util_avg - 512) | fabs) <= 25.6 and
		(((.ripple - .model_ripple) | fabs) <= 0.1 * .model_ripple or
		 ((.ripple - .model_ripple) | fabs) <= 2 * .drift_max))' "$TMP/lt.json" > /dev/null &&
		pass periodic_50$SFX ||
		fail periodic_50$SFX "$(jq -c 'select(.duty_pct != null) | [.scenario, .util_avg, .ripple, .model_ripple, .drift_max, .departures]' "$TMP/lt.json")"
	jq -e -s '[.[] | select(.claim != null)] | length == 5 and
		all(.[]; .verdict == "holds" or .verdict == "does not hold")' "$TMP/lt.json" > /dev/null &&
		pass claims$SFX || fail claims$SFX "$(grep claim "$TMP/lt.json" | head -3)"
}

t_attach_path() {
	$ST loadtrack --dump > "$TMP/dump" 2>&1
	grep -q "^; program tap_lt_switch: $1" "$TMP/dump" &&
		grep -q '^; program tap_lt_pelt: bare tracepoint pelt_se_tp' "$TMP/dump" &&
		grep -q '^; program tap_lt_est: bare tracepoint sched_util_est_se_tp' "$TMP/dump" &&
		pass attach_path$SFX || fail attach_path$SFX "$(grep '^; program' "$TMP/dump")"
}

# One row a millisecond: the step's 1500, t_ms 1..1500, the truth in
# each ms at most 1000 us, a model from the first update on.
t_timeline() {
	$ST loadtrack -s step --timeline --csv -o "$TMP/tl.csv" 2> "$TMP/e" ||
		{ fail timeline "exit $?: $(cat "$TMP/e")"; return; }
	awk -F, 'NR == 1 { ok = $1 == "scenario" && $2 == "t_ms" && $NF == "model"; next }
		{ n++; if ($2 != n || $3 > 1000 || $3 < 0) ok = 0; if ($12 != "") m++ }
		END { exit !(ok && n == 1500 && m > 1000) }' "$TMP/tl.csv" && pass timeline ||
		fail timeline "$(head -3 "$TMP/tl.csv")"
}

# Watching a task of our own: a 50% duty cycle, 10 ms on, 10 off.
t_watch() {
	$ST_BIN workload burst --on 10 --off 10 --cpu 1 --duration 5 > "$TMP/b.out" &
	b=$!
	sleep 0.3
	tid=$(awk '{ print $2 }' "$TMP/b.out")
	$ST loadtrack -p "$tid" -d 1.5 --json > "$TMP/w.json" 2> "$TMP/e"; rc=$?
	kill $b 2> /dev/null; wait $b 2> /dev/null
	[ $rc -eq 0 ] && all_rows '.scenario == "watch" and .duty_pct > 35 and .duty_pct < 65 and .model_err_mean <= 3 and .departures <= ([1, .updates / 50] | max)' "$TMP/w.json" &&
		pass watch || fail watch "exit $rc: $(cat "$TMP/e" "$TMP/w.json" | head -3)"
}

t_usage() {
	for a in "-s nope" "-s step -p 1" "-d 1" "-s step,,"; do
		$ST loadtrack $a > /dev/null 2>&1; rc=$?
		[ $rc -eq 2 ] || { fail usage "'loadtrack $a': exit $rc, want 2"; return; }
	done
	SCHEDTAP_FORCE_NO_BTF=1 $ST loadtrack -s step > /dev/null 2> "$TMP/e"; rc=$?
	[ $rc -eq 1 ] && grep -q "needs the kernel's BTF.*--offsets FILE" "$TMP/e" ||
		{ fail usage "no BTF: exit $rc: $(cat "$TMP/e")"; return; }
	# A CPU this process may not run on (this machine has 2).
	taskset -c 0 $ST loadtrack -s step -C 1 > /dev/null 2> "$TMP/e"; rc=$?
	[ $rc -eq 1 ] && grep -q "CPU 1 is offline or not in this process's CPU set" "$TMP/e" &&
		pass usage || fail usage "-C outside the CPU set: exit $rc: $(cat "$TMP/e")"
}

# Ctrl-C mid-scenario: out at once, the child gone, nothing attached.
t_sigint() {
	$ST loadtrack --json > "$TMP/i.json" 2> "$TMP/e" &
	p=$!
	sleep 1.5
	kill -INT $p
	t0=$(date +%s%N)
	wait $p; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	sleep 0.2
	left=$(pgrep -P $p 2> /dev/null; pgrep -f "schedtap loadtrack" | grep -vx "$$")
	[ $rc -eq 0 ] && [ $ms -lt 2000 ] && [ -z "$left" ] && pass sigint ||
		fail sigint "exit $rc after $ms ms, left: $left"
}

SFX= t_attach_path "BTF-typed tracepoint"
SFX= t_scenarios
export SCHEDTAP_FORCE_TRACEPOINT=1
SFX=_tracepoint t_attach_path "tracepoint sched:"
SFX=_tracepoint t_scenarios
unset SCHEDTAP_FORCE_TRACEPOINT
t_timeline
t_watch
t_usage
t_sigint
[ "$(our_progs)" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_")"
