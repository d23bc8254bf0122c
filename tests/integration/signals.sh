#!/bin/sh
# Every subcommand that attaches (cpu, top, trace, runqlat, latency,
# inversion) and `lottery dump -i` (which reads the lottery's pins),
# stopped by SIGINT, SIGTERM and SIGKILL once it is attached (its links
# are in its fdinfo and its first rows are in its -o file): it exits 0 on
# INT and TERM (137 on KILL) within 2 s of the signal (the time is
# printed); nothing of it stays in the kernel (neither the program and
# link ids it held nor any tap_* program, perf_event link or bpffs pin
# that was not there before; the lottery's own stay, by design); its
# output file ends on a whole row, every row with the header's column
# count (python3's csv module; jq for runqlat's JSON lines), for INT and
# TERM.
#
# What a killed process leaves (src/output.c, src/cli.c): a row is built
# in the writer's buffer and handed to stdio in one fwrite, into a 64 KiB
# buffer flushed after each report or batch, so every write(2) ends on a
# row boundary. But a write(2) to a regular file can stop short when a
# fatal signal arrives between pages (the kernel's generic_perform_write
# returns what it copied), so SIGKILL guarantees only a prefix of whole
# rows plus at most one partial row. lottery dump's one write(2) per
# sample (src/lottery_csv.c) gives the same under KILL: its
# truncate-on-error cannot run. The KILL cases check exactly that (whole
# rows of the header's width, then at most one partial row no wider than
# the header) and say which of the two they saw.
SUITE=signals
. "$(dirname "$0")/../lib.sh"

DIR=/sys/fs/bpf/schedtap/lottery
SLOW=1
[ "${VALGRIND:-0}" != 0 ] && SLOW=10
LOADED_LOTTERY=
SP=
command -v bpftool > /dev/null || { fail setup "bpftool is missing (toolchain/deps.sh installs it)"; exit 1; }
trap 'kill -9 $SP 2>/dev/null; [ -n "$LOADED_LOTTERY" ] && $ST_BIN lottery unload > /dev/null 2>&1; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# What the kernel holds that could be ours: tap_* program ids, perf_event
# link ids, bpffs entries. One sorted list; compared with the baseline.
kernel_state() {
	bpftool prog show 2>/dev/null | awk '/ name tap_/ { sub(":", "", $1); print "prog " $1 }'
	bpftool link show 2>/dev/null | awk '$2 == "perf_event" { sub(":", "", $1); print "link " $1 }'
	find /sys/fs/bpf -mindepth 1 2>/dev/null | sed 's/^/pin /'
}

# The program and link ids process $1 holds, from its fdinfo.
held_ids() {
	awk 'function out() { if (l != "") print "link " l; else if (p != "") print "prog " p; l = p = "" }
	     FNR == 1 && NR > 1 { out() }
	     /^link_id:/ { l = $2 } /^prog_id:/ { p = $2 }
	     END { out() }' /proc/"$1"/fdinfo/* 2>/dev/null | sort -u
}

# Attached: at least one BPF link fd and no fewer links than programs
# (the loader loads every program before it links the first; with
# nolinks, none is needed), and its output file $2 is not empty (the
# first report or batch is out). 0 if so, 1 if not linked yet, 2 if
# linked but nothing written yet.
attached() {
	if [ "$3" != nolinks ]; then
		ls -l /proc/"$1"/fd 2>/dev/null > "$TMP/fds"
		nl=$(grep -c 'bpf_link' "$TMP/fds")
		np=$(grep -c 'bpf-prog' "$TMP/fds")
		[ "$nl" -ge 1 ] && [ "$nl" -ge "$np" ] || return 1
	fi
	[ -s "$2" ] || return 2
}

# 0 while process $1 exists and is not a zombie (no fork: read builtin).
alive() {
	line=
	read -r line 2>/dev/null < /proc/"$1"/stat || return 1
	st=${line##*) }
	[ "${st%% *}" != Z ]
}

# Whole CSV rows in $1, or ($2 = prefix) whole rows and at most one
# partial last row. Prints what it found; exits 1 on a violation.
check_csv() {
	python3 - "$1" "$2" <<'PY'
import csv, io, sys
def bad(why):
    print('      ' + why)
    sys.exit(1)
data = open(sys.argv[1], 'rb').read().decode('utf-8', 'surrogateescape')
prefix = sys.argv[2] == 'prefix'
cut = data.rfind('\n') + 1
whole, tail = data[:cut], data[cut:]
if tail and not prefix:
    bad('last byte is not a newline: ends with %r' % tail[-60:])
rows = list(csv.reader(io.StringIO(whole, newline='')))
if not rows and prefix and tail:
    print('      no whole row, a partial one of %d bytes' % len(tail))
    sys.exit(0)
if not rows:
    bad('empty: no header')
n = len(rows[0])
wrong = [i + 1 for i, r in enumerate(rows) if len(r) != n]
if wrong:
    bad("rows %s do not have the header's %d columns" % (wrong[:5], n))
if len(rows) < 2 and not tail:
    bad('a header and no row')
part = next(csv.reader(io.StringIO(tail, newline=''))) if tail else []
if len(part) > n:
    bad('a partial row with %d fields, the header has %d' % (len(part), n))
print('      %d whole rows of %d columns%s' % (len(rows) - 1, n,
      ', then a partial row of %d bytes' % len(tail) if tail else ', ends on a whole row'))
PY
}

# The same for JSON lines: every whole line one object (jq), and with
# $2 = prefix at most one partial line after the last newline.
check_json() {
	lines=$(wc -l < "$1")
	bytes=$(wc -c < "$1")
	whole=$(head -n "$lines" "$1" | wc -c)
	if [ "$whole" -ne "$bytes" ] && [ "$2" != prefix ]; then
		echo "      last byte is not a newline"; return 1
	fi
	objs=$(head -n "$lines" "$1" | jq -c 'select(type == "object")' 2> "$TMP/jq.err" | wc -l)
	[ "$objs" -eq "$lines" ] && [ ! -s "$TMP/jq.err" ] ||
		{ echo "      $objs objects in $lines lines: $(head -2 "$TMP/jq.err")"; return 1; }
	[ "$lines" -ge 1 ] || [ "$2" = prefix ] && [ "$bytes" -gt 0 ] ||
		{ echo "      no whole line"; return 1; }
	if [ "$whole" -eq "$bytes" ]; then
		echo "      $lines whole JSON lines, ends on a whole line"
	else
		echo "      $lines whole JSON lines, then a partial line of $((bytes - whole)) bytes"
	fi
}

# run_case NAME SIG FORMAT [nolinks] -- COMMAND...: start COMMAND (its
# output file is $TMP/NAME.out), wait until attached, send SIG, time the
# exit, then check exit code, the kernel and the output file.
run_case() {
	name=$1 sig=$2 fmt=$3
	shift 3
	links=
	[ "$1" = nolinks ] && { links=nolinks; shift; }
	[ "$1" = -- ] && shift
	out=$TMP/$name.out
	case_id=${name}_$sig
	rm -f "$out"
	before=$(kernel_state | sort)
	"$@" > "$TMP/$name.stdout" 2> "$TMP/$name.err" &
	SP=$!
	i=0 inverted=
	while :; do
		attached $SP "$out" $links
		a=$?
		[ $a -eq 0 ] && break
		# inversion writes a row per finding: give it one, once linked.
		if [ $a -eq 2 ] && [ "$name" = inversion ] && [ -z "$inverted" ]; then
			$ST_BIN workload inversion --spin-ms 50 > /dev/null 2>&1; inverted=1
		fi
		i=$((i + 1))
		if [ $i -gt $((100 * SLOW)) ] || ! alive $SP; then
			fail "$case_id" "not attached (or no output) after $((i / 10)) s: $(cat "$TMP/$name.err")"
			kill -9 $SP 2>/dev/null; wait $SP; SP=
			return
		fi
		sleep 0.1
	done
	ids=$(held_ids $SP)
	t0=$(now_ms)
	kill -"$sig" $SP
	while alive $SP; do
		[ $(($(now_ms) - t0)) -gt $((10000 * SLOW)) ] && { kill -9 $SP; break; }
		sleep 0.01
	done
	t1=$(now_ms)
	wait $SP; rc=$?; SP=
	ms=$((t1 - t0))
	# Programs are freed an RCU grace period after their last fd closes.
	i=0
	while :; do
		after=$(kernel_state | sort)
		left=$(echo "$ids" | while read -r kind id; do
			[ -n "$id" ] && echo "$after" | grep -qx "$kind $id" && echo "$kind $id"; done)
		new=$(echo "$after" | grep -vxF "$before" | grep -v '^$')
		[ -z "$left$new" ] && break
		i=$((i + 1))
		[ $i -ge 30 ] && break
		sleep 0.1
	done
	echo "    $name SIG$sig: exit $rc after $ms ms; kernel settled $((i * 100)) ms later;" \
		"held $(echo "$ids" | grep -c prog) programs, $(echo "$ids" | grep -c link) links"

	want=0
	[ "$sig" = KILL ] && want=137
	if [ $rc -ne $want ]; then
		fail "${case_id}_exit" "exit $rc, want $want: $(tail -3 "$TMP/$name.err")"
	elif [ $ms -ge $((2000 * SLOW)) ]; then
		fail "${case_id}_exit" "exited $ms ms after the signal (bound $((2000 * SLOW)) ms)"
	else
		pass "${case_id}_exit"
	fi
	if [ -n "$left$new" ]; then
		fail "${case_id}_detached" "left in the kernel after 3 s: $(echo $left $new)"
	elif [ "$links" != nolinks ] && ! echo "$ids" | grep -q '^link '; then
		fail "${case_id}_detached" "held no link before the signal: nothing checked"
	else
		pass "${case_id}_detached"
	fi
	mode=whole
	[ "$sig" = KILL ] && mode=prefix
	msg=$("check_$fmt" "$out" $mode)
	rc=$?
	echo "$msg"
	if [ $rc -eq 0 ]; then
		pass "${case_id}_output_$mode"
	else
		fail "${case_id}_output_$mode" "$(echo $msg): $(tail -c 120 "$out" | tr '\n' '|')"
	fi
}

# Each case compares with what the kernel held before it, so a lottery
# someone loaded does not count against us. The counts and durations
# only bound a run this script fails to stop (30 s); the signal comes
# long before.
for sig in INT TERM KILL; do
	run_case cpu $sig csv -- $ST cpu --csv -o "$TMP/cpu.out" 0.3 100
	run_case top $sig csv -- $ST top --csv -o "$TMP/top.out" 0.3 100
	run_case trace $sig csv -- $ST trace --csv -o "$TMP/trace.out" -d 30
	run_case runqlat $sig json -- $ST runqlat --json -o "$TMP/runqlat.out" 0.3 100
	run_case latency $sig csv -- $ST latency --csv -o "$TMP/latency.out" 0.3 100
	run_case inversion $sig csv -- $ST inversion --csv -o "$TMP/inversion.out" -d 30
	run_case micro $sig csv -- $ST micro --csv -o "$TMP/micro.out" 0.3 100
done

# lottery dump holds no programs: attached means its first sample is out;
# the lottery's own pins, programs and links stay, by design.
if [ -e $DIR ]; then
	echo "    lottery already loaded: left as found"
else
	$ST_BIN lottery load > "$TMP/load.out" 2>&1 && LOADED_LOTTERY=1 ||
		fail lottery_load "$(cat "$TMP/load.out")"
fi
if [ -e $DIR ]; then
	for sig in INT TERM KILL; do
		run_case lottery_dump $sig csv nolinks -- $ST lottery dump -i 0.2 -n 150 -o "$TMP/lottery_dump.out"
	done
fi
if [ -n "$LOADED_LOTTERY" ]; then
	$ST_BIN lottery unload > /dev/null 2>&1 && LOADED_LOTTERY=
fi
