#!/bin/sh
# One option grammar: every command refuses the same mistakes the same
# way (exit 2, one message naming the option, its value and its bounds),
# and accepts what is right.
SUITE=cli
. "$(dirname "$0")/../lib.sh"

long=$(printf 'x%.0s' $(seq 300))
bad=
n=0
# usage WANTED-STDERR-PATTERN ARGS...: exit 2 and the pattern on stderr.
usage() {
	want=$1
	shift
	n=$((n + 1))
	timeout 10 $ST "$@" > "$TMP/o" 2> "$TMP/e" < /dev/null
	rc=$?
	if [ $rc -ne 2 ] || ! grep -qE -- "$want" "$TMP/e"; then
		bad="$bad
      [$*] exit $rc: $(head -2 "$TMP/e" | tr '\n' ' ')"
	fi
}

for c in cpu top latency probe "lottery dump" "trace" "inversion" micro; do
	usage "choose one of --csv and --json" $c --csv --json
	usage "choose one of --csv and --json" $c --json --csv
done
for c in top trace latency runqlat micro "lottery dump" "lottery simulate"; do
	usage "bad -p '0' \(a PID|bad -p '0' \(PIDs 1 to" $c -p 0
	usage "bad -p '-5'" $c -p -5
	usage "bad -p 'abc'" $c -p abc
done
usage "bad -p '1,,2' \(PIDs 1 to 4194304, separated by commas\)" lottery dump -p 1,,2
usage "bad -p '4194305' \(a PID, 1 to 4194304\)" top -p 4194305
for c in top trace "lottery dump" "lottery simulate"; do
	usage "bad -c: a task name is 1 to 15 bytes .*not 300" $c -c "$long"
	usage "bad -c: a task name is 1 to 15 bytes .*not 16" $c -c 0123456789abcdef
done
usage "choose one of --from \(a dump's CSV\) and -d" lottery simulate --from /dev/null -d 1
for c in cpu top latency runqlat micro; do
	usage "bad interval or count '-1' \(a positive number\)" $c -1
	usage "bad interval or count '-3' \(a positive number\)" $c 1 -3
	usage "bad interval '0' \(seconds, 0.001 to 86400\)" $c 0
	usage "bad count '0' \(an integer, 1 to 1000000000\)" $c 1 0
	usage "bad -i 'x' \(seconds, 0.001 to 86400\)" $c -i x
	usage "unexpected argument '3'" $c -i 1 2 3
done
usage "bad -d '0' \(seconds, 0.001 to 86400\)" trace -d 0
usage "bad -d '86401'" inversion -d 86401
usage "bad -t '-1' \(milliseconds, 0 to 8.64e\+07\)" inversion -t -1
usage "bad --min-share '101' \(percent, 0 to 100\)" lottery dump --min-share 101
usage "bad --min-share '101'" lottery simulate --min-share 101
usage "bad --tickets 'bogus' \(one of weight, linear\)" lottery load --tickets bogus
usage "bad --group 'no-such-group-x'" lottery load --group no-such-group-x
usage "bad -s 'bogus' \(one of cpu, switches, vol, invol, migr, pid, comm\)" top -s bogus
usage "bad -s 'bogus' \(one of avg, max, runtime, switches\)" latency -s bogus
usage "bad -C '64' \(a CPU number, 0 to 63\)" top -C 64
usage "bad -n '0'" top -n 0
usage "unknown option '--bogus'" top --bogus
usage "unknown option '-x'" cpu -x
usage "-p needs a value" top -p
usage "--pid needs a value" top --pid
usage "unknown option '--interval'" lottery simulate --interval 1
usage "unknown option '-o'" lottery simulate -o /tmp/x
usage "unexpected argument 'extra'" probe extra
usage "unexpected argument 'b'" btf offsets a b
usage "which STRUCT.MEMBER\?" btf member
usage "which STRUCT.MEMBER\?" btf member --btf /nonexistent
usage "unknown option '--bogus'" btf member --bogus task_struct.pid
usage "unknown event 'bogus' in --events" pelt --events=sched_pelt_cfs,bogus
usage "--events: no event named" pelt --events=
usage "--events streams until -d or Ctrl-C: no interval or count" pelt --events 1
usage "--tasks is for reports" pelt --events --tasks
usage "-d is for --events" pelt -d 1
usage "--perf-buffer is for --events" pelt --perf-buffer
usage "bad -C '1024'" pelt -C 1024
usage "CSV and JSON hold one kind of row: choose one of --tasks \(or -p\) and -g" pelt -g --tasks --csv
usage "--binary needs -o FILE and takes no --csv or --json" trace --binary
usage "--binary needs -o FILE and takes no --csv or --json" trace --binary -o /tmp/x --csv
usage "--read prints a file: no tracing options" trace --read /tmp/x -e
usage "unknown subcommand 'bogus'" bogus
usage "a command is required" lottery
usage "unknown mode 'nope'" workload nope
usage "bad --nice '20' \(an integer, -20 to 19\)" workload cpu --nice 20
usage "bad --duration '-1'" workload cpu --duration -1
usage "bad --on '0' \(an integer, 1 to" workload burst --on 0 --off 1
usage "--off MS is required" workload burst --on 5
usage "bad --cpu 'x' \(a CPU number" workload pingpong --cpu x
usage "bad --rate '-1'" workload fork --rate -1
usage "bad --spin-ms '901' \(an integer, 1 to 900\)" workload inversion --spin-ms 901
[ -z "$bad" ] && pass "usage_errors" || fail usage_errors "$bad"
echo "    $n refused command lines checked"

# And what is right passes the parsers (--dump stops before loading).
ok=
for args in "top -p 1 -c bash -C 0 -s vol -n 5 --csv --csv 1 1" "trace -p 1 -c x -C 0 -d 1 --json" \
	"inversion -t 0.5 -d 1" "runqlat -p 1 -m -T 1 2" "latency -s switch -p 1 2" "cpu -C 0 -i 1 3" \
	"micro -e cycles,page-faults -p 1 -n 3 --json 1 2"; do
	$ST $args --dump > /dev/null 2> "$TMP/e" || ok="$ok
      [$args]: $(head -1 "$TMP/e")"
done
[ -z "$ok" ] && pass accepted || fail accepted "$ok"

# --dump's comment of a field load names the register it fills, on both
# attach paths: a format's field, or a task_struct member through BTF.
SCHEDTAP_FORCE_TRACEPOINT=1 $ST top --dump > "$TMP/d" 2>&1
grep -qE '; r1 = prev_pid: ctx\+[0-9]+, 4 bytes \(format\)' "$TMP/d" &&
	pass dump_names_register || fail dump_names_register "$(grep -m1 prev_pid "$TMP/d")"
$ST top --dump > "$TMP/d" 2>&1
grep -qE '; r1 = task_struct\.pid: \+[0-9]+, 4 bytes \(BTF\)' "$TMP/d" &&
	pass dump_names_register_btf || fail dump_names_register_btf "$(grep -m1 task_struct "$TMP/d")"
