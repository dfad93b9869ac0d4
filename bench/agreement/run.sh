#!/usr/bin/env bash
# Recovery of the agreement surface on data from an independent R generator (generate.R), SEEDS datasets of PATIENTS
# patients, seeds 91001.. (disjoint from AgreementRecoveryTests' 7001-7040). Prints mean estimate, bias, coverage of the
# 95% interval and mean SE / SD of estimates for a1-a4. Needs R. Usage: bench/agreement/run.sh [SEEDS] [PATIENTS]
set -euo pipefail
seeds="${1:-30}"; patients="${2:-300}"
root="$(cd "$(dirname "$0")/../.." && pwd)"; work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/AllianceMonitor.Cli" -c Release -v q >/dev/null
cli="$root/src/AllianceMonitor.Cli/bin/Release/net10.0/alliance-monitor.dll"
for s in $(seq 91001 $((91000 + seeds))); do
  Rscript "$root/bench/agreement/generate.R" "$s" "$patients" "$work/$s.csv"
  dotnet "$cli" analyze --input "$work/$s.csv" --model agreement > "$work/$s.json" 2>/dev/null
done
python3 - "$work" <<'PY'
import json, sys, glob, statistics as st
truth = {"a1": -3, "a2": 0, "a3": -1, "a4": 6}
est = {k: [] for k in truth}
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    for a in json.load(open(f))["agreement"]["surface"]:
        est[a["parameter"]].append(a)
print("| parameter | truth | mean | bias | 95% coverage | mean SE / SD |")
print("|---|---|---|---|---|---|")
for k, v in est.items():
    e = [a["estimate"] for a in v]
    cover = sum(a["ci_low"] <= truth[k] <= a["ci_high"] for a in v)
    print(f"| {k} | {truth[k]} | {st.mean(e):.3f} | {st.mean(e) - truth[k]:+.3f} | {cover}/{len(v)} | {st.mean(a['std_error'] for a in v) / st.stdev(e):.2f} |")
PY
