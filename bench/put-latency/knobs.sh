#!/usr/bin/env bash
# Runtime settings compared side by side at 1 and 8 connections: one service (and embedded cluster) per variant, all
# running at once, each warmed up (WARM s at 8 connections, then ANALYZE), then SECS-second runs alternated between them
# ROUNDS times, so that the machine's load drifting hits every variant alike. Prints every run and per-variant medians
# of the service's and PostgreSQL's CPU per PUT.
# Usage: APP=<publish folder> [ROUNDS=5] [SECS=10] bench/put-latency/knobs.sh "name|ENV=1 ENV2=2" "name2|A=1" ...
# Two builds side by side the same way: a variant's own APP=<folder> (a publish, or bin/Release/net10.0 of a checkout)
# among its settings runs that build, e.g. APP=x knobs.sh "this|APP=<here>/..." "base|APP=<base>/...".
set -uo pipefail
app_default=${APP:?APP=<folder of a dotnet publish -c Release of src/AllianceMonitor.Api>}
lua=$(cd "$(dirname "$0")" && pwd)/put-session.lua
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
secs=${SECS:-10}; rounds=${ROUNDS:-5}; conns=${CONNS:-"1 8"}
declare -a names pids ports keys datas postmasters
# PostgreSQL's CPU ticks: the postmaster and its backends (live ones; a pooled connection lives as long as its service).
pg_cpu() { local t; t=$(awk '{print $14+$15+$16+$17}' /proc/$1/stat); for ch in $(pgrep -P $1); do t=$((t + $(awk '{print $14+$15}' /proc/$ch/stat 2>/dev/null || echo 0))); done; echo $t; }
i=0
for v in "$@"; do
  name=${v%%|*}; envs=${v#*|}; port=$((${PORT:-5140}+i)); app=$app_default
  for e in $envs; do case $e in APP=*) app=${e#APP=};; esac; done
  data=$(mktemp -d /tmp/put1-alt.XXXXXX); chmod 755 $data
  admin_key="bench-admin-key-$(date +%s)-0123456789"
  env $envs X_=1 ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production Database__EmbeddedDataPath="$data/postgres" \
    Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning Calibration__CheckInterval=12:00:00 \
    dotnet $app/AllianceMonitor.Api.dll >"$data/service.log" 2>&1 & pid=$!
  for _ in $(seq 1 240); do curl -fs http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.5; done
  api=http://127.0.0.1:$port/api/v1
  json() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
  clinic=$(curl -fs -X POST $api/clinics -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"Bench"}' | json id)
  ingest=$(curl -fs -X POST $api/clinics/$clinic/api-keys -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' -d '{"name":"platform","roles":["ingest"]}' | json key)
  pgport=$(sed -n 4p "$data/postgres/pgdata/postmaster.pid")
  INGEST_KEY=$ingest RUN_ID=warm CONNECTIONS=8 wrk -t1 -c8 -d${WARM:-30}s -s "$lua" http://127.0.0.1:$port >/dev/null
  PGPASSWORD=$(cat "$data/postgres/superuser.password") "$pgbin/psql" -q -h 127.0.0.1 -p "$pgport" -U alliance -d alliancemonitor -c ANALYZE
  postmasters[$i]=$(sed -n 1p "$data/postgres/pgdata/postmaster.pid")
  names[$i]=$name; pids[$i]=$pid; ports[$i]=$port; keys[$i]=$ingest; datas[$i]=$data; i=$((i+1))
done
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null; done' EXIT
out_all=$(mktemp /tmp/alliance-knobs.XXXXXX)
for r in $(seq 1 $rounds); do
  for c in $conns; do
    for j in $(seq 0 $((i-1))); do
      s=${pids[$j]}
      c0=$(awk '{print $14+$15}' /proc/$s/stat); g0=$(pg_cpu ${postmasters[$j]})
      out=$(INGEST_KEY=${keys[$j]} RUN_ID=r$r-c$c CONNECTIONS=$c wrk -t1 -c$c -d${secs}s --latency -s "$lua" http://127.0.0.1:${ports[$j]})
      c1=$(awk '{print $14+$15}' /proc/$s/stat); g1=$(pg_cpu ${postmasters[$j]})
      total=$(echo "$out" | awk '/requests in/{print $1}')
      line=$(printf '%-12s c=%d %8s req/s p50 %7s p99 %7s cpu %s load %s pg %s' "${names[$j]}" $c "$(echo "$out" | awk '/Requests\/sec/{print $2}')" \
        "$(echo "$out" | awk '$1=="50%"{print $2}')" "$(echo "$out" | awk '$1=="99%"{print $2}')" "$(echo "($c1 - $c0) * 10 / $total" | bc -l | cut -c1-5)" "$(cut -d' ' -f1 /proc/loadavg)" "$(echo "($g1 - $g0) * 10 / $total" | bc -l | cut -c1-5)")
      echo "$line" | tee -a $out_all
    done
  done
done
python3 - "$out_all" <<'PY'
import sys,collections,statistics as st
d=collections.defaultdict(list)
for l in open(sys.argv[1]):
    f=l.split(); d[(f[0],f[1])].append((float(f[2]),f[5],f[7],float(f[9]),float(f[13]) if len(f)>13 else float('nan')))
for k,v in sorted(d.items(), key=lambda kv:(kv[0][1],kv[0][0])):
    ms=lambda t: float(t[:-2])/1000 if t.endswith('us') else float(t[:-2]) if t.endswith('ms') else float(t[:-1])*1000
    p99=[ms(x[2]) for x in v]
    print(f"{k[0]:12s} {k[1]}: median req/s {st.median(x[0] for x in v):7.1f}  median p99 {st.median(p99):6.2f} ms  median cpu {st.median(x[3] for x in v):.2f} ms/PUT  median postgres cpu {st.median(x[4] for x in v):.2f} ms/PUT  (n={len(v)}; cpu {' '.join(str(x[3]) for x in v)}; postgres {' '.join(str(x[4]) for x in v)})")
PY
for p in "${pids[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null
for dd in "${datas[@]}"; do rm -rf $dd; done
