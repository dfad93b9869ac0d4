#!/usr/bin/env bash
# The refit's symptom fit on synthetic clinics (Program.cs), this build; with REFERENCE=<git ref>, the same program
# built against that ref's AllianceMonitor.Analysis too, one after the other.
# Usage: [REFERENCE=<git ref>] bench/symptom-fit/run.sh [patients] [seed ...]   (defaults 100000, seeds 5 6 7 8)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release bench/symptom-fit -v q -nologo >/dev/null
echo "this build ($(git rev-parse --short HEAD)):"
dotnet bench/symptom-fit/bin/Release/net10.0/SymptomFit.dll "$@"
if [ -n "${REFERENCE:-}" ]; then
  ref=$(mktemp -d /tmp/symptom-fit-ref.XXXXXX)
  trap 'rm -rf "$ref"' EXIT
  git archive "$REFERENCE" | tar -x -C "$ref"
  mkdir -p "$ref/bench/symptom-fit" && cp bench/symptom-fit/Program.cs bench/symptom-fit/SymptomFit.csproj "$ref/bench/symptom-fit/"
  dotnet build -c Release "$ref/bench/symptom-fit" -v q -nologo >/dev/null
  echo "reference $REFERENCE ($(git rev-parse --short "$REFERENCE")):"
  dotnet "$ref/bench/symptom-fit/bin/Release/net10.0/SymptomFit.dll" "$@"
fi
