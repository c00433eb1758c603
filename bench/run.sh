#!/usr/bin/env bash
# The benchmark harness in one command. Starts RabbitMQ and PostgreSQL on loopback (installing them from Debian's
# packages when missing; durable settings: fsync and synchronous_commit on), or uses the servers named by
# ORCHESTRATOR_TEST_RABBITMQ and ORCHESTRATOR_TEST_POSTGRES, then runs every workload and baseline and writes
# bench/results/pipeline.md and pipeline.json.
#   bench/run.sh            the full run (about 7 minutes on 2 cores)
#   bench/run.sh --smoke    small numbers, to prove the harness works (CI runs this); report in a temporary folder
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
use_services
dotnet run -c Release --project bench/Orchestrator.Bench -- "$@"
