#!/usr/bin/env bash
# Two builds of the service on one seeded database, measured alternately by the same DashboardBench (A, B, B, A), for
# when the machine is too busy for run.sh's ratios alone to tell a change from noise. Both services run at once, so
# they see the same data and the same load.
# Usage: bench/dashboard/compare-builds.sh <run.sh data dir, seeding paused or done> <tree A> <tree B> [repeats]
# Each tree needs `dotnet build -c Release src/AllianceMonitor.Api` done; DashboardBench is this tree's Release build.
set -euo pipefail
data=$1 a=$2 b=$3 repeats=${4:-20}
bench=$(cd "$(dirname "$0")/../.." && pwd)/bench/DashboardBench/bin/Release/net10.0/DashboardBench.dll
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid")
pw=$(cat "$data/postgres/superuser.password")
cs="Host=127.0.0.1;Port=$pgport;Username=alliance;Password=$pw;Database=alliancemonitor"
admin=$(grep -o 'amk_[A-Za-z0-9_-]*' "$data/service.log" | head -1)
sql() { PGPASSWORD=$pw "$pgbin/psql" -At -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor -c "$1"; }
clinic=$(sql "select id from clinics where name = 'Demo clinic'")
pids=()
start() {
  (cd "$1/src/AllianceMonitor.Api" && ASPNETCORE_URLS=http://127.0.0.1:$2 ASPNETCORE_ENVIRONMENT=Production ConnectionStrings__AllianceDb="$cs" \
    Logging__LogLevel__Default=Warning exec dotnet bin/Release/net10.0/AllianceMonitor.Api.dll >"$data/compare-$2.log" 2>&1) &
  pids+=($!)
}
start "$a" 5101
start "$b" 5102
trap 'kill ${pids[@]} 2>/dev/null' EXIT
for port in 5101 5102; do until curl -fs http://127.0.0.1:$port/health/ready >/dev/null; do sleep 1; done; done
key=$(curl -fs -X POST -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"name":"bench","roles":["clinician"]}' \
  "http://127.0.0.1:5101/api/v1/clinics/$clinic/api-keys" | python3 -c 'import sys,json;print(json.load(sys.stdin)["key"])')
sql "SELECT format('database: %s patients, %s sessions, %s alerts (%s open)', (SELECT count(*) FROM patients), (SELECT count(*) FROM sessions),
       (SELECT count(*) FROM alerts), (SELECT count(*) FROM alerts WHERE status = 'open'))"
for order in "5101 5102" "5102 5101"; do
  for port in $order; do
    [ "$port" = 5101 ] && echo "== A: $a" || echo "== B: $b"
    uptime
    dotnet "$bench" "http://127.0.0.1:$port" "$key" "$repeats"
  done
done
