#!/usr/bin/env bash
# Bias and 95% coverage of the person-mean-centred, initial-conditions and Anderson-Hsiao estimators of
# alliance_to_symptoms over short (6-8) and long (20-30) series and weak (-0.02) and strong (-0.10) feedback.
# Usage: bench/short-series/run.sh [SEEDS] [PATIENTS] [IMPROVEMENT_SD]   (defaults 100 400 0.2; prints a markdown table)
#        bench/short-series/run.sh variants [SEEDS] [PATIENTS] [IMPROVEMENT_SD] [MIN_SESSIONS] [MAX_SESSIONS] [IMPROVEMENT] [SEED_BASE]
#        (specifications within the initial-conditions family, see Variants.cs)
#        bench/short-series/run.sh joint [SEEDS] [PATIENTS] [MIN_SESSIONS] [MAX_SESSIONS] [SEED_BASE] [FEEDBACKS] [ONLY]
#        bench/short-series/run.sh joint-csv DIRECTORY [ONLY]   (the joint estimator, see JointBench.cs and independent.py)
#        bench/short-series/run.sh independent FEEDBACK [SEEDS] [PATIENTS] [SEED_BASE] [RHO_UV] [ONLY]
#        (generates RI-CLPM datasets with independent.py into a temporary directory, then fits them as joint-csv)
#        bench/short-series/run.sh joint-se SEEDS PATIENTS SEED_BASE FEEDBACKS   (the joint estimator's five standard errors, JointSeBench.cs)
#        bench/short-series/run.sh independent-se FEEDBACK [SEEDS] [PATIENTS] [SEED_BASE] [RHO_UV]   (the same on independent.py data)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dotnet build "$here" -c Release -v quiet -nologo > /dev/null
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$here" rev-parse --short HEAD)"
if [ "${1:-}" = independent ]; then
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
  python3 "$here/independent.py" "$dir/feedback_$2" "$2" "${3:-100}" "${4:-400}" "${5:-50000}" "${6:-0.3}"
  /usr/bin/time -f "wall %e s, peak memory %M kB" dotnet "$here/bin/Release/net10.0/ShortSeriesBench.dll" joint-csv "$dir/feedback_$2" "${7:-all}"
elif [ "${1:-}" = independent-se ]; then
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
  python3 "$here/independent.py" "$dir/feedback_$2" "$2" "${3:-100}" "${4:-400}" "${5:-50000}" "${6:-0.3}"
  /usr/bin/time -f "wall %e s, peak memory %M kB" dotnet "$here/bin/Release/net10.0/ShortSeriesBench.dll" joint-se-csv "$dir/feedback_$2"
elif [ "${1:-}" = variants ] || [ "${1:-}" = joint ] || [ "${1:-}" = joint-csv ] || [ "${1:-}" = joint-se ] || [ "${1:-}" = joint-se-csv ]; then
  /usr/bin/time -f "wall %e s, peak memory %M kB" dotnet "$here/bin/Release/net10.0/ShortSeriesBench.dll" "$@"
else
  /usr/bin/time -f "wall %e s, peak memory %M kB" dotnet "$here/bin/Release/net10.0/ShortSeriesBench.dll" "${1:-100}" "${2:-400}" "${3:-0.2}"
fi
