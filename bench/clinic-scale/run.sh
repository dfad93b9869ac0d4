#!/usr/bin/env bash
# Clinic-size work at 1,000,000 sessions (issue 15): POST /analysis/refit (wall time and the service's peak RSS), the
# automatic refit's due-check, and GET /analysis/summary when cached, each beside the query it replaced, timed on the
# same database in the same run. Optionally (REFERENCE=<git ref>) the same refit and cached summary by the service built
# from that ref, on the same database, as a same-run reference for the code before the change.
# Usage: [REFERENCE=<git ref>] bench/clinic-scale/run.sh [patients] [sessions-per-patient]   (defaults 100000 x 10)
# Refit rounds only, on a clinic seeded before (its embedded data directory `postgres` and clinic API key `key` in one
# directory; one service at a time on it), alternating this build and the reference ROUNDS times, each service fresh:
#   CLINIC_DATA=<dir> REFERENCE=<git ref> [REFERENCE_DATA=<dir>] [ROUNDS=3] [WARM=2] [PORT=5097] bench/clinic-scale/run.sh
# WARM is the number of warm refits after each cold one: the runtime is still compiling the refit's code in the first
# few, so the later ones show the steady state of a service that has been running for a while.
# REFERENCE_DATA (default CLINIC_DATA) is a copy of the clinic for the reference build, for when this build migrates
# the schema to one the reference's plans were not made for.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/reference.sh
patients=${1:-100000}
sessions=${2:-10}
port=${PORT:-5097}
ref_port=5096
repeats=9
summary_repeats=21
data=$(mktemp -d /tmp/alliance-clinic-bench.XXXXXX)
admin_key="bench-admin-key-$(date +%s)-0123456789"
chmod 755 "$data"

dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null
dll=src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll

if [ -n "${CLINIC_DATA:-}" ]; then
  # Rounds mode: this build and the reference alternate on the seeded clinic, each service started fresh (so every
  # round has a cold refit, then a warm one) and stopped before the other starts: one service owns the data directory.
  : "${REFERENCE:?rounds mode compares against REFERENCE=<git ref>}"
  key=$(cat "$CLINIC_DATA/key")
  mkdir -p "$data/ref"
  git archive "$REFERENCE" | tar -x -C "$data/ref"
  dotnet build -c Release "$data/ref/src/AllianceMonitor.Api" -v q -nologo >/dev/null
  declare -A dlls=([this]=$dll [reference]="$data/ref/src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll")
  declare -A clinics=([this]=$CLINIC_DATA [reference]=${REFERENCE_DATA:-$CLINIC_DATA})
  declare -A vacuumed=()
  service=""
  trap '[ -n "$service" ] && kill $service 2>/dev/null; wait 2>/dev/null; rm -rf "$data"' EXIT
  echo "machine: $(nproc) cores; this build $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' (with uncommitted changes)'), reference $REFERENCE ($(git rev-parse --short "$REFERENCE"))"
  for round in $(seq 1 "${ROUNDS:-3}"); do
    order="this reference"; [ $((round % 2)) -eq 0 ] && order="reference this" # neither always goes first
    for build in $order; do
      # The refit's own log line (read and fit times, the symptom model's evaluations) is printed after each refit, where
      # the build has it.
      env ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
        Database__EmbeddedDataPath="${clinics[$build]}/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
        Logging__LogLevel__AllianceMonitor.Api.Calibrations.CalibrationStore=Information \
        Calibration__CheckInterval=12:00:00 dotnet "${dlls[$build]}" >>"$data/service.log" 2>&1 &
      service=$!
      for _ in $(seq 1 240); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.5; done
      if [ -z "${vacuumed[${clinics[$build]}]:-}" ]; then
        # Once, after the first start has migrated the clinic: the refit reads from covering indexes, which PostgreSQL
        # uses without visiting the table only where the visibility map says all-visible (autovacuum's job in service).
        pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
        PGPASSWORD=$(cat "${clinics[$build]}/postgres/superuser.password") "$pgbin/psql" -X -q -h 127.0.0.1 \
          -p "$(sed -n 4p "${clinics[$build]}/postgres/pgdata/postmaster.pid")" -U alliance -d alliancemonitor -c 'VACUUM ANALYZE measurements, sessions, patients'
        vacuumed[${clinics[$build]}]=1
      fi
      for call in cold $(printf 'warm %.0s' $(seq 1 "${WARM:-2}")); do
        before=$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$service/status)
        cpu0=$(awk -v tck="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / tck}' /proc/$service/stat)
        load=$(cut -d' ' -f1 /proc/loadavg)
        logged=$(wc -l <"$data/service.log")
        t=$(curl -fsS -o /dev/null -w '%{time_total}' -X POST "http://127.0.0.1:$port/api/v1/analysis/refit" -H "Authorization: Bearer $key")
        cpu1=$(awk -v tck="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / tck}' /proc/$service/stat)
        printf 'round %s %-9s %s refit: %6.2f s wall, %5.2f s service CPU, peak RSS %s -> %s MB; load average %s -> %s\n' \
          "$round" "$build" "$call" "$t" "$(echo "$cpu1 - $cpu0" | bc)" "$before" \
          "$(awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$service/status)" "$load" "$(cut -d' ' -f1 /proc/loadavg)"
        sleep 0.2 # the console logger writes from its own thread
        tail -n +$((logged + 1)) "$data/service.log" | sed -n 's/^ *Refit of clinic [^,]*, /    /p'
      done
      kill $service; wait $service 2>/dev/null || true; service=""
    done
  done
  exit 0
fi
# The automatic refit is off (a 12-hour check interval): the bench times the refit itself, through the API.
ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
  Database__EmbeddedDataPath="$data/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
  Calibration__CheckInterval=12:00:00 \
  dotnet $dll >"$data/service.log" 2>&1 &
service=$!
reference=""
trap 'kill $service $reference 2>/dev/null; wait $service $reference 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.5; done

api=http://127.0.0.1:$port/api/v1
json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"Bench"}' | json id)
key=$(curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
  -d '{"name":"bench","roles":["admin","researcher"]}' | json key)

pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid")
export PGPASSWORD; PGPASSWORD=$(cat "$data/postgres/superuser.password")
psql_() { "$pgbin/psql" -X -q -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor "$@"; }

# The export bench's seed: one clinic, a WAI-SR and a PHQ-9 per session, written straight into the tables with
# generate_series (the change counter's triggers fire as for any write, so the clinic has 1,000,000 changes).
echo "seeding $patients patients x $sessions sessions (bench/export/seed.sql) ..."
start=$(date +%s)
psql_ -v clinic="$clinic" -v patients="$patients" -v sessions="$sessions" -f bench/export/seed.sql
# As autovacuum leaves a table some time after a bulk insert: all-visible, so the refit's covering indexes are read alone.
psql_ -c 'VACUUM ANALYZE measurements, sessions, patients'
echo "seeded in $(( $(date +%s) - start )) s: $(psql_ -At -c "SELECT count(*) FROM sessions") sessions, $(psql_ -At -c "SELECT count(*) FROM measurements") ratings, change counter $(psql_ -At -c "SELECT sum(changes) FROM clinic_change_counters WHERE clinic_id = '$clinic'")"

cpu() { awk -v tck="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / tck}' /proc/$1/stat; }
hwm() { awk '/VmHWM/{printf "%.0f", $2/1024}' /proc/$1/status; }
rss() { awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$1/status; }
refit() { # $1 port, $2 pid
  local before t cpu0
  before=$(hwm "$2")
  cpu0=$(cpu "$2")
  t=$(curl -fsS -o "$data/refit.json" -w '%{time_total}' -X POST "http://127.0.0.1:$1/api/v1/analysis/refit" -H "Authorization: Bearer $key")
  echo "refit: ${t} s wall, $(echo "$(cpu "$2") - $cpu0" | bc) s service CPU; service peak RSS (VmHWM) before ${before} MB, after $(hwm "$2") MB (target: refit < 3 s, peak < 400 MB); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 -c "import json; [print('  ', c['instrument'], c['rater'], 'version', c['version'], 'ratings', c['ratings'], 'default' if c['isDefault'] else 'fitted') for c in json.load(open('$data/refit.json'))]"
}
sql_ms() { # $1 query, $2 runs (default $repeats): median and worst of one query through psql (\timing: round trip), then PostgreSQL's own execution time
  local times runs=${2:-$repeats}
  times=$(for _ in $(seq 1 "$runs"); do psql_ -c '\timing on' -c "$1" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'; done | sort -g)
  echo "median $(echo "$times" | sed -n "$(( (runs + 1) / 2 ))p") ms, worst $(echo "$times" | tail -1) ms (round trip); executing $(psql_ -At -c "EXPLAIN (ANALYZE, FORMAT JSON) $1" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['Execution Time'])") ms"
}
cached_summary() { # $1 port: the first call fits (not a target), then the median and worst of $summary_repeats cached calls
  local first times
  first=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$1/api/v1/analysis/summary" -H "Authorization: Bearer $key")
  times=$(for _ in $(seq 1 $summary_repeats); do curl -fsS -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$1/api/v1/analysis/summary" -H "Authorization: Bearer $key"; done | sort -g)
  echo "summary: first call (fits) ${first} s; cached, median $(echo "$times" | sed -n "$(( (summary_repeats + 1) / 2 ))p") s, worst of $summary_repeats $(echo "$times" | tail -1) s (target < 0.020 s); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

echo
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== this build =="
refit $port $service
echo "again (code now jitted):"
refit $port $service
echo "due-check query, $repeats runs (the SQL the service runs):"
echo "  change counter:                 $(sql_ms "SELECT c.clinic_id, c.changes - coalesce(m.changes_at_refit, 0) AS changes FROM (SELECT clinic_id, sum(changes)::bigint AS changes FROM clinic_change_counters GROUP BY clinic_id) c LEFT JOIN clinic_refit_marks m ON m.clinic_id = c.clinic_id WHERE c.changes > coalesce(m.changes_at_refit, 0)") (target < 10 ms)"
echo "  reference, the count it replaced: $(sql_ms "SELECT p.clinic_id, count(*)::int AS sessions FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE s.updated_at > coalesce((SELECT max(c.fitted_at) FROM calibrations c WHERE c.clinic_id = p.clinic_id), '-infinity') GROUP BY p.clinic_id" 3)"
echo "summary data version, $repeats runs:"
echo "  change counter:                 $(sql_ms "SELECT coalesce(sum(changes), 0)::bigint FROM clinic_change_counters WHERE clinic_id = '$clinic'") (target: the cached summary < 20 ms)"
echo "  reference, the count it replaced: $(sql_ms "SELECT count(*), max(s.updated_at) FROM sessions s JOIN patients p ON p.id = s.patient_id WHERE p.clinic_id = '$clinic'" 3)"
cached_summary $port
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); service RSS now $(rss $service) MB, peak $(hwm $service) MB"

if [ -n "${REFERENCE:-}" ]; then
  echo
  echo "== reference: the service built from $REFERENCE, on the same database =="
  # The service above keeps running: it owns the embedded cluster both services use.
  start_reference "$REFERENCE" "$data/ref" $ref_port
  refit $ref_port $reference
  echo "again (code now jitted):"
  refit $ref_port $reference
  cached_summary $ref_port
fi
