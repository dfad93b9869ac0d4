#!/usr/bin/env bash
# The first (uncached) GET /analysis/summary on a seeded clinic: wall time, service CPU and the service's peak RSS
# (VmHWM), each call on a freshly started service (the cache is in memory, so a fresh service fits again).
# Seeds DIR once (bench/export/seed.sql, as run.sh) when DIR has no `key` yet; then CALLS fresh services, one call each.
# Usage: [CALLS=1] [CACHED=0] [PORT=5120] [DLL=<Api.dll>] [OUT=<file.json>] bench/clinic-scale/summary.sh DIR [patients] [sessions-per-patient]
# CACHED=N times N more calls on the same service after the first, answered from the cache (issue 15's target: < 20 ms).
# DIR may be a clinic seeded by run.sh's CLINIC_DATA mode (`key` and `postgres` in it). One service at a time on DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:?usage: summary.sh DIR [patients] [sessions]}
patients=${2:-10000}
sessions=${3:-10}
port=${PORT:-5120}
mkdir -p "$dir"
if [ -z "${DLL:-}" ]; then
  dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null
  DLL=src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll
fi
admin_key="bench-admin-key-$(date +%s)-0123456789"
service=""
trap '[ -n "$service" ] && kill $service 2>/dev/null; wait 2>/dev/null || true' EXIT
start_service() {
  ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
    Database__EmbeddedDataPath="$dir/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
    Calibration__CheckInterval=12:00:00 dotnet "$DLL" >>"$dir/service.log" 2>&1 &
  service=$!
  for _ in $(seq 1 240); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && return; sleep 0.5; done
  echo "service did not become ready" >&2; exit 1
}
stop_service() { kill $service; wait $service 2>/dev/null || true; service=""; }
if [ ! -f "$dir/key" ]; then
  start_service
  api=http://127.0.0.1:$port/api/v1
  json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
  clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"Bench"}' | json id)
  curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"bench","roles":["admin","researcher"]}' | json key >"$dir/key"
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  psql_() { PGPASSWORD=$(cat "$dir/postgres/superuser.password") "$pgbin/psql" -X -q -h 127.0.0.1 -p "$(sed -n 4p "$dir/postgres/pgdata/postmaster.pid")" -U alliance -d alliancemonitor "$@"; }
  echo "seeding $patients patients x $sessions sessions ..."
  psql_ -v clinic="$clinic" -v patients="$patients" -v sessions="$sessions" -f bench/export/seed.sql
  psql_ -c 'VACUUM ANALYZE measurements, sessions, patients'
  stop_service
fi
key=$(cat "$dir/key")
echo "machine: $(nproc) cores; build $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)')"
for call in $(seq 1 "${CALLS:-1}"); do
  start_service
  before=$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$service/status)
  cpu0=$(awk -v tck="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / tck}' /proc/$service/stat)
  load=$(cut -d' ' -f1 /proc/loadavg)
  t=$(curl -sS -o "${OUT:-/dev/null}" -w '%{http_code} %{time_total}' "http://127.0.0.1:$port/api/v1/analysis/summary" -H "Authorization: Bearer $key")
  cpu1=$(awk -v tck="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / tck}' /proc/$service/stat)
  printf 'first summary: HTTP %s s wall, %s s service CPU, peak RSS %s -> %s MB (RSS after %s MB); load average %s -> %s\n' \
    "$t" "$(echo "$cpu1 - $cpu0" | bc)" "$before" "$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$service/status)" \
    "$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$service/status)" "$load" "$(cut -d' ' -f1 /proc/loadavg)"
  if [ "${CACHED:-0}" -gt 0 ]; then
    times=$(for _ in $(seq 1 "$CACHED"); do
      curl -fsS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/api/v1/analysis/summary" -H "Authorization: Bearer $key"
    done | sort -g)
    echo "cached summary: median $(echo "$times" | sed -n "$(( (CACHED + 1) / 2 ))p") s, worst of $CACHED $(echo "$times" | tail -1) s (target < 0.020 s)"
  fi
  stop_service
done
