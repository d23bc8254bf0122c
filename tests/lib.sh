# Shared helpers for the integration tests (sourced). Each test prints
# PASS/FAIL lines; these run against the real kernel, as root.
BUILD=${BUILD:-build}
ST_BIN=$BUILD/schedtap
if [ -n "${VALGRIND:-}" ] && [ "$VALGRIND" != 0 ]; then
	# valgrind's own chatter (it warns about bpf commands it does not
	# model) goes to files; its verdict is the exit code 99.
	ST="valgrind -q --error-exitcode=99 --leak-check=full --log-file=/tmp/schedtap-valgrind.%p.log $ST_BIN"
else
	ST=$ST_BIN
fi
TMP=$(mktemp -d /tmp/schedtap-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

pass() { echo "PASS $SUITE/$1"; }
# (No globals: a caller's own $t must survive.)
fail() { echo "FAIL $SUITE/$1: $(shift; echo "$*")"; }
# check NAME COND-COMMAND... : PASS if the command succeeds.
check() { _check_name=$1; shift; if "$@"; then pass "$_check_name"; else fail "$_check_name" "failed: $*"; fi; }

# |a-b|/b <= pct/100, integers.
within_pct() {
	awk -v a="$1" -v b="$2" -v p="$3" 'BEGIN { d = a - b; if (d < 0) d = -d;
		exit !(b > 0 && d * 100 <= p * b) }'
}

# Programs of the subcommands still loaded in the kernel (tap_cpu_*,
# tap_top_*, tap_trace_*; test-only programs have other names).
our_progs() {
	bpftool prog show 2>/dev/null | grep -cE " name tap_(cpu|top|trace|runq|lat|inv|lot|pelt|micro|lt_)" || true
}
