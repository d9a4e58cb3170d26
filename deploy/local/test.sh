#!/usr/bin/env bash
# Runs Veil's default test suite on this machine: installs prerequisites (bubblewrap, PostgreSQL),
# starts a throwaway PostgreSQL for the store contract tests, then `mvn -B verify`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/prereqs.sh
export VEIL_TEST_PG_URL="$(bash deploy/local/postgres.sh)"
export VEIL_TEST_PG_USER=veil
echo "PostgreSQL for tests: $VEIL_TEST_PG_URL"
mvn -B -ntp verify "$@"
