#!/usr/bin/env python3
"""Every member an offsets file holds (`schedtap btf offsets`), as pahole
(Debian's dwarves) reads the same BTF: nested paths summed member by
member. Prints the count or each difference; exit 1 on any.

  btf-vs-pahole.py OFFSETS BTF
"""
import re, subprocess, sys
cache = {}
def members(struct):
    if struct not in cache:
        out = subprocess.run(['pahole', '-C', struct, sys.argv[2]],
                             capture_output=True, text=True).stdout
        m = {}
        for line in out.splitlines():
            r = re.match(r'\s+(.*?)\s+(\w+)(\[\d+\])?(\s+__attribute__\(\(.*?\)\))?;'
                         r'\s+/\*\s+(\d+)\s+(\d+)\s+\*/', line)
            if r and r.group(2) not in m:
                m[r.group(2)] = (r.group(1), int(r.group(5)), int(r.group(6)))
        cache[struct] = m
    return cache[struct]
bad, n = [], 0
for line in open(sys.argv[1]):
    if not line.startswith('field '):
        continue
    _, path, off, size = line.split()[:4]
    parts = path.split('.')
    struct, total, msize = parts[0], 0, None
    for p in parts[1:]:
        t, o, s = members(struct)[p]
        total += o
        msize = s
        struct = t.replace('struct ', '').strip()
    n += 1
    if (total, msize) != (int(off), int(size)):
        bad.append('%s: ours %s+%s, pahole %d+%d' % (path, off, size, total, msize))
print('    %d members, all equal to pahole' % n if not bad else '\n'.join(bad))
sys.exit(1 if bad or n < 12 else 0)
