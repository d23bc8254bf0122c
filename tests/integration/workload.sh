#!/bin/sh
# schedtap workload cpu, pingpong, burst and fork against the kernel's own
# accounts of the same tasks: nice and CPU time from /proc/PID/task/TID/
# {stat,schedstat}, switches from /proc/.../status and perf's
# context-switches count, forks from perf's sched:sched_process_fork, exit
# and stop times by the clock.
# Each workload runs in a session of its own (setsid, same PID), so that
# "nothing left behind" means no task left in that session.
# Runs alone (the CPU-time shares assume an otherwise idle CPU 0).
SUITE=workload
. "$(dirname "$0")/../lib.sh"

# Under valgrind (VALGRIND=1) the workloads run at valgrind's speed, with
# its threads serialised: checks of time, rates and CPU shares are SKIPs
# there (their numbers still print); the others hold as they are.
# valgrind would also open a log file for every forked child.
under_valgrind() { [ -n "${VALGRIND:-}" ] && [ "$VALGRIND" != 0 ]; }
under_valgrind && ST=$(echo "$ST" | sed 's/^valgrind /valgrind --child-silent-after-fork=yes /')
# timed CHECK: 0 to check it, 1 (after a SKIP line) under valgrind.
timed() { under_valgrind || return 0; echo "SKIP $SUITE/$1: timing under valgrind"; return 1; }

# wl_start NAME ARGS...: `schedtap workload ARGS` in the background, stdout
# in $TMP/NAME.out, stderr in $TMP/NAME.err; its PID in $WP, the start time
# (ns) in $W0.
wl_start() {
	n=$1
	shift
	# The files first: the background job opens them only once it runs.
	: > "$TMP/$n.out"
	: > "$TMP/$n.err"
	W0=$(date +%s%N)
	setsid $ST workload "$@" >> "$TMP/$n.out" 2>> "$TMP/$n.err" &
	WP=$!
}

# wl_lines NAME ROLE COUNT: wait (at most 3 s) until COUNT "ROLE TID" lines
# are out; prints the TIDs.
wl_lines() {
	i=0
	while [ "$(grep -cE "^$2 [0-9]+\$" "$TMP/$1.out")" -lt "$3" ] && [ $i -lt 60 ] &&
		[ -d "/proc/$WP" ]; do
		sleep 0.05
		i=$((i + 1))
	done
	awk -v r="$2" '$1 == r { print $2 }' "$TMP/$1.out"
}

# bounded_wait PID SECONDS: wait for the workload PID (a child of ours,
# leader of its own process group), at most SECONDS: a hung one is killed
# with its group, so that it fails its check instead of hanging the suite.
# Its exit status in $rc.
task_state() { sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1; }
bounded_wait() {
	i=0
	while s=$(task_state "$1"); [ -n "$s" ] && [ "$s" != Z ]; do
		[ $i -ge $(($2 * 20)) ] && { echo "    $1 still running after $2 s: killed"; kill -KILL "-$1"; break; }
		sleep 0.05
		i=$((i + 1))
	done
	wait "$1"
	rc=$?
}

# wl_end [SECONDS]: wait for $WP (at most SECONDS, default 10); its exit
# status in $rc, ms since $W0 in $ms.
wl_end() {
	bounded_wait $WP "${1:-10}"
	ms=$((($(date +%s%N) - W0) / 1000000))
}

# left_behind PID: tasks still in the session PID started ("" if none).
left_behind() { pgrep -s "$1" | tr '\n' ' '; }

# Field N of /proc/PID/task/TID/stat (1-based, as proc(5) numbers them):
# the fields after "(comm)" split on spaces, comm itself may hold any.
stat_field() { sed 's/.*) //' "/proc/$1/task/$2/stat" 2> /dev/null | awk -v f="$3" '{ print $(f - 2) }'; }
cpu_ns() { cut -d' ' -f1 "/proc/$1/task/$2/schedstat" 2> /dev/null; }
# Voluntary and involuntary switches of a thread: "VOL INVOL".
switches() {
	awk '/^voluntary_ctxt/ { v = $2 } /^nonvoluntary_ctxt/ { n = $2 } END { print v, n }' \
		"/proc/$1/task/$2/status" 2> /dev/null
}
now_ns() { date +%s%N; }

# One busy thread at nice 7 on CPU 0 for 2 s: a single-threaded process
# whose PID is the thread, nice 7 in /proc, CPU-bound by schedstat, gone
# at 2 s with exit 0.
t_cpu() {
	wl_start cpu cpu --nice 7 --duration 2 --cpu 0
	tid=$(wl_lines cpu cpu 1)
	nice=$(stat_field $WP "$tid" 19)
	threads=$(awk '/^Threads:/ { print $2 }' "/proc/$WP/status" 2> /dev/null)
	c1=$(cpu_ns $WP "$tid"); t1=$(now_ns)
	sleep 1.2
	c2=$(cpu_ns $WP "$tid"); t2=$(now_ns)
	wl_end
	echo "    cpu: pid $WP, printed '$tid', nice $nice, threads $threads;" \
		"cpu $((c2 - c1)) ns of $((t2 - t1)) ns wall; exit $rc after $ms ms"
	[ "$tid" = "$WP" ] && [ "$threads" = 1 ] && pass cpu_single_thread ||
		fail cpu_single_thread "printed '$tid' for pid $WP, $threads threads: $(cat "$TMP/cpu.err")"
	[ "$nice" = 7 ] && pass cpu_nice || fail cpu_nice "nice '$nice' in /proc/$WP/stat, want 7"
	if timed cpu_busy; then
		awk -v c=$((c2 - c1)) -v w=$((t2 - t1)) 'BEGIN { exit !(w > 0 && c >= 0.8 * w) }' &&
			pass cpu_busy || fail cpu_busy "$((c2 - c1)) ns on CPU in $((t2 - t1)) ns (want >= 80%)"
	fi
	[ $rc -eq 0 ] && pass cpu_exit || fail cpu_exit "exit $rc: $(cat "$TMP/cpu.err")"
	timed cpu_duration || return 0
	[ $ms -ge 1900 ] && [ $ms -le 2600 ] && pass cpu_duration ||
		fail cpu_duration "exit after $ms ms (want ~2000 ms)"
}

# Two threads: two TIDs (the first the process), both at nice 7, both busy
# (each >= 100 ms of CPU by 0.5 s; valgrind runs one thread at a time).
t_cpu_threads() {
	wl_start cpu2 cpu --nice 7 --threads 2 --duration 1.5
	tids=$(wl_lines cpu2 cpu 2)
	sleep 0.5
	min=100000000
	under_valgrind && min=0
	bad=
	for t in $tids; do
		nice=$(stat_field $WP "$t" 19)
		c=$(cpu_ns $WP "$t")
		echo "    cpu --threads 2: tid $t nice $nice cpu $c ns"
		[ "$nice" = 7 ] && [ "${c:-0}" -gt $min ] || bad="$bad $t(nice $nice, cpu $c)"
	done
	wl_end
	set -- $tids
	[ $# -eq 2 ] && [ "$1" = "$WP" ] && [ "$1" != "$2" ] && [ -z "$bad" ] && [ $rc -eq 0 ] &&
		pass cpu_threads || fail cpu_threads "tids '$tids' of pid $WP, bad:$bad, exit $rc: $(cat "$TMP/cpu2.err")"
}

# stop_case NAME SIGNAL ROLE ARGS...: start, signal after 0.5 s; exit 0
# within 1 s, nothing left in the session.
stop_case() {
	n=$1 sig=$2 role=$3
	shift 3
	wl_start "$n" "$@"
	wl_lines "$n" "$role" 1 > /dev/null
	sleep 0.5
	kill -"$sig" $WP
	t0=$(now_ns)
	bounded_wait $WP 3
	ms=$((($(now_ns) - t0) / 1000000))
	left=$(left_behind $WP)
	echo "    $n: $* ; SIG$sig -> exit $rc after $ms ms, left: '$left'"
	[ $rc -eq 0 ] && [ $ms -lt 1000 ] && [ -z "$left" ] && [ ! -d "/proc/$WP" ] && pass "$n" ||
		fail "$n" "SIG$sig: exit $rc after $ms ms, left behind: '$left': $(cat "$TMP/$n.err")"
}

t_stop() {
	stop_case cpu_sigint INT cpu cpu
	stop_case cpu_threads_sigterm TERM cpu cpu --threads 3
	stop_case pingpong_sigterm TERM ping pingpong
	# Asleep in a 5 s OFF phase when the signal comes.
	stop_case burst_sigint_asleep INT burst burst --on 10 --off 5000 --threads 2
	stop_case fork_sigterm TERM fork fork
	stop_case fork_rate_sigint INT fork fork --rate 2
}

# Each round trip switches each thread out once: it sleeps in read()
# (voluntary) or, pinned together, is preempted by the thread it just
# woke (involuntary) and then finds its byte waiting. So perf's count of
# the process's switches (all threads, exited ones too) is twice the
# round trips, and in /proc the two threads' counts grow alike.
t_pingpong() {
	command -v perf > /dev/null || { fail pingpong "perf missing (toolchain/deps.sh installs linux-perf)"; return; }
	timeout -k 5 30 perf stat -x, -e context-switches -o "$TMP/pp.perf" -- \
		$ST workload pingpong --duration 2 --cpu 0 > "$TMP/pp.out" 2> "$TMP/pp.err"
	rc=$?
	trips=$(awk '$1 == "round_trips" { print $2 }' "$TMP/pp.out")
	sw=$(awk -F, '$3 ~ /^context-switches/ { print $1 }' "$TMP/pp.perf")
	echo "    pingpong --cpu 0: $trips round trips, perf context-switches $sw (exit $rc)"
	[ $rc -eq 0 ] && [ -n "$trips" ] && [ "$trips" -gt 1000 ] && grep -qE '^ping [0-9]+$' "$TMP/pp.out" &&
		grep -qE '^pong [0-9]+$' "$TMP/pp.out" && pass pingpong_output ||
		{ fail pingpong_output "exit $rc: $(cat "$TMP/pp.out" "$TMP/pp.err")"; return; }
	within_pct "$sw" $((2 * trips)) 10 && pass pingpong_switches_vs_perf ||
		fail pingpong_switches_vs_perf "perf counted $sw switches for $trips round trips (want ~$((2 * trips)))"
}

# Over a window inside the run, by /proc: the two threads' switches
# (voluntary + involuntary) grow alike, as one each per round trip makes
# them (the total against the round trips is perf's check above), and a
# good share are voluntary: they really sleep in read().
t_pingpong_proc() {
	timed pingpong_proc || return 0
	wl_start ppp pingpong --duration 2.5 --cpu 0
	ping=$(wl_lines ppp ping 1)
	pong=$(wl_lines ppp pong 1)
	sleep 0.3
	a1=$(switches $WP "$ping"); b1=$(switches $WP "$pong")
	sleep 1.5
	a2=$(switches $WP "$ping"); b2=$(switches $WP "$pong")
	wl_end
	trips=$(awk '$1 == "round_trips" { print $2 }' "$TMP/ppp.out")
	[ $rc -eq 0 ] && [ -n "$trips" ] && [ -n "$a2" ] && [ -n "$b2" ] ||
		{ fail pingpong_proc "exit $rc, ping '$ping' $a1..$a2, pong '$pong' $b1..$b2: $(cat "$TMP/ppp.err")"; return; }
	set -- $a1 $a2 $b1 $b2
	ping_d=$(($3 + $4 - $1 - $2)) pong_d=$(($7 + $8 - $5 - $6))
	echo "    pingpong /proc window (1.5 s of $trips round trips in 2.5 s):" \
		"ping vol +$(($3 - $1)) invol +$(($4 - $2)), pong vol +$(($7 - $5)) invol +$(($8 - $6))"
	[ $ping_d -gt 1000 ] && within_pct $ping_d $pong_d 10 && pass pingpong_proc_switches ||
		fail pingpong_proc_switches "ping +$ping_d, pong +$pong_d switches (want alike, > 1000)"
	[ $(($3 - $1)) -ge $((ping_d / 4)) ] && [ $(($7 - $5)) -ge $((pong_d / 4)) ] && pass pingpong_sleeps ||
		fail pingpong_sleeps "voluntary: ping +$(($3 - $1)) of $ping_d, pong +$(($7 - $5)) of $pong_d"
}

t_pingpong_count() {
	wl_start ppc pingpong --count 5000
	wl_end
	[ $rc -eq 0 ] && grep -qx 'round_trips 5000' "$TMP/ppc.out" && { under_valgrind || [ $ms -lt 2000 ]; } &&
		pass pingpong_count ||
		fail pingpong_count "exit $rc after $ms ms: $(cat "$TMP/ppc.out" "$TMP/ppc.err")"
}

# 20 ms of CPU then 80 ms asleep: 10-35% of a CPU by schedstat (on an
# otherwise idle CPU), and ~20 ms of CPU per voluntary sleep, which holds
# even when the CPU is shared.
t_burst() {
	timed burst || return 0
	wl_start burst burst --on 20 --off 80 --duration 2 --cpu 0
	tid=$(wl_lines burst burst 1)
	sleep 0.2
	c1=$(cpu_ns $WP "$tid"); s1=$(switches $WP "$tid"); t1=$(now_ns)
	sleep 1.5
	c2=$(cpu_ns $WP "$tid"); s2=$(switches $WP "$tid"); t2=$(now_ns)
	wl_end
	[ $rc -eq 0 ] && [ -n "$c2" ] && [ $ms -lt 2600 ] ||
		{ fail burst "exit $rc after $ms ms, tid '$tid', cpu '$c1'..'$c2': $(cat "$TMP/burst.err")"; return; }
	w=$((t2 - t1)) c=$((c2 - c1))
	set -- $s1 $s2
	vol=$(($3 - $1))
	echo "    burst --on 20 --off 80: $c ns on CPU in $w ns ($((c * 100 / w))%), $vol sleeps"
	awk -v c=$c -v w=$w 'BEGIN { exit !(c >= 0.10 * w && c <= 0.35 * w) }' && pass burst_cpu_share ||
		fail burst_cpu_share "$c ns of $w ns (want 10% to 35%)"
	[ $vol -gt 0 ] && within_pct $((c / vol)) 20000000 25 && pass burst_cpu_per_period ||
		fail burst_cpu_per_period "$c ns on CPU over $vol sleeps (want ~20 ms each)"
}

t_burst_threads() {
	wl_start burst2 burst --on 5 --off 20 --threads 2 --duration 0.5
	wl_end
	n=$(grep -cE '^burst [0-9]+$' "$TMP/burst2.out")
	[ $rc -eq 0 ] && [ "$n" -eq 2 ] && [ "$(awk '{ print $2 }' "$TMP/burst2.out" | sort -u | wc -l)" -eq 2 ] &&
		pass burst_threads || fail burst_threads "exit $rc, $n lines: $(cat "$TMP/burst2.out" "$TMP/burst2.err")"
}

# Forks reported against perf's count of sched:sched_process_fork in the
# workload's own tasks (per task, inherited: a fork counts in the parent,
# so nothing else on the machine adds to it): within 2%. The system-wide
# count (-a) would add every other fork meanwhile, e.g. a build beside us.
t_fork() {
	command -v perf > /dev/null || { fail fork "perf missing (toolchain/deps.sh installs linux-perf)"; return; }
	timeout -k 5 30 perf stat -x, -e sched:sched_process_fork -o "$TMP/fork.perf" -- \
		$ST workload fork --duration 2 > "$TMP/fork.out" 2> "$TMP/fork.err"
	rc=$?
	forks=$(awk '$1 == "forks" { print $2 }' "$TMP/fork.out")
	pf=$(awk -F, '$3 ~ /sched_process_fork/ { print $1 }' "$TMP/fork.perf")
	echo "    fork: $forks forks reported, perf sched_process_fork $pf (exit $rc)"
	min=100
	under_valgrind && min=0
	[ $rc -eq 0 ] && [ -n "$forks" ] && [ "$forks" -gt $min ] && grep -qE '^fork [0-9]+$' "$TMP/fork.out" ||
		{ fail fork "exit $rc: $(cat "$TMP/fork.out" "$TMP/fork.err")"; return; }
	pass fork_output
	within_pct "$pf" "$forks" 2 && pass fork_vs_perf || fail fork_vs_perf "$forks reported, perf counted $pf"
}

# --rate 200 for 1 s: the n-th fork is due at n/200 s, so 200 of them.
t_fork_rate() {
	timed fork_rate || return 0
	wl_start forkr fork --rate 200 --duration 1
	wl_end
	forks=$(awk '$1 == "forks" { print $2 }' "$TMP/forkr.out")
	echo "    fork --rate 200 --duration 1: $forks forks, exit $rc after $ms ms"
	[ $rc -eq 0 ] && [ -n "$forks" ] && [ "$forks" -ge 195 ] && [ "$forks" -le 201 ] && pass fork_rate ||
		fail fork_rate "exit $rc, forks '$forks' (want ~200): $(cat "$TMP/forkr.err")"
}

# usage CHECK ARGS...: exit 2, nothing on stdout, a message on stderr
# that names the problem (grep pattern in $want).
usage() {
	t=$1
	shift
	$ST workload "$@" > "$TMP/u.out" 2> "$TMP/u.err"
	rc=$?
	[ $rc -eq 2 ] && [ ! -s "$TMP/u.out" ] && grep -q -- "$want" "$TMP/u.err" && pass "$t" ||
		fail "$t" "workload $*: exit $rc, stderr: $(cat "$TMP/u.err")"
}

t_usage() {
	want="bad --nice '25'" usage usage_bad_nice cpu --nice 25
	want="unknown mode 'nosuch'" usage usage_unknown_mode nosuch
	want="--on MS is required" usage usage_missing_on burst --off 80
	want="bad --duration" usage usage_bad_duration pingpong --duration -1
	want="bad --threads" usage usage_bad_threads cpu --threads 0
	want="bad --rate" usage usage_bad_rate fork --rate x
	want="unexpected argument" usage usage_stray_arg fork 3
	want="a mode is required" usage usage_no_mode
}

t_help() {
	bad=
	for m in cpu pingpong burst fork inversion; do
		$ST workload $m --help > "$TMP/h.out" 2>&1 && grep -q "^usage: schedtap workload $m" "$TMP/h.out" ||
			bad="$bad $m"
		[ $m = inversion ] || grep -q "^output" "$TMP/h.out" || bad="$bad $m(no output format)"
	done
	$ST workload --help > "$TMP/h.out" 2>&1 || bad="$bad top"
	for m in inversion cpu pingpong burst fork; do
		grep -q "^  $m " "$TMP/h.out" || bad="$bad top($m)"
	done
	[ -z "$bad" ] && pass help || fail help "missing or bad help:$bad"
}

t_usage
t_help
t_cpu
t_cpu_threads
t_stop
t_pingpong
t_pingpong_proc
t_pingpong_count
t_burst
t_burst_threads
t_fork
t_fork_rate
