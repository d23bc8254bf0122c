#!/bin/sh
# schedtap pelt and btf against independent sources: pahole's offsets,
# /proc/PID/sched's se.avg.*, debugfs sched/debug's root cfs_rq, RT
# utilization under a SCHED_FIFO loop, nr_running of pinned loops; the
# offsets-file path, and the message when neither BTF nor a file is there.
SUITE=pelt
. "$(dirname "$0")/../lib.sh"

# Wait (at most 30 s: valgrind) until a program named $1 is loaded.
attached() {
	for i in $(seq 300); do
		bpftool prog show 2> /dev/null | grep -q " name $1 " && return 0
		sleep 0.1
	done
	return 1
}

# Every member an offsets file holds, as pahole (Debian's dwarves) reads
# the same BTF: nested paths summed member by member.
t_btf_vs_pahole() {
	$ST btf offsets > "$TMP/off" 2> "$TMP/off.err" || { fail btf_vs_pahole "$(cat "$TMP/off.err")"; return; }
	python3 "$(dirname "$0")/../btf-vs-pahole.py" "$TMP/off" /sys/kernel/btf/vmlinux || { fail btf_vs_pahole "see above"; return; }
	pass btf_vs_pahole
}

# Start pelt, then duty cycles of 10, 30 and 50% pinned to CPU 1 and a
# busy loop on CPU 0; stop them (SIGSTOP: their averages freeze at dequeue)
# and compare pelt's last values with /proc/PID/sched. Within 2% (or 2
# units of 1024 for the small values). The period is 20 ms: util_avg
# ripples by ~(1-y^on)(1-y^off)/(1-y^P) of 1024 within one (y^32 = 1/2),
# 55 units at 50%; at 50 ms periods it was 130 and a stop at an unlucky
# phase put the 30% task above the 50% one (321 vs 313, seen once).
t_task_vs_proc() {
	$ST pelt --tasks --csv 0.3 > "$TMP/t.csv" 2> "$TMP/t.err" &
	sp=$!
	sleep 1
	: > "$TMP/w"
	# 10, 30 and 50% of CPU 1 fit on it; the busy loop has CPU 0.
	for on_off in "2 18" "6 14" "10 10"; do
		set -- $on_off
		$ST workload burst --on $1 --off $2 --cpu 1 --duration 8 >> "$TMP/w" &
		sleep 0.1
	done
	$ST workload cpu --cpu 0 --duration 8 >> "$TMP/w" &
	sleep 3
	tids=$(awk '{ print $2 }' "$TMP/w" | tr '\n' ' ')
	for t in $tids; do kill -STOP $t; done
	sleep 1
	for t in $tids; do
		awk -v t=$t '/^se.avg.(util_avg|load_avg|runnable_avg|util_est) / { v[$1] = $3 }
			END { print t, v["se.avg.util_avg"], v["se.avg.load_avg"],
			      v["se.avg.runnable_avg"], v["se.avg.util_est"] }' /proc/$t/sched
	done > "$TMP/proc"
	sleep 0.7
	kill -INT $sp; wait $sp; rc=$?
	for t in $tids; do kill -CONT $t; kill $t; done 2> /dev/null
	wait
	[ $rc -eq 0 ] || { fail task_vs_proc "pelt exit $rc: $(cat "$TMP/t.err")"; return; }
	python3 - "$TMP/t.csv" "$TMP/proc" <<'PY' || { fail task_vs_proc "see above"; return; }
import csv, sys
last = {}
for r in csv.DictReader(open(sys.argv[1])):
    last[r['tid']] = r
bad, utils = [], []
for line in open(sys.argv[2]):
    tid, *proc = line.split()
    r = last.get(tid)
    if not r:
        bad.append('task %s not reported' % tid)
        continue
    ours = [int(r[k]) for k in ('util_avg', 'load_avg', 'runnable_avg', 'util_est')]
    proc = [int(x) for x in proc]
    utils.append(ours[0])
    print('    task %s: util/load/runnable/util_est %s, /proc %s' % (tid, ours, proc))
    for a, b in zip(ours, proc):
        if abs(a - b) > max(2, 0.02 * b):
            bad.append('task %s: %s vs /proc %s' % (tid, ours, proc))
            break
# 10%, 30%, 50% duty and a busy loop: util rises with the duty cycle.
if len(utils) == 4 and not utils == sorted(utils):
    bad.append('util does not rise with the duty cycle: %s' % utils)
if bad:
    print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	pass task_vs_proc
}

# The root cfs_rq of a CPU kept busy, against debugfs, read right after.
t_cpu_vs_debugfs() {
	grep -qw debugfs /proc/mounts || mount -t debugfs none /sys/kernel/debug
	taskset -c 1 sh -c 'while :; do :; done' & b=$!
	sleep 2
	dbg() { awk '/^cfs_rq\[1\]:\/$/ { f = 1 } f && /\.util_avg/ { print $3; exit }' /sys/kernel/debug/sched/debug; }
	before=$(dbg)
	ours=$($ST pelt --csv 0.3 1 | awk -F, '$3 == 1 { print $4 }')
	after=$(dbg)
	kill $b
	echo "    CPU 1 util_avg: pelt $ours, sched/debug $before before and $after after"
	# PELT moves between the reads: within 5% of one of them, or between.
	[ -n "$ours" ] && [ -n "$before" ] && [ -n "$after" ] &&
		awk -v o="$ours" -v a="$before" -v b="$after" 'BEGIN { lo = a < b ? a : b; hi = a < b ? b : a;
			exit !(o >= lo * 0.95 && o <= hi * 1.05) }' && pass cpu_vs_debugfs ||
		fail cpu_vs_debugfs "pelt '$ours' vs sched/debug '$before'..'$after'"
}

# A SCHED_FIFO loop on CPU 1 raises its RT utilization; three pinned busy
# loops make its nr_running 3.
t_rt_and_nr_running() {
	# For as long as pelt runs (under valgrind it takes seconds to start),
	# bounded by timeout.
	timeout 30 chrt -f 10 taskset -c 1 sh -c 'while :; do :; done' &
	rtp=$!
	$ST pelt --csv 0.5 3 > "$TMP/rt.csv" 2>&1
	kill $rtp; wait $rtp
	rt=$(awk -F, '$3 == 1 { v = $8 } END { print v + 0 }' "$TMP/rt.csv")
	[ "$rt" -gt 300 ] && pass rt_util_rises || fail rt_util_rises "CPU 1 rt_util $rt (want > 300): $(tail -2 "$TMP/rt.csv")"
	for i in 1 2 3; do taskset -c 1 sh -c 'while :; do :; done' & done
	sleep 0.5
	# Each switch in and out changes nr_running: the loops' own churn is
	# the tracepoint's, so a value taken while all three are queued.
	nr=$($ST pelt --csv 0.5 2 | awk -F, '$3 == 1 && $12 != "" { v = $12 } END { print v }')
	pkill -f 'while :; do :; done' 2> /dev/null
	[ "${nr:-0}" -ge 3 ] && [ "${nr:-0}" -le 4 ] && pass nr_running ||
		fail nr_running "CPU 1 nr_running '$nr' with three loops pinned there"
}

# Without BTF: the offsets file made from this kernel's BTF gives the
# same programs; with neither, one message with both ways out.
t_offsets_file() {
	$ST btf offsets -o "$TMP/off2" || { fail offsets_file "btf offsets failed"; return; }
	SCHEDTAP_FORCE_NO_BTF=1 $ST pelt --offsets "$TMP/off2" --dump > "$TMP/df" 2>&1
	$ST pelt --dump > "$TMP/db" 2>&1
	grep -E '^ *[0-9]+:' "$TMP/df" > "$TMP/df.i"; grep -E '^ *[0-9]+:' "$TMP/db" > "$TMP/db.i"
	[ -s "$TMP/df.i" ] && cmp -s "$TMP/df.i" "$TMP/db.i" && grep -q 'offsets file' "$TMP/df" &&
		grep -q '(BTF)' "$TMP/db" || { fail offsets_file "programs differ: $(diff "$TMP/df.i" "$TMP/db.i" | head -3)"; return; }
	SCHEDTAP_FORCE_NO_BTF=1 $ST pelt --offsets "$TMP/off2" --csv 0.3 1 > "$TMP/fo" 2>&1 &&
		awk -F, 'NR > 1 && $4 != ""' "$TMP/fo" | grep -q . && pass offsets_file ||
		fail offsets_file "$(cat "$TMP/fo")"
	SCHEDTAP_FORCE_NO_BTF=1 $ST pelt 0.3 1 > "$TMP/nb" 2>&1; rc=$?
	[ $rc -eq 1 ] && grep -q 'give --offsets FILE' "$TMP/nb" && grep -q 'schedtap btf offsets VMLINUX' "$TMP/nb" &&
		pass no_btf_message || fail no_btf_message "exit $rc: $(cat "$TMP/nb")"
	sed 's/^field rq.cpu .*/field rq.cpu x y int/' "$TMP/off2" > "$TMP/bad"
	$ST pelt --offsets "$TMP/bad" 0.3 1 > "$TMP/bo" 2>&1; rc=$?
	[ $rc -eq 1 ] && grep -q "line [0-9]*: not understood" "$TMP/bo" && pass bad_offsets_file ||
		fail bad_offsets_file "exit $rc: $(cat "$TMP/bo")"
}

# pelt --events -p: a duty-cycle task's sched_pelt_se and
# sched_util_est_se records; stopped (its averages freeze), the last
# record equals /proc/PID/sched within 2%, and its comm is the task's.
t_events_task_vs_proc() {
	$ST_BIN workload burst --on 10 --off 10 --cpu 1 --duration 40 > "$TMP/ew" &
	wp=$!
	for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$TMP/ew" ] && break; sleep 0.1; done
	tid=$(awk '{ print $2; exit }' "$TMP/ew")
	$ST pelt --events=sched_pelt_se,sched_util_est_se -p "$tid" --csv -d 2.5 \
		> "$TMP/ev.csv" 2> "$TMP/ev.err" &
	sp=$!
	attached tap_pev_se
	sleep 1.5
	kill -STOP "$tid"
	sleep 0.3
	awk '/^se.avg.(util_avg|load_avg|runnable_avg|util_est) / { v[$1] = $3 }
		END { print v["se.avg.util_avg"], v["se.avg.load_avg"], v["se.avg.runnable_avg"],
		      v["se.avg.util_est"] }' /proc/$tid/sched > "$TMP/ev.proc"
	comm=$(cat /proc/$tid/comm)
	wait $sp; rc=$?
	kill -CONT "$tid"; kill $wp 2> /dev/null; wait $wp
	[ $rc -eq 0 ] || { fail events_task_vs_proc "pelt exit $rc: $(cat "$TMP/ev.err")"; return; }
	python3 - "$TMP/ev.csv" "$TMP/ev.proc" "$tid" "$comm" <<'PY' || { fail events_task_vs_proc "see above"; return; }
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
proc = [int(x) for x in open(sys.argv[2]).read().split()]
tid, comm = sys.argv[3], sys.argv[4]
se = [r for r in rows if r['event'] == 'sched_pelt_se']
est = [r for r in rows if r['event'] == 'sched_util_est_se']
bad = []
if {r['pid'] for r in rows} != {tid}:
    bad.append('pids %s, want only %s' % (sorted({r['pid'] for r in rows}), tid))
if {r['comm'] for r in rows} != {comm}:
    bad.append('comms %s, want %s' % (sorted({r['comm'] for r in rows}), comm))
if len(se) < 20 or not est:
    bad.append('%d sched_pelt_se and %d sched_util_est_se records' % (len(se), len(est)))
else:
    ours = [int(se[-1][k]) for k in ('util', 'load', 'runnable')] + [int(est[-1]['enqueued'])]
    print('    task %s: last util/load/runnable/util_est %s, /proc %s (%d records)' % (tid, ours, proc, len(rows)))
    for a, b in zip(ours, proc):
        if abs(a - b) > max(2, 0.02 * b):
            bad.append('ours %s vs /proc %s' % (ours, proc))
            break
    if any(r['enqueued'] != r['ewma'] for r in est):
        bad.append('util_est is one value on this kernel: enqueued != ewma')
    if any(r['load'] or r['capacity'] for r in est):
        bad.append('sched_util_est_se has no load or capacity')
if bad:
    print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	pass events_task_vs_proc
}

# pelt --events, the default set, under SCHED_FIFO bursts and busy loops
# on CPU 1: run-queue, entity and nr_running records; each CPU's
# sched_update_nr_running records chain (nr_running = the previous one +
# change: both are written under that run queue's lock), but for the few
# changes 6.18 makes without the tracepoint (4-11 of ~500 pairs break here,
# each a -1 never seen on a CPU going idle, while bpf_stats' run_cnt equals
# the records written: none is dropped on our side); JSON ends with a
# summary whose count is the records'; perf buffers work too.
t_events_stream() {
	# Half of CPU 1 SCHED_FIFO (bursts of a few ms, then a sleep), for as
	# long as the pelt runs take (seconds under valgrind).
	timeout 30 chrt -f 10 taskset -c 1 sh -c \
		'while :; do i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done; sleep 0.005; done' &
	rtp=$!
	for i in 1 2; do taskset -c 1 sh -c 'while :; do :; done' & done
	$ST pelt --events --csv -d 1 > "$TMP/es.csv" 2> "$TMP/es.err"; rc=$?
	$ST pelt --events --json -d 0.3 > "$TMP/es.json" 2> "$TMP/esj.err"; rcj=$?
	$ST pelt --events=sched_pelt_cfs --perf-buffer --csv -d 0.3 > "$TMP/ep.csv" 2> "$TMP/ep.err"; rcp=$?
	pkill -f 'while :; do :; done' 2> /dev/null
	kill $rtp 2> /dev/null; wait
	[ $rc -eq 0 ] && [ $rcj -eq 0 ] && [ $rcp -eq 0 ] ||
		{ fail events_stream "exit $rc/$rcj/$rcp: $(cat "$TMP/es.err" "$TMP/esj.err" "$TMP/ep.err")"; return; }
	python3 - "$TMP/es.csv" "$TMP/es.json" "$TMP/ep.csv" "$TMP/es.err" <<'PY' || { fail events_stream "see above"; return; }
import csv, json, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = []
kinds = {}
for r in rows:
    kinds[r['event']] = kinds.get(r['event'], 0) + 1
print('    %d records: %s' % (len(rows), ', '.join('%s %d' % kv for kv in sorted(kinds.items()))))
for k in ('sched_pelt_cfs', 'sched_pelt_rt', 'sched_pelt_se', 'sched_update_nr_running'):
    if not kinds.get(k):
        bad.append('no %s record' % k)
for k in ('sched_util_est_cfs', 'sched_util_est_se'):
    if kinds.get(k):
        bad.append('%s is not in the default set' % k)
if any(r['comm'] or r['pid'] for r in rows if r['event'] == 'sched_pelt_cfs'):
    bad.append('a run queue record with a task')
if not any(int(r['util']) > 300 for r in rows if r['event'] == 'sched_pelt_cfs' and r['cpu'] == '1'):
    bad.append('CPU 1 busy, but no sched_pelt_cfs util above 300 there')
if not any(int(r['util']) > 100 for r in rows if r['event'] == 'sched_pelt_rt' and r['cpu'] == '1'):
    bad.append('a SCHED_FIFO loop on CPU 1, but no sched_pelt_rt util above 100 there')
chains = breaks = 0
last = {}
m = re.search(r'events written, (\d+) lost', open(sys.argv[4]).read())
lost = int(m.group(1)) if m else -1
for r in sorted((r for r in rows if r['event'] == 'sched_update_nr_running'), key=lambda r: int(r['ts_ns'])):
    cpu, nr, ch = r['cpu'], int(r['nr_running']), int(r['change'])
    if cpu in last:
        chains += 1
        if last[cpu] + ch != nr:
            breaks += 1
    last[cpu] = nr
print('    nr_running chains: %d pairs, %d broken' % (chains, breaks))
if lost != 0:
    bad.append('%s records lost (stderr: %s)' % (lost, open(sys.argv[4]).read().strip()))
if chains < 10 or breaks > 0.05 * chains:
    bad.append('nr_running: %d of %d pairs do not chain' % (breaks, chains))
lines = [json.loads(l) for l in open(sys.argv[2])]
if not lines or not lines[-1].get('summary') or lines[-1]['events'] != len(lines) - 1:
    bad.append('JSON: last line %s, %d records' % (lines[-1] if lines else None, len(lines) - 1))
pb = list(csv.DictReader(open(sys.argv[3])))
if not pb or {r['event'] for r in pb} != {'sched_pelt_cfs'}:
    bad.append('perf buffer: %d records, events %s' % (len(pb), {r['event'] for r in pb}))
if bad:
    print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
	pass events_stream
}

# -g: a busy loop on CPU 1 in a task group of its own (the cpu
# controller's: cgroup v1 here, v2 where that is what is mounted). The
# group's run queue on CPU 1, by its path, against debugfs' cfs_rq[1]:PATH
# read before and after; its sched_pelt_cfs records carry the path.
cg_dir() {
	if [ -e /sys/fs/cgroup/cpu/tasks ]; then
		echo /sys/fs/cgroup/cpu
		return
	fi
	r=$(awk -F' - ' '{ split($1, a, " "); split($2, b, " ") } b[1] == "cgroup2" { print a[5]; exit }' /proc/self/mountinfo)
	[ -n "$r" ] || return 1
	echo +cpu > "$r/cgroup.subtree_control" 2> /dev/null
	echo "$r"
}

t_groups_vs_debugfs() {
	grep -qw debugfs /proc/mounts || mount -t debugfs none /sys/kernel/debug
	root=$(cg_dir) || { fail groups_vs_debugfs "no cpu controller mounted"; return; }
	g=schedtap-pelt-$$
	mkdir "$root/$g" || { fail groups_vs_debugfs "mkdir $root/$g failed"; return; }
	procs=$root/$g/tasks
	[ -e "$procs" ] || procs=$root/$g/cgroup.procs
	taskset -c 1 sh -c 'while :; do :; done' & b=$!
	echo $b > "$procs"
	sleep 1.5
	dbg() { awk -v h="cfs_rq[1]:/$g" '$0 == h { f = 1 } f && /\.util_avg/ { print $3; exit }' /sys/kernel/debug/sched/debug; }
	before=$(dbg)
	$ST pelt -g --csv 0.3 1 > "$TMP/g.csv" 2> "$TMP/g.err"; rc=$?
	after=$(dbg)
	$ST pelt -g --events=sched_pelt_cfs -C 1 --csv -d 0.3 > "$TMP/ge.csv" 2>> "$TMP/g.err"; rce=$?
	kill $b; wait $b 2> /dev/null
	for i in 1 2 3 4 5 6 7 8 9 10; do rmdir "$root/$g" 2> /dev/null && break; sleep 0.1; done
	ours=$(awk -F, -v p="/$g" 'NR > 1 && $3 == p && $5 == 1 { print $6 }' "$TMP/g.csv")
	echo "    group /$g on CPU 1: util_avg pelt '$ours', sched/debug $before before and $after after"
	[ $rc -eq 0 ] && [ -n "$ours" ] && [ -n "$before" ] && [ -n "$after" ] &&
		awk -v o="$ours" -v a="$before" -v b="$after" 'BEGIN { lo = a < b ? a : b; hi = a < b ? b : a;
			exit !(o >= lo * 0.95 && o <= hi * 1.05 && o > 500) }' && pass groups_vs_debugfs ||
		fail groups_vs_debugfs "exit $rc: $(head -3 "$TMP/g.csv") $(cat "$TMP/g.err")"
	[ $rce -eq 0 ] && awk -F, -v p="/$g" '$5 == p && $4 == "sched_pelt_cfs" && $10 > 500 { g++ }
		$5 == "/" && $4 == "sched_pelt_cfs" { r++ } END { exit !(g && r) }' "$TMP/ge.csv" &&
		pass groups_events_path || fail groups_events_path "exit $rce: no sched_pelt_cfs for /$g and for /: $(head -3 "$TMP/ge.csv")"
}

t_btf_vs_pahole
t_task_vs_proc
t_cpu_vs_debugfs
t_rt_and_nr_running
t_offsets_file
t_events_task_vs_proc
t_events_stream
t_groups_vs_debugfs
# A raw tracepoint program is freed after an RCU grace period once its
# link is closed: give it a second.
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(bpftool prog show 2>/dev/null | grep -c ' name tap_pe')" -eq 0 ] && break
	sleep 0.1
done
[ "$(bpftool prog show 2>/dev/null | grep -c ' name tap_pe')" -eq 0 ] && pass nothing_left_attached ||
	fail nothing_left_attached "$(bpftool prog show | grep tap_pe)"
