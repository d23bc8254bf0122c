#!/bin/sh
# schedtap report: the page rendered by a real browser (headless
# Chromium): every section in its DOM, the figures drawn (bars in the
# timeline, one histogram per CPU), nothing fetched and no script; a
# screenshot of each section at desktop and phone widths (kept in
# $REPORT_PNG_DIR, default the test's temporary directory, never the
# repository); a recording's page counts what trace reads from it;
# loadtrack's timeline plotted; a real-time task kept waiting found as an
# inversion; task names with markup in them escaped.
SUITE=report
. "$(dirname "$0")/../lib.sh"
PNG_DIR=${REPORT_PNG_DIR:-$TMP}
SECTIONS="summary timeline runqlat tasks latency"

browser() {
	timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
		--enable-logging=stderr --v=0 "$@" 2>> "$TMP/chromium.err"
}

# The DOM as the browser built it: sections, figures, tables.
t_dom() {
	page=$1 name=$2 cpus=$3
	browser --dump-dom "file://$page" > "$TMP/$name.dom" ||
		{ fail "${name}_dom" "chromium exit $?: $(tail -3 "$TMP/chromium.err")"; return; }
	missing=
	for s in $SECTIONS; do
		grep -q "<section id=\"$s\">" "$TMP/$name.dom" || missing="$missing $s"
	done
	bars=$(sed -n '/<section id="timeline">/,/<\/section>/p' "$TMP/$name.dom" | grep -o '<rect ' | wc -l)
	svgs=$(grep -o '<svg ' "$TMP/$name.dom" | wc -l)
	rows=$(sed -n '/<section id="tasks">/,/<\/section>/p' "$TMP/$name.dom" | grep -o '<tr>' | wc -l)
	echo "    $name: $bars timeline bars, $svgs figures, $((rows - 1)) task rows"
	[ -z "$missing" ] && [ "$bars" -gt 0 ] && [ "$svgs" -eq $((2 + cpus)) ] && [ "$rows" -gt 2 ] &&
		pass "${name}_dom" || fail "${name}_dom" "missing:$missing; $bars bars, $svgs svgs, $rows rows"
	# Self-contained: nothing to fetch, nothing to run.
	! grep -qiE '<script|src=|href=|url\(|@import' "$page" && pass "${name}_offline" ||
		fail "${name}_offline" "$(grep -oiE '<script|src=[^ ]*|href=[^ ]*|url\([^)]*' "$page" | head -3)"
	! grep -q 'CONSOLE' "$TMP/chromium.err" && pass "${name}_console" ||
		fail "${name}_console" "$(grep CONSOLE "$TMP/chromium.err" | head -3)"
}

# Each section alone (the page's head and style, then that section), at
# 1280 and 390 pixels wide: headless Chromium paints only the first
# screen of a page scrolled to a fragment.
t_screenshots() {
	page=$1 name=$2 ok=0
	for s in $SECTIONS; do
		awk -v RS='<section id="' -v s="$s" 'NR == 1 { head = $0 }
			index($0, s "\"") == 1 { printf "%s<section id=\"%s", head, $0 }' "$page" \
			> "$TMP/$name-$s.html"
		for w in 1280 390; do
			png="$PNG_DIR/$name-$s-$w.png"
			browser --window-size=$w,1000 --screenshot="$png" "file://$TMP/$name-$s.html" \
				> /dev/null && [ "$(wc -c < "$png")" -gt 5000 ] && ok=$((ok + 1))
		done
	done
	[ $ok -eq 10 ] && pass "${name}_screenshots" || fail "${name}_screenshots" "$ok of 10 taken"
}

t_live() {
	$ST_BIN workload pingpong --duration 3 > "$TMP/pp.out" &
	w1=$!
	$ST_BIN workload burst --on 5 --off 5 --duration 3 > /dev/null &
	w2=$!
	sleep 0.2
	$ST report -o "$TMP/live.html" -d 1 2> "$TMP/live.err"; rc=$?
	kill $w1 $w2 2> /dev/null; wait $w1 $w2 2> /dev/null
	[ $rc -eq 0 ] || { fail live "exit $rc: $(cat "$TMP/live.err")"; return; }
	tid=$(awk 'NR == 1 { print $2 }' "$TMP/pp.out")
	grep -q "<tr><td>schedtap ($tid)</td>" "$TMP/live.html" && tail -c 20 "$TMP/live.html" |
		grep -q '</html>' && pass live ||
		fail live "no row of the pingpong thread $tid, or no end: $(tail -c 100 "$TMP/live.html")"
	t_dom "$TMP/live.html" live "$(nproc)"
	t_screenshots "$TMP/live.html" live
}

# A recording: the page's switch count is trace's for the same file.
t_read() {
	$ST_BIN workload pingpong --duration 2 > /dev/null &
	w=$!
	sleep 0.2
	$ST trace -e --binary -o "$TMP/rec.bin" -d 0.5 2> /dev/null
	kill $w 2> /dev/null; wait $w 2> /dev/null
	$ST report --read "$TMP/rec.bin" -o "$TMP/rec.html" 2> "$TMP/read.err" ||
		{ fail read "exit $?: $(cat "$TMP/read.err")"; return; }
	n=$($ST_BIN trace --read "$TMP/rec.bin" --csv | awk -F, '$4 == "switch"' | wc -l)
	grep -q "events, $n switches" "$TMP/rec.html" && pass read ||
		fail read "trace reads $n switches; the page: $(grep -o '[0-9]* switches' "$TMP/rec.html")"
	t_dom "$TMP/rec.html" read "$(nproc)"
}

# --loadtrack: loadtrack's own timeline, one plot per scenario with its
# four lines drawn.
t_loadtrack() {
	$ST_BIN loadtrack -s step --timeline --csv > "$TMP/lt.csv" 2> "$TMP/lt.err" ||
		{ fail loadtrack "loadtrack exit $?: $(cat "$TMP/lt.err")"; return; }
	$ST report --read "$TMP/rec.bin" --loadtrack "$TMP/lt.csv" -o "$TMP/lt.html" 2> "$TMP/lr.err" ||
		{ fail loadtrack "exit $?: $(cat "$TMP/lr.err")"; return; }
	browser --dump-dom "file://$TMP/lt.html" > "$TMP/lt.dom"
	sect=$(sed -n '/<section id="loadtrack">/,/<\/section>/p' "$TMP/lt.dom")
	lines=$(echo "$sect" | grep -o '<polyline [^>]*points="[0-9]' | wc -l)
	plots=$(echo "$sect" | grep -o '<h3>step</h3>' | wc -l)
	[ "$plots" -eq 1 ] && [ "$lines" -eq 4 ] && pass loadtrack ||
		fail loadtrack "$plots plots of step, $lines lines with points"
	printf 'scenario,t_ms\nx,1\n' > "$TMP/bad.csv"
	$ST report --read "$TMP/rec.bin" --loadtrack "$TMP/bad.csv" -o "$TMP/x" 2> "$TMP/bad.err"; rc=$?
	[ $rc -eq 1 ] && grep -q 'no column truth_8ms' "$TMP/bad.err" && pass loadtrack_refused ||
		fail loadtrack_refused "exit $rc: $(cat "$TMP/bad.err")"
}

# Inversions: a SCHED_FIFO hog on CPU 1 beside a CFS spinner there;
# the kernel gives CFS its share (RT throttling, or the fair server on
# 6.12 and later: 50 ms a second), so the real-time task waits runnable
# for tens of ms while a lower-priority one runs: inversion's detector
# finds it in the events. Both stop by themselves within 2.5 s.
t_inversions() {
	( exec timeout 3 chrt -f 10 taskset -c 1 sh -c 'while :; do :; done' ) &
	rt=$!
	( exec taskset -c 1 timeout 3 sh -c 'while :; do :; done' ) &
	cfs=$!
	$ST report -o "$TMP/inv.html" -d 2 2> "$TMP/inv.err"; rc=$?
	wait $rt $cfs 2> /dev/null
	# The hog is timeout's child: sh at FIFO 10 (prio 89).
	rows=$(sed -n '/<section id="inversions">/,/<\/section>/p' "$TMP/inv.html" |
		grep -c '<tr><td>[0-9.]*</td><td>1</td><td>sh ([0-9]*, prio 89)</td>')
	echo "    inversions: $rows rows of the FIFO sh on CPU 1"
	[ $rc -eq 0 ] && [ "$rows" -ge 1 ] && pass inversions ||
		fail inversions "exit $rc, $rows rows: $(sed -n '/<section id="inversions">/,/<\/section>/p' "$TMP/inv.html" | head -c 600)"
}

# The lottery monitor loaded: two CPU hogs at nice 0 and 5 on CPU 1 owed
# 1024 and 335 of 1359 tickets (75% and 25%); the page lists both, CFS
# gives each close to what it is owed. Left as found when it was loaded.
t_lottery() {
	loaded=
	if [ ! -e /sys/fs/bpf/schedtap/lottery ]; then
		$ST_BIN lottery load > /dev/null 2>&1 || { fail lottery "lottery load failed"; return; }
		loaded=1
	fi
	$ST_BIN workload cpu --nice 0 --cpu 1 --duration 2.5 > "$TMP/c0.out" &
	a=$!
	$ST_BIN workload cpu --nice 5 --cpu 1 --duration 2.5 > "$TMP/c5.out" &
	b=$!
	sleep 0.3
	$ST report -o "$TMP/lot.html" -d 1.5 2> "$TMP/lot.err"; rc=$?
	wait $a $b
	[ -n "$loaded" ] && $ST_BIN lottery unload > /dev/null 2>&1
	p0=$(awk '{ print $2 }' "$TMP/c0.out") p5=$(awk '{ print $2 }' "$TMP/c5.out")
	sect=$(sed -n '/<section id="lottery">/,/<\/section>/p' "$TMP/lot.html")
	set -- $(echo "$sect" | awk -v a="$p0" -v b="$p5" -F'</?td>' '
		index($0, "(" a ")</td>") { ga = $8 } index($0, "(" b ")</td>") { gb = $8 }
		END { print ga + 0, gb + 0 }')
	echo "    lottery: nice 0 got $1%, nice 5 got $2% (owed 75.3 and 24.7)"
	[ $rc -eq 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > 65 && a < 85 && b > 15 && b < 35) }' &&
		pass lottery || fail lottery "exit $rc: $(echo "$sect" | head -c 800)"
}

# A task named with markup: escaped wherever it appears.
t_escaped() {
	odd="$TMP/x<b>&\"q'"
	ln -s "$(command -v sleep)" "$odd"
	"$odd" 3 &
	s=$!
	( while :; do :; done ) &
	spin=$!
	$ST report -o "$TMP/odd.html" -d 0.5 2> /dev/null
	kill $s $spin 2> /dev/null; wait $s $spin 2> /dev/null
	! grep -qF 'x<b>' "$TMP/odd.html" && pass escaped || fail escaped "raw markup in the page"
}

t_usage() {
	$ST report -d 1 2> "$TMP/u1"; r1=$?
	$ST report --read "$TMP/rec.bin" -d 1 -o "$TMP/x" 2> "$TMP/u2"; r2=$?
	[ $r1 -eq 2 ] && grep -q 'give -o FILE' "$TMP/u1" && [ $r2 -eq 2 ] && grep -q 'reports on a file' "$TMP/u2" &&
		pass usage || fail usage "exits $r1 $r2: $(cat "$TMP/u1" "$TMP/u2")"
}

command -v chromium > /dev/null || { fail chromium "chromium is missing: make deps installs it"; exit 0; }
t_live
t_read
t_loadtrack
t_inversions
t_lottery
t_escaped
t_usage
