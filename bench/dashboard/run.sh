#!/usr/bin/env bash
# Render times of the dashboard's pages and a client's form page in headless Chromium for a clinic of 10,000 simulated patients, against the
# sign-in page in the same browser and run. The demo clinic is written through the same session path as a platform's
# PUTs (detection included), four patients at a time: about 5 minutes on 2 cores.
# Usage: bench/dashboard/run.sh [patients] [repeats]   (needs chromium and chromium-driver, as the browser tests do)
# KEEP_DATA=1 keeps the seeded database directory (printed at the end) for bench/dashboard/compare-builds.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-10000}
repeats=${2:-20}
port=5098
data=$(mktemp -d /tmp/alliance-dashboard-bench.XXXXXX)
chmod 755 "$data"
root=$PWD

dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null
dotnet build -c Release bench/DashboardBench -v q -nologo >/dev/null
echo "seeding a demo clinic of $patients patients..."
started=$(date +%s)
# Run from the project folder so the service finds its appsettings.json and wwwroot, as `dotnet run` would.
(cd src/AllianceMonitor.Api && ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
  Database__EmbeddedDataPath="$data/postgres" Demo__Patients="$patients" Demo__Parallelism=4 Logging__LogLevel__Default=Warning \
  exec dotnet bin/Release/net10.0/AllianceMonitor.Api.dll --seed-demo >"$data/service.log" 2>&1) &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null; [ "${KEEP_DATA:-0}" = 1 ] && echo "kept $data" || rm -rf "$data"' EXIT
until curl -fs http://127.0.0.1:$port/health/ready >/dev/null; do
  kill -0 $service 2>/dev/null || { cat "$data/service.log"; exit 1; }
  sleep 1
done
echo "seeded and ready in $(( $(date +%s) - started )) s"
key=$(grep -A4 'demo clinic' "$data/service.log" | grep -o 'amk_[A-Za-z0-9_-]*' | head -1)

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid")
# A clinic's database is analysed by autovacuum over days; straight after a bulk seed the planner's statistics are
# stale and autovacuum would run during the measurements.
PGPASSWORD=$(cat "$data/postgres/superuser.password") "$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor -c "VACUUM ANALYZE"
PGPASSWORD=$(cat "$data/postgres/superuser.password") "$pgbin/psql" -At -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor -c \
  "SELECT format('database: %s patients, %s sessions, %s alerts (%s open)', (SELECT count(*) FROM patients), (SELECT count(*) FROM sessions),
          (SELECT count(*) FROM alerts), (SELECT count(*) FROM alerts WHERE status = 'open'))"
# A form link of the demo clinic (PHQ-9, then the WAI-SR with the demo's placeholder wording) for the form page.
ingest=$(grep -o 'ingest  *amk_[A-Za-z0-9_-]*' "$data/service.log" | head -1 | grep -o 'amk_[A-Za-z0-9_-]*')
form=$(curl -fs -X POST -H "Authorization: Bearer $ingest" -H 'Content-Type: application/json' \
  -d '{"instruments":[{"instrument":"phq-9","timing":"pre"},{"instrument":"wai-sr","timing":"post"}],"rater":"client"}' \
  "http://127.0.0.1:$port/api/v1/patients/bench-form/sessions/1/forms" | grep -o '"url":"[^"]*"' | cut -d'"' -f4)
dotnet "$root/bench/DashboardBench/bin/Release/net10.0/DashboardBench.dll" "http://127.0.0.1:$port" "$key" "$repeats" "$form"
