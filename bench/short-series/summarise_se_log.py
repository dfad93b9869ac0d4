#!/usr/bin/env python3
"""Summarises a JOINT_LOG file of JointSeBench (ShortSeriesBench joint-se / joint-se-csv): one line per dataset with the
within effect and carry-over and five standard errors of each (model, CR1, CR2, full information, full sandwich).
Usage: summarise_se_log.py LOG TRUE_WITHIN TRUE_CARRY_OVER"""
import math
import sys
from collections import defaultdict

KINDS = ["model (lme4 vcov)", "CR1", "CR2", "full information", "full sandwich"]
Z = 1.959963984540054
path, within, carry = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = defaultdict(list)
for line in open(path):
    c = line.rstrip("\n").split(",")
    rows[c[0]].append((float(c[2]), [float(x) for x in c[3:8]], float(c[8]), [float(x) for x in c[9:14]], float(c[14])))


def sd(values):
    m = sum(values) / len(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))


print("| data | datasets | SE | within: bias | within: SD of estimates | within: mean SE | within: coverage | carry-over: bias | carry-over: SD | carry-over: mean SE | carry-over: coverage |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for label, r in rows.items():
    n = len(r)
    w = [x[0] for x in r]
    c = [x[2] for x in r]
    for k, kind in enumerate(KINDS):
        cover = sum(1 for x in r if abs(x[0] - within) <= Z * x[1][k]) / n
        carry_cover = sum(1 for x in r if abs(x[2] - carry) <= Z * x[3][k]) / n
        print(f"| {label} | {n} | {kind} | {sum(w) / n - within:+.3f} | {sd(w):.3f} | {sum(x[1][k] for x in r) / n:.3f} | {cover:.0%} "
              f"| {sum(c) / n - carry:+.3f} | {sd(c):.3f} | {sum(x[3][k] for x in r) / n:.4f} | {carry_cover:.0%} |")
print(f"mean seconds per joint fit: {sum(x[4] for v in rows.values() for x in v) / sum(len(v) for v in rows.values()):.2f}")
