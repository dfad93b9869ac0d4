#!/usr/bin/env bash
# Bulk session import (POST /api/v1/imports/sessions, NDJSON) against COPY of the same measurement rows into a scratch
# table, in the same run on the same PostgreSQL cluster: throughput of each in sessions per second and their ratio
# (issue 15's target: import >= 0.3 x COPY). Also, to show where the import's time goes: the same file with every line
# invalid (read, parsed and validated, no database write), the SQL statements and transactions per stored line (from a
# short run with log_statement = 'all'), and the service's peak memory.
# Usage: [REFERENCE=<git ref> [ROUNDS=2]] bench/import/run.sh [sessions]   (default 20000)
# With REFERENCE, the service built from that ref also runs, on the same cluster, and the two builds then import the
# file alternately, ROUNDS times each (a new clinic each time, neither always first), with the service's and
# PostgreSQL's CPU seconds over each import: a same-run comparison that the shared machine's load moves less.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/reference.sh
sessions=${1:-20000}
port=5097
data=$(mktemp -d /tmp/alliance-import-bench.XXXXXX)
admin_key="bench-admin-key-$(date +%s)-0123456789"
chmod 755 "$data"

dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null
ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
  Database__EmbeddedDataPath="$data/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
  Calibration__CheckInterval=12:00:00 \
  dotnet src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll >"$data/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.5; done

api=http://127.0.0.1:$port/api/v1
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d['$1'])"; }
key_for() {
  local clinic
  clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d "{\"name\":\"$1\"}" | json id)
  curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"platform","roles":["ingest"]}' | json key
}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgdata="$data/postgres/pgdata"
pgport=$(sed -n 4p "$pgdata/postmaster.pid")
export PGPASSWORD; PGPASSWORD=$(cat "$data/postgres/superuser.password")
psql_() { "$pgbin/psql" -X -q -At -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor "$@"; }
now() { date +%s.%N; }
rate() { echo "$1 / ($3 - $2)" | bc -l; }

# Sends a file; prints the summary's counts; leaves the elapsed seconds in $elapsed.
import_file() {
  local start end
  start=$(now)
  curl -fsS -X POST $api/imports/sessions -H "Authorization: Bearer $1" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$2" -o "$data/summary.json"
  end=$(now)
  elapsed=$(echo "$end - $start" | bc -l)
  python3 -c "import json; s=json.load(open('$data/summary.json')); print('  lines %(lines)d: created %(created)d, updated %(updated)d, unchanged %(unchanged)d, rejected %(rejected)d' % s)"
}

python3 bench/import/generate.py "$sessions" "$data/sessions.ndjson" "$data/rows.csv"
python3 bench/import/generate.py "$sessions" "$data/invalid.ndjson" "$data/invalid.csv" --invalid
python3 bench/import/generate.py 200 "$data/small.ndjson" "$data/small.csv"
echo "file: $sessions sessions, $(wc -l <"$data/rows.csv") measurement rows, $(du -k "$data/sessions.ndjson" | cut -f1) KiB of NDJSON"

echo
echo "== warm-up: 200 sessions into a clinic of their own (discarded) =="
import_file "$(key_for Warm)" "$data/small.ndjson"

echo
echo "== statements per stored line: 200 sessions with log_statement = 'all' =="
psql_ -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
log_before=$(wc -l <"$pgdata/log/server.log")
xacts_before=$(psql_ -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'alliancemonitor'")
import_file "$(key_for Counted)" "$data/small.ndjson"
sleep 1
xacts_after=$(psql_ -c "SELECT xact_commit FROM pg_stat_database WHERE datname = 'alliancemonitor'")
psql_ -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
tail -n +"$((log_before + 1))" "$pgdata/log/server.log" >"$data/statements.log"
statements=$(grep -cE "LOG:  (statement|execute)" "$data/statements.log")
printf '  %.1f SQL statements and %.2f committed transactions per line (including the audit entry and the key lookup)\n' \
  "$(echo "$statements / 200" | bc -l)" "$(echo "($xacts_after - $xacts_before) / 200" | bc -l)"
echo "  per line, by kind and first table:"
python3 bench/import/statements.py "$data/statements.log" 200

echo
echo "== reference: COPY of the same $(wc -l <"$data/rows.csv") measurement rows into a scratch table =="
psql_ -c "CREATE TABLE bench_copy (patient text, session int, instrument text, rater text, timing text, items double precision[],
  total double precision, occurred_on date, modality text, therapist text)"
start=$(now)
psql_ -c "COPY bench_copy FROM STDIN WITH (FORMAT csv)" <"$data/rows.csv"
end=$(now)
copy_rate=$(rate "$sessions" "$start" "$end")
printf '  %.2f s, %.0f sessions/s\n' "$(echo "$end - $start" | bc -l)" "$copy_rate"

echo
echo "== read, parse and validate only: $sessions lines, every one rejected (no database write) =="
import_file "$(key_for Invalid)" "$data/invalid.ndjson"
parse_rate=$(echo "$sessions / $elapsed" | bc -l)
printf '  %.2f s, %.0f lines/s\n' "$elapsed" "$parse_rate"

echo
echo "== import: $sessions sessions =="
ingest=$(key_for Import)
import_file "$ingest" "$data/sessions.ndjson"
import_rate=$(echo "$sessions / $elapsed" | bc -l)
printf '  %.2f s, %.0f sessions/s\n' "$elapsed" "$import_rate"
alerts=$(psql_ -c "SELECT count(*) FROM alerts")
echo "  alerts raised: $alerts; service peak RSS: $(awk '/VmHWM/{printf "%.0f MB", $2/1024}' /proc/$service/status)"

echo
echo "== replay of the same file (every line unchanged) =="
import_file "$ingest" "$data/sessions.ndjson"
printf '  %.2f s, %.0f lines/s\n' "$elapsed" "$(echo "$sessions / $elapsed" | bc -l)"

echo
echo "== attribution only: the same file into a new clinic with synchronous_commit = off (commits do not wait for the WAL flush) =="
psql_ -c "ALTER SYSTEM SET synchronous_commit = off" -c "SELECT pg_reload_conf()" >/dev/null
import_file "$(key_for Async)" "$data/sessions.ndjson"
psql_ -c "ALTER SYSTEM RESET synchronous_commit" -c "SELECT pg_reload_conf()" >/dev/null
async_rate=$(echo "$sessions / $elapsed" | bc -l)
printf '  %.2f s, %.0f sessions/s\n' "$elapsed" "$async_rate"

echo
printf 'import %.0f sessions/s, COPY %.0f sessions/s: import / COPY = %.4f (target >= 0.3)\n' \
  "$import_rate" "$copy_rate" "$(echo "$import_rate / $copy_rate" | bc -l)"
printf 'read+parse+validate alone: %.0f lines/s, so %.1f%% of a stored line'"'"'s time is before the database\n' \
  "$parse_rate" "$(echo "100 * $import_rate / $parse_rate" | bc -l)"
printf 'without waiting for WAL flushes: %.0f sessions/s (%.0f%% of the stored line'"'"'s time was the commit flush)\n' \
  "$async_rate" "$(echo "100 * (1 - $import_rate / $async_rate)" | bc -l)"
echo "(2 shared cores, loaded by other work while this ran: figures vary from run to run)"
echo "(${0} $sessions)"

[ -n "${REFERENCE:-}" ] || exit 0
echo
echo "== same run: this build ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ', with uncommitted changes')) and $REFERENCE ($(git rev-parse --short "$REFERENCE")) alternately =="
# The service above keeps running: it owns the embedded cluster both services use.
ref_port=$((port + 1))
start_reference "$REFERENCE" "$data/ref" $ref_port
trap 'kill $service $reference 2>/dev/null; wait $service $reference 2>/dev/null; rm -rf "$data"' EXIT
declare -A ports=([this]=$port [reference]=$ref_port) pids=([this]=$service [reference]=$reference)
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
postgres_ticks() { local t=0 p v; for p in $(pgrep -P "$(head -1 "$pgdata/postmaster.pid")"); do v=$(ticks "$p" 2>/dev/null); t=$((t + ${v:-0})); done; echo $t; }
hz=$(getconf CLK_TCK)
api=http://127.0.0.1:$ref_port/api/v1
import_file "$(key_for WarmReference)" "$data/small.ndjson" >/dev/null
import_file "$(key_for WarmReference2)" "$data/sessions.ndjson" >/dev/null # the first large import carries the JIT's work
for round in $(seq 1 "${ROUNDS:-2}"); do
  order="this reference"; [ $((round % 2)) -eq 0 ] && order="reference this"
  for who in $order; do
    api=http://127.0.0.1:${ports[$who]}/api/v1
    key=$(key_for "Round$round$who")
    service_before=$(ticks "${pids[$who]}"); postgres_before=$(postgres_ticks); load=$(cut -d' ' -f1 /proc/loadavg)
    import_file "$key" "$data/sessions.ndjson" >"$data/counts"
    printf '  round %d, %-9s: %6.2f s, %5.0f sessions/s; service CPU %5.2f s, PostgreSQL CPU %5.2f s; load average %s;%s\n' "$round" "$who" \
      "$elapsed" "$(echo "$sessions / $elapsed" | bc -l)" "$(echo "($(ticks "${pids[$who]}") - $service_before) / $hz" | bc -l)" \
      "$(echo "($(postgres_ticks) - $postgres_before) / $hz" | bc -l)" "$load" "$(sed 's/^  lines [0-9]*://' "$data/counts")"
  done
done
