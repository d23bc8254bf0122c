#!/usr/bin/env python3
# Seeds for the btf harness: small BTF files of the shapes the kernel's
# has (ints, structs with anonymous unions and bitfields, pointers,
# typedef chains, a btf_trace_* function prototype, arrays, enums): the
# fuzzer grows the rest from them (a vmlinux's 5 MiB is too much for a
# seed).
#   tests/fuzz/btf-seeds.py DIR
import struct, sys, os

KIND = dict(INT=1, PTR=2, ARRAY=3, STRUCT=4, UNION=5, ENUM=6, FWD=7, TYPEDEF=8,
            VOLATILE=9, CONST=10, FUNC=12, FUNC_PROTO=13, FLOAT=16, ENUM64=19)

class Blob:
    def __init__(self):
        self.types, self.strs, self.next = b'', b'\0', 1
    def s(self, name):
        if not name: return 0
        off = len(self.strs); self.strs += name.encode() + b'\0'; return off
    def t(self, name, kind, vlen=0, kflag=0, st=0, extra=b''):
        self.types += struct.pack('<III', self.s(name), KIND[kind] << 24 | vlen | kflag << 31, st) + extra
        self.next += 1
        return self.next - 1
    def int(self, name, size):
        return self.t(name, 'INT', st=size, extra=struct.pack('<I', size * 8))
    def members(self, ms):
        return b''.join(struct.pack('<III', self.s(n), t, o) for n, t, o in ms)
    def file(self):
        hdr = struct.pack('<HBBIIIII', 0xeB9F, 1, 0, 24, 0, len(self.types), len(self.types), len(self.strs))
        return hdr + self.types + self.strs

def sched():
    b = Blob()
    u64 = b.int('long unsigned int', 8); u32 = b.int('unsigned int', 4); i32 = b.int('int', 4)
    b.int('_Bool', 1)
    anon = b.t(None, 'UNION', 1, 0, 4); b.types += b.members([('util_est', u32, 0)])
    avg = b.t('sched_avg', 'STRUCT', 4, 1, 16)
    b.types += b.members([('load_avg', u64, 0), (None, anon, 64), ('f', u32, 3 << 24 | 96), ('g', u32, 5 << 24 | 99)])
    rq = b.t('rq', 'STRUCT', 2, 0, 16); b.types += b.members([('cpu', i32, 0), ('avg_rt', avg, 64)])
    prq = b.t(None, 'PTR', st=rq)
    cfs = b.t('cfs_rq', 'STRUCT', 3, 0, 32); b.types += b.members([('nr', i32, 0), ('avg', avg, 64), ('rq', prq, 192)])
    pcfs = b.t(None, 'PTR', st=cfs); voidp = b.t(None, 'PTR', st=0)
    proto = b.t(None, 'FUNC_PROTO', 2, 0, 0, struct.pack('<IIII', 0, voidp, 0, pcfs))
    b.t('btf_trace_pelt_cfs_tp', 'TYPEDEF', st=b.t(None, 'PTR', st=proto))
    c = b.t(None, 'CONST', st=u32); b.t('u32c', 'TYPEDEF', st=c)
    b.t(None, 'ARRAY', extra=struct.pack('<III', i32, i32, 16))
    b.t('state', 'ENUM', 2, 0, 4, struct.pack('<IiIi', b.s('A'), 0, b.s('B'), 1))
    b.t('fwd', 'FWD')
    b.t('f', 'FUNC', st=proto)
    return b.file()

def tiny():
    b = Blob(); b.int('int', 4); return b.file()

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
open(os.path.join(out, 'sched'), 'wb').write(sched())
open(os.path.join(out, 'tiny'), 'wb').write(tiny())
