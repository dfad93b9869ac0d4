#!/usr/bin/env python3
"""Summarises a JOINT_LOG file of JointBench (one line per estimate as it is made), for a run stopped before its end.
Usage: summarise_log.py LOG TRUE_WITHIN TRUE_CARRY_OVER"""
import math
import sys
from collections import defaultdict

path, within, carry = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = defaultdict(list)
for line in open(path):
    label, estimator, seed, w, se, lo, hi, c, clo, chi = line.rstrip("\n").split(",")
    rows[(label, estimator)].append((int(seed), float(w), float(se), float(lo), float(hi), float(c), float(clo), float(chi)))
print("| data | estimator | datasets | within: bias | within: coverage | within: mean SE | within: SD of estimates | carry-over: bias | carry-over: coverage |")
print("|---|---|---|---|---|---|---|---|---|")
for (label, estimator), r in rows.items():
    n = len(r)
    ws = [x[1] for x in r]
    mean = sum(ws) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in ws) / max(1, n - 1))
    cover = sum(1 for x in r if x[3] <= within <= x[4]) / n
    carry_bias = sum(x[5] for x in r) / n - carry
    carry_cover = sum(1 for x in r if x[6] <= carry <= x[7]) / n
    print(f"| {label} | {estimator} | {n} | {mean - within:+.3f} | {cover:.0%} | {sum(x[2] for x in r) / n:.3f} | {sd:.3f} | {carry_bias:+.3f} | {carry_cover:.0%} |")
