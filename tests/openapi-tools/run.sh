#!/usr/bin/env bash
# Checks docs/openapi/v1.json with the third-party tools an integrator uses: @redocly/cli lint (fails on any error),
# then openapi-typescript types, against which typed-bodies.ts (the README's bodies, every error response) must compile.
# Needs npm and the npm registry; CI does not run it (.ci/run installs no Node).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npx --no-install redocly lint ../../docs/openapi/v1.json
npx --no-install openapi-typescript ../../docs/openapi/v1.json --output generated/v1.d.ts
npx --no-install tsc -p .
echo "openapi tools: lint clean, typed bodies compile"
