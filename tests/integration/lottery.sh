#!/bin/sh
# schedtap lottery: the pinned lifecycle (load, load again, dump, unload,
# incompatible sets, permissions), shares against CFS's weights with
# three `workload cpu` at nice 0/5/10 on one CPU, runtimes against
# /proc/PID/schedstat, the CSV through Python's csv module, and the
# error paths (nothing loaded, a full disk, a read-only disk).
SUITE=lottery
. "$(dirname "$0")/../lib.sh"

DIR=/sys/fs/bpf/schedtap/lottery
unload_quiet() { $ST_BIN lottery unload > /dev/null 2>&1; }
trap 'unload_quiet; kill $W0 $W5 $W10 2>/dev/null; umount "$TMP/small" 2>/dev/null; rm -rf "$TMP"' EXIT
unload_quiet
lot_progs() { bpftool prog show 2>/dev/null | grep -c " name tap_lot" || true; }
# Programs are freed an RCU grace period after their last link goes.
lot_progs_settled() {
	for i in $(seq 30); do [ "$(lot_progs)" -eq 0 ] && break; sleep 0.1; done
	lot_progs
}

# ---- nothing loaded ---------------------------------------------------
$ST lottery dump > "$TMP/d.out" 2> "$TMP/d.err"; rc=$?
[ $rc -eq 1 ] && grep -q "nothing loaded" "$TMP/d.err" && grep -q "lottery load" "$TMP/d.err" &&
	pass dump_nothing_loaded || fail dump_nothing_loaded "exit $rc: $(cat "$TMP/d.err")"
$ST lottery unload > "$TMP/u.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "nothing loaded" "$TMP/u.out" && pass unload_nothing_loaded ||
	fail unload_nothing_loaded "exit $rc: $(cat "$TMP/u.out")"

# ---- refused loads leave nothing ----------------------------------------
SCHEDTAP_FORCE_IOCTL_ATTACH=1 $ST lottery load > "$TMP/l.out" 2> "$TMP/l.err"; rc=$?
[ $rc -eq 1 ] && grep -q "5.15" "$TMP/l.err" && [ ! -e $DIR ] && [ "$(lot_progs_settled)" -eq 0 ] &&
	pass load_needs_perf_links || fail load_needs_perf_links "exit $rc: $(cat "$TMP/l.err")"
setpriv --reuid=65534 --regid=65534 --clear-groups $ST_BIN lottery load > "$TMP/l.out" 2> "$TMP/l.err"; rc=$?
[ $rc -eq 1 ] && grep -q "run as root" "$TMP/l.err" && [ ! -e $DIR ] &&
	pass load_as_nobody || fail load_as_nobody "exit $rc: $(cat "$TMP/l.err")"

# ---- load: pinned, 0600, attached with no process left ------------------
$ST lottery load > "$TMP/l.out" 2> "$TMP/l.err"; rc=$?
modes=$(stat -c '%a %n' $DIR/* | awk '{ print $1 }' | sort -u | tr '\n' ' ')
[ $rc -eq 0 ] && grep -q "$DIR/link_switch" "$TMP/l.out" && [ "$modes" = "600 " ] &&
	[ "$(stat -c %a $DIR)" = 700 ] && pass load_pins_0600 ||
	fail load_pins_0600 "exit $rc, modes '$modes': $(cat "$TMP/l.out" "$TMP/l.err")"
n=$(lot_progs)
links=$(bpftool link show 2>/dev/null | grep -c perf_event)
[ "$n" -eq 4 ] && [ "$links" -ge 4 ] && pass attached_after_exit ||
	fail attached_after_exit "$n tap_lot programs, $links perf_event links"
$ST lottery load > "$TMP/l2.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "already loaded" "$TMP/l2.out" && [ "$(lot_progs)" -eq 4 ] &&
	pass load_twice || fail load_twice "exit $rc, $(lot_progs) programs: $(cat "$TMP/l2.out")"

# ---- three nice levels on one CPU --------------------------------------
# taskset pins from exec, so no task ever ran on another CPU.
start_cpu() { taskset -c 0 $ST_BIN workload cpu --nice "$1" --duration 12 > "$TMP/w$1.out" 2>&1 & }
start_cpu 0; W0=$!
start_cpu 5; W5=$!
start_cpu 10; W10=$!
sleep 1
PIDS="$W0,$W5,$W10"
CSV=$TMP/lottery.csv
$ST lottery dump -p "$PIDS" -o "$CSV" > /dev/null 2> "$TMP/d1.err"
$ST lottery dump -p "$PIDS" --share -i 8 -n 1 --json > "$TMP/share.json" 2> "$TMP/share.err" &
SP=$!
$ST lottery simulate -p "$PIDS" -d 4 --json > "$TMP/simlive.json" 2> "$TMP/simlive.err" &
SIM=$!
wait $SP; src=$?
$ST lottery dump -p "$PIDS" -o "$CSV" > "$TMP/d2.out" 2> "$TMP/d2.err"; drc=$?
for p in $W0 $W5 $W10; do echo "$p $(cut -d' ' -f1 /proc/$p/schedstat) $(awk '/se.load.weight/ { print $3 }' /proc/$p/sched)"; done > "$TMP/proc"
wait $SIM; simrc=$?
sed 's/^/    /' "$TMP/share.json" "$TMP/d2.out" "$TMP/proc"

[ $src -eq 0 ] && jq -e -s --argjson a $W0 --argjson b $W5 --argjson c $W10 '
	map(select(.pid)) | length == 3 and
	(map({(.pid | tostring): .}) | add) as $r |
	($r[$a | tostring].actual_pct - 69.71 | fabs) <= 2 and
	($r[$b | tostring].actual_pct - 22.80 | fabs) <= 2 and
	($r[$c | tostring].actual_pct - 7.49 | fabs) <= 2 and
	$r[$a | tostring].tickets == 1024 and $r[$b | tostring].tickets == 335 and
	$r[$c | tostring].tickets == 110' "$TMP/share.json" > /dev/null &&
	pass shares_match_weights || fail shares_match_weights "exit $src: $(cat "$TMP/share.err")"
jq -e -s 'map(select(.summary)) | .[0].summary | .tasks == 3 and .groups == 1 and
	.worst_error_pp <= 2 and .jain_index >= 0.99' "$TMP/share.json" > /dev/null &&
	pass share_summary || fail share_summary "$(grep summary "$TMP/share.json")"

# The CSV, read by a standard CSV parser: header exact, the shares from
# the two samples' runtimes, runtimes against schedstat, tickets against
# the kernel's own load weight (se.load.weight, scaled by 1024 on 64-bit).
python3 - "$CSV" "$TMP/proc" > "$TMP/py.out" 2>&1 <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
assert rows[0] == ['timestamp_s', 'pid', 'runtime_ns', 'runtime_ms', 'switches', 'nice', 'tickets'], rows[0]
data = [dict(zip(rows[0], r)) for r in rows[1:]]
assert all(len(r) == 7 for r in rows), 'ragged row'
ts = sorted({float(r['timestamp_s']) for r in data})
assert len(ts) == 2, ts
first = {r['pid']: r for r in data if float(r['timestamp_s']) == ts[0]}
last = {r['pid']: r for r in data if float(r['timestamp_s']) == ts[1]}
proc = {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in open(sys.argv[2])}
delta = {p: int(last[p]['runtime_ns']) - int(first[p]['runtime_ns']) for p in last}
total = sum(delta.values())
want = {'0': 1024, '5': 335, '10': 110}
bad = []
for p, r in last.items():
    share = 100.0 * delta[p] / total
    exp = 100.0 * want[r['nice']] / sum(want.values())
    ns, weight = proc[p]
    print(f"pid {p} nice {r['nice']} tickets {r['tickets']} share {share:.2f}% (want {exp:.2f}%) "
          f"runtime {r['runtime_ns']} schedstat {ns} weight {weight}")
    if abs(share - exp) > 2: bad.append(f'share {p}')
    if abs(int(r['runtime_ns']) - ns) > 0.02 * ns: bad.append(f'runtime {p}')
    if int(r['tickets']) not in (weight, weight // 1024): bad.append(f'weight {p}')
    if abs(float(r['runtime_ms']) * 1e6 - int(r['runtime_ns'])) > 1000: bad.append(f'ms {p}')
assert not bad, bad
PY
pyrc=$?
sed 's/^/    /' "$TMP/py.out"
[ $drc -eq 0 ] && [ $pyrc -eq 0 ] && pass csv_shares_runtimes_weights ||
	fail csv_shares_runtimes_weights "dump exit $drc: $(cat "$TMP/d2.err" "$TMP/py.out")"

$ST lottery simulate --from "$CSV" --json > "$TMP/sim.json" 2> "$TMP/sim.err"; rc=$?
sed 's/^/    /' "$TMP/sim.json"
[ $rc -eq 0 ] && jq -e -s 'map(select(.pid)) | length == 3 and
	all(.[]; ((.lottery_pct - .ideal_pct) | fabs) <= 4 * .spread_pp and
		((.cfs_pct - .ideal_pct) | fabs) <= 2)' "$TMP/sim.json" > /dev/null &&
	pass simulate_from_csv || fail simulate_from_csv "exit $rc: $(cat "$TMP/sim.err")"
[ $simrc -eq 0 ] && jq -e -s 'map(select(.summary)) | .[0].summary | .tasks == 3 and
	.max_lottery_sd <= 4 and .max_cfs_minus_lottery_pp <= 3' "$TMP/simlive.json" > /dev/null &&
	pass simulate_live || fail simulate_live "exit $simrc: $(cat "$TMP/simlive.json" "$TMP/simlive.err")"
wait $W0 $W5 $W10

# Exited tasks stay in the map, marked.
$ST lottery dump -p "$W0" --json > "$TMP/ex.json" 2>&1
jq -e -s 'map(select(.exited == true)) | length == 1' "$TMP/ex.json" > /dev/null &&
	pass exited_kept_marked || fail exited_kept_marked "$(cat "$TMP/ex.json")"

# ---- the CSV file: whole samples or nothing ------------------------------
mkdir -p "$TMP/small"
mount -t tmpfs -o size=64k tmpfs "$TMP/small"
SC=$TMP/small/l.csv
$ST lottery dump -o "$SC" > /dev/null 2>&1
dd if=/dev/zero of="$TMP/small/fill" bs=1k count=1000 2> /dev/null
sum=$(md5sum < "$SC")
$ST lottery dump -o "$SC" > /dev/null 2> "$TMP/full.err"; rc=$?
[ $rc -eq 1 ] && grep -q "No space left" "$TMP/full.err" && [ "$(md5sum < "$SC")" = "$sum" ] &&
	[ -s "$SC" ] && pass full_disk_keeps_file ||
	fail full_disk_keeps_file "exit $rc, same content: $([ "$(md5sum < "$SC")" = "$sum" ] && echo yes || echo no): $(cat "$TMP/full.err")"
rm -f "$TMP/small/fill"
mount -o remount,ro "$TMP/small"
$ST lottery dump -o "$SC" > /dev/null 2> "$TMP/ro.err"; rc=$?
[ $rc -eq 1 ] && grep -q "Read-only" "$TMP/ro.err" && [ "$(md5sum < "$SC")" = "$sum" ] &&
	pass readonly_disk_error || fail readonly_disk_error "exit $rc: $(cat "$TMP/ro.err")"
umount "$TMP/small"
printf 'a,b\n1,2\n' > "$TMP/other.csv"
$ST lottery dump -o "$TMP/other.csv" > /dev/null 2> "$TMP/other.err"; rc=$?
[ $rc -eq 1 ] && grep -q "header" "$TMP/other.err" && [ "$(cat "$TMP/other.csv")" = "$(printf 'a,b\n1,2')" ] &&
	pass foreign_csv_untouched || fail foreign_csv_untouched "exit $rc: $(cat "$TMP/other.err")"

# Ctrl-C in an endless dump: exit 0, only whole rows.
$ST lottery dump -i 0.2 -o "$TMP/int.csv" > /dev/null 2>&1 &
p=$!
sleep 0.9
kill -INT $p; wait $p; rc=$?
samples=$(cut -d, -f1 "$TMP/int.csv" | sort -u | wc -l)
[ $rc -eq 0 ] && [ "$samples" -ge 4 ] && [ -z "$(tail -c1 "$TMP/int.csv" | tr -d '\n')" ] &&
	pass dump_sigint || fail dump_sigint "exit $rc, $samples timestamps (with the header)"

# ---- permissions: --group, and never world-accessible ---------------------
unload_quiet
$ST lottery load --group daemon > /dev/null 2> "$TMP/g.err"; rc=$?
stat -c '%a %G %n' $DIR $DIR/* > "$TMP/perm"
sed 's/^/    /' "$TMP/perm"
[ $rc -eq 0 ] && grep -q "^640 daemon $DIR/tasks$" "$TMP/perm" && grep -q "^640 daemon $DIR/meta$" "$TMP/perm" &&
	grep -q "^600 root $DIR/link_switch$" "$TMP/perm" && grep -q "^750 daemon $DIR$" "$TMP/perm" &&
	! awk '{ exit !($1 % 10 != 0) }' "$TMP/perm" &&
	[ -z "$(find /sys/fs/bpf/schedtap -perm /o=rwx)" ] && pass group_readable_0640 ||
	fail group_readable_0640 "exit $rc: $(cat "$TMP/g.err")"
unload_quiet
$ST lottery load --tickets linear > /dev/null 2>&1
sleep 0.3
$ST lottery dump --json > "$TMP/lin.json" 2>&1
jq -e -s 'map(select(.nice == 0)) | length > 0 and all(.[]; .tickets == 20)' "$TMP/lin.json" > /dev/null &&
	pass linear_tickets || fail linear_tickets "$(head -3 "$TMP/lin.json")"

# ---- a set from an incompatible schedtap ---------------------------------
unload_quiet
mkdir -p $DIR
bpftool map create $DIR/meta type array key 4 value 64 entries 1 name lottery_meta
# magic "schedtap", layout 99
bpftool map update pinned $DIR/meta key 0 0 0 0 value 0x73 0x63 0x68 0x65 0x64 0x74 0x61 0x70 \
	99 0 0 0 64 0 0 0 $(printf '0 %.0s' $(seq 48))
$ST lottery load > "$TMP/i.out" 2> "$TMP/i.err"; rc=$?
[ $rc -eq 1 ] && grep -q "layout 99" "$TMP/i.err" && grep -q "unload" "$TMP/i.err" && [ "$(lot_progs_settled)" -eq 0 ] &&
	pass incompatible_refused || fail incompatible_refused "exit $rc: $(cat "$TMP/i.out" "$TMP/i.err")"
$ST lottery dump > /dev/null 2> "$TMP/i2.err"; rc=$?
[ $rc -eq 1 ] && grep -q "layout 99" "$TMP/i2.err" && pass incompatible_dump_refused ||
	fail incompatible_dump_refused "exit $rc: $(cat "$TMP/i2.err")"
rm $DIR/meta
bpftool map create $DIR/meta type array key 4 value 8 entries 1 name lottery_meta
$ST lottery dump > /dev/null 2> "$TMP/i3.err"; rc=$?
[ $rc -eq 1 ] && grep -q "value 8 B" "$TMP/i3.err" && pass wrong_shape_refused ||
	fail wrong_shape_refused "exit $rc: $(cat "$TMP/i3.err")"

# ---- unload: nothing left -------------------------------------------------
$ST lottery load > /dev/null 2>&1
$ST lottery unload > "$TMP/u.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "unloaded" "$TMP/u.out" && [ ! -e /sys/fs/bpf/schedtap ] && pass unload_removes_pins ||
	fail unload_removes_pins "exit $rc: $(cat "$TMP/u.out"); $(ls -R /sys/fs/bpf/schedtap 2>&1)"
$ST lottery load > /dev/null 2>&1
$ST lottery unload > "$TMP/u.out" 2>&1; rc=$?
# (*.debug: the kernel's own bpf_preload iterators, in every bpffs.)
[ $rc -eq 0 ] && [ -z "$(ls -A /sys/fs/bpf | grep -v '\.debug$')" ] && [ "$(lot_progs_settled)" -eq 0 ] &&
	[ "$(bpftool link show 2>/dev/null | grep -c perf_event)" -eq 0 ] && pass nothing_left_after_unload ||
	fail nothing_left_after_unload "$(ls -A /sys/fs/bpf) $(bpftool prog show | grep tap_lot)"

# ---- usage ----------------------------------------------------------------
wrong=
for args in "bogus" "load --tickets nope" "load --group no-such-group-here" "dump -n 0" "dump extra" \
	"simulate --draws 0" "unload extra"; do
	$ST lottery $args > /dev/null 2>&1; rc=$?
	[ $rc -eq 2 ] || wrong="$wrong [lottery $args: exit $rc]"
done
[ -z "$wrong" ] && pass usage_errors_exit_2 || fail usage_errors_exit_2 "not 2:$wrong"
