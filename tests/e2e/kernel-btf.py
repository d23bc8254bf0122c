#!/usr/bin/env python3
"""The BTF of a kernel image, as a build host holds it: a vmlinuz (x86
bzImage: xz or zstd inside; arm64 Image: not compressed) -> raw BTF, the
bytes the kernel shows as /sys/kernel/btf/vmlinux. For the e2e suite:
`schedtap btf offsets` on the host reads it, as on a board's build host.

  kernel-btf.py VMLINUZ OUT.btf    exit 1 with a reason if none is found
"""
import lzma
import struct
import subprocess
import sys
import zlib

# magic 0xeB9F (little-endian), version 1, flags 0, hdr_len 24
HEADER = b'\x9f\xeb\x01\x00\x18\x00\x00\x00'


def btf_in(blob):
    """The largest well-formed BTF blob in blob, or None."""
    best, at = None, blob.find(HEADER)
    while at >= 0 and at + 24 <= len(blob):
        type_off, type_len, str_off, str_len = struct.unpack_from('<4I', blob, at + 8)
        end = at + 24 + max(type_off + type_len, str_off + str_len)
        if type_off == 0 and str_off >= type_len and end <= len(blob) and type_len > 4096:
            if not best or end - at > len(best):
                best = blob[at:end]
        at = blob.find(HEADER, at + 1)
    return best


def unpacked(data):
    """Every stream a compressed kernel may hide, decompressed."""
    for magic, how in ((b'\xfd7zXZ\x00', 'xz'), (b'\x28\xb5\x2f\xfd', 'zstd'),
                       (b'\x1f\x8b\x08', 'gzip')):
        at = data.find(magic)
        while at >= 0:
            try:
                if how == 'xz':
                    yield lzma.LZMADecompressor().decompress(data[at:])
                elif how == 'gzip':
                    yield zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[at:])
                else:
                    # zstd stops at the frame's end and complains about what
                    # follows (the bzImage's tail): what it wrote is the kernel.
                    yield subprocess.run(['zstd', '-dc'], input=data[at:],
                                         capture_output=True).stdout
            except (lzma.LZMAError, zlib.error, OSError):
                pass
            at = data.find(magic, at + 1)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    data = open(sys.argv[1], 'rb').read()
    btf = btf_in(data)
    for blob in ([] if btf else unpacked(data)):
        btf = btf_in(blob)
        if btf:
            break
    if not btf:
        sys.exit('%s: no BTF in it, raw or in an xz, zstd or gzip stream' % sys.argv[1])
    open(sys.argv[2], 'wb').write(btf)


main()
