#!/usr/bin/env bash
# p99 latency of the session PUT with rupture detection, from a single client, against two references in the same run
# on the same PostgreSQL cluster: pgbench committing one single-row INSERT per transaction (the floor of any durable
# write), and GET /health/ready (the same HTTP stack and one database round trip, no write).
# Usage: bench/put-latency/run.sh [seconds]   (needs wrk: apt-get install -y wrk)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
port=5099
data=$(mktemp -d /tmp/alliance-bench.XXXXXX)
admin_key="bench-admin-key-$(date +%s)-0123456789"
chmod 755 "$data"

dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null
ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
  Database__EmbeddedDataPath="$data/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
  dotnet src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll >"$data/service.log" 2>&1 &
service=$!
trap 'kill $service 2>/dev/null; wait $service 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.5; done

api=http://127.0.0.1:$port/api/v1
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"Bench"}' | json id)
ingest=$(curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"platform","roles":["ingest"]}' | json key)

echo "warm-up (10 s, discarded)"
INGEST_KEY=$ingest RUN_ID=warm wrk -t1 -c1 -d10s -s bench/put-latency/put-session.lua http://127.0.0.1:$port >/dev/null
echo
echo "== session PUT with detection: 1 client, ${seconds} s =="
INGEST_KEY=$ingest RUN_ID=run wrk -t1 -c1 -d${seconds}s --latency -s bench/put-latency/put-session.lua http://127.0.0.1:$port \
  | tee "$data/put.txt" | sed -n '/Latency Distribution/,/requests in/p'
echo
echo "== reference: GET /health/ready, 1 client, ${seconds} s =="
wrk -t1 -c1 -d${seconds}s --latency http://127.0.0.1:$port/health/ready \
  | tee "$data/ref.txt" | sed -n '/Latency Distribution/,/requests in/p'

echo
echo "== reference: pgbench, one INSERT per committed transaction, 1 client, ${seconds} s =="
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid")
export PGPASSWORD; PGPASSWORD=$(cat "$data/postgres/superuser.password")
"$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U alliance -d postgres -c \
  "CREATE TABLE bench_reference (id bigserial PRIMARY KEY, patient text NOT NULL, session int NOT NULL, body jsonb NOT NULL)"
echo "INSERT INTO bench_reference (patient, session, body) VALUES ('bench-1', :client_id, '{\"wai-sr\": 4.5}');" >"$data/reference.sql"
(cd "$data" && "$pgbin/pgbench" -n -h 127.0.0.1 -p "$pgport" -U alliance -c 1 -T "$seconds" -f reference.sql -l --log-prefix=pgbench postgres \
  | grep -E "latency average|tps")
pgbench_p99=$(cat "$data"/pgbench.* | awk '{print $3/1000}' | sort -n | awk '{v[NR]=$1} END {print v[int(NR*0.99)]}')

p99() { awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$1"; }
put=$(p99 "$data/put.txt"); ref=$(p99 "$data/ref.txt")
clinician=$(curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"bench","roles":["clinician"]}' | json key)
alerts=$(curl -fs "$api/alerts?pageSize=1" -H "Authorization: Bearer $clinician" | json totalCount)
echo
echo "alerts raised during the runs: $alerts"
printf 'p99 session PUT with detection: %.2f ms (target < 25 ms)\n' "$put"
printf 'p99 pgbench single-INSERT commit: %.2f ms; PUT / pgbench = %.1f\n' "$pgbench_p99" "$(echo "$put / $pgbench_p99" | bc -l)"
printf 'p99 GET /health/ready:            %.2f ms; PUT / health  = %.1f\n' "$ref" "$(echo "$put / $ref" | bc -l)"
