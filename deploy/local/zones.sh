#!/usr/bin/env bash
# The local two-zone data space: a public-data zone and a social-data zone on loopback, each the
# other's federation peer (docs/federation.md).
#
#   bash deploy/local/zones.sh prepare         build if needed; create the local data-space CA and the
#                                              zone certificates on first run; refresh the CRL
#   bash deploy/local/zones.sh start public    run one zone in the foreground (after prepare)
#   bash deploy/local/zones.sh start social
#
# deploy/local/run.sh does all of it for both zones. Environment (defaults in brackets):
#   VEIL_PORT [8080] VEIL_DATA [./var/zone-public] VEIL_ZONE_ID [zone-public] VEIL_TIER [PUBLIC]
#   VEIL_SOCIAL_PORT [8081] VEIL_SOCIAL_DATA [./var/zone-social] VEIL_SOCIAL_ZONE_ID [zone-social]
#   VEIL_FEDERATION_PORT [9443] VEIL_SOCIAL_FEDERATION_PORT [9444]  mutual-TLS zone-to-zone ports
#   VEIL_SUITE [INTL]            crypto suite of both zones (zone keys, data keys, request signatures)
#   VEIL_CA_DIR [~/.local/state/veil/local-ca]  the local CA; must be outside any git work tree
#   VEIL_MTLS [auto]             auto: mutual TLS if the CA could be created; off: signatures over HTTP
#   VEIL_JAVA_OPTS []            extra JVM options per zone
#   VEIL_IDENTITY [embedded]     embedded: each zone's own demo authorization server; keycloak: tokens
#                                from the `veil` realm (deploy/keycloak/start.sh; issuer VEIL_KEYCLOAK_ISSUER)
#   VEIL_BUILD [auto]            auto: rebuild when sources are newer than the jar; never: use the jar
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR=gateway/target/veil-gateway-0.1.0-SNAPSHOT-exec.jar

PUB_ID="${VEIL_ZONE_ID:-zone-public}";  PUB_TIER="${VEIL_TIER:-PUBLIC}"
PUB_PORT="${VEIL_PORT:-8080}";          PUB_DATA="${VEIL_DATA:-./var/zone-public}"
PUB_FED="${VEIL_FEDERATION_PORT:-9443}"
SOC_ID="${VEIL_SOCIAL_ZONE_ID:-zone-social}"; SOC_TIER=SOCIAL
SOC_PORT="${VEIL_SOCIAL_PORT:-8081}";         SOC_DATA="${VEIL_SOCIAL_DATA:-./var/zone-social}"
SOC_FED="${VEIL_SOCIAL_FEDERATION_PORT:-9444}"
SUITE="${VEIL_SUITE:-INTL}"
CA_DIR="${VEIL_CA_DIR:-${XDG_STATE_HOME:-${HOME:-.}/.local/state}/veil/local-ca}"
SECRETS="$CA_DIR/local-demo-secrets.env"
MTLS="${VEIL_MTLS:-auto}"

# Runs a main class from the gateway's executable jar (its libraries included), without Spring.
tool() {
  local main="$1"; shift
  java -cp "$JAR" -Dloader.main="$main" org.springframework.boot.loader.launch.PropertiesLauncher "$@"
}

build() {
  # Rebuild when the jar is missing or any source or pom is newer than it (VEIL_BUILD=never: use the jar as is).
  if [ "${VEIL_BUILD:-auto}" = never ] && [ -f "$JAR" ]; then return 0; fi
  if [ ! -f "$JAR" ] || [ -n "$(find . \( -path ./var -o -name target -o -name .git \) -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.yml' -o -name '*.sql' \) -newer "$JAR" -print -quit)" ]; then
    mvn -B -q -ntp install -DskipTests
  fi
}

# Local-only passwords for the CA and the zone keystores it issues: random, generated once, kept
# owner-only next to the CA (never in the repository, never on a command line).
load_secrets() {
  if [ ! -f "$SECRETS" ]; then
    (umask 077; mkdir -p "$CA_DIR"
     printf 'VEIL_CA_PASSWORD=%s\nVEIL_ZONE_PASSWORD=%s\n' \
       "$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" \
       "$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" > "$SECRETS")
  fi
  set -a; . "$SECRETS"; set +a
}

mtls_ready() {
  [ "$MTLS" != off ] && [ -f "$CA_DIR/ca.crt" ] && [ -f "$CA_DIR/zones/$PUB_ID.p12" ] && [ -f "$CA_DIR/zones/$SOC_ID.p12" ]
}

prepare() {
  build
  mkdir -p "$PUB_DATA" "$SOC_DATA"
  # Create both zone keystores now: each zone reads the other's signing key at start, and two
  # processes must never race to create the same keystore.
  tool io.veil.gateway.federation.ZoneKeyTool "$PUB_DATA" "$SUITE" >/dev/null
  tool io.veil.gateway.federation.ZoneKeyTool "$SOC_DATA" "$SUITE" >/dev/null
  if [ "$MTLS" = off ]; then
    echo "mutual TLS off (VEIL_MTLS=off): zone requests are signed, over plain loopback HTTP"
    return 0
  fi
  if ! load_secrets 2>/dev/null; then
    echo "warning: cannot create $CA_DIR; zone requests stay signed, over plain loopback HTTP" >&2
    return 0
  fi
  if [ ! -f "$CA_DIR/ca.p12" ]; then
    # The transport CA is INTL: the JDK has no SM2 (TLCP) cipher suites. GM zones still sign with SM2.
    if ! tool io.veil.crypto.ca.CaMain init --dir "$CA_DIR" --suite INTL --name "Veil local data space CA"; then
      echo "warning: could not create the local CA in $CA_DIR (set VEIL_CA_DIR outside any git work tree);" \
           "zone requests stay signed, over plain loopback HTTP" >&2
      return 0
    fi
  fi
  [ -f "$CA_DIR/zones/$PUB_ID.p12" ] || tool io.veil.crypto.ca.CaMain issue --dir "$CA_DIR" --zone "$PUB_ID" --tier "$PUB_TIER"
  [ -f "$CA_DIR/zones/$SOC_ID.p12" ] || tool io.veil.crypto.ca.CaMain issue --dir "$CA_DIR" --zone "$SOC_ID" --tier "$SOC_TIER"
  # A CRL is valid for 30 days: re-sign it on every run so a long-lived demo CA keeps working.
  tool io.veil.crypto.ca.CaMain crl --dir "$CA_DIR" >/dev/null
}

# start ZONE: runs one zone in the foreground with the other configured as its peer.
start() {
  local which="$1" id tier port data fed peer_id peer_tier peer_data peer_fed scheme
  case "$which" in
    public) id=$PUB_ID; tier=$PUB_TIER; port=$PUB_PORT; data=$PUB_DATA; fed=$PUB_FED
            peer_id=$SOC_ID; peer_tier=$SOC_TIER; peer_data=$SOC_DATA; peer_fed=$SOC_FED ;;
    social) id=$SOC_ID; tier=$SOC_TIER; port=$SOC_PORT; data=$SOC_DATA; fed=$SOC_FED
            peer_id=$PUB_ID; peer_tier=$PUB_TIER; peer_data=$PUB_DATA; peer_fed=$PUB_FED ;;
    *) echo "usage: zones.sh start public|social" >&2; exit 2 ;;
  esac
  [ -f "$JAR" ] || build
  # The peer's zone signing key (creates the peer's keystore if it has never run, as it would itself).
  local peer_key
  peer_key="$(tool io.veil.gateway.federation.ZoneKeyTool "$peer_data" "$SUITE")"
  local profile=local
  case "${VEIL_IDENTITY:-embedded}" in
    embedded) ;;
    keycloak) profile=keycloak ;;
    *) echo "VEIL_IDENTITY must be embedded or keycloak" >&2; exit 2 ;;
  esac
  local args=(
    --spring.profiles.active="$profile"
    --veil.demo.enabled=true
    --server.port="$port"
    --veil.data-dir="$data"
    --veil.zone.id="$id"
    --veil.zone.tier="$tier"
    --veil.zone.suite="$SUITE"
    --veil.federation.port="$fed"
    --veil.federation.address=127.0.0.1
    "--veil.federation.peers[0].zone-id=$peer_id"
    "--veil.federation.peers[0].tier=$peer_tier"
    "--veil.federation.peers[0].suite=$SUITE"
    "--veil.federation.peers[0].public-key=$peer_key"
  )
  if [ "$MTLS" != off ] && [ -f "$SECRETS" ] && load_secrets && mtls_ready; then
    scheme=https
    args+=(
      --veil.federation.tls.zone-keystore="$CA_DIR/zones/$id.p12"
      --veil.federation.tls.ca-certificate="$CA_DIR/ca.crt"
      --veil.federation.tls.crl="$CA_DIR/ca.crl"
    )
    # The keystore password goes through the environment, not the (world-readable) command line.
    export VEIL_FEDERATION_TLS_ZONEKEYSTOREPASSWORD="$VEIL_ZONE_PASSWORD"
  else
    scheme=http
  fi
  unset VEIL_CA_PASSWORD VEIL_ZONE_PASSWORD
  args+=("--veil.federation.peers[0].url=$scheme://127.0.0.1:$peer_fed")
  # shellcheck disable=SC2086
  exec java ${VEIL_JAVA_OPTS:-} -jar "$JAR" "${args[@]}"
}

case "${1:-}" in
  prepare) prepare ;;
  start) start "${2:-}" ;;
  *) echo "usage: zones.sh prepare | start public|social" >&2; exit 2 ;;
esac
