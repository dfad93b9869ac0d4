#!/usr/bin/env bash
# The detection benchmark of issue 11: the grid (bench/DetectionBench) plus three cells from the outside generator
# (generate_clinic.py, Python, written from the issue's description and not from SessionSimulator).
# Usage: bench/detection/run.sh [eval|tune] [extra DetectionBench options, e.g. --k 2.8 or --only depth,outside]
# eval: grid seeds 1 + 1000 x cell + replicate; outside clinics A 1 and 23, B 2 and 24, C 3-22 and 25-44.
# tune: grid seeds 500001 + 1000 x cell + replicate; outside seeds the same plus 500. The two sets are disjoint.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-eval}
shift || true
offset=0
[ "$mode" = tune ] && offset=500
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gen=bench/detection/generate_clinic.py
a=""
b=""
small=""
# Each clinic's generating parameters as the generator used them (its defaults plus the options below), for
# DetectionBench --lookback only; keep them in step with the python3 calls.
ta="phi=0.3,grand-mean=4.2,level-sd=0.5,slope-mean=0.01,slope-sd=0.02"
tb="phi=0.35,grand-mean=4.45,level-sd=0.5,slope-mean=0.01,slope-sd=0.03"
tc="phi=0.2,grand-mean=4.2,level-sd=0.5,slope-mean=0.01,slope-sd=0.02"
# Two replicates of each outside cell (the second 22 seeds after the first), as the grid cells have 12 clinics, not 6.
for r in 0 22; do
  python3 $gen --seed $((offset + r + 1)) --patients 500 --out "$out/a$r.csv" --truth "$out/a$r.truth.csv"
  a="$a${a:+;}$out/a$r.csv:$out/a$r.truth.csv:0.25:$ta"
  python3 $gen --seed $((offset + r + 2)) --patients 1500 --phi 0.35 --grand-mean 4.45 --slope-sd 0.03 --out "$out/b$r.csv" --truth "$out/b$r.truth.csv"
  b="$b${b:+;}$out/b$r.csv:$out/b$r.truth.csv:0.25:$tb"
  for i in $(seq 3 22); do
    python3 $gen --seed $((offset + r + i)) --patients 60 --phi 0.2 --depth-min 2.3 --depth-max 3.6 --out "$out/c$r-$i.csv" --truth "$out/c$r-$i.truth.csv"
    small="$small${small:+;}$out/c$r-$i.csv:$out/c$r-$i.truth.csv:0.25:$tc"
  done
done
dotnet build -c Release -v q bench/DetectionBench >/dev/null
dotnet bench/DetectionBench/bin/Release/net10.0/DetectionBench.dll --seeds "$mode" "$@" \
  --outside "outside A (python, 2 x 500)=$a" \
  --outside "outside B (python, 2 x 1500, ceiling)=$b" \
  --outside "outside C (python, 40 x 60)=$small"
