#!/usr/bin/env bash
# Benchmark of the analysis engine against lme4 on simulated data.
# Usage: bench/analysis.sh [PATIENTS ...]   (default: 20000 100000)
# Needs the .NET SDK and python3; R with lme4 and jsonlite for the comparison; GNU time for peak memory.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${BENCH_DIR:-$(mktemp -d)}"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(20000 100000)

dotnet build "$root/src/AllianceMonitor.Cli" -c Release -v quiet -nologo > /dev/null
cli=(dotnet "$root/src/AllianceMonitor.Cli/bin/Release/net10.0/alliance-monitor.dll")
have_lme4=false
if command -v Rscript > /dev/null && Rscript -e 'library(lme4); library(jsonlite)' > /dev/null 2>&1; then
  have_lme4=true
fi

echo "machine: $(nproc) cores, $(uname -m), .NET $(dotnet --version)$($have_lme4 && echo ", lme4 $(Rscript -e 'cat(as.character(packageVersion("lme4")))')")"
for n in "${sizes[@]}"; do
  csv="$work/sim_$n.csv"
  "${cli[@]}" simulate --patients "$n" --seed "$n" --out "$csv"
  echo "== $n patients, $(($(wc -l < "$csv") - 1)) rows"
  /usr/bin/time -v "${cli[@]}" analyze --input "$csv" --estimator person-mean-centred > "$work/ours_$n.json" 2> "$work/time_$n.txt"
  peak_kb=$(grep "Maximum resident set size" "$work/time_$n.txt" | awk '{print $NF}')
  echo "alliance-monitor analyze (whole process: read CSV, fit both models and the null model): peak memory $((peak_kb / 1024)) MB"
  if $have_lme4; then
    Rscript "$root/bench/lme4_fit.R" "$csv" > "$work/lme4_$n.json" 2> "$work/lme4_$n.log"
    python3 "$root/bench/compare.py" "$work/ours_$n.json" "$work/lme4_$n.json"
  else
    python3 "$root/bench/compare.py" "$work/ours_$n.json"
  fi
done
