#!/bin/sh
# schedtap probe on the real kernel: every item present here is reported
# present, forced fallbacks are reported as such, and the JSON is valid.
SUITE=probe
. "$(dirname "$0")/../lib.sh"

t_table() {
	$ST probe > "$TMP/p" 2>&1; rc=$?
	[ $rc -eq 0 ] || { fail table "exit $rc: $(cat "$TMP/p")"; return; }
	# This machine has all of these (a 6.18 kernel, root, tracefs).
	for it in bpf_syscall prog_tracepoint prog_raw_tracepoint prog_perf_event ringbuf \
		perf_link batch_ops atomics helper_probe_read_kernel helper_get_current_task \
		btf tracefs tp_sched_switch tp_sched_wakeup tp_sched_process_exit \
		bare_tracepoints perf_sw_counters cap_bpf cap_perfmon core_tools; do
		grep -Eq "^$it +yes " "$TMP/p" || { fail table "$it not 'yes': $(grep "^$it " "$TMP/p")"; return; }
	done
	# No PMU in this VM: the probe must say so rather than guess.
	perf stat -x, -e cycles true 2>&1 | grep -q 'not supported' && want=no || want=yes
	grep -Eq "^perf_hw_counters +$want " "$TMP/p" || { fail table "perf_hw_counters != $want"; return; }
	pass table
}

t_json() {
	$ST probe --json > "$TMP/j" 2>&1 || { fail json "$(cat "$TMP/j")"; return; }
	n=$(wc -l < "$TMP/j")
	ok=$(jq -c 'select((.item|type)=="string" and (.available|type)=="boolean"
		and (.detail|type)=="string" and (.action|type)=="string")' "$TMP/j" | wc -l)
	[ "$n" -gt 20 ] && [ "$n" -eq "$ok" ] && pass json || fail json "$ok of $n lines valid"
	# jq 1.6's -e looks only at the last input: slurp the lines first.
	jq -e -s 'map(select(.item == "tracefs"))[0].available' "$TMP/j" > /dev/null ||
		fail json_tracefs "tracefs not available in JSON"
}

t_forced() {
	SCHEDTAP_FORCE_PERF_BUFFER=1 SCHEDTAP_FORCE_IOCTL_ATTACH=1 SCHEDTAP_FORCE_NO_BATCH=1 \
		SCHEDTAP_FORCE_NO_BTF=1 $ST probe --json > "$TMP/f" 2>&1
	for it in ringbuf perf_link batch_ops btf; do
		jq -e -s --arg i "$it" 'map(select(.item == $i))[0] | (.available == false and (.detail | test("forced")))' \
			"$TMP/f" > /dev/null || { fail forced "$it not forced off: $(grep "\"$it\"" "$TMP/f")"; return; }
	done
	pass forced
}

# As nobody, what needs privileges to ask is unknown (JSON null), never
# "no": a permission error says nothing about the kernel.
t_nonroot() {
	cp "$ST_BIN" "$TMP/st" && chmod 755 "$TMP" "$TMP/st"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/st" probe > "$TMP/n" 2>&1
	rc=$?
	setpriv --reuid=65534 --regid=65534 --clear-groups "$TMP/st" probe --json > "$TMP/nj" 2>&1
	[ $rc -eq 1 ] && grep -Eq '^bpf_syscall +- .*for this user.*CAP_BPF and CAP_PERFMON' "$TMP/n" &&
		grep -Eq '^core_tools +no .*as this user' "$TMP/n" ||
		{ fail nonroot "exit $rc: $(head -5 "$TMP/n")"; return; }
	# Only the capabilities (really not held) and the verdict say no.
	no=$(awk '$2 == "no" && $1 !~ /^cap_/ && $1 != "core_tools" { print $1 }' "$TMP/n" | tr '\n' ' ')
	[ -z "$no" ] || { fail nonroot "reported missing as nobody: $no"; return; }
	for it in prog_tracepoint ringbuf perf_link batch_ops stat_runtime tp_sched_switch bare_tracepoints; do
		jq -e -s --arg i "$it" 'map(select(.item == $i))[0].available == null' "$TMP/nj" > /dev/null ||
			{ fail nonroot "$it not unknown in JSON: $(grep "\"$it\"" "$TMP/nj")"; return; }
	done
	# This kernel's tracefs is root's only (0700): unreadable, not absent.
	if [ "$(stat -c %a /sys/kernel/tracing)" = 700 ]; then
		grep -Eq '^tracefs +- +/sys/kernel/tracing mounted, not readable by this user' "$TMP/n" ||
			{ fail nonroot "tracefs: $(grep '^tracefs' "$TMP/n")"; return; }
	fi
	pass nonroot
}

t_usage() {
	$ST probe --bogus > /dev/null 2>&1; [ $? -eq 2 ] || { fail usage "bad option not exit 2"; return; }
	$ST probe extra > /dev/null 2>&1; [ $? -eq 2 ] || { fail usage "extra arg not exit 2"; return; }
	pass usage
}

t_table
t_json
t_forced
t_nonroot
t_usage
