#!/bin/sh
# Every subcommand run by an unprivileged user: one line that says root
# (or CAP_BPF and CAP_PERFMON) is needed, exit 1, nothing left behind;
# never a kernel feature reported missing. --help still works.
SUITE=nonroot
. "$(dirname "$0")/../lib.sh"

cp "$ST_BIN" "$TMP/st" && chmod 755 "$TMP" "$TMP/st"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/st" "$@"; }

# t_needs_root NAME ARGS...
t_needs_root() {
	name=$1
	shift
	timeout 5 setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/st" "$@" \
		> "$TMP/o" 2> "$TMP/e"
	rc=$?
	lines=$(wc -l < "$TMP/e")
	[ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q ": Operation not permitted: run as root or grant CAP_BPF and CAP_PERFMON" "$TMP/e" &&
		! grep -qiE "not supported|kernel <|missing" "$TMP/e" && [ ! -s "$TMP/o" ] &&
		pass "$name" || fail "$name" "exit $rc, $lines lines: $(cat "$TMP/e" "$TMP/o" | head -3)"
}

t_needs_root cpu cpu 1 1
t_needs_root top top 1 1
t_needs_root trace trace -d 1
t_needs_root runqlat runqlat 1 1
t_needs_root latency latency 1 1
t_needs_root inversion inversion -d 1
t_needs_root pelt pelt 1 1
t_needs_root lottery_load lottery load
t_needs_root lottery_unload lottery unload
# Privileges come before anything else: even an output file that cannot
# be written is not looked at first.
t_needs_root privileges_first top -o /proc/nonexistent/x 1 1
[ ! -e /sys/fs/bpf/schedtap ] && pass lottery_load_pinned_nothing ||
	fail lottery_load_pinned_nothing "$(ls -la /sys/fs/bpf/schedtap 2>&1)"

# Reading pins: the pin itself says why (a group given --group may read).
nobody lottery dump > "$TMP/o" 2> "$TMP/e"; rc=$?
[ $rc -eq 1 ] && grep -q "Permission denied\|nothing loaded\|not loaded" "$TMP/e" &&
	! grep -qi "not supported" "$TMP/e" && pass lottery_dump ||
	fail lottery_dump "exit $rc: $(cat "$TMP/e")"

nobody workload inversion > "$TMP/o" 2> "$TMP/e"; rc=$?
[ $rc -eq 1 ] && grep -q "SCHED_FIFO.*run as root, or grant CAP_SYS_NICE" "$TMP/e" &&
	pass workload_inversion || fail workload_inversion "exit $rc: $(cat "$TMP/e")"
# A load needs no privileges at all.
nobody workload cpu --duration 0.2 > "$TMP/o" 2> "$TMP/e"; rc=$?
[ $rc -eq 0 ] && grep -q '^cpu [0-9]' "$TMP/o" && pass workload_cpu ||
	fail workload_cpu "exit $rc: $(cat "$TMP/e")"

# --dump loads nothing: it needs only tracefs, which says why it can't.
nobody top --dump > "$TMP/o" 2> "$TMP/e"; rc=$?
if [ "$(stat -c %a /sys/kernel/tracing)" = 700 ]; then
	[ $rc -eq 1 ] && grep -q "tracefs at /sys/kernel/tracing is mounted but not readable by this user" "$TMP/e" &&
		pass dump_tracefs_unreadable || fail dump_tracefs_unreadable "exit $rc: $(cat "$TMP/e")"
else
	[ $rc -eq 0 ] && grep -q tap_top_switch "$TMP/o" && pass dump_tracefs_unreadable ||
		fail dump_tracefs_unreadable "exit $rc: $(cat "$TMP/e")"
fi

bad=
for c in probe cpu top trace runqlat latency inversion lottery workload pelt btf; do
	nobody $c --help > "$TMP/o" 2>&1 || bad="$bad $c"
done
[ -z "$bad" ] && pass help || fail help "--help failed as nobody for:$bad"
[ "$(our_progs)" -eq 0 ] && pass nothing_loaded || fail nothing_loaded "$(our_progs) programs"
