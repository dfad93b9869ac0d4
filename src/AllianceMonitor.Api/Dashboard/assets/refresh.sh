#!/usr/bin/env bash
# Installs the front-end libraries pinned in package-lock.json; the next `dotnet build` copies them into wwwroot/lib
# (target CopyLockedChartJs). Commit the copied files, so building and testing never need npm or a network. Run this
# after changing a version in package.json (then `npm install` first, to update the lock file).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
dotnet build ../.. -v q -nologo
echo "chart.js $(node -p "require('./node_modules/chart.js/package.json').version") copied to wwwroot/lib/chartjs"
