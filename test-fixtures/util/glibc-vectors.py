#!/usr/bin/env python3
"""Writes glibc-vectors.json: strverscmp and fnmatch(FNM_NOESCAPE) results from the C library,
for test/util/strverscmp.test.ts and fnmatch.test.ts. Run: python3 glibc-vectors.py > glibc-vectors.json
"""
import ctypes, json, random, sys

libc = ctypes.CDLL('libc.so.6')
libc.strverscmp.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.fnmatch.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
FNM_NOESCAPE = 2
rnd = random.Random(1)


def sgn(x):
    return (x > 0) - (x < 0)


versions = ['', '0', '00', '000', '01', '010', '09', '1', '9', '10', '1.0', '1.00', '1.01', '1.1',
            '1.9', '1.10', '2.6.32', '2.6.32-5-amd64', '3.0', '3.10.0-123.el7', '4.17.0', '4.19.0',
            '4.8', '4.10', '5.0', '6.1.0', '6.1.0-fake', '6.1', 'a', 'a1', 'a01', 'a10', 'abc']
vers = [[a, b] for a in versions for b in versions]
alpha = '0123456789.-_ab'
for _ in range(800):
    a = ''.join(rnd.choice(alpha) for _ in range(rnd.randint(0, 7)))
    if rnd.random() < 0.5:
        b = a[:rnd.randint(0, len(a))] + ''.join(rnd.choice(alpha) for _ in range(rnd.randint(0, 4)))
    else:
        b = ''.join(rnd.choice(alpha) for _ in range(rnd.randint(0, 7)))
    vers.append([a, b])
vers = [[a, b, sgn(libc.strverscmp(a.encode(), b.encode()))] for a, b in vers]

pats = [['x86_64', 'x86_64'], ['x86*', 'x86_64'], ['arm*', 'arm64'], ['i?86', 'i386'], ['*', ''],
        ['[ym]', 'y'], ['[ym]', 'n'], ['[!ym]', 'n'], ['[^ym]', 'y'], ['6.*', '6.1.0'], ['2.6.*', '6.1.0'],
        ['*fake', '6.1.0-fake'], ['[]]', ']'], ['[]a]', 'a'], ['[!]]', ']'], ['[a-]', '-'], ['[-a]', '-'],
        ['[a-c]', 'b'], ['[z-a]', 'q'], ['[a-a]', 'a'], ['[', '['], ['[a', '[a'], ['[!]', '[!]'], ['\\', '\\'],
        ['\\*', '\\x'], ['[\\]', '\\'], ['[[:alpha:]]', 'q'], ['[[:digit:]x]', '7'], ['[[:foo:]a]', 'a'],
        ['[a[:foo:]]', 'a'], ['[a[:foo:]]', 'b'], ['[!a[:foo:]]', 'b'], ['[!a[:foo:]]', 'a'],
        ['*[a[:foo:]]', 'xa'], ['[[:foo:]', '['], ['[[=a=]]', 'a'], ['[[=ab=]]', 'a'], ['[a[=ab=]]', 'a'],
        ['[a[.ab.]]', 'a'], ['[[.ab.]a]', 'a'], ['[[.-.]]', '-'], ['[a-[.z.]]', 'q'], ['*.*', '.x'],
        ['?', ''], ['??', 'ab'], ['a*b*c', 'aXbYc'], ['a*b*c', 'aXbY'], ['**', 'x'], ['', ''], ['', 'x']]
palpha = 'ab-]![^*?:\\'
salpha = 'ab-]![^:\\z0'
extra = ['[:alpha:]', '[:digit:]', '[:foo:]', '[=a=]', '[.a.]', '[.-.]', '[:']
for _ in range(1500):
    p = ''
    for _ in range(rnd.randint(0, 7)):
        p += rnd.choice(extra) if rnd.random() < 0.1 else rnd.choice(palpha)
    s = ''.join(rnd.choice(salpha) for _ in range(rnd.randint(0, 5)))
    pats.append([p, s])
pats = [[p, s, libc.fnmatch(p.encode(), s.encode(), FNM_NOESCAPE) == 0] for p, s in pats]

json.dump({'strverscmp': vers, 'fnmatch': pats}, sys.stdout, separators=(',', ':'))
sys.stdout.write('\n')
