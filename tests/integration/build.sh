#!/bin/sh
# What `make` leaves is what people copy: a stripped binary, with its
# debug info beside it for gdb and valgrind.
SUITE=build
. "$(dirname "$0")/../lib.sh"

case $(file -b "$ST_BIN") in
*", stripped"*) pass stripped ;;
*) fail stripped "$(file -b "$ST_BIN")" ;;
esac
link=$(readelf -p .gnu_debuglink "$ST_BIN" 2>/dev/null | awk '$1 == "[" && $2 == "0]" { print $3 }')
[ "$link" = schedtap.debug ] && [ -f "$BUILD/schedtap.debug" ] && pass debuglink ||
	fail debuglink "link '$link', $(ls -l "$BUILD/schedtap.debug" 2>&1)"
# gdb follows the link to the sources.
where=$(gdb -nx -batch -ex 'info line cmd_top' "$ST_BIN" 2>&1)
echo "$where" | grep -q 'src/cmd/top.c' && pass gdb_finds_lines || fail gdb_finds_lines "$where"
for b in "$BUILD"/aarch64/schedtap "$BUILD"/armhf/schedtap; do
	[ -f "$b" ] || continue
	a=$(basename "$(dirname "$b")")
	case $(file -b "$b") in
	*", stripped"*) [ -f "$b.debug" ] && pass "stripped_$a" || fail "stripped_$a" "no $b.debug" ;;
	*) fail "stripped_$a" "$(file -b "$b")" ;;
	esac
done
# The binary's malloc is ours (src/core/alloc.c), not musl's mallocng;
# under threads it keeps every block's bytes and alignment.
nm "$BUILD/schedtap.debug" | grep -q ' alloc_slot$' && fail own_malloc "musl's mallocng is linked" ||
	pass own_malloc
if musl-gcc -static -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$TMP/alloc_stress" \
	tests/integration/alloc_stress.c src/core/alloc.c -lpthread 2> "$TMP/alloc.err"; then
	out=$(timeout 60 "$TMP/alloc_stress" 2>&1)
	[ "$out" = ok ] && pass malloc_under_threads || fail malloc_under_threads "$out"
else
	fail malloc_under_threads "build: $(head -3 "$TMP/alloc.err")"
fi
