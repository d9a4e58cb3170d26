#!/usr/bin/env bash
# Starts a real Keycloak (from Maven Central: org.keycloak:keycloak-quarkus-dist) on loopback with the
# `veil` realm imported, and waits until the realm's OIDC discovery document answers.
# Env: KC_VERSION (26.0.7), KC_PORT (18080), VEIL_CACHE (~/.cache/veil), KC_DATA (/tmp/veil-keycloak).
# `start.sh stop` stops it. The distribution is cached outside the repository.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
KC_VERSION="${KC_VERSION:-26.0.7}"
KC_PORT="${KC_PORT:-18080}"
CACHE="${VEIL_CACHE:-$HOME/.cache/veil}"
DATA="${KC_DATA:-/tmp/veil-keycloak}"
HOME_DIR="$CACHE/keycloak-$KC_VERSION"
PIDFILE="$DATA/keycloak.pid"

if [ "${1:-start}" = "stop" ]; then
  [ -f "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null || true
  rm -f "$PIDFILE"; exit 0
fi

if [ ! -x "$HOME_DIR/bin/kc.sh" ]; then
  mkdir -p "$CACHE"
  mvn -B -q -ntp dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
      -DoutputDirectory="$CACHE" -Dmdep.overWriteIfNewer=true
  (cd "$CACHE" && unzip -q -o "keycloak-quarkus-dist-$KC_VERSION.zip" && rm -f "keycloak-quarkus-dist-$KC_VERSION.zip")
  mv "$CACHE/keycloak-$KC_VERSION" "$HOME_DIR" 2>/dev/null || true
fi

URL="http://127.0.0.1:$KC_PORT/realms/veil/.well-known/openid-configuration"
if curl -sf "$URL" >/dev/null 2>&1; then echo "Keycloak already up: $URL"; exit 0; fi

# A fresh database each start: the realm is imported from the export, so every run starts identical.
rm -rf "$DATA/db"; mkdir -p "$DATA" "$HOME_DIR/data/import"
# --import-realm reads $KC_HOME/data/import
cp "$HERE/veil-realm.json" "$HOME_DIR/data/import/veil-realm.json"
export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
export KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin-local-only}"
nohup "$HOME_DIR/bin/kc.sh" start-dev \
  --http-host=127.0.0.1 --http-port="$KC_PORT" --hostname-strict=false \
  --db=dev-file --db-url="jdbc:h2:file:$DATA/db/keycloakdb;NON_KEYWORDS=VALUE" \
  --import-realm \
  --health-enabled=true >"$DATA/keycloak.log" 2>&1 &
echo $! >"$PIDFILE"
for i in $(seq 1 180); do
  if curl -sf "$URL" >/dev/null 2>&1; then echo "Keycloak up: http://127.0.0.1:$KC_PORT/realms/veil"; exit 0; fi
  if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then echo "Keycloak exited; see $DATA/keycloak.log" >&2; tail -30 "$DATA/keycloak.log" >&2; exit 1; fi
  sleep 1
done
echo "Keycloak did not answer $URL within 180 s; see $DATA/keycloak.log" >&2
exit 1
