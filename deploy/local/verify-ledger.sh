#!/usr/bin/env bash
# Checks a STOPPED zone's embedded ledger offline: every frame, entry signature, committed root and
# the signed checkpoint, against the zone's own signing key. Prints each finding.
# Usage: deploy/local/verify-ledger.sh <data-dir>   (e.g. ./var/zone-public)
# Keystore password: VEIL_ZONE_KEYSTORE_PASSWORD (default: the local-only demo password).
# Exit 0 intact, 1 tampered, 2 usage/keystore problem.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=gateway/target/veil-gateway-0.1.0-SNAPSHOT-exec.jar
[ -f "$JAR" ] || mvn -B -q -ntp install -DskipTests
exec java -cp "$JAR" -Dloader.main=io.veil.gateway.ledger.VerifyLedgerCommand \
  org.springframework.boot.loader.launch.PropertiesLauncher "$@"
