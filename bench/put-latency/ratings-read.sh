#!/usr/bin/env bash
# The session PUT's read of a patient's other ratings (SessionReadBatch.OtherRatingsSql) against the statement it
# replaced (a NOT EXISTS per stored rating that looked the detector state and the calibration's latest version up
# again for each), on a running service's embedded cluster: each is run by pgbench at one client, prepared (generic
# plans after five executions, as Npgsql's auto-prepared statements get) with sequential scans off (as the read
# batch sets them), SECS seconds each, alternated ROUNDS times. Prints calls, PostgreSQL's CPU per call (the
# postmaster and its children, from /proc) and, when pg_stat_statements is loaded and created in the database
# (ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements', restart, CREATE EXTENSION pg_stat_statements),
# its mean execution time per call. Both statements are also run once with psql and their rows compared.
# Usage: DATA=<the service's Database:EmbeddedDataPath> CLINIC=<clinic id> PATIENT=<external id> NUMBER=<session number>
#        [ROUNDS=3] [SECS=8] bench/put-latency/ratings-read.sh
# Hold /work/bench.lock (flock) while it runs: it is a timing run.
set -euo pipefail
: "${DATA:?}" "${CLINIC:?}" "${PATIENT:?}" "${NUMBER:?}"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
port=$(sed -n 4p "$DATA/pgdata/postmaster.pid"); postmaster=$(sed -n 1p "$DATA/pgdata/postmaster.pid")
export PGPASSWORD; PGPASSWORD=$(cat "$DATA/superuser.password")
psql() { "$pgbin/psql" -qAt -h 127.0.0.1 -p "$port" -U alliance -d alliancemonitor "$@"; }
cpu() { local t; t=$(awk '{print $14+$15+$16+$17}' /proc/$postmaster/stat); for c in $(pgrep -P "$postmaster"); do t=$((t + $(awk '{print $14+$15}' /proc/$c/stat 2>/dev/null || echo 0))); done; echo "$t"; }
ticks=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/ratings-read.XXXXXX); trap 'rm -rf "$work"' EXIT

of_patient="p.clinic_id = '$CLINIC'::uuid AND p.external_id = '$PATIENT'"
instruments="'{wai-sr,wai-sr-t,srs,phq-9,gad-7,core-10,oq-45}'::text[]"
cat >"$work/old.sql" <<SQL
\set number $NUMBER
SELECT m.session_number, m.instrument, m.rater, m.timing, m.total FROM measurements m JOIN patients p ON p.id = m.patient_id WHERE $of_patient AND m.session_number <> :number AND m.superseded_at IS NULL AND m.instrument = ANY($instruments) AND NOT EXISTS (SELECT 1 FROM series_detector_states st WHERE st.patient_id = p.id AND st.instrument = m.instrument AND st.rater = m.rater AND m.session_number <= st.last_session AND st.last_session < :number AND st.calibration_version = COALESCE((SELECT max(c.version) FROM calibrations c WHERE c.clinic_id = '$CLINIC'::uuid AND c.instrument = st.instrument AND c.rater = st.rater), 0));
SQL
cat >"$work/new.sql" <<SQL
\set number $NUMBER
WITH resumable AS MATERIALIZED (SELECT st.instrument, st.rater, st.last_session FROM series_detector_states st JOIN patients p ON p.id = st.patient_id WHERE $of_patient AND st.last_session < :number AND st.calibration_version = COALESCE((SELECT max(c.version) FROM calibrations c WHERE c.clinic_id = '$CLINIC'::uuid AND c.instrument = st.instrument AND c.rater = st.rater), 0)) SELECT m.session_number, m.instrument, m.rater, m.timing, m.total FROM measurements m JOIN patients p ON p.id = m.patient_id WHERE $of_patient AND m.session_number <> :number AND m.superseded_at IS NULL AND m.instrument = ANY($instruments) AND NOT EXISTS (SELECT 1 FROM resumable r WHERE r.instrument = m.instrument AND r.rater = m.rater AND m.session_number <= r.last_session);
SQL

rows() { tail -1 "$work/$1.sql" | sed "s/:number/$NUMBER/g" | psql | sort; }
if [ "$(rows old)" = "$(rows new)" ]; then echo "same rows ($(rows new | grep -c . || true)) for session $NUMBER"; else echo "DIFFERENT ROWS for session $NUMBER"; exit 1; fi
pgss=$(psql -c "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "${ROUNDS:-3}"); do
  for variant in old new; do
    [ "$pgss" = 1 ] && psql -c "SELECT pg_stat_statements_reset()" >/dev/null
    c0=$(cpu)
    out=$(PGOPTIONS="-c enable_seqscan=off" "$pgbin/pgbench" -n -M prepared -h 127.0.0.1 -p "$port" -U alliance -c1 -T "${SECS:-8}" -f "$work/$variant.sql" alliancemonitor 2>&1)
    sleep 0.5; c1=$(cpu)
    calls=$(echo "$out" | awk '/actually processed/{print $NF}')
    mean=n/a
    [ "$pgss" = 1 ] && mean=$(psql -c "SELECT round(mean_exec_time::numeric * 1000, 1) FROM pg_stat_statements WHERE query LIKE '%FROM measurements m%' ORDER BY calls DESC LIMIT 1")
    printf 'round %d %-3s: %7d calls, PostgreSQL CPU %6.1f us/call, mean execution %s us (pg_stat_statements), load %s\n' \
      "$round" "$variant" "$calls" "$(echo "($c1 - $c0) * 1000000 / $ticks / $calls" | bc -l)" "$mean" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
