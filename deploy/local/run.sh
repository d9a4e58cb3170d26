#!/usr/bin/env bash
# Runs a local Veil zone on embedded defaults (H2, embedded authorization server, embedded ledger,
# bubblewrap sandbox) with demo participants and demo data, and prints the URLs. Ctrl-C stops it.
# Environment: VEIL_PORT (8080), VEIL_DATA (./var/zone-public), VEIL_TIER (PUBLIC), VEIL_SUITE (INTL).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/prereqs.sh
JAR=gateway/target/veil-gateway-0.1.0-SNAPSHOT-exec.jar
# Rebuild when the jar is missing or any source or pom is newer than it.
if [ ! -f "$JAR" ] || [ -n "$(find . \( -path ./var -o -name target -o -name .git \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.yml' -o -name '*.sql' \) -newer "$JAR" -print -quit)" ]; then
  mvn -B -q -ntp install -DskipTests
fi
PORT="${VEIL_PORT:-8080}"
exec java -jar "$JAR" \
  --spring.profiles.active=local \
  --server.port="$PORT" \
  --veil.data-dir="${VEIL_DATA:-./var/zone-public}" \
  --veil.zone.id="${VEIL_ZONE_ID:-zone-public}" \
  --veil.zone.tier="${VEIL_TIER:-PUBLIC}" \
  --veil.zone.suite="${VEIL_SUITE:-INTL}"
