#!/bin/sh
# make soak (MINUTES, default 10) and the test runner's soak suite (1):
# trace --csv, top --csv, runqlat --json and latency --json, all at once
# and each writing to a file, and exporter scraped every 100 ms (curl,
# --max-time 2), under `workload fork` and `workload
# pingpong`, after a warm-up that brings the tracers' tables to their
# working size (see WARM_TASKS). Every few seconds each tracer's VmRSS,
# VmHWM and open fds are sampled. Checked, each its own line:
#   TRACER_peak_rss_flat   VmHWM at the end within 10% of VmHWM at the
#                          baseline (60 s; 20 s in a 1-minute run)
#   TRACER_fds_constant    the open fd count never moves after start-up
#   trace_rows_match_written  CSV rows == "N events written"
#   trace_lost_reported    the exit line says "M lost", M > 0 after a
#                          stall we cause, and N + M >= the sched_switch
#                          count perf stat took in a window inside trace's
#   OUTPUT_parses          every CSV row has the header's columns (python3
#                          csv), every JSON line is an object (jq)
#   TRACER_exit_sigint     exit 0 on SIGINT
#   exporter_scrapes_served   every scrape answered 200, at least 5 a
#                          second of load
#   nothing_left           no tap_* program, perf_event link or bpffs pin
#                          that was not there before
# The whole run ends within MINUTES + 1 minute: the load runs until
# MINUTES after the start, and every later step is bounded by the time
# left.
#   tests/soak.sh MINUTES      SOAK_FORK_RATE=N overrides the fork rate
SUITE=soak
cd "$(dirname "$0")/.." || exit 1
. tests/lib.sh

MIN=${1:-10}
case $MIN in '' | *[!0-9]* | 0) echo "usage: tests/soak.sh MINUTES (a positive integer)"; exit 2 ;; esac
INTERVAL=2	# top, runqlat and latency report every INTERVAL s
SAMPLE=3	# RSS and fds sampled every SAMPLE s
# Fork rate. Measured on this 2-CPU VM with everything else of the soak
# running: unbounded, `workload fork` reaches ~5900 forks/s, holds one
# CPU and pingpong takes the other, so the tracers and this script get
# what CFS lends them between the two. 2000/s is a third of that: the
# fork path still runs for every tracer 2000 times a second, and the
# parent sleeps between forks instead of competing flat out. The rate
# also sets top's and latency's largest reports (below), which set
# their peak RSS: latency shows each exited task once (2 x rate per
# report), and top sees the children that exited but that RCU has not
# freed yet (it frees them in batches: at 3000/s, most 2 s reports
# held 100-300 of them and one held 3400).
FORK_RATE=${SOAK_FORK_RATE:-2000}
# Peak RSS of top and latency follows the largest report they have
# made: their tables keep their size and VmHWM keeps any peak. Under
# fork churn that largest report keeps growing, in rare steps, for the
# whole run, so their peaks stepped up though nothing leaked (measured,
# 3 minutes at 3000 forks/s: top's largest report 2803 rows by 60 s,
# 3515 at 110 s, VmHWM 1064 -> 1384 kB at that moment and flat
# between). So a few seconds in, WARM_TASKS zombies (exec'd and exited,
# reaped 5 s later: across two reports) give both a larger report than
# the churn will: their tables reach their working size before the
# baseline, and growth after it is what a leak would show.
WARM_TASKS=8000
# The RSS baseline. Start-up allocations settle within the first few
# reports: the tables grow to the warm-up's size, stdio's 64 KiB output
# buffer is touched. A 10-minute run compares with 60 s, as the soak's
# criterion says; a 1-minute run has no "after the first minute", so it
# compares the end with the end of the first 20 s: past the warm-up
# (over by ~10 s) with a margin, leaving 40 s for growth to show.
BASE_S=60
[ "$MIN" -lt 2 ] && BASE_S=20
LOAD_S=$((MIN * 60))
DEADLINE_S=$((MIN * 60 + 60 - 5))	# 5 s of slack for the last checks

TRACERS="trace top runqlat latency exporter"
EXP_ADDR=127.0.0.1:$((20000 + $$ % 5000))
EXP_URL=http://$EXP_ADDR/metrics
PIDS=
FORK= PONG= PERF= FOLLOW= WARM= SCRAPER=
trap 'kill -9 $PIDS $FORK $PONG $PERF $FOLLOW $WARM $SCRAPER 2>/dev/null; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

now_s() { echo $(($(date +%s%N) / 1000000000 - T0)); }
left_s() { l=$((DEADLINE_S - $(now_s))); [ $l -gt 1 ] && echo $l || echo 1; }
pid_of() { eval echo "\$PID_$1"; }

# 0 while process $1 exists and is not a zombie (no fork: read builtin).
alive() {
	line=
	read -r line 2>/dev/null < /proc/"$1"/stat || return 1
	st=${line##*) }
	[ "${st%% *}" != Z ]
}

# Wait up to $2 s for process $1 to exit, then SIGKILL it; its exit code.
wait_bounded() {
	i=0
	while alive "$1" && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done
	alive "$1" && { echo "    $1 still running after $2 s: killed" >&2; kill -9 "$1"; }
	wait "$1"
}

# tap_* programs, perf_event links and bpffs entries, one sorted list.
kernel_state() {
	bpftool prog show 2>/dev/null | awk '/ name tap_/ { sub(":", "", $1); print "prog " $1 }'
	bpftool link show 2>/dev/null | awk '$2 == "perf_event" { sub(":", "", $1); print "link " $1 }'
	find /sys/fs/bpf -mindepth 1 2>/dev/null | sed 's/^/pin /'
}

# Open fds of $1. top and runqlat open /proc files for a moment while
# they report: a count above $2 (the settled count) is read again for up
# to 1 s, so that only an fd that stays open counts.
fd_count() {
	n=$(ls /proc/"$1"/fd 2>/dev/null | wc -l)
	i=0
	while [ -n "$2" ] && [ "$n" -ne "$2" ] && [ $i -lt 10 ]; do
		sleep 0.1; i=$((i + 1))
		n=$(ls /proc/"$1"/fd 2>/dev/null | wc -l)
	done
	echo "$n"
}

# One line per tracer: "T NAME VMRSS VMHWM FDS" (kB), T in s since start.
sample() {
	now=$(now_s)
	for name in $TRACERS; do
		p=$(pid_of $name)
		rss=$(awk '$1 == "VmRSS:" { r = $2 } $1 == "VmHWM:" { h = $2 } END { print r + 0, h + 0 }' \
			/proc/"$p"/status 2>/dev/null)
		base=
		[ -s "$TMP/fdbase.$name" ] && base=$(cat "$TMP/fdbase.$name")
		echo "$now $name $rss $(fd_count "$p" "$base")"
	done >> "$TMP/samples"
}

# Follows trace's CSV as it is written (so the parse is done when the run
# is, and a 10-minute run's ~8 GB never sits on disk: parsed bytes are
# punched out of the file). Every row through the csv module, each with
# the header's column count; at the end (the file $2 exists) the file
# must end on a newline. Gives up after $3 s (a backstop: the script
# may have died). Prints "rows N bad B tail T bytes S".
cat > "$TMP/follow.py" <<'PY'
import csv, ctypes, os, sys, time
path, done, give_up = sys.argv[1], sys.argv[2], time.time() + float(sys.argv[3])
libc = ctypes.CDLL(None, use_errno=True)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
PUNCH = 0x02 | 0x01	# FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE
fr = open(path, 'rb')
fw = os.open(path, os.O_WRONLY)
state = {'bytes': 0, 'tail': b''}

def lines():
    rest, punched, finished = b'', 0, False
    while True:
        chunk = fr.read(1 << 20)
        if not chunk:
            if finished:
                break
            # Once the writer has exited, one more read gets the rest.
            finished = os.path.exists(done) or time.time() > give_up
            if not finished:
                time.sleep(0.2)
            continue
        rest += chunk
        cut = rest.rfind(b'\n') + 1
        if not cut:
            continue
        block, rest = rest[:cut], rest[cut:]
        state['bytes'] += len(block)
        for l in block.decode('utf-8', 'surrogateescape').split('\n')[:-1]:
            yield l + '\n'
        if state['bytes'] - punched >= 64 << 20:
            punched = state['bytes'] // 4096 * 4096
            libc.fallocate(fw, PUNCH, 0, punched)	# best effort
    state['tail'] = rest

rows = csv.reader(lines())
header = next(rows, [])
n, count, bad = len(header), 0, 0
for r in rows:
    count += 1
    if len(r) != n:
        bad += 1
        if bad <= 3:
            print('bad row %d: %r' % (count, r[:20]), file=sys.stderr)
ok = 'event' in header and not bad and not state['tail']
print('rows %d bad %d tail %d bytes %d' % (count, bad, len(state['tail']),
      state['bytes'] + len(state['tail'])))
sys.exit(0 if ok else 1)
PY

# The warm-up: N children of ours that exit at once and stay zombies
# for HOLD s. posix_spawn of the static binary: ~0.2 ms each (a python
# fork copies the interpreter: 1.3 ms).
cat > "$TMP/warm.py" <<'PY'
import os, sys, time
prog, n, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
quiet = [(os.POSIX_SPAWN_OPEN, 1, '/dev/null', os.O_WRONLY, 0)]
t0, made = time.time(), 0
try:
    for made in range(1, n + 1):
        os.posix_spawn(prog, [prog, '--version'], {}, file_actions=quiet)
except OSError as e:
    print('spawn %d: %s' % (made, e))
    made -= 1
t1 = time.time()
time.sleep(hold)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
print('%d zombies in %.1f s, held %.1f s' % (made, t1 - t0, hold))
PY

# Whole files, parsed at the end (run under timeout, so as files).
# CSV: every row has the header's columns, the last byte is a newline.
cat > "$TMP/check_csv.py" <<'PY'
import csv, io, sys
data = open(sys.argv[1], 'rb').read().decode('utf-8', 'surrogateescape')
rows = list(csv.reader(io.StringIO(data, newline='')))
n = len(rows[0]) if rows else 0
bad = sum(1 for r in rows if len(r) != n)
print('%d rows, %d of another width, %s' % (len(rows) - 1, bad,
      'ends on a newline' if data.endswith('\n') else 'NO final newline'))
sys.exit(0 if data.endswith('\n') and len(rows) > 1 and not bad else 1)
PY
# JSON lines: jq streams them (not slurped: a 10-minute latency file is
# hundreds of MB); every line must be one object.
cat > "$TMP/check_json.sh" <<'SH'
f=$1
[ -s "$f" ] && [ "$(tail -c1 "$f" | od -An -tx1 | tr -d ' ')" = 0a ] ||
	{ echo "empty, or the last byte is not a newline"; exit 1; }
lines=$(wc -l < "$f")
objs=$(jq -c 'select(type == "object") | 1' "$f" 2> "$f.jqerr" | wc -l)
echo "$lines lines, $objs objects, $(($(wc -c < "$f") / 1048576)) MiB $(head -c 200 "$f.jqerr")"
[ "$objs" -eq "$lines" ] && [ ! -s "$f.jqerr" ]
SH

# ---- start ------------------------------------------------------------
T0=$(($(date +%s%N) / 1000000000))
echo "    soak: $MIN min, $(nproc) CPUs, $(uname -r); fork --rate $FORK_RATE, pingpong," \
	"reports every $INTERVAL s, samples every $SAMPLE s, RSS baseline at $BASE_S s"
command -v perf > /dev/null || { fail setup "perf is missing (toolchain/deps.sh installs it)"; exit 1; }
BEFORE=$(kernel_state | sort)

# Everything started here also ends by itself a minute after the
# deadline (-d, a count, --duration, timeout), should this script be
# killed before its trap can stop it.
END_S=$((MIN * 60 + 60))
$ST trace --csv -o "$TMP/trace.csv" -d $END_S 2> "$TMP/trace.err" & PID_trace=$!
$ST top --csv -o "$TMP/top.csv" $INTERVAL $((END_S / INTERVAL)) 2> "$TMP/top.err" & PID_top=$!
$ST runqlat --json -o "$TMP/runqlat.json" $INTERVAL $((END_S / INTERVAL)) 2> "$TMP/runqlat.err" & PID_runqlat=$!
$ST latency --json -o "$TMP/latency.json" $INTERVAL $((END_S / INTERVAL)) 2> "$TMP/latency.err" & PID_latency=$!
$ST exporter --listen $EXP_ADDR -d $END_S 2> "$TMP/exporter.err" & PID_exporter=$!
PIDS="$PID_trace $PID_top $PID_runqlat $PID_latency $PID_exporter"
# Attached: each holds as many BPF links as programs (links come after
# every program is loaded).
for i in $(seq 100); do
	ok=1
	for p in $PIDS; do
		ls -l /proc/$p/fd 2>/dev/null > "$TMP/fds"
		nl=$(grep -c bpf_link "$TMP/fds"); np=$(grep -c bpf-prog "$TMP/fds")
		[ "$nl" -ge 1 ] && [ "$nl" -ge "$np" ] || ok=
	done
	[ -n "$ok" ] && break
	sleep 0.1
done
[ -n "$ok" ] || { fail setup "tracers not attached after 10 s: $(cat "$TMP"/*.err)"; exit 1; }

# perf counts sched_switch in a window inside trace's: started after
# trace attached, stopped (SIGINT, which timeout passes on) before
# trace is.
timeout -s INT $END_S perf stat -e sched:sched_switch -a -x, -o "$TMP/perf.out" > /dev/null 2>&1 &
PERF=$!
python3 "$TMP/follow.py" "$TMP/trace.csv" "$TMP/trace.done" $((END_S + 60)) \
	> "$TMP/follow.out" 2> "$TMP/follow.err" &
FOLLOW=$!
# A scrape every 100 ms, each its status code on a line of its own.
( end=$(($(date +%s) + LOAD_S)); while [ "$(date +%s)" -lt $end ]; do
	curl -s -o /dev/null --max-time 2 -w '%{http_code}\n' "$EXP_URL"; sleep 0.1
done ) > "$TMP/scrapes" 2>&1 & SCRAPER=$!
$ST workload fork --rate "$FORK_RATE" --duration $((LOAD_S + 10)) > "$TMP/fork.out" 2>&1 & FORK=$!
$ST workload pingpong --duration $((LOAD_S + 10)) > "$TMP/pong.out" 2>&1 & PONG=$!
LOAD_T0=$(now_s)
python3 "$TMP/warm.py" "$ST_BIN" $WARM_TASKS 5 > "$TMP/warm.out" 2>&1 &
WARM=$!

# ---- load -------------------------------------------------------------
# Halfway, trace's reader is stopped for 2 s: its 1 MiB ring buffer fills
# in well under that, so events are lost and must be counted.
STALL_S=$((LOAD_S / 2))
stalled=
: > "$TMP/samples"
while [ "$(now_s)" -lt "$LOAD_S" ]; do
	sample
	now=$(now_s)
	# fd baseline: the smallest count of the samples at 6-15 s (reports
	# are out by then; /proc reads only ever add fds for a moment).
	if [ "$now" -ge 15 ] && [ ! -s "$TMP/fdbase.trace" ]; then
		for name in $TRACERS; do
			awk -v n=$name '$2 == n && $1 >= 6 && $1 <= 15 { if (m == "" || $5 < m) m = $5 } END { print m }' \
				"$TMP/samples" > "$TMP/fdbase.$name"
		done
	fi
	if [ -z "$stalled" ] && [ "$now" -ge "$STALL_S" ]; then
		kill -STOP $PID_trace; sleep 2; kill -CONT $PID_trace; stalled=1
	fi
	alive $FORK && alive $PONG || { echo "    a workload ended early: $(cat "$TMP/fork.out" "$TMP/pong.out")"; break; }
	[ -n "$WARM" ] && ! alive $WARM && { wait $WARM; echo "    warm-up: $(cat "$TMP/warm.out")"; WARM=; }
	sleep $SAMPLE
done
sample	# the end figures, just before the stop

# ---- stop: workloads, perf, then the tracers ---------------------------
LOAD_T1=$(now_s)
kill -TERM $SCRAPER 2>/dev/null; wait $SCRAPER; SCRAPER=
kill -TERM $FORK $PONG 2>/dev/null
wait_bounded $FORK 5 > /dev/null; frc=$?
wait_bounded $PONG 5 > /dev/null; prc=$?
FORK= PONG=
kill -INT $PERF; wait_bounded $PERF 5 > /dev/null; PERF=
for name in $TRACERS; do kill -INT "$(pid_of $name)"; done
for name in $TRACERS; do
	wait_bounded "$(pid_of $name)" 10; echo $? > "$TMP/rc.$name"
done
PIDS=
: > "$TMP/trace.done"
echo "    load ran $((LOAD_T1 - LOAD_T0)) s: $(cat "$TMP/fork.out" | tr '\n' ' ')(exit $frc)," \
	"pingpong $(grep round_trips "$TMP/pong.out") (exit $prc)"

# ---- checks -----------------------------------------------------------
for name in $TRACERS; do
	rc=$(cat "$TMP/rc.$name")
	[ "$rc" -eq 0 ] && pass "${name}_exit_sigint" ||
		fail "${name}_exit_sigint" "exit $rc: $(tail -3 "$TMP/$name.err")"
done

scrapes=$(wc -l < "$TMP/scrapes")
others=$(grep -vcx 200 "$TMP/scrapes")
echo "    exporter: $scrapes scrapes in $((LOAD_T1 - LOAD_T0)) s, $others not 200: $(grep -vx 200 "$TMP/scrapes" | sort | uniq -c | head -3 | tr '\n' ' ')"
[ "$others" -eq 0 ] && [ "$scrapes" -ge $(((LOAD_T1 - LOAD_T0) * 5)) ] && pass exporter_scrapes_served ||
	fail exporter_scrapes_served "$scrapes scrapes, $others not 200; $(tail -3 "$TMP/exporter.err")"

# Peak RSS: VmHWM at the first sample at or after BASE_S, and at the end.
for name in $TRACERS; do
	awk -v n=$name -v b=$BASE_S '$2 == n {
		if (base == "" && $1 >= b) { base = $4; bt = $1 }
		if (rss_max == "" || $3 > rss_max) rss_max = $3
		end = $4; et = $1 }
		END { print base + 0, bt + 0, end + 0, et + 0, rss_max + 0 }' "$TMP/samples" > "$TMP/rss.$name"
	read -r base bt end et rmax < "$TMP/rss.$name"
	echo "    $name: peak RSS (VmHWM) $base kB at $bt s, $end kB at $et s; largest VmRSS sampled $rmax kB"
	echo "      VmHWM kB@s: $(awk -v n=$name '$2 == n && $4 != h { h = $4; printf "%s@%s ", h, $1 }' "$TMP/samples")"
	if [ "$base" -eq 0 ]; then
		fail "${name}_peak_rss_flat" "no sample at or after $BASE_S s"
	elif [ $((end * 100)) -le $((base * 110)) ]; then
		pass "${name}_peak_rss_flat"
	else
		fail "${name}_peak_rss_flat" "VmHWM $base kB at $bt s grew to $end kB at $et s (> 10%)"
	fi
done

# What top's peak follows: its largest report (rows per timestamp).
awk -F, -v t0=$T0 -v b=$BASE_S 'NR > 1 { n[$1]++ } END {
	for (t in n) if (t - t0 < b) { if (n[t] > x) x = n[t] } else if (n[t] > y) y = n[t]
	printf "    top: largest report %d rows by %d s (the warm-up), %d after\n", x, b, y }' "$TMP/top.csv"

for name in $TRACERS; do
	fb=$(cat "$TMP/fdbase.$name" 2>/dev/null)
	seen=$(awk -v n=$name '$2 == n && $1 > 15 { c[$5]++ } END { for (k in c) printf "%s(x%d) ", k, c[k] }' "$TMP/samples")
	echo "    $name: open fds $fb after start-up; later samples: $seen"
	if [ -z "$fb" ]; then
		fail "${name}_fds_constant" "no start-up sample (run shorter than 15 s?)"
	elif awk -v n=$name -v b="$fb" '$2 == n && $1 > 15 && $5 != b { bad = 1 } END { exit !bad }' "$TMP/samples"; then
		fail "${name}_fds_constant" "fds moved from $fb: $seen"
	else
		pass "${name}_fds_constant"
	fi
done

# trace: rows, written and lost.
frc=0
wait_bounded $FOLLOW "$(left_s)" > /dev/null || frc=$?
FOLLOW=
exitline=$(grep 'events written' "$TMP/trace.err")
written=$(echo "$exitline" | sed -n 's/^schedtap: \([0-9]*\) events written.*/\1/p')
lost=$(echo "$exitline" | sed -n 's/^schedtap: [0-9]* events written, \([0-9]*\) lost.*/\1/p')
read -r _ rows _ bad _ tail _ bytes < "$TMP/follow.out" 2>/dev/null
perfn=$(awk -F, '$3 == "sched:sched_switch" { print $1 }' "$TMP/perf.out")
echo "    trace: '$exitline'; CSV $rows rows, $((bytes / 1048576)) MiB; perf stat: $perfn sched_switch"
if [ "$frc" -ne 0 ] || [ -z "$rows" ]; then
	fail trace_csv_parses "exit $frc: $(cat "$TMP/follow.out" "$TMP/follow.err" | head -5)"
else
	pass trace_csv_parses
fi
if [ -n "$written" ] && [ -n "$rows" ] && [ "$rows" -eq "$written" ]; then
	pass trace_rows_match_written
else
	fail trace_rows_match_written "CSV rows '$rows', events written '$written'"
fi
if [ -z "$lost" ]; then
	fail trace_lost_reported "no 'N lost' in the exit line: $(cat "$TMP/trace.err")"
elif [ "$lost" -eq 0 ]; then
	fail trace_lost_reported "0 lost after a 2 s stall of the reader"
elif [ -z "$perfn" ] || [ $((written + lost)) -lt "$perfn" ]; then
	fail trace_lost_reported "written + lost = $((written + lost)) < perf stat's '$perfn': losses uncounted"
else
	pass trace_lost_reported
	echo "    written + lost = $((written + lost)), $(awk -v a=$((written + lost)) -v b="$perfn" \
		'BEGIN { printf "%.4f", a / b }') x perf's count (trace's window is the longer)"
fi

out=$(timeout "$(left_s)" python3 "$TMP/check_csv.py" "$TMP/top.csv" 2>&1)
rc=$?
echo "    top.csv: $out"
[ $rc -eq 0 ] && pass top_csv_parses || fail top_csv_parses "exit $rc: $out"
for name in runqlat latency; do
	out=$(timeout "$(left_s)" sh "$TMP/check_json.sh" "$TMP/$name.json" 2>&1)
	rc=$?
	echo "    $name.json: $out"
	[ $rc -eq 0 ] && pass "${name}_json_parses" || fail "${name}_json_parses" "exit $rc: $out"
done

# Nothing left: programs go an RCU grace period after their last fd.
for i in $(seq 30); do
	new=$(kernel_state | sort | grep -vxF "$BEFORE" | grep -v '^$')
	[ -z "$new" ] && break
	sleep 0.1
done
[ -z "$new" ] && pass nothing_left || fail nothing_left "after 3 s: $(echo $new)"
echo "    soak finished at $(now_s) s (bound $END_S s)"
[ "$(now_s)" -le $END_S ] && pass within_time || fail within_time "took $(now_s) s, bound $END_S s"
