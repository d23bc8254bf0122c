# schedtap: one static binary, built with musl.
# ARCH=x86_64 (the default) builds build/schedtap with the host's musl-gcc.
# ARCH=aarch64 and ARCH=armhf cross-build build/ARCH/schedtap with Debian's
# cross gcc and the target's musl-dev, which toolchain/cross.sh fetches into
# $(SCHEDTAP_CACHE)/ARCH (never installed); `make cross` builds both.
ARCH    ?= x86_64
CROSS_ARCHES := aarch64 armhf
SCHEDTAP_CACHE ?= /var/cache/schedtap
ifeq ($(ARCH),x86_64)
BUILD   ?= build
CC      := musl-gcc
OBJCOPY := objcopy
XROOT   := $(BUILD)
else ifneq ($(filter $(ARCH),$(CROSS_ARCHES)),)
XROOT   ?= build
BUILD   ?= $(XROOT)/$(ARCH)
TRIPLE_aarch64 := aarch64-linux-gnu
TRIPLE_armhf   := arm-linux-gnueabihf
TRIPLE  := $(TRIPLE_$(ARCH))
XDIR    := $(SCHEDTAP_CACHE)/$(ARCH)
SPECS   := $(XDIR)/musl-gcc.specs
CC      := $(TRIPLE)-gcc -specs $(SPECS)
OBJCOPY := $(TRIPLE)-objcopy
# Objects and the link depend on the specs file (rewritten only when it
# changes); toolchain/cross.sh runs on every cross build, silent when ready.
TOOLCHAIN := $(SPECS)
UAPI_ARGS := $(TRIPLE) $(XDIR)/root
# The tests run the x86_64 build: don't let ARCH=aarch64 suggest otherwise.
ifneq ($(filter test unit bench e2e,$(MAKECMDGOALS)),)
$(error $(filter test unit bench e2e,$(MAKECMDGOALS)) runs on the x86_64 build only: drop ARCH=$(ARCH))
endif
else
$(error ARCH=$(ARCH) is not supported: x86_64 (the default), $(CROSS_ARCHES))
endif
HOSTCC  ?= gcc
WARN    := -Wall -Wextra -Werror
# Size first (issue 3: < 256 KiB stripped on every arch). -Os costs nothing
# measurable here: the hot paths are in the kernel and in musl's printf
# (make bench prints trace's user CPU per event). No unwind tables: C
# without exceptions or backtraces never reads them (~16 KiB). No PIE: the
# static link is a fixed-address executable anyway (~3 KiB on aarch64).
# At -Os gcc still inlines small functions into their many callers, and
# turns switches into jump tables: without either, 3.7 KiB less on x86-64
# (338112 -> 334432 bytes stripped); the hot formatter is -O2 below.
CFLAGS  ?= -Os -g -fno-inline-small-functions -fno-jump-tables
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -fno-pie -fno-asynchronous-unwind-tables -fno-unwind-tables \
	   -isystem $(BUILD)/uapi -I. -Isrc -ffunction-sections -fdata-sections
# aarch64: the tiny code model reaches any address in one adr, not
# adrp+add: 8 KiB less text (329896 -> 321704 bytes stripped). It needs
# the whole image within 1 MiB (0.9 MiB today, 0.56 of it the commands'
# static sessions in .bss); past that the link fails, loudly.
ifeq ($(ARCH),aarch64)
CFLAGS  += -mcmodel=tiny
endif
# No RELRO: in a static binary it guards almost nothing, and its page
# alignment pads the 64 KiB-aligned aarch64 file by ~56 KiB. musl's
# objects and ours (-ffunction-sections: 4 KiB) are per-function
# sections: drop the ones nothing calls.
LDFLAGS += -static -no-pie -Wl,-z,norelro -Wl,--gc-sections
# x86-64's ld puts code in a segment of its own, page-aligned on both
# sides in the file (up to 8 KiB of padding: 322688 -> 317568 bytes).
# One read-only segment with the code in it is what the other arches get.
ifeq ($(ARCH),x86_64)
LDFLAGS += -Wl,-z,noseparate-code
endif
# The output layer formats every event trace streams: at -Os, gcc divides
# by 10 with a div instruction per digit (a trace row's digits were 18%
# of the reader's time, and user CPU per CSV event was 800 ns).
$(BUILD)/obj/src/core/output.o: CFLAGS += -O2
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

# The layers (README's Layout): asm/ and bpf/, then src/'s folders.
LIB_SRCS  := $(wildcard asm/*.c) $(wildcard bpf/*.c) $(wildcard src/*/*.c)
HDRS      := $(wildcard asm/*.h bpf/*.h src/*/*.h)
SRCS      := $(LIB_SRCS) src/main.c
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps test unit oracle integration clean bench cross e2e fuzz soak FORCE $(CROSS_ARCHES:%=cross-%)
all: $(BUILD)/schedtap

$(BUILD)/uapi/linux: | $(TOOLCHAIN)
	toolchain/uapi-shim.sh $(BUILD)/uapi$(if $(UAPI_ARGS), $(UAPI_ARGS))

$(BUILD)/obj/%.o: %.c Makefile $(BUILD)/uapi/linux $(TOOLCHAIN) $(HDRS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -DSCHEDTAP_VERSION='"$(VERSION)"' -c -o $@ $<

# People copy the file that make made: it is the stripped one. The debug
# info goes beside it (schedtap.debug, found through the binary's
# .gnu_debuglink), so gdb and valgrind still show sources and lines.
# Two links: the first lays the help texts out together and they are
# compressed from it; the second holds them as zero-filled memory that
# the blob fills when help is asked for (src/core/help.h).
HELP_LDS := toolchain/help-keep.ld toolchain/help-nobits.ld
$(BUILD)/schedtap: $(OBJS) $(TOOLCHAIN) $(BUILD)/helpz $(HELP_LDS)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -Wl,-T,toolchain/help-keep.ld -o $@.texts $(OBJS)
	@$(OBJCOPY) -O binary --only-section=schedtap_help $@.texts $(BUILD)/help.bin
	@$(BUILD)/helpz $(BUILD)/help.bin $(BUILD)/help_blob.c
	@$(CC) $(CFLAGS) -c -o $(BUILD)/help_blob.o $(BUILD)/help_blob.c
	@$(CC) $(LDFLAGS) -Wl,-T,toolchain/help-nobits.ld -o $@.full $(OBJS) $(BUILD)/help_blob.o
	@rm -f $@.texts
	@$(OBJCOPY) --only-keep-debug $@.full $@.debug
	@$(OBJCOPY) --strip-all --add-gnu-debuglink=$@.debug $@.full $@.tmp
	@rm -f $@.full
	@mv $@.tmp $@

$(BUILD)/helpz: toolchain/helpz.c src/core/help_codec.c src/core/help.h
	@mkdir -p $(BUILD)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) -std=c11 -O2 $(WARN) -I. -Isrc -o $@ $<

# Unit tests run on the host compiler so that ASan and UBSan are available
# (musl has no sanitizer runtime); they exercise the same sources.
$(BUILD)/unit-tests: $(UNIT_SRCS) $(LIB_SRCS) $(HDRS) $(wildcard tests/unit/*.h tests/unit/*.def)
	@mkdir -p $(BUILD)
	@echo "  HOSTCC  $@ (ASan+UBSan)"
	@$(HOSTCC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(SAN) -I. -Isrc -Itests/unit \
		-DSCHEDTAP_VERSION='"test"' -o $@ $(UNIT_SRCS) $(LIB_SRCS) -lm

deps:
	@toolchain/deps.sh

unit: $(BUILD)/unit-tests

# Everything CI runs: unit, oracle, verifier, integration and the QEMU
# end-to-end suite (which boots the aarch64 and armhf builds too).
test: deps all unit $(BUILD)/itest
	@$(MAKE) --no-print-directory cross
	@tests/run.sh

clean:
	rm -rf $(BUILD)

# Integration checks that link the library (verifier, macros in-kernel).
ITEST_SRCS := $(wildcard tests/integration/itest*.c)
$(BUILD)/itest: $(ITEST_SRCS) $(LIB_SRCS) $(HDRS) $(wildcard tests/integration/*.h)
	@mkdir -p $(BUILD)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -I. -Isrc \
		-DSCHEDTAP_VERSION='"test"' -o $@ $(ITEST_SRCS) $(LIB_SRCS) -lm

bench: deps all
	@tests/bench.sh

# libFuzzer harnesses (tests/fuzz) under ASan+UBSan, with clang-14 and
# Debian's libclang-rt-14-dev: FUZZ_SECONDS per harness (default 600);
# the test runner's fuzz suite runs each for 25 s.
FUZZ_SECONDS ?= 600
fuzz: deps
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

# Every tracer at once under fork and pingpong load, SOAK_MINUTES long
# (default 10); the test runner's soak suite is a 1-minute version.
SOAK_MINUTES ?= 10
soak: deps all
	@tests/soak.sh $(SOAK_MINUTES)

ifneq ($(TOOLCHAIN),)
$(SPECS): FORCE
	@SCHEDTAP_CACHE='$(SCHEDTAP_CACHE)' toolchain/cross.sh $(ARCH)
# Point the shim at this cache again if SCHEDTAP_CACHE has changed.
ifneq ($(shell readlink $(BUILD)/uapi/linux 2>/dev/null),$(XDIR)/root/usr/include/linux)
$(BUILD)/uapi/linux: FORCE
endif
endif
FORCE:

# Every cross architecture, each in its own directory under the x86_64 one:
# build/aarch64/schedtap, build/armhf/schedtap.
cross: $(CROSS_ARCHES:%=cross-%)
$(CROSS_ARCHES:%=cross-%): cross-%: FORCE
	@$(MAKE) --no-print-directory ARCH=$* XROOT=$(XROOT) BUILD=$(XROOT)/$* all

# End-to-end suite: the x86_64 binary and the cross ones, whose paths it
# gets as BUILD (as tests/lib.sh) and E2E_BINS (every binary).
# E2E_LABELS=... limits it to some kernels (toolchain/e2e-image.sh list).
E2E_BINS := $(XROOT)/schedtap $(XROOT)/aarch64/schedtap $(XROOT)/armhf/schedtap
e2e: deps all
	@$(MAKE) --no-print-directory cross
	@BUILD='$(XROOT)' E2E_BINS='$(E2E_BINS)' tests/e2e/run.sh $(E2E_LABELS)
