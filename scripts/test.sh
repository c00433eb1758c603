#!/usr/bin/env bash
# The test command: starts (installing when missing) RabbitMQ and PostgreSQL on loopback, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
trap stop_services EXIT
start_services

output=$(mktemp)
status=0
dotnet test Orchestrator.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$output" || status=$?
# One closing line for the whole run, summed over the test projects.
awk '/^ *Passed: *[0-9]+$/ {p += $2} /^ *Failed: *[0-9]+$/ {f += $2} END {printf "%d passed, %d failed\n", p, f}' "$output"
rm -f "$output"
exit "$status"
