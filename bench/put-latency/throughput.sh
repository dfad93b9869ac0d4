#!/usr/bin/env bash
# Session PUT throughput and latency at 1 and 8 connections, with the service's and PostgreSQL's CPU time per PUT, against
# pgbench (one single-row INSERT per committed transaction, the floor of any durable write) at the same concurrency on
# the same embedded PostgreSQL cluster, in the same run. With BASE=<folder of another checkout>, that build is measured
# too, one after the other, each on a fresh cluster, so the two can be compared as ratios to their own pgbench.
# The automatic refit (a background job that refits a clinic's calibration after every refitEvery new sessions) is off,
# so the figures are the PUT's own; REFIT=on keeps it at its default 30 s check, and its cost at clinic size is measured
# by bench/clinic-scale/run.sh. After a 10 s warm-up at 8 connections, one-connection rounds of 10 s run until the
# service's CPU per PUT stops falling (the JIT's tiered compilation settling), so both figures are the steady state.
# Usage: [REFIT=on] [ANALYZE=off] [PORT=5101] bench/put-latency/throughput.sh [seconds]   (needs wrk: apt-get install -y wrk)
# PORT is this build's port and PORT+1 the other's, for a machine where another run holds 5101-5102.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
here=$(pwd)
lua=$here/bench/put-latency/put-session.lua
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
ticks=$(getconf CLK_TCK)

# CPU seconds of a process tree: the process itself, its live children, and the children it has reaped.
cpu_of() {
  local pid=$1 total
  total=$(awk '{print $14+$15+$16+$17}' "/proc/$pid/stat")
  for child in $(pgrep -P "$pid" || true); do
    total=$((total + $(awk '{print $14+$15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# Where a phase's CPU went, to tell the variance between runs apart: the service's JIT compiler thread and its garbage
# collector threads (CPU ticks of the live threads by name), the host's steal time (a virtual machine's CPU taken by
# other guests, from /proc/stat), and the sequential scans PostgreSQL ran and the rows they read, with how many times
# autovacuum analyzed a table meanwhile (each ANALYZE re-plans the prepared statements).
threads_of() { # pid -> "jit gc" ticks
  local pid=$1 jit=0 gc=0 t comm ticks
  for t in /proc/$pid/task/*; do
    # stat's second field is the thread's name in parentheses, which may hold spaces: count fields after it.
    comm=$(cat "$t/comm" 2>/dev/null || true); ticks=$(sed 's/.*) //' "$t/stat" 2>/dev/null | awk '{print $12+$13}')
    case "$comm" in
      *"Tiered Com"*) jit=$((jit + ${ticks:-0})) ;;
      *"GC"*) gc=$((gc + ${ticks:-0})) ;;
    esac
  done
  echo "$jit $gc"
}
# The host's speed: the fastest of three timings of one fixed piece of CPU work (SHA-256 of 64 MB of zeros), in ms. On a
# shared virtual machine it moves with what the host's other guests do (caches, memory bandwidth, clock), which steal
# time does not show.
host_ms() {
  local best=999999 t0 t1 i
  for i in 1 2 3; do
    t0=$(date +%s%N); head -c 67108864 /dev/zero | sha256sum >/dev/null; t1=$(date +%s%N)
    best=$(( (t1 - t0) / 1000000 < best ? (t1 - t0) / 1000000 : best ))
  done
  echo $best
}
steal_of() { awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
pg_scans() { # psql-args -> "seq_scans rows_read autoanalyzes"
  "$@" -tAF' ' -c "SELECT coalesce(sum(seq_scan), 0), coalesce(sum(seq_tup_read), 0), coalesce(sum(autoanalyze_count), 0) FROM pg_stat_user_tables WHERE relname <> 'bench_reference'"
}

measure() { # name source-folder port
  local name=$1 src=$2 port=$3 data
  data=$(mktemp -d /tmp/alliance-throughput.XXXXXX); chmod 755 "$data"
  local admin_key="bench-admin-key-$(date +%s)-0123456789"
  (cd "$src" && dotnet build -c Release src/AllianceMonitor.Api -v q -nologo >/dev/null)
  ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
    Database__EmbeddedDataPath="$data/postgres" Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning \
    Calibration__CheckInterval="$([ "${REFIT:-off}" = on ] && echo 00:00:30 || echo 12:00:00)" \
    dotnet "$src/src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll" >"$data/service.log" 2>&1 &
  local service=$!
  trap "kill $service 2>/dev/null || true" EXIT
  for _ in $(seq 1 240); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.5; done
  local api=http://127.0.0.1:$port/api/v1
  json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
  local clinic ingest
  clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"Bench"}' | json id)
  ingest=$(curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"platform","roles":["ingest"]}' | json key)
  local pgport postmaster
  pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid"); postmaster=$(sed -n 1p "$data/postgres/pgdata/postmaster.pid")
  export PGPASSWORD; PGPASSWORD=$(cat "$data/postgres/superuser.password")
  "$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U alliance -d postgres -c \
    "CREATE TABLE bench_reference (id bigserial PRIMARY KEY, patient text NOT NULL, session int NOT NULL, body jsonb NOT NULL)"
  echo "INSERT INTO bench_reference (patient, session, body) VALUES ('bench-1', :client_id, '{\"wai-sr\": 4.5}');" >"$data/reference.sql"

  INGEST_KEY=$ingest RUN_ID=warm CONNECTIONS=8 wrk -t1 -c8 -d10s -s "$lua" http://127.0.0.1:$port >/dev/null
  # Statistics, as autovacuum gathers them within a database's first minute or two: planned on the empty tables of a
  # fresh cluster, the PUT's read of a patient's ratings walks every stored rating (about 10 ms of PostgreSQL CPU per
  # PUT after the warm-up, against about 2 ms once analyzed), which is the cluster's first minute, not its steady state.
  # ANALYZE=off leaves the statistics to autovacuum, as a new database has them: the first minute is still slow with
  # the read batch's index plans (2026-12-03: 11-15 ms of PostgreSQL CPU per PUT at one connection; docs/alerts.md).
  if [ "${ANALYZE:-on}" != off ]; then "$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor -c ANALYZE; fi
  # The JIT's warm-up. The runtime compiles a method quickly first, then again with instrumentation, then optimized
  # (tiered compilation with dynamic PGO), on a background thread that gets what CPU is left: after the 10 s above the
  # service was still compiling, a third of its CPU in the first 20 s at one connection went to the JIT, and measured
  # right away one connection cost 3-4 times the service CPU per PUT of the same run measured a minute later (found
  # 2026-12-03). So one-connection rounds of 10 s go on until the service's CPU per PUT stops falling (within 15% of
  # the round before, or 8 rounds), and the figures below are the steady state; the rounds are printed.
  local warm="" previous=0 round
  for round in $(seq 1 8); do
    local w0 w1 wout wtotal per
    local wj0 wj1 jshare
    w0=$(cpu_of $service); wj0=$(threads_of $service | cut -d' ' -f1)
    wout=$(INGEST_KEY=$ingest RUN_ID=settle$round CONNECTIONS=1 wrk -t1 -c1 -d10s -s "$lua" http://127.0.0.1:$port)
    w1=$(cpu_of $service); wj1=$(threads_of $service | cut -d' ' -f1); wtotal=$(echo "$wout" | awk '/requests in/{print $1}')
    per=$(echo "($w1 - $w0) * 1000 / $ticks / $wtotal" | bc -l)
    jshare=$(echo "($wj1 - $wj0) / ($w1 - $w0 + 1)" | bc -l)
    warm="$warm $(printf '%.2f' "$per")(JIT $(printf '%.0f' "$(echo "$jshare * 100" | bc -l)")%)"
    # Settled: no cheaper than the round before, and the JIT compiler thread below 5% of the round's CPU (two rounds at
    # the same high cost can both be the JIT's, on a loaded machine where its background thread gets little CPU).
    if [ "$(echo "$previous > 0 && $per > $previous * 0.85 && $jshare < 0.05" | bc -l)" = 1 ]; then break; fi
    previous=$per
  done
  echo "$name warm-up at 1 connection, service CPU ms/PUT per 10 s round (the JIT thread's share):$warm"
  for c in 1 8; do
    local s0 p0 s1 p1 out
    local th0 th1 st0 st1 sc0 sc1
    sc0=$(pg_scans "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor); sleep 1
    local hm; hm=$(host_ms)
    th0=$(threads_of $service); st0=$(steal_of)
    s0=$(cpu_of $service); p0=$(cpu_of $postmaster)
    out=$(INGEST_KEY=$ingest RUN_ID=run$c CONNECTIONS=$c wrk -t1 -c$c -d${seconds}s --latency -s "$lua" http://127.0.0.1:$port)
    s1=$(cpu_of $service); p1=$(cpu_of $postmaster)
    th1=$(threads_of $service); st1=$(steal_of)
    sleep 1; sc1=$(pg_scans "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor)
    local rps p50 p99 total
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    p50=$(echo "$out" | awk '$1=="50%"{print $2}'); p99=$(echo "$out" | awk '$1=="99%"{print $2}')
    total=$(echo "$out" | awk '/requests in/{print $1}')
    rm -f "$data"/pgbench.*
    local pg
    pg=$(cd "$data" && "$pgbin/pgbench" -n -h 127.0.0.1 -p "$pgport" -U alliance -c $c -j $c -T "$seconds" -f reference.sql -l --log-prefix=pgbench postgres 2>/dev/null)
    local tps pg50 pg99
    tps=$(echo "$pg" | awk -F'= ' '/^tps/{split($2,a," "); print a[1]}')
    read -r pg50 pg99 < <(cat "$data"/pgbench.* | awk '{print $3/1000}' | sort -n | awk '{v[NR]=$1} END {print v[int(NR*0.5)], v[int(NR*0.99)]}')
    printf '%-6s c=%d  PUT: %8s req/s  p50 %8s  p99 %8s | service CPU %5.2f ms/PUT, postgres CPU %5.2f ms/PUT | pgbench: %8.0f tps  p50 %.2fms  p99 %.2fms | PUT/pgbench throughput %.3f\n' \
      "$name" "$c" "$rps" "$p50" "$p99" \
      "$(echo "($s1 - $s0) * 1000 / $ticks / $total" | bc -l)" "$(echo "($p1 - $p0) * 1000 / $ticks / $total" | bc -l)" \
      "$tps" "$pg50" "$pg99" "$(echo "$rps / $tps" | bc -l)"
    read -r j0 g0 <<<"$th0"; read -r j1 g1 <<<"$th1"; read -r sa0 sb0 <<<"$st0"; read -r sa1 sb1 <<<"$st1"
    read -r q0 r0 a0 <<<"$sc0"; read -r q1 r1 a1 <<<"$sc1"
    printf '%-6s c=%d  of the service CPU: JIT %.2f, GC %.2f ms/PUT | host: steal %.1f%%, CPU probe %d ms | postgres: %.1f sequential scans and %.0f rows read by them per PUT, %d autovacuum ANALYZE during the run\n' \
      "$name" "$c" "$(echo "($j1 - $j0) * 1000 / $ticks / $total" | bc -l)" "$(echo "($g1 - $g0) * 1000 / $ticks / $total" | bc -l)" \
      "$(echo "($sa1 - $sa0) * 100 / ($sb1 - $sb0 + 1)" | bc -l)" "$hm" "$(echo "($q1 - $q0) / $total" | bc -l)" "$(echo "($r1 - $r0) / $total" | bc -l)" "$((a1 - a0))"
  done
  kill $service; wait $service 2>/dev/null || true
  rm -rf "$data"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine shows in every figure)"
# FIRST=base measures the other build first, so a run in each order shows how much the order (the machine's load
# drifting) moves the figures.
if [ -n "${BASE:-}" ] && [ "${FIRST:-this}" = base ]; then measure base "$BASE" $((${PORT:-5101} + 1)); fi
measure this "$here" "${PORT:-5101}"
if [ -n "${BASE:-}" ] && [ "${FIRST:-this}" != base ]; then measure base "$BASE" $((${PORT:-5101} + 1)); fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
