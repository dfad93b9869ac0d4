#!/usr/bin/env bash
# Research export of 1,000,000 patient-sessions against COPY (the same query) TO STDOUT via psql, in the same run on
# the same PostgreSQL cluster: throughput ratio (target >= 0.5 of COPY) and the service's peak memory (target < 300 MB).
# The automatic calibration refit is switched off (Calibration__CheckInterval=12:00:00): it would otherwise load the
# million seeded ratings itself during the run, and its peak (about 700 MB) would hide the export's.
# Usage: bench/export/run.sh [patients] [sessions-per-patient]    (defaults 100000 x 10 = 1,000,000 rows)
set -euo pipefail
cd "$(dirname "$0")/../.."
patients=${1:-100000}
sessions=${2:-10}
port=5098
data=$(mktemp -d /tmp/alliance-export-bench.XXXXXX)
admin_key="bench-admin-key-$(date +%s)-0123456789"
chmod 755 "$data"

dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null
dll=src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll
ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
  Database__EmbeddedDataPath="$data/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
  Calibration__CheckInterval=12:00:00 \
  dotnet $dll >"$data/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.5; done

api=http://127.0.0.1:$port/api/v1
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"Bench"}' | json id)
researcher=$(curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"research","roles":["researcher"]}' | json key)

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid")
export PGPASSWORD; PGPASSWORD=$(cat "$data/postgres/superuser.password")
psql_() { "$pgbin/psql" -X -q -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor "$@"; }

echo "seeding $patients patients x $sessions sessions ..."
psql_ -v clinic="$clinic" -v patients="$patients" -v sessions="$sessions" -f bench/export/seed.sql
rows=$(psql_ -At -c "SELECT count(*) FROM sessions")
echo "rows: $rows"
echo "service peak RSS before the export: $(awk '/VmHWM/{printf "%.0f MB", $2/1024}' /proc/$service/status)"

sql=$(dotnet $dll print-export-sql "$clinic")
copy() {
  local start end
  start=$(date +%s.%N)
  psql_ -c "COPY ($sql) TO STDOUT WITH (FORMAT csv, HEADER)" >"$data/copy.csv"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
export_() {
  curl -fsS -o "$data/export.csv" -w '%{time_total}' "$api/export/sessions?format=csv" -H "Authorization: Bearer $researcher"
}

echo "warm-up COPY (discarded): $(copy) s"
t_export=$(export_)
t_copy=$(copy)
peak=$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$service/status)
export_rows=$(($(wc -l <"$data/export.csv") - 1))
copy_rows=$(($(wc -l <"$data/copy.csv") - 1))
logged=$(psql_ -At -c "SELECT status || ' ' || row_count FROM export_log ORDER BY started_at DESC LIMIT 1")

echo
echo "export (HTTP, CSV, pseudonymised): $export_rows rows, $(du -m "$data/export.csv" | cut -f1) MB in ${t_export} s = $(echo "$export_rows / $t_export" | bc) rows/s"
echo "COPY TO STDOUT via psql:          $copy_rows rows, $(du -m "$data/copy.csv" | cut -f1) MB in ${t_copy} s = $(echo "$copy_rows / $t_copy" | bc) rows/s"
printf 'throughput export / COPY: %.2f (target >= 0.5)\n' "$(echo "$t_copy / $t_export" | bc -l)"
echo "service peak RSS (whole process, VmHWM): $peak MB (target < 300 MB)"
echo "export log: $logged"
