#!/bin/sh
# schedtap runqlat: BCC's layout to the byte, and the same numbers as
# libbpf-tools' runqlat measuring the same workload at the same time.
SUITE=runqlat
. "$(dirname "$0")/../lib.sh"

LIBBPF_RUNQLAT=/usr/sbin/runqlat

# Every row re-rendered with BCC's format string must equal itself, the
# stars must be floor(40 * count / max), and the header must be BCC's.
check_layout() {	# file: one or more histograms, each checked on its own
	awk '
	function check(   i, j, k, s, want) {
		for (i = 1; i <= n; i++) {
			s = ""; k = int(40 * cnt[i] / max); for (j = 0; j < k; j++) s = s "*"
			want = sprintf("%10d -> %-10d : %-8d |%-40s|", low[i], high[i], cnt[i], s)
			if (want != line[i]) { print "row differs:\n" line[i] "\n" want; bad = 1 }
			if (i == 1 && (low[i] != 0 || high[i] != 1)) { print "first row is not 0 -> 1"; bad = 1 }
		}
		n = 0; max = 0
	}
	/^     [um]secs               : count     distribution$/ { check(); h++; next }
	/->/ {
		split($0, a, /[ :|>-]+/); n++
		low[n] = a[2]; high[n] = a[3]; cnt[n] = a[4]; line[n] = $0
		if (cnt[n] + 0 > max) max = cnt[n] + 0
	}
	END { check(); exit bad || !h }' "$1"
}

t_vs_libbpf_tools() {
	[ -x $LIBBPF_RUNQLAT ] || { fail vs_libbpf_tools$SFX "$LIBBPF_RUNQLAT missing (toolchain/deps.sh installs libbpf-tools)"; return; }
	$LIBBPF_RUNQLAT 4 1 > "$TMP/theirs" 2>&1 &
	tp=$!
	$ST runqlat 4 1 > "$TMP/ours" 2> "$TMP/ours.err" &
	sp=$!
	sleep 1
	perf bench sched messaging -g 4 -l 2000 > /dev/null 2>&1
	wait $tp; wait $sp; rc=$?
	[ $rc -eq 0 ] || { fail vs_libbpf_tools$SFX "exit $rc: $(cat "$TMP/ours.err")"; return; }
	check_layout "$TMP/ours" > "$TMP/layout" && pass bcc_layout$SFX ||
		fail bcc_layout$SFX "$(cat "$TMP/layout") in: $(cat "$TMP/ours")"
	# count, mean (bucket midpoints, the same estimate for both), overlap
	awk '
	FNR == 1 { f++ }
	/->/ { split($0, a, /[ :|>-]+/); i = log(a[3] + 1) / log(2); c[f, i] = a[4]; t[f] += a[4]
	       m[f] += a[4] * (a[2] + a[3]) / 2; if (i > top) top = i }
	END {
		for (i = 0; i <= top; i++) {
			near = c[2, i - 1] + c[2, i] + c[2, i + 1]
			p = c[1, i] / t[1]; q = near / t[2]; ov += (p < q ? p : q)
		}
		printf "%d %d %.1f %.1f %.3f\n", t[1], t[2], m[1] / t[1], m[2] / t[2], ov
	}' "$TMP/ours" "$TMP/theirs" > "$TMP/cmp"
	read -r n1 n2 m1 m2 ov < "$TMP/cmp"
	echo "    schedtap: $n1 events, mean $m1 us; libbpf-tools: $n2 events, mean $m2 us; mass in same or adjacent bucket $ov"
	within_pct "$n1" "$n2" 10 || { fail vs_libbpf_tools$SFX "counts $n1 vs $n2"; return; }
	awk -v a="$m1" -v b="$m2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 0.1 * b) }' ||
		{ fail vs_libbpf_tools$SFX "means $m1 vs $m2"; return; }
	awk -v o="$ov" 'BEGIN { exit !(o >= 0.9) }' || { fail vs_libbpf_tools$SFX "overlap $ov"; return; }
	pass vs_libbpf_tools$SFX
}

t_sections_and_json() {
	# A sleeper pinned to CPU 0 wakes there every 10 ms: an idle CI
	# machine once gave CPU 0 no run-queue event in the half second.
	timeout 5 taskset -c 0 sh -c 'while :; do sleep 0.01; done' & c0=$!
	$ST runqlat -C 0.5 1 > "$TMP/c" 2>&1; rc=$?
	kill $c0 2> /dev/null; wait $c0 2> /dev/null
	[ $rc -eq 0 ] || { fail per_cpu$SFX "$(cat "$TMP/c")"; return; }
	grep -q '^cpu = 0$' "$TMP/c" && check_layout "$TMP/c" > /dev/null && pass per_cpu$SFX ||
		fail per_cpu$SFX "$(head -5 "$TMP/c")"
	( while :; do sleep 0.001; done ) & w=$!
	$ST runqlat -L -p $w 0.5 1 > "$TMP/l" 2>&1
	$ST runqlat -P --json -m 0.5 1 > "$TMP/p" 2>&1
	kill $w
	grep -q "^tid = $w\$" "$TMP/l" && [ "$(grep -c '^tid = ' "$TMP/l")" -eq 1 ] && pass pid_filter_per_thread$SFX ||
		fail pid_filter_per_thread$SFX "$(head -5 "$TMP/l")"
	jq -e -s 'length > 1 and all(.[]; .unit == "msecs" and (.pid | type) == "number"
		and .count == ([.buckets[].count] | add))' "$TMP/p" > /dev/null && pass per_process_json$SFX ||
		fail per_process_json$SFX "$(head -3 "$TMP/p")"
	$ST runqlat -T 0.3 2 > "$TMP/t" 2>&1
	[ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} *$' "$TMP/t")" -eq 2 ] && pass timestamps$SFX ||
		fail timestamps$SFX "$(head -5 "$TMP/t")"
	$ST runqlat --csv 1 1 > /dev/null 2>&1; [ $? -eq 2 ] && pass csv_refused$SFX || fail csv_refused$SFX "exit not 2"
}

# Where the kernel has BTF, tp_btf programs with task storage; the
# tracepoint programs remain the path without it. Each is checked here,
# the one in use read from --dump so that a silent fallback fails.
t_attach_path() {
	want=$1
	$ST runqlat --dump > "$TMP/dump" 2>&1
	n=$(grep -c "^; program tap_runq_.*: $want" "$TMP/dump")
	[ "$n" -eq 3 ] && pass attach_path$SFX || fail attach_path$SFX "$n of 3 programs on $want: $(grep '^; program' "$TMP/dump")"
}

SFX= t_attach_path "BTF-typed tracepoint"
SFX= t_vs_libbpf_tools
SFX= t_sections_and_json
export SCHEDTAP_FORCE_TRACEPOINT=1
SFX=_tracepoint t_attach_path "tracepoint sched:"
SFX=_tracepoint t_vs_libbpf_tools
SFX=_tracepoint t_sections_and_json
unset SCHEDTAP_FORCE_TRACEPOINT
[ "$(our_progs)" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E "name tap_")"
