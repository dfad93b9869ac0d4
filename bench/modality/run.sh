#!/usr/bin/env bash
# Issue 18: is the modality moderation's overall test calibrated? On simulated data with NO modality effect (labels at
# random), the likelihood-ratio test should reject at alpha = .05 in about 5% of seeds; the script also prints how often
# any unadjusted pairwise |z| > 1.96 and any Bonferroni-adjusted contrast interval excludes zero.
# Usage: bench/modality/run.sh [seeds (default 200)] [patients (default 200)]
set -euo pipefail
cd "$(dirname "$0")/../.."
seeds=${1:-200}
patients=${2:-200}
dotnet build -c Release -v q bench/ModalityBench >/dev/null
for assign in session patient; do
  dotnet bench/ModalityBench/bin/Release/net10.0/ModalityBench.dll --seeds "$seeds" --patients "$patients" --assign "$assign"
done
