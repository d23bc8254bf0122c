#!/bin/sh
# schedtap record: Perfetto traces, each parsed by an independent decoder
# (protoc --decode_raw) and checked by field number: TracePacket's
# system_info (45, this kernel's utsname), process_tree (2), ftrace_events
# (1) bundles of sched_switch (4) and sched_wakeup (17) events;
# timestamps increasing per CPU; a recording converted with --read holds
# as many switches as trace reads from it; --max-size and Ctrl-C end a
# valid file with nothing left attached; --pelt's counter tracks follow
# a duty cycle's util.
SUITE=record
. "$(dirname "$0")/../lib.sh"

# "switches wakeups out-of-order processes threads" of a decoded trace.
# Indentation is decode_raw's nesting: packet fields at 2, a bundle's at
# 4, an event's at 6.
shape() {
	protoc --decode_raw < "$1" | awk '
		/^  1 \{$/ { inb = 1; next }
		/^  2 \{$/ { intree = 1; next }
		/^  \}$/ { inb = intree = 0 }
		intree && /^    1 \{$/ { procs++ }
		intree && /^    2 \{$/ { threads++ }
		inb && /^    1: / { cpu = $2 }
		inb && /^      1: / { if ($2 + 0 < last[cpu] + 0) bad++; last[cpu] = $2 }
		inb && /^      4 \{$/ { sw++ }
		inb && /^      17 \{$/ { wk++ }
		END { print sw + 0, wk + 0, bad + 0, procs + 0, threads + 0 }'
}

# Parsed twice: by the wire format alone, and against perfetto.proto
# (perfetto's field numbers and types for what record writes).
decodes() {
	protoc --decode_raw < "$1" > "$TMP/decoded" 2> "$TMP/protoc.err" &&
		protoc -I"$(dirname "$0")" --decode=schedtap_test.Trace perfetto.proto < "$1" \
			> "$TMP/typed" 2>> "$TMP/protoc.err"
}

t_live() {
	$ST_BIN workload pingpong --duration 3 > "$TMP/pp.out" &
	w=$!
	sleep 0.3
	$ST record -o "$TMP/live.pf" -d 1 2> "$TMP/live.err"; rc=$?
	kill $w 2> /dev/null; wait $w 2> /dev/null
	[ $rc -eq 0 ] || { fail live "exit $rc: $(cat "$TMP/live.err")"; return; }
	decodes "$TMP/live.pf" || { fail live "protoc: $(head -3 "$TMP/protoc.err")"; return; }
	set -- $(shape "$TMP/live.pf")
	echo "    live: $1 switches, $2 wakeups, $4 processes, $5 threads, $(wc -c < "$TMP/live.pf") bytes"
	tid=$(awk 'NR == 1 { print $2 }' "$TMP/pp.out")
	[ "$1" -gt 1000 ] && [ "$2" -gt 100 ] && [ "$3" -eq 0 ] && [ "$4" -gt 5 ] && [ "$5" -ge "$4" ] ||
		{ fail live "switches $1, wakeups $2, $3 out of order, $4 processes, $5 threads"; return; }
	# The workload's threads, in switches (prev_pid 2, next_pid 6) and
	# in the process tree (a thread's tid 1); this kernel's release.
	grep -qE "^        (2|6): $tid\$" "$TMP/decoded" && grep -qE "^      1: $tid\$" "$TMP/decoded" &&
		grep -qF "3: \"$(uname -r)\"" "$TMP/decoded" &&
		grep -q "^schedtap: $TMP/live.pf: [0-9]* events, [0-9]* bytes" "$TMP/live.err" &&
		pass live || fail live "thread $tid, release $(uname -r) or the summary missing"
}

# A recording converted: every switch and wakeup trace reads from it.
t_read() {
	$ST_BIN workload pingpong --duration 2 > /dev/null &
	w=$!
	sleep 0.3
	$ST trace -e --binary -o "$TMP/rec.bin" -d 0.5 2> /dev/null
	kill $w 2> /dev/null; wait $w 2> /dev/null
	$ST record --read "$TMP/rec.bin" -o "$TMP/rec.pf" 2> "$TMP/read.err" ||
		{ fail read "exit $?: $(cat "$TMP/read.err")"; return; }
	decodes "$TMP/rec.pf" || { fail read "protoc: $(head -3 "$TMP/protoc.err")"; return; }
	set -- $(shape "$TMP/rec.pf")
	tsw=$($ST_BIN trace --read "$TMP/rec.bin" --csv | awk -F, '$4 == "switch"' | wc -l)
	twk=$($ST_BIN trace --read "$TMP/rec.bin" --csv | awk -F, '$4 == "wakeup"' | wc -l)
	echo "    read: $1 switches ($tsw in trace --read), $2 wakeups ($twk)"
	# The recording's header holds the traced kernel's utsname.
	[ "$1" -eq "$tsw" ] && [ "$2" -eq "$twk" ] && [ "$1" -gt 100 ] && [ "$3" -eq 0 ] &&
		grep -qF "release: \"$(uname -r)\"" "$TMP/typed" &&
		pass read || fail read "$1/$tsw switches, $2/$twk wakeups, $3 out of order, or no release"
}

# --compact: the recording's switches as compact_sched columns, as many
# as trace reads, each CPU's next_pids in trace's order, in a file half
# the size or less (its wakeups, half as many as its switches, stay
# events: 748 KB against 1998 in one run, 40 bytes saved a switch).
t_compact() {
	[ -s "$TMP/rec.bin" ] || { fail compact "no recording (t_read failed)"; return; }
	$ST record --read "$TMP/rec.bin" --compact -o "$TMP/c.pf" 2> "$TMP/c.err" ||
		{ fail compact "exit $?: $(cat "$TMP/c.err")"; return; }
	decodes "$TMP/c.pf" || { fail compact "protoc: $(head -3 "$TMP/protoc.err")"; return; }
	ours=$(awk '/^    cpu: / { cpu = $2 } /^      switch_next_pid: / { print cpu, $2 }' "$TMP/typed" | sort -s -k1,1n | md5sum)
	theirs=$($ST_BIN trace --read "$TMP/rec.bin" --csv |
		awk -F, '$4 == "switch" { print $3, $11 }' | sort -s -k1,1n | md5sum)
	n=$(grep -c '^      switch_timestamp: ' "$TMP/typed")
	tsw=$($ST_BIN trace --read "$TMP/rec.bin" --csv | awk -F, '$4 == "switch"' | wc -l)
	cs=$(wc -c < "$TMP/c.pf") fs=$(wc -c < "$TMP/rec.pf")
	echo "    compact: $n switches ($tsw in trace), $cs bytes against $fs, $(((fs - cs) / (n + 1))) saved a switch"
	[ "$n" -eq "$tsw" ] && [ "$ours" = "$theirs" ] && [ $((cs * 2)) -le "$fs" ] &&
		grep -q '^      sched_wakeup {' "$TMP/typed" && pass compact ||
		fail compact "$n/$tsw switches, next_pids in order: $([ "$ours" = "$theirs" ] && echo yes || echo no), $cs vs $fs bytes"
	$ST record --compact -p 1 -o "$TMP/x" -d 1 2> "$TMP/c2.err"; rc=$?
	[ $rc -eq 2 ] && grep -q 'no -p, -c or -C' "$TMP/c2.err" && pass compact_refused_filtered ||
		fail compact_refused_filtered "exit $rc: $(cat "$TMP/c2.err")"
}

# --max-size: stops early, says so, a valid file under the cap.
t_max_size() {
	$ST_BIN workload pingpong --duration 20 > /dev/null &
	w=$!
	start=$(date +%s)
	$ST record -o "$TMP/cap.pf" --max-size 1 -d 15 2> "$TMP/cap.err"; rc=$?
	took=$(($(date +%s) - start))
	kill $w 2> /dev/null; wait $w 2> /dev/null
	size=$(wc -c < "$TMP/cap.pf")
	[ $rc -eq 0 ] && [ "$took" -lt 10 ] && [ "$size" -le 1048576 ] && [ "$size" -gt 500000 ] &&
		grep -q 'stopped at --max-size 1 MiB' "$TMP/cap.err" && decodes "$TMP/cap.pf" &&
		pass max_size || fail max_size "exit $rc after $took s, $size bytes: $(cat "$TMP/cap.err")"
}

# Ctrl-C: a whole trace, exit 0, no program left.
t_sigint() {
	before=$(our_progs)
	$ST record -o "$TMP/int.pf" 2> "$TMP/int.err" &
	r=$!
	sleep 1
	kill -INT $r
	wait $r; rc=$?
	[ $rc -eq 0 ] && decodes "$TMP/int.pf" && [ "$(our_progs)" -eq "$before" ] &&
		grep -q 'events' "$TMP/int.err" && pass sigint ||
		fail sigint "exit $rc, $(our_progs) programs (before: $before): $(cat "$TMP/int.err")"
}

# --pelt on a 5-on/5-off duty cycle: its util_avg track ramps to about
# half of 1024 (PELT's steady mean for 50%), within 0..1024 throughout,
# in time order; its util_est track and the CPU's tracks are there.
t_pelt() {
	$ST_BIN workload burst --on 5 --off 5 --cpu 1 --duration 4 > "$TMP/b.out" &
	b=$!
	sleep 0.5
	tid=$(awk '{ print $2 }' "$TMP/b.out")
	$ST record --pelt -p "$tid" -o "$TMP/p.pf" -d 1.5 2> "$TMP/p.err"; rc=$?
	kill $b 2> /dev/null; wait $b 2> /dev/null
	[ $rc -eq 0 ] || { fail pelt "exit $rc: $(cat "$TMP/p.err")"; return; }
	decodes "$TMP/p.pf" || { fail pelt "protoc: $(head -3 "$TMP/protoc.err")"; return; }
	set -- $(awk -v want="schedtap $tid util_avg" '
		/^  timestamp: / { ts = $2 }
		/^    uuid: / { uuid = $2 }
		/^    name: / { name[uuid] = substr($0, index($0, "\"") + 1); sub(/"$/, "", name[uuid]) }
		/^    track_uuid: / { t = $2 }
		/^    double_counter_value: / {
			if (name[t] == want) {
				n++; v = $2 + 0; if (v < 0 || v > 1024) bad++
				if (ts + 0 < last + 0) bad++; last = ts; vals[n] = v
			}
			seen[name[t]] = 1
		}
		END {
			for (i = int(n / 2) + 1; i <= n; i++) { sum += vals[i]; k++ }
			printf "%d %d %.0f %d %d %d\n", n, bad, k ? sum / k : -1,
				seen["schedtap " '"$tid"' " util_est"], seen["CPU 1 util_avg"], seen["CPU 1 nr_running"]
		}' "$TMP/typed")
	echo "    pelt: $1 util_avg values of $tid, second half's mean $3"
	[ "$1" -ge 20 ] && [ "$2" -eq 0 ] && [ "$3" -ge 350 ] && [ "$3" -le 700 ] && [ "$4" = 1 ] &&
		[ "$5" = 1 ] && [ "$6" = 1 ] && pass pelt ||
		fail pelt "$1 values, $2 out of range or order, mean $3; util_est $4, CPU 1 util $5, nr_running $6"
}

# The perf-buffer fallback writes the same trace, --pelt's counters too
# (perf pads its records to 8 bytes: PELT's 104 arrive as 108).
t_perf_buffer() {
	$ST record --perf-buffer --pelt -o "$TMP/pb.pf" -d 0.5 2> "$TMP/pb.err" ||
		{ fail perf_buffer "exit $?: $(cat "$TMP/pb.err")"; return; }
	decodes "$TMP/pb.pf" || { fail perf_buffer "protoc: $(head -3 "$TMP/protoc.err")"; return; }
	set -- $(shape "$TMP/pb.pf")
	[ "$1" -gt 0 ] && [ "$3" -eq 0 ] && grep -q 'name: "CPU 0 util_avg"' "$TMP/typed" &&
		grep -q 'double_counter_value' "$TMP/typed" && ! grep -q 'unknown shape' "$TMP/pb.err" &&
		pass perf_buffer || fail perf_buffer "$1 switches, $3 out of order: $(cat "$TMP/pb.err")"
}

t_usage() {
	$ST record -d 1 2> "$TMP/u1"; r1=$?
	$ST record --read "$TMP/rec.bin" -d 1 -o "$TMP/x" 2> "$TMP/u2"; r2=$?
	printf 'not a trace' > "$TMP/bogus"
	$ST record --read "$TMP/bogus" -o "$TMP/x" 2> "$TMP/u3"; r3=$?
	[ $r1 -eq 2 ] && grep -q 'give -o FILE' "$TMP/u1" && [ $r2 -eq 2 ] &&
		grep -q 'no tracing options' "$TMP/u2" && [ $r3 -eq 1 ] &&
		grep -q 'not a schedtap trace file' "$TMP/u3" && pass usage ||
		fail usage "exits $r1 $r2 $r3: $(cat "$TMP/u1" "$TMP/u2" "$TMP/u3")"
}

command -v protoc > /dev/null || { fail protoc "protoc is missing: make deps installs protobuf-compiler"; exit 0; }
t_live
t_read
t_compact
t_max_size
t_sigint
t_pelt
t_perf_buffer
t_usage
