#!/usr/bin/env bash
# JointFitter.Fit on a uniform-noise clinic like bench/export/seed.sql's (the summary's case at 100,000 sessions), phase by
# phase (phases), the whole fit with its estimates printed to the last digit (fit), or both (default).
# Usage: bench/joint-speed/run.sh [patients] [sessions-per-patient] [phases|phases-only|fit|breakdown|repeats] [simulated]
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release bench/joint-speed -v q -nologo >/dev/null
dotnet bench/joint-speed/bin/Release/net10.0/JointSpeed.dll "${1:-10000}" "${2:-10}" "${3:-phases}" "${4:-}"
