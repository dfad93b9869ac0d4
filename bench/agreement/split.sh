#!/usr/bin/env bash
# Recovery of the alliance split three ways (analyze --therapist-level) on data from split_generate.R, an R generator
# written apart from SessionSimulator; seeds 92001.. (disjoint from TherapistEffectsRecoveryTests). Needs R.
# Usage: bench/agreement/split.sh [SEEDS]
set -euo pipefail
seeds="${1:-20}"
root="$(cd "$(dirname "$0")/../.." && pwd)"; work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
dotnet build "$root/src/AllianceMonitor.Cli" -c Release -v q >/dev/null
cli="$root/src/AllianceMonitor.Cli/bin/Release/net10.0/alliance-monitor.dll"
for s in $(seq 92001 $((92000 + seeds))); do
  Rscript "$root/bench/agreement/split_generate.R" "$s" "$work/$s.csv"
  dotnet "$cli" analyze --input "$work/$s.csv" --therapist-level > "$work/$s.json" 2>/dev/null
done
python3 - "$work" <<'PY'
import json, sys, glob, statistics as st
truth = {"alliance_therapist": -6, "alliance_patient": -3, "alliance_within": -2}
est = {k: [] for k in truth}
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    for fe in json.load(open(f))["therapist_level"]["alliance_split"]["model"]["fixed_effects"]:
        if fe["term"] in truth:
            est[fe["term"]].append(fe)
print("| term | truth | mean | bias | 95% coverage | mean SE / SD |")
print("|---|---|---|---|---|---|")
for k, v in est.items():
    e = [x["estimate"] for x in v]
    cover = sum(x["ci_low"] <= truth[k] <= x["ci_high"] for x in v)
    print(f"| {k} | {truth[k]} | {st.mean(e):.3f} | {st.mean(e) - truth[k]:+.3f} | {cover}/{len(v)} | {st.mean(x['std_error'] for x in v) / st.stdev(e):.2f} |")
PY
