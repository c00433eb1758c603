#!/usr/bin/env bash
# The test command: starts (installing when missing) RabbitMQ and PostgreSQL on loopback, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
trap stop_services EXIT
start_services
dotnet test Orchestrator.sln -c Release --logger "console;verbosity=normal" "$@"
