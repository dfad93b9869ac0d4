#!/usr/bin/env bash
# Refreshes the dashboard's front-end libraries in wwwroot/lib from the versions pinned in package-lock.json.
# The copied files are committed, so building and testing never need npm or a network; run this only after
# changing a version in package.json (then `npm install` to update the lock file first).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
mkdir -p ../../wwwroot/lib/chartjs
cp node_modules/chart.js/dist/chart.umd.min.js ../../wwwroot/lib/chartjs/chart.umd.min.js
cp node_modules/chart.js/LICENSE.md ../../wwwroot/lib/chartjs/LICENSE.md
echo "chart.js $(node -p "require('./node_modules/chart.js/package.json').version") copied to wwwroot/lib/chartjs"
