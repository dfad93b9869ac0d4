#!/usr/bin/env bash
# Regenerates the Kiota client in this folder from docs/openapi/v1.json (the committed copy of the served document;
# OpenApiSnapshotTests keeps the two equal). The generated code is committed, so building and testing need neither
# the kiota tool nor a network: CI restores packages only. Run from anywhere after `dotnet tool restore`.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
cd "$root"
export KIOTA_TUTORIAL_ENABLED=false KIOTA_OFFLINE_ENABLED=true
dotnet tool run kiota generate \
  --language CSharp \
  --openapi docs/openapi/v1.json \
  --output tests/AllianceMonitor.Api.Tests/GeneratedClient/Client \
  --class-name AllianceMonitorClient \
  --namespace-name AllianceMonitor.Api.Tests.GeneratedClient \
  --exclude-backward-compatible \
  --clean-output \
  --log-level Warning
# Kiota writes a lock file with the generation settings and the document's hash; it is kept so a regeneration is reproducible.
