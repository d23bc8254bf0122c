#!/bin/sh
# The test runner: runs every suite, each of which prints one line per
# test ("PASS name", "FAIL name: why", "SKIP name: why"), and ends with
# "N passed, N failed, N skipped". Exit 1 if anything failed.
#   tests/run.sh [suite...]    suites: unit oracle verifier integration fuzz soak e2e,
#                              or one integration script by name (cpu, probe)
#   VALGRIND=1 tests/run.sh integration   runs schedtap under valgrind
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
export BUILD
log=$BUILD/test-log
mkdir -p "$BUILD"
: > "$log"

run_suite() {
	name=$1
	shift
	echo "== $name" | tee -a "$log"
	out=$BUILD/suite-$name.out
	# A hung suite must fail, not hang CI.
	timeout -k 10 "${SUITE_TIMEOUT:-900}" "$@" > "$out" 2>&1
	rc=$?
	cat "$out" >> "$log"
	grep -E '^(PASS|FAIL|SKIP) ' "$out"
	grep -A8 -E '^FAIL ' "$out" | grep -vE '^(PASS|FAIL|SKIP) ' | sed 's/^/    /' | head -40
	# A suite that dies without saying why is a failure of its own.
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
		echo "FAIL $name/suite: exited $rc without a FAIL line" | tee -a "$log"
		tail -20 "$out" | sed 's/^/    /'
	fi
	# So is one that ran no test (a unit-test binary once exited 0 with
	# no line when a malloc meant for musl was built into its glibc).
	if ! grep -qE '^(PASS|FAIL|SKIP) ' "$out"; then
		echo "FAIL $name/suite: ran no test (exit $rc)" | tee -a "$log"
		tail -20 "$out" | sed 's/^/    /'
	fi
}

suites=${*:-unit oracle verifier integration fuzz soak e2e}
for s in $suites; do
	case $s in
	unit) run_suite unit "$BUILD/unit-tests" ;;
	oracle) run_suite oracle tests/oracle/run.sh ;;
	verifier) run_suite verifier "$BUILD/itest" ;;
	e2e) run_suite e2e tests/e2e/run.sh ;;
	fuzz) run_suite fuzz tests/fuzz/run.sh "${FUZZ_SECONDS:-25}" ;;
	soak) run_suite soak sh tests/soak.sh "${SOAK_MINUTES:-1}" ;;
	integration)
		for t in tests/integration/*.sh; do
			run_suite "$(basename "$t" .sh)" sh "$t"
		done ;;
	*)
		if [ -f "tests/integration/$s.sh" ]; then
			run_suite "$s" sh "tests/integration/$s.sh"
		else
			echo "unknown suite $s"; exit 2
		fi ;;
	esac
done

passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
skipped=$(grep -c '^SKIP ' "$log")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
