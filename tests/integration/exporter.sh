#!/bin/sh
# schedtap exporter scraped by a real Prometheus (Debian's, on loopback,
# every second), its figures queried back through Prometheus' HTTP API and
# set against independent sources: perf's context-switch counter, a
# stopped task's /proc schedstat. Then the requests a scraper never sends
# (curl, and raw bytes through curl's telnet://), and a clean stop.
SUITE=exporter
. "$(dirname "$0")/../lib.sh"

# Ports of our own, away from a packaged Prometheus (9090) and from the
# exporter's default (9469, which a user's exporter may hold).
EP=$((20000 + $$ % 5000))
PP=$((EP + 5000))
URL=http://127.0.0.1:$EP

start_exporter() {	# [options]
	$ST exporter --listen 127.0.0.1:$EP "$@" > "$TMP/exp.out" 2> "$TMP/exp.err" &
	ep=$!
	for _ in $(seq 50); do
		curl -s -o /dev/null "$URL/" && return 0
		sleep 0.1
	done
	return 1
}

stop_exporter() {	# the exit code
	kill -TERM $ep 2>/dev/null
	wait $ep
}

# An instant query's first value, or "" (Prometheus' own error on stderr).
query() {	# expr [unix-time]
	curl -s "http://127.0.0.1:$PP/api/v1/query" --data-urlencode "query=$1" \
		${2:+--data-urlencode "time=$2"} > "$TMP/q.json"
	jq -r '.data.result[0].value[1] // empty' "$TMP/q.json"
}

start_prometheus() {
	cat > "$TMP/prom.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  scrape_timeout: 900ms
	scrape_configs:
	  - job_name: schedtap
	    static_configs:
	      - targets: ['127.0.0.1:$EP']
	EOF
	prometheus --config.file="$TMP/prom.yml" --storage.tsdb.path="$TMP/tsdb" \
		--web.listen-address=127.0.0.1:$PP > "$TMP/prom.log" 2>&1 &
	pp=$!
	for _ in $(seq 150); do
		[ "$(query 'up{job="schedtap"}')" = 1 ] && return 0
		sleep 0.2
	done
	return 1
}

# The scrape Prometheus took (OpenMetrics, which it asks for first) and
# the text format both pass promtool; every family is documented.
t_formats() {
	curl -s "$URL/metrics" > "$TMP/text"
	curl -s -H 'Accept: application/openmetrics-text; version=1.0.0' "$URL/metrics" > "$TMP/om"
	promtool check metrics < "$TMP/text" > "$TMP/lint" 2>&1 ||
		{ fail promtool_check_metrics "$(head -5 "$TMP/lint")"; return; }
	pass promtool_check_metrics
	[ "$(tail -1 "$TMP/om")" = "# EOF" ] && ! grep -q '^# EOF' "$TMP/text" &&
		grep -q '^# TYPE schedtap_cpu_context_switches counter$' "$TMP/om" &&
		grep -q '^# TYPE schedtap_cpu_context_switches_total counter$' "$TMP/text" &&
		pass openmetrics_when_asked || fail openmetrics_when_asked "$(tail -2 "$TMP/om")"
	for f in $(awk '/^# TYPE/ { print $3 }' "$TMP/text"); do
		grep -q "^# HELP $f " "$TMP/text" || { fail documented "no HELP for $f"; return; }
		grep -q "${f%_total}" README.md || { fail documented "$f not in README"; return; }
	done
	pass documented
}

# Over the same seconds of a steady ping-pong, the rate of our counters
# summed over CPUs, as Prometheus computes it, against perf's count of
# every switch on every CPU. The ping-pong is pinned to CPU 1: across
# both CPUs its rate wanders with what else runs (Prometheus, the
# exporter, perf), and a 5 s rate and perf's 5 s, aligned within a
# scrape, were 0.2-7% apart in 5 runs; pinned, 0.01-0.2% in 4.
t_rate_vs_perf() {
	timeout -k 2 30 taskset -c 1 perf bench sched pipe -l 100000000 > /dev/null 2>&1 &
	bp=$!
	sleep 3
	# perf's 5 s end where the query's window does (the rate's samples
	# are the scrapes within it, extrapolated to its edges).
	perf stat -e context-switches -a -x, -o "$TMP/perf.out" -- sleep 5 > /dev/null 2>&1
	end=$(date +%s.%N)
	sleep 1.5	# the scrape after the window's end is in
	rate=$(query 'sum(rate(schedtap_cpu_context_switches_total[5s]))' "$end")
	kill $bp 2>/dev/null; wait $bp 2>/dev/null
	theirs=$(awk -F, '$3 ~ /^context-switches/ { printf "%d", $1 / 5 }' "$TMP/perf.out")
	ours=${rate%.*}
	echo "    rate(schedtap_cpu_context_switches_total[5s]) summed $ours/s, perf context-switches $theirs/s"
	case $ours$theirs in ''|*[!0-9]*) fail rate_vs_perf "query said $(cat "$TMP/q.json"); perf said $(cat "$TMP/perf.out")"; return ;; esac
	[ "$theirs" -gt 5000 ] || { fail rate_vs_perf "only $theirs switches/s to compare"; return; }
	within_pct "$ours" "$theirs" 5 && pass rate_vs_perf || fail rate_vs_perf "$ours/s vs perf $theirs/s"
}

# A busy `workload cpu` thread, stopped so that its count freezes: its
# series as Prometheus stored it against the kernel's schedstat.
t_task_cpu_seconds() {
	$ST workload cpu --threads 1 --duration 20 > "$TMP/w" &
	wp=$!
	sleep 3
	tid=$(awk '$1 == "cpu" { print $2; exit }' "$TMP/w")
	kill -STOP $wp
	sleep 2.5	# two scrapes of the stopped thread
	proc=$(cut -d' ' -f1 /proc/$wp/task/$tid/schedstat)
	got=$(query "schedtap_task_cpu_seconds_total{pid=\"$tid\"}")
	kill -KILL $wp; wait $wp 2>/dev/null
	ours=$(awk -v s="$got" 'BEGIN { printf "%.0f", s * 1e9 }')
	echo "    workload cpu thread $tid: $got s in Prometheus, schedstat $proc ns"
	[ -n "$got" ] && within_pct "$ours" "$proc" 2 && pass task_cpu_seconds_vs_schedstat ||
		fail task_cpu_seconds_vs_schedstat "thread $tid: '$got' s vs $proc ns"
}

# The series count stays --top + 1 whatever the number of tasks; "other"
# never goes back while tasks come and go (a fork churn frees hundreds).
t_bounded_and_monotonic() {
	$ST workload fork --rate 2000 --duration 6 > /dev/null &
	fp=$!
	for i in 1 2 3 4 5; do
		curl -s "$URL/metrics" | awk -v i=$i '/^schedtap_task_cpu_seconds_total/ { n++ }
			/^schedtap_task_cpu_seconds_total\{pid="other"/ { o = $2 }
			END { print i, n, o }'
		sleep 1
	done > "$TMP/churn"
	wait $fp
	echo "    scrape, series, other's CPU seconds: $(tr '\n' ';' < "$TMP/churn")"
	awk -v top=5 'BEGIN { ok = 1 } $2 != top + 1 || $3 < prev { ok = 0 } { prev = $3 } END { exit !ok }' \
		"$TMP/churn" && pass bounded_series_other_monotonic ||
		fail bounded_series_other_monotonic "$(cat "$TMP/churn")"
	got=$(query 'max(resets(schedtap_task_cpu_seconds_total{pid="other"}[30s]))')
	[ "$got" = 0 ] && pass no_counter_resets || fail no_counter_resets "resets() = '$got'"
}

# Quantiles over the buckets' rates: numbers, and in order.
t_quantiles() {
	p50=$(query 'histogram_quantile(0.5, sum by (le) (rate(schedtap_runqueue_latency_seconds_bucket[5s])))')
	p99=$(query 'histogram_quantile(0.99, sum by (le) (rate(schedtap_runqueue_latency_seconds_bucket[5s])))')
	echo "    run-queue latency p50 $p50 s, p99 $p99 s"
	awk -v a="$p50" -v b="$p99" 'BEGIN { exit !(a ~ /^[0-9.e+-]+$/ && b ~ /^[0-9.e+-]+$/ &&
		a > 0 && a <= b && b < 100) }' && pass histogram_quantile_ordered ||
		fail histogram_quantile_ordered "p50 '$p50' p99 '$p99'"
}

# The lottery collector follows the pinned monitor: loaded 1 and the two
# pinned spinners' tickets (CFS weights: nice 0 = 1024, nice 5 = 335);
# their shares over a scrape interval got in the ratio they were owed
# (10%); after unload, loaded 0 and no series.
series() {	# family pid file
	awk -v f="$1" -v p="pid=\"$2\"" 'index($0, f "{") == 1 && index($0, p) { print $2 }' "$3"
}
t_lottery() {
	$ST_BIN lottery unload > /dev/null 2>&1
	$ST lottery load > "$TMP/lot.out" 2>&1 || { fail lottery_shares "load: $(cat "$TMP/lot.out")"; return; }
	$ST workload cpu --cpu 1 --duration 12 > "$TMP/l0" &
	l0=$!
	$ST workload cpu --cpu 1 --nice 5 --duration 12 > "$TMP/l5" &
	l5=$!
	sleep 2
	curl -s "$URL/metrics" > /dev/null
	sleep 3
	curl -s "$URL/metrics" > "$TMP/lot.page"
	kill $l0 $l5; wait $l0 $l5
	t0=$(awk '{ print $2 }' "$TMP/l0") t5=$(awk '{ print $2 }' "$TMP/l5")
	k0=$(series schedtap_lottery_tickets "$t0" "$TMP/lot.page")
	k5=$(series schedtap_lottery_tickets "$t5" "$TMP/lot.page")
	o0=$(series schedtap_lottery_share_expected_ratio "$t0" "$TMP/lot.page")
	o5=$(series schedtap_lottery_share_expected_ratio "$t5" "$TMP/lot.page")
	g0=$(series schedtap_lottery_share_actual_ratio "$t0" "$TMP/lot.page")
	g5=$(series schedtap_lottery_share_actual_ratio "$t5" "$TMP/lot.page")
	echo "    nice 0 / nice 5 spinners: tickets $k0/$k5, owed $o0/$o5, got $g0/$g5"
	grep -q '^schedtap_lottery_loaded 1$' "$TMP/lot.page" && [ "$k0" = 1024 ] && [ "$k5" = 335 ] &&
		awk -v o0="$o0" -v o5="$o5" -v g0="$g0" -v g5="$g5" 'BEGIN {
			if (o5 <= 0 || g5 <= 0) exit 1; r = (g0 / g5) / (o0 / o5); exit !(r > 0.9 && r < 1.1) }' &&
		pass lottery_shares || fail lottery_shares "$(grep '^schedtap_lottery' "$TMP/lot.page" | head -12)"
	$ST lottery unload > /dev/null 2>&1
	curl -s "$URL/metrics" > "$TMP/lot.page"
	grep -q '^schedtap_lottery_loaded 0$' "$TMP/lot.page" && ! grep -q '^schedtap_lottery_tickets{' "$TMP/lot.page" &&
		pass lottery_unloaded || fail lottery_unloaded "$(grep '^schedtap_lottery' "$TMP/lot.page" | head -5)"
}

# What a raw request gets back: the status line's code, or "closed".
raw() {	# bytes (printf format) [seconds to hold the connection open]
	{ printf "$1"; sleep "${2:-0.5}"; } |
		curl -s --max-time 10 "telnet://127.0.0.1:$EP" 2>/dev/null | head -1 |
		awk '{ print $2 } END { if (!NR) print "closed" }'
}

t_bad_requests() {
	long=$(head -c 9000 /dev/zero | tr '\0' a)
	many=$(for i in $(seq 70); do printf 'X-%d: y\\r\\n' $i; done)
	path=$(head -c 300 /dev/zero | tr '\0' p)
	for c in "400 GARBAGE\r\n\r\n" "400 GET\r\n\r\n" "400 GET metrics HTTP/1.1\r\n\r\n" \
		"505 GET /metrics HTTP/2.0\r\n\r\n" "405 POST /metrics HTTP/1.1\r\n\r\n" \
		"405 DELETE / HTTP/1.1\r\n\r\n" "404 GET /etc/passwd HTTP/1.1\r\n\r\n" \
		"404 GET /../../etc/passwd HTTP/1.1\r\n\r\n" "414 GET /$path HTTP/1.1\r\n\r\n" \
		"431 GET /metrics HTTP/1.1\r\nX-Long: $long\r\n\r\n" \
		"431 GET /metrics HTTP/1.1\r\n$many\r\n" \
		"400 GET /metrics HTTP/1.1\r\nNo colon\r\n\r\n" \
		"400 GET /metrics HTTP/1.1\r\n folded: x\r\n\r\n" \
		"200 GET /metrics?x=1 HTTP/1.0\r\n\r\n" "200 \r\nHEAD / HTTP/1.1\r\n\r\n"; do
		want=${c%% *}
		got=$(raw "${c#* }")
		[ "$got" = "$want" ] || { fail bad_requests "'$(printf '%.40s' "${c#* }")': $got, want $want"; return; }
	done
	pass bad_requests
	curl -s -i -X POST "$URL/metrics" | grep -qi '^Allow: GET, HEAD' &&
		pass method_not_allowed_says_allow || fail method_not_allowed_says_allow "no Allow header"
	[ -z "$(curl -s -I "$URL/metrics" | sed -n '/^\r$/,$p' | tail -n +2)" ] &&
		[ "$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/metrics")" = 200 ] &&
		pass head_has_no_body || fail head_has_no_body "HEAD answered with a body"
}

# Clients that send half a head and wait: each is answered 408 when its
# 5 s are up, and the four slots they hold are free again; meanwhile a
# scrape waits in the backlog, then is served.
t_slowloris() {
	t0=$(date +%s)
	slow=
	for i in 1 2 3 4; do
		raw 'GET /metrics HTTP/1.1\r\nHost: x\r\n' 8 > "$TMP/slow$i" &
		slow="$slow $!"
	done
	sleep 0.5
	code=$(curl -s -o /dev/null --max-time 15 -w '%{http_code}' "$URL/metrics")
	t1=$(date +%s)
	wait $slow
	slow=$(cat "$TMP/slow1" "$TMP/slow2" "$TMP/slow3" "$TMP/slow4" | sort -u | tr '\n' ' ')
	echo "    four slow clients got: $slow; a scrape meanwhile: $code after $((t1 - t0)) s"
	[ "$slow" = "408 " ] && [ "$code" = 200 ] && [ $((t1 - t0)) -le 8 ] &&
		pass slow_clients_timed_out || fail slow_clients_timed_out "slow: $slow, scrape: $code after $((t1 - t0)) s"
	code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/metrics")
	[ "$code" = 200 ] && pass still_serving || fail still_serving "after the bad requests: $code"
}

t_usage() {
	$ST exporter --listen nonsense > /dev/null 2> "$TMP/u"; rc=$?
	[ $rc -eq 2 ] || [ $rc -eq 1 ] && grep -q "ADDRESS:PORT" "$TMP/u" &&
		pass bad_listen_said || fail bad_listen_said "exit $rc: $(cat "$TMP/u")"
	$ST exporter --collectors cpu,bogus > /dev/null 2> "$TMP/u"; rc=$?
	[ $rc -eq 2 ] && pass bad_collector_usage || fail bad_collector_usage "exit $rc: $(cat "$TMP/u")"
	$ST exporter --listen 127.0.0.1:$EP -d 1 > /dev/null 2> "$TMP/u"; rc=$?
	[ $rc -eq 1 ] && grep -q "another exporter" "$TMP/u" &&
		pass port_in_use_said || fail port_in_use_said "exit $rc: $(cat "$TMP/u")"
}

# -d ends it on time, with only the collectors asked for.
t_duration_and_collectors() {
	$ST exporter --listen 127.0.0.1:$((EP + 1)) --collectors cpu -d 2 > /dev/null 2> "$TMP/d.err" &
	dp=$!
	sleep 1
	fams=$(curl -s "http://127.0.0.1:$((EP + 1))/metrics" | awk '/^# TYPE schedtap_(cpu|runq|task|lottery)/ { print $3 }' | tr '\n' ' ')
	wait $dp; rc=$?
	[ $rc -eq 0 ] && [ "$fams" = "schedtap_cpu_context_switches_total " ] &&
		pass duration_and_collectors || fail duration_and_collectors "exit $rc, families: $fams; $(cat "$TMP/d.err")"
}

# --pin: the programs count on after the exporter exits, the next --pin
# exporter goes on from their counts; another choice of collectors and
# a pinned map of the wrong shape are refused; unload leaves nothing.
PIN_DIR=/sys/fs/bpf/schedtap/exporter
switches_sum() {	# port
	curl -s "http://127.0.0.1:$1/metrics" |
		awk '/^schedtap_cpu_context_switches_total/ { s += $2 } END { print s + 0 }'
}
pinned_exporter() {	# seconds: the switches summed a second in
	$ST exporter --listen 127.0.0.1:$((EP + 2)) --collectors cpu,tasks --pin -d "$1" 2>> "$TMP/pin.err" &
	xp=$!
	sleep 1
	switches_sum $((EP + 2))
	wait $xp
}
t_pin() {
	$ST_BIN exporter unload > /dev/null 2>&1
	a=$(pinned_exporter 2)
	left=$(our_progs)
	sleep 1
	b=$(pinned_exporter 2)
	echo "    first --pin exporter: $a switches; $left programs left counting; the second: $b"
	[ "$a" -gt 0 ] && [ "$left" -eq 5 ] && [ "$b" -gt "$a" ] &&
		grep -q "counting on in the pinned set" "$TMP/pin.err" &&
		pass pin_keeps_counting || fail pin_keeps_counting "$a then $b, $left programs: $(cat "$TMP/pin.err")"
	$ST exporter --pin --collectors cpu -d 1 > /dev/null 2> "$TMP/pin2.err"; rc=$?
	[ $rc -eq 1 ] && grep -q "not this exporter's" "$TMP/pin2.err" &&
		pass pin_other_collectors_refused || fail pin_other_collectors_refused "exit $rc: $(cat "$TMP/pin2.err")"
	rm "$PIN_DIR/map_switches" &&
		bpftool map create "$PIN_DIR/map_switches" type hash key 4 value 8 entries 4 name switches
	$ST exporter --pin --collectors cpu,tasks -d 1 > /dev/null 2> "$TMP/pin3.err"; rc=$?
	[ $rc -eq 1 ] && grep -q "not this exporter's" "$TMP/pin3.err" && grep -q "switches" "$TMP/pin3.err" &&
		pass pin_wrong_shape_refused || fail pin_wrong_shape_refused "exit $rc: $(cat "$TMP/pin3.err")"
	$ST exporter unload > "$TMP/unload.out" 2>&1; rc=$?
	for _ in $(seq 30); do [ "$(our_progs)" -eq 0 ] && break; sleep 0.1; done
	[ $rc -eq 0 ] && grep -q "^unloaded: $PIN_DIR is gone" "$TMP/unload.out" && [ ! -e "$PIN_DIR" ] &&
		[ "$(our_progs)" -eq 0 ] && pass unload_leaves_nothing ||
		fail unload_leaves_nothing "exit $rc: $(cat "$TMP/unload.out"); $(our_progs) programs"
	$ST exporter unload > "$TMP/unload.out" 2>&1; rc=$?
	[ $rc -eq 0 ] && grep -q "^nothing pinned" "$TMP/unload.out" &&
		pass unload_again_says_nothing || fail unload_again_says_nothing "exit $rc: $(cat "$TMP/unload.out")"
}

if ! start_exporter --top 5; then
	fail start "$(cat "$TMP/exp.err")"
else
	t_formats
	if start_prometheus; then
		pass prometheus_scrapes
		t_rate_vs_perf
		t_task_cpu_seconds
		t_bounded_and_monotonic
		t_quantiles
	else
		fail prometheus_scrapes "up != 1: $(tail -3 "$TMP/prom.log"); $(cat "$TMP/q.json")"
	fi
	kill $pp 2>/dev/null; wait $pp 2>/dev/null
	t_lottery
	t_bad_requests
	t_slowloris
	t_usage
	t0=$(date +%s%N)
	stop_exporter; rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $rc -eq 0 ] && [ $ms -lt 2000 ] && pass sigterm_clean_exit ||
		fail sigterm_clean_exit "exit $rc after $ms ms: $(cat "$TMP/exp.err")"
fi
t_duration_and_collectors
t_pin
[ "$(our_progs)" -eq 0 ] && pass nothing_left_attached || fail nothing_left_attached "$(bpftool prog show | grep -E 'name tap_')"
