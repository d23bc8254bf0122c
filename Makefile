# schedtap: one static binary, built with musl.
ARCH    ?= x86_64
BUILD   ?= build
CC      := musl-gcc
HOSTCC  ?= gcc
WARN    := -Wall -Wextra -Werror
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE $(WARN) -isystem $(BUILD)/uapi -Iasm -Isrc -Ibpf
LDFLAGS += -static
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

LIB_SRCS  := $(wildcard asm/*.c) $(wildcard bpf/*.c) $(filter-out src/main.c,$(wildcard src/*.c))
SRCS      := $(LIB_SRCS) src/main.c
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: all deps test unit oracle integration clean bench
all: $(BUILD)/schedtap

$(BUILD)/uapi/linux:
	toolchain/uapi-shim.sh $(BUILD)/uapi

$(BUILD)/obj/%.o: %.c $(BUILD)/uapi/linux $(wildcard asm/*.h src/*.h bpf/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -DSCHEDTAP_VERSION='"$(VERSION)"' -c -o $@ $<

$(BUILD)/schedtap: $(OBJS)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $(OBJS)

# Unit tests run on the host compiler so that ASan and UBSan are available
# (musl has no sanitizer runtime); they exercise the same sources.
$(BUILD)/unit-tests: $(UNIT_SRCS) $(LIB_SRCS) $(wildcard asm/*.h src/*.h bpf/*.h tests/unit/*.h)
	@mkdir -p $(BUILD)
	@echo "  HOSTCC  $@ (ASan+UBSan)"
	@$(HOSTCC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) $(SAN) -Iasm -Isrc -Ibpf -Itests/unit \
		-DSCHEDTAP_VERSION='"test"' -o $@ $(UNIT_SRCS) $(LIB_SRCS)

deps:
	@toolchain/deps.sh

unit: $(BUILD)/unit-tests

test: deps all unit $(BUILD)/itest
	@tests/run.sh

clean:
	rm -rf $(BUILD)

# Integration checks that link the library (verifier, macros in-kernel).
$(BUILD)/itest: tests/integration/itest.c $(LIB_SRCS) $(wildcard asm/*.h src/*.h bpf/*.h)
	@mkdir -p $(BUILD)
	@echo "  HOSTCC  $@"
	@$(HOSTCC) -std=c11 -D_GNU_SOURCE -O1 -g $(WARN) -Iasm -Isrc -Ibpf \
		-DSCHEDTAP_VERSION='"test"' -o $@ tests/integration/itest.c $(LIB_SRCS)

bench: deps all
	@tests/bench.sh
