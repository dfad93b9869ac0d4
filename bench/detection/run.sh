#!/usr/bin/env bash
# The detection benchmark of issue 11: the grid (bench/DetectionBench) plus three clinics from the outside generator
# (generate_clinic.py, Python, written from the issue's description and not from SessionSimulator).
# Usage: bench/detection/run.sh [eval|tune] [extra DetectionBench options, e.g. --k 2.8]
# eval: grid seeds 1 + 1000 x cell + replicate, outside clinics seeds 1-22. tune: grid seeds 500001 + ..., outside 501-522.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-eval}
shift || true
offset=0
[ "$mode" = tune ] && offset=500
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
gen=bench/detection/generate_clinic.py
python3 $gen --seed $((offset + 1)) --patients 500 --out "$out/a.csv" --truth "$out/a.truth.csv"
python3 $gen --seed $((offset + 2)) --patients 1500 --phi 0.35 --grand-mean 4.45 --slope-sd 0.03 --out "$out/b.csv" --truth "$out/b.truth.csv"
small=""
for i in $(seq 3 22); do
  python3 $gen --seed $((offset + i)) --patients 60 --phi 0.2 --depth-min 2.3 --depth-max 3.6 --out "$out/c$i.csv" --truth "$out/c$i.truth.csv"
  small="$small${small:+;}$out/c$i.csv:$out/c$i.truth.csv:0.25"
done
dotnet build -c Release -v q bench/DetectionBench >/dev/null
dotnet bench/DetectionBench/bin/Release/net10.0/DetectionBench.dll --seeds "$mode" "$@" \
  --outside "outside A (python, 500)=$out/a.csv:$out/a.truth.csv:0.25" \
  --outside "outside B (python, 1500, ceiling)=$out/b.csv:$out/b.truth.csv:0.25" \
  --outside "outside C (python, 20 x 60)=$small"
