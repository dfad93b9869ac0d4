#!/usr/bin/env bash
# The live path's results do not depend on how it reaches the database: two builds (this checkout and BASE, another
# checkout) each get the same seeded sequence of session PUTs (same-alerts.py) on a fresh embedded cluster, and their
# stored alerts and revisions (ids and timestamps left out) must be identical.
# Usage: BASE=<folder of another checkout> bench/put-latency/same-alerts.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
here=$(pwd)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
out=$(mktemp -d /tmp/alliance-same.XXXXXX); chmod 755 "$out"

run() { # name source-folder port
  local data=$out/$1 admin_key="same-admin-key-$(date +%s)-0123456789"
  mkdir -p "$data"; chmod 755 "$data"
  (cd "$2" && dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null)
  ASPNETCORE_URLS=http://127.0.0.1:$3 ASPNETCORE_ENVIRONMENT=Production Calibration__CheckInterval=12:00:00 \
    Database__EmbeddedDataPath="$data/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
    dotnet "$2/src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll" >"$data/service.log" 2>&1 &
  local service=$!
  trap "kill $service 2>/dev/null || true" EXIT
  for _ in $(seq 1 240); do curl -fs http://127.0.0.1:$3/health/ready >/dev/null && break; sleep 0.5; done
  local api=http://127.0.0.1:$3/api/v1 clinic ingest
  json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
  clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"Same"}' | json id)
  ingest=$(curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"platform","roles":["ingest"]}' | json key)
  local pgport; pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid")
  PGPASSWORD=$(cat "$data/postgres/superuser.password") python3 bench/put-latency/same-alerts.py "$3" "$ingest" \
    "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor >"$out/$1.txt"
  kill $service; wait $service 2>/dev/null || true
}

run this "$here" 5111
run base "$BASE" 5112
echo "alerts (kind, status): $(awk -F'|' 'NF>10{print $4"/"$6}' "$out/this.txt" | sort | uniq -c | tr -s ' \n' ' ')"
echo "revisions: $(awk -F'|' 'NF<10' "$out/this.txt" | wc -l), of which superseded: $(awk -F'|' 'NF<10 && $8=="f"' "$out/this.txt" | wc -l)"
if diff "$out/base.txt" "$out/this.txt" >"$out/diff.txt"; then echo "identical"; else echo "DIFFERENT:"; head -40 "$out/diff.txt"; exit 1; fi
