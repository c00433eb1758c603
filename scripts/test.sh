#!/usr/bin/env bash
# The test command: starts (installing when missing) RabbitMQ and PostgreSQL on loopback, installs the platforms'
# npm SDKs the local cloud's tests drive, then runs every test and a smoke run of the benchmark harness. Node.js (18+)
# must be on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
use_services
npm ci --prefix tests/LocalCloud.Tests/sdk --no-audit --no-fund --loglevel=error

output=$(mktemp)
status=0
dotnet test Orchestrator.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$output" || status=$?

# The benchmark harness, small: proves it still runs end to end (no figures judged), so it cannot rot.
bench=$(mktemp)
bench_result="skipped (the tests failed)"
if [ "$status" = 0 ]; then
  bench_status=0
  dotnet run -c Release --project bench/Orchestrator.Bench -- --smoke >"$bench" 2>&1 || bench_status=$?
  if [ "$bench_status" = 0 ]; then bench_result=passed; else tail -n 60 "$bench"; status=$bench_status; bench_result="FAILED (exit $bench_status)"; fi
fi

# One closing line for the whole run, summed over the test projects.
awk '/^ *Passed: *[0-9]+$/ {p += $2} /^ *Failed: *[0-9]+$/ {f += $2} END {printf "%d passed, %d failed", p, f}' "$output"
echo "; benchmark smoke run $bench_result"
rm -f "$output" "$bench"
exit "$status"
