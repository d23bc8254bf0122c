#!/bin/sh
# Install the Debian packages that building and testing schedtap need.
# Idempotent: prints nothing and touches nothing when all are present.
# The cross compilers are for `make cross` (ARCH=aarch64, ARCH=armhf); the
# target's musl and kernel headers are not installed: toolchain/cross.sh
# fetches them into a cache when a cross build first needs them.
set -eu
pkgs="make gcc musl-tools linux-libc-dev llvm-19 clang-19 linux-perf bpftool file jq time"
# pahole reads BTF independently of us: the pelt suite checks our offsets with it.
pkgs="$pkgs dwarves"
# The e2e suite takes the BTF out of zstd-compressed kernel images.
pkgs="$pkgs zstd"
pkgs="$pkgs gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf"
# The QEMU end-to-end suite (tests/e2e) and a CSV parser for the tests.
pkgs="$pkgs qemu-system-x86 qemu-system-arm cpio python3 libbpf-tools"
# Independent readers of what record and report write: protoc
# --decode_raw parses every Perfetto trace the tests make, headless
# Chromium renders every page.
pkgs="$pkgs protobuf-compiler chromium"
# A real Prometheus scrapes the exporter (promtool checks its pages); curl
# sends it the requests a scraper would not.
pkgs="$pkgs prometheus curl"
# The libFuzzer harnesses (tests/fuzz): clang-14, its fuzzer runtime, and
# llvm-14's llvm-symbolizer for reports with file:line.
pkgs="$pkgs clang-14 libclang-rt-14-dev llvm-14"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install:$missing (run: sudo $0)" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends $missing >/dev/null
