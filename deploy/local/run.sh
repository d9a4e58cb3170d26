#!/usr/bin/env bash
# Runs the local two-zone Veil data space on embedded defaults (H2, embedded authorization server,
# embedded ledger, bubblewrap sandbox) with demo participants and demo data:
#   zone-public  PUBLIC tier  http://localhost:8080  ./var/zone-public  (residents)
#   zone-social  SOCIAL tier  http://localhost:8081  ./var/zone-social  (bank_customers)
# Each zone is the other's federation peer; zone-to-zone calls are signed by the zone keys and go
# over mutual TLS (ports 9443/9444) with certificates from a local data-space CA created on first
# run. Waits for both zones, prints their URLs; Ctrl-C stops both. Logs: ./var/<zone>.log.
# Environment: VEIL_PORT (8080), VEIL_DATA (./var/zone-public), VEIL_TIER (PUBLIC), VEIL_SUITE (INTL),
# VEIL_ZONE_ID (zone-public), VEIL_SOCIAL_PORT (8081), VEIL_SOCIAL_DATA (./var/zone-social),
# VEIL_ZONES (both | public | social: run only that zone, in the foreground); more in zones.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash deploy/local/prereqs.sh
ZONES=deploy/local/zones.sh
bash "$ZONES" prepare

case "${VEIL_ZONES:-both}" in
  public|social) exec bash "$ZONES" start "${VEIL_ZONES}" ;;
  both) ;;
  *) echo "VEIL_ZONES must be both, public or social" >&2; exit 2 ;;
esac

PUB_PORT="${VEIL_PORT:-8080}"
SOC_PORT="${VEIL_SOCIAL_PORT:-8081}"
mkdir -p var
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap 'stop; exit 130' INT TERM
trap stop EXIT

bash "$ZONES" start public > var/zone-public.log 2>&1 &
pids+=($!)
bash "$ZONES" start social > var/zone-social.log 2>&1 &
pids+=($!)

# Plain bash HTTP (no curl needed): is the zone's health endpoint UP?
healthy() {
  local reply
  reply="$( (exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET /actuator/health HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3 && cat <&3) 2>/dev/null || true)"
  [[ "$reply" == *'"status":"UP"'* ]]
}

echo "starting zone-public (port $PUB_PORT) and zone-social (port $SOC_PORT); logs in var/zone-public.log, var/zone-social.log"
for _ in $(seq 1 300); do
  for i in 0 1; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      log=var/zone-public.log; [ "$i" = 1 ] && log=var/zone-social.log
      echo "a zone stopped during start-up; last lines of $log:" >&2
      tail -n 30 "$log" >&2
      exit 1
    fi
  done
  if healthy "$PUB_PORT" && healthy "$SOC_PORT"; then break; fi
  sleep 1
done
if ! healthy "$PUB_PORT" || ! healthy "$SOC_PORT"; then
  echo "zones did not become healthy within 300 s; see var/zone-public.log and var/zone-social.log" >&2
  exit 1
fi

for z in "zone-public $PUB_PORT" "zone-social $SOC_PORT"; do
  set -- $z
  cat <<EOF

Veil zone '$1' is up
  API:                http://localhost:$2/api/v1/datasets
  Federated catalog:  http://localhost:$2/api/v1/federation/datasets
  Swagger UI:         http://localhost:$2/swagger-ui.html
  Health:             http://localhost:$2/actuator/health
  Token:              curl -s -u demo-consumer:demo-consumer-secret -d grant_type=client_credentials http://localhost:$2/oauth2/token
EOF
done
echo
echo "Both zones are running; each fetches the other's catalog every 30 s. Ctrl-C stops both."
wait -n "${pids[@]}" || true
echo "a zone exited; stopping the other (see var/*.log)" >&2
exit 1
