#!/usr/bin/env python3
"""Compares two tool outputs token by token, numbers by their relative difference.

  bench/numeric_diff.py BASE NEW REL_TOL

Exit 0 when the files have the same tokens except numbers whose relative difference is at most
REL_TOL (a refactor that reorders floating-point operations changes last digits only); prints
the largest relative difference seen. Exit 1 otherwise, with the first differing token pair.
Used by bench/compare_outputs.sh when COMPARE_REL_TOL is set.
"""
import re
import sys

TOKEN = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[^\s\d.+-]+|[\s\S]")


def tokens(path):
    return TOKEN.findall(open(path, encoding="utf-8", errors="replace").read())


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


base, new, tol = tokens(sys.argv[1]), tokens(sys.argv[2]), float(sys.argv[3])
if len(base) != len(new):
    print(f"  token counts differ: {len(base)} vs {len(new)}")
    sys.exit(1)
worst = 0.0
for a, b in zip(base, new):
    if a == b:
        continue
    x, y = number(a), number(b)
    if x is None or y is None:
        print(f"  differs: {a!r} vs {b!r}")
        sys.exit(1)
    rel = abs(x - y) / max(abs(x), abs(y), 1e-300)
    worst = max(worst, rel)
    if rel > tol:
        print(f"  differs: {a} vs {b} (relative {rel:.3g})")
        sys.exit(1)
print(f"  numbers within relative {worst:.3g}")
