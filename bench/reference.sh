# Sourced by the bench scripts: the service built at another git ref and started beside this build's, on the same
# embedded cluster, so a change is compared with the code before it in one run under one load.
# start_reference <git ref> <folder> <port>: needs pgport, PGPASSWORD and admin_key set; sets reference to its pid and
# returns once it answers /health/ready (its log is <folder>/service.log).
start_reference() {
  local ref=$1 dir=$2 port=$3
  mkdir -p "$dir"
  git archive "$ref" | tar -x -C "$dir"
  dotnet build -c Release "$dir/src/AllianceMonitor.Api" -v q -nologo >/dev/null
  ASPNETCORE_URLS=http://127.0.0.1:$port ASPNETCORE_ENVIRONMENT=Production \
    ConnectionStrings__AllianceDb="Host=127.0.0.1;Port=$pgport;Username=alliance;Password=$PGPASSWORD;Database=alliancemonitor" \
    Bootstrap__AdminKey="$admin_key" Logging__LogLevel__Default=Warning Calibration__CheckInterval=12:00:00 \
    dotnet "$dir/src/AllianceMonitor.Api/bin/Release/net10.0/AllianceMonitor.Api.dll" >"$dir/service.log" 2>&1 &
  reference=$!
  for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
}
