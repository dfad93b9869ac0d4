#!/usr/bin/env bash
# Before/after timing of the mixed-model engine: bench/MixedBench built once against the Analysis
# project of a reference revision and once against this working tree, the two run in turn.
# Usage: bench/mixed-compare.sh [REV] [PATIENTS] [ROUNDS]   (default: main 20000 3; issue 14 compared against b029247)
# BENCH_PIN=1 pins both to one core (taskset), so CPU time is not inflated by spinning worker threads.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rev="${1:-main}"
patients="${2:-20000}"
rounds="${3:-3}"
work="$(mktemp -d)"
mkdir -p "$work/ref" "$work/bench-ref" "$work/bench-new"
git -C "$root" archive "$rev" Directory.Build.props Directory.Packages.props src/AllianceMonitor.Analysis | tar -x -C "$work/ref"
cp "$root"/bench/MixedBench/*.cs "$root"/bench/MixedBench/*.csproj "$work/bench-ref/"
cp "$root"/bench/MixedBench/*.cs "$root"/bench/MixedBench/*.csproj "$work/bench-new/"
old_api=()
[ -f "$work/ref/src/AllianceMonitor.Analysis/Mixed/NestedProfiledDeviance.cs" ] && old_api=(-p:DefineConstants=OLD_API)
dotnet build "$work/bench-ref" -c Release -v quiet -nologo -o "$work/bin-ref" \
  -p:AnalysisProject="$work/ref/src/AllianceMonitor.Analysis/AllianceMonitor.Analysis.csproj" "${old_api[@]}" > /dev/null
dotnet build "$work/bench-new" -c Release -v quiet -nologo -o "$work/bin-new" \
  -p:AnalysisProject="$root/src/AllianceMonitor.Analysis/AllianceMonitor.Analysis.csproj" > /dev/null
pin=()
[ "${BENCH_PIN:-0}" = 1 ] && pin=(taskset -c 0)
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); reference $rev = $(git -C "$root" rev-parse --short "$rev")"
for ((i = 1; i <= rounds; i++)); do
  echo "reference: $("${pin[@]}" dotnet "$work/bin-ref/MixedBench.dll" "$patients")"
  echo "this tree: $("${pin[@]}" dotnet "$work/bin-new/MixedBench.dll" "$patients")"
done
