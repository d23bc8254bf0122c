#!/bin/sh
# LLVM oracle: our assembler's bytes and our disassembler's text against
# llvm-mc / llvm-objdump 19, for every instruction form (tests/oracle/README.md).
#   usage: tests/oracle/run.sh     (BUILD=dir to build elsewhere than build/)
set -u
cd "$(dirname "$0")/../.." || exit 1
out=${BUILD:-build}/oracle
: "${LLVM_MC:=llvm-mc-19}" "${LLVM_OBJCOPY:=llvm-objcopy-19}" "${LLVM_OBJDUMP:=llvm-objdump-19}"
export LLVM_MC LLVM_OBJCOPY LLVM_OBJDUMP
for t in "$LLVM_MC" "$LLVM_OBJCOPY" "$LLVM_OBJDUMP"; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "FAIL oracle/tools: $t not found (install llvm-19: toolchain/deps.sh)"
		exit 1
	fi
done
mkdir -p "$out" || exit 1
if ! gcc -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -I. -Isrc \
	-o "$out/oracle" tests/oracle/oracle.c tests/oracle/oracle_gen.c tests/oracle/oracle_norm.c \
	asm/asm.c asm/disasm.c src/core/help.c src/core/help_codec.c 2>"$out/build.err"; then
	echo "FAIL oracle/build: gcc failed"
	sed 's/^/    /' "$out/build.err" | head -20
	exit 1
fi
exec "$out/oracle" "$out"
