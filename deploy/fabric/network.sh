#!/usr/bin/env bash
# A local Hyperledger Fabric network for Veil, without Docker:
#   one Raft orderer (OrdererMSP), one peer per zone org (PublicZoneMSP, SocialZoneMSP), TLS
#   everywhere on loopback, channel "veil" created through the channel participation API, and the
#   Veil ledger chaincode running as a service (ccaas) behind an external builder in builder/bin.
#
#   network.sh up      start (first run: crypto, channel, chaincode install/approve/commit)
#   network.sh down    stop the processes this script started; ledger data stays
#   network.sh clean   down, then delete all state
#   network.sh status  what runs, and whether the chaincode answers
#   network.sh env     print the settings a client needs (VEIL_FABRIC_* variables)
#
# State, logs and pid files live in $VEIL_FABRIC_HOME (default /tmp/veil-fabric), never in the repo.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RUN="${VEIL_FABRIC_HOME:-/tmp/veil-fabric}"
FABRIC_VERSION="${FABRIC_VERSION:-v1.4.0-rc1.0.20230405174026-695dd57e01c2}"
CHANNEL=veil
CC_NAME=veil-ledger
CC_VERSION=1.0
CC_LABEL=veil-ledger_1.0
POLICY="AND('PublicZoneMSP.peer','SocialZoneMSP.peer')"
ORDERER_PORT="${VEIL_FABRIC_ORDERER_PORT:-17050}"
ORDERER_ADMIN_PORT="${VEIL_FABRIC_ORDERER_ADMIN_PORT:-17053}"
ORDERER_OPS_PORT="${VEIL_FABRIC_ORDERER_OPS_PORT:-17443}"
PUBLIC_PEER_PORT="${VEIL_FABRIC_PUBLIC_PEER_PORT:-17051}"
PUBLIC_OPS_PORT="${VEIL_FABRIC_PUBLIC_OPS_PORT:-17444}"
SOCIAL_PEER_PORT="${VEIL_FABRIC_SOCIAL_PEER_PORT:-17061}"
SOCIAL_OPS_PORT="${VEIL_FABRIC_SOCIAL_OPS_PORT:-17445}"
CC_PORT="${VEIL_FABRIC_CHAINCODE_PORT:-17070}"
BATCH_TIMEOUT="${VEIL_FABRIC_BATCH_TIMEOUT:-25ms}"

CRYPTO="$RUN/crypto"
ORD_DIR="$CRYPTO/ordererOrganizations/veil.local"
ORD_TLS_CA="$ORD_DIR/tlsca/tlsca.veil.local-cert.pem"
LOGS="$RUN/logs"
PIDS="$RUN/pids"

log() { echo "[fabric] $*" >&2; }
die() { echo "[fabric] ERROR: $*" >&2; exit 1; }

fabric_bin() {
  if [ -n "${VEIL_FABRIC_BIN:-}" ]; then echo "$VEIL_FABRIC_BIN"; return; fi
  local cached="${VEIL_CACHE:-$HOME/.cache/veil}/fabric-$FABRIC_VERSION/bin"
  if [ -x "$cached/peer" ] && [ -x "$cached/orderer" ] && [ -x "$cached/osnadmin" ] \
     && [ -x "$cached/configtxgen" ] && [ -x "$cached/cryptogen" ]; then
    echo "$cached"
  else
    FABRIC_VERSION="$FABRIC_VERSION" bash "$HERE/build.sh" | tail -n 1
  fi
}

fabric_src() {
  echo "$(go env GOMODCACHE)/github.com/hyperledger/fabric@$FABRIC_VERSION"
}

# --- process management (only our own pid files) -------------------------------------------------
running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

start_proc() { # name, then command; environment comes from the caller
  local name="$1"; shift
  if running "$name"; then log "$name already running (pid $(cat "$PIDS/$name.pid"))"; return; fi
  mkdir -p "$LOGS" "$PIDS"
  # Where this run's log starts, so readiness checks ignore lines from earlier runs.
  if [ -f "$LOGS/$name.log" ]; then wc -c <"$LOGS/$name.log" >"$PIDS/$name.logoffset"; else echo 0 >"$PIDS/$name.logoffset"; fi
  nohup "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  log "$name started (pid $!, log $LOGS/$name.log)"
}

stop_proc() {
  local name="$1" pid i
  [ -f "$PIDS/$name.pid" ] || return 0
  pid="$(cat "$PIDS/$name.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop on TERM; killing"; kill -9 "$pid" 2>/dev/null || true; fi
    log "$name stopped"
  fi
  rm -f "$PIDS/$name.pid"
}

wait_http() { # name url tries
  local i
  for i in $(seq 1 "$3"); do
    if curl -fsS "$2" >/dev/null 2>&1; then return 0; fi
    running "$1" || die "$1 exited; see $LOGS/$1.log: $(tail -n 5 "$LOGS/$1.log" 2>/dev/null)"
    sleep 0.5
  done
  die "$1 not healthy at $2; see $LOGS/$1.log"
}

# --- one-time material ---------------------------------------------------------------------------
generate() {
  local bin="$1" src
  src="$(fabric_src)/sampleconfig"
  [ -f "$src/core.yaml" ] || die "Fabric sample configs not found in $src (run build.sh, which downloads the module)"
  mkdir -p "$RUN/config" "$RUN/orderer" "$RUN/peers/public" "$RUN/peers/social" "$RUN/chaincode" "$LOGS" "$PIDS"
  if [ ! -d "$CRYPTO" ]; then
    log "generating crypto material (cryptogen)"
    "$bin/cryptogen" generate --config "$HERE/config/crypto-config.yaml" --output "$CRYPTO" >/dev/null
  fi
  sed -e "s#@CRYPTO@#$CRYPTO#g" -e "s#@ORDERER_PORT@#$ORDERER_PORT#g" -e "s#@PUBLIC_PEER_PORT@#$PUBLIC_PEER_PORT#g" \
      -e "s#@SOCIAL_PEER_PORT@#$SOCIAL_PEER_PORT#g" -e "s#@BATCH_TIMEOUT@#$BATCH_TIMEOUT#g" \
      "$HERE/config/configtx.yaml" >"$RUN/config/configtx.yaml"
  if [ ! -f "$RUN/config/$CHANNEL.block" ]; then
    log "creating the genesis block of channel $CHANNEL (configtxgen)"
    FABRIC_CFG_PATH="$RUN/config" "$bin/configtxgen" -profile VeilChannel -channelID "$CHANNEL" \
      -outputBlock "$RUN/config/$CHANNEL.block" >>"$LOGS/configtxgen.log" 2>&1 || die "configtxgen failed; see $LOGS/configtxgen.log"
  fi
  cp "$src/orderer.yaml" "$RUN/orderer/orderer.yaml"
  for org in public social; do
    # The sample core.yaml names the Docker image's ccaas builder; point it at ours instead, and
    # empty the Docker endpoint so the peer neither uses nor health-checks a Docker daemon.
    sed -e "s#name: ccaas_builder#name: veil_ccaas#" -e "s#path: /opt/hyperledger/ccaas_builder#path: $RUN/builder#" \
      -e "s#endpoint: unix:///var/run/docker.sock#endpoint: \"\"#" \
      "$src/core.yaml" >"$RUN/peers/$org/core.yaml"
    grep -q "path: $RUN/builder" "$RUN/peers/$org/core.yaml" || die "could not set the external builder in core.yaml"
  done
  rm -rf "$RUN/builder"
  mkdir -p "$RUN/builder"
  cp -R "$HERE/builder/bin" "$RUN/builder/bin"
  chmod +x "$RUN/builder/bin/"*
}

# --- nodes ---------------------------------------------------------------------------------------
start_orderer() {
  local bin="$1" node="$ORD_DIR/orderers/orderer.veil.local"
  FABRIC_CFG_PATH="$RUN/orderer" \
  ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 ORDERER_GENERAL_LISTENPORT="$ORDERER_PORT" \
  ORDERER_GENERAL_LOCALMSPID=OrdererMSP ORDERER_GENERAL_LOCALMSPDIR="$node/msp" \
  ORDERER_GENERAL_TLS_ENABLED=true ORDERER_GENERAL_TLS_PRIVATEKEY="$node/tls/server.key" \
  ORDERER_GENERAL_TLS_CERTIFICATE="$node/tls/server.crt" ORDERER_GENERAL_TLS_ROOTCAS="[$node/tls/ca.crt]" \
  ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE="$node/tls/server.crt" ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY="$node/tls/server.key" \
  ORDERER_GENERAL_CLUSTER_ROOTCAS="[$node/tls/ca.crt]" \
  ORDERER_GENERAL_BOOTSTRAPMETHOD=none ORDERER_CHANNELPARTICIPATION_ENABLED=true \
  ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$ORDERER_ADMIN_PORT" ORDERER_ADMIN_TLS_ENABLED=true \
  ORDERER_ADMIN_TLS_CERTIFICATE="$node/tls/server.crt" ORDERER_ADMIN_TLS_PRIVATEKEY="$node/tls/server.key" \
  ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED=true ORDERER_ADMIN_TLS_CLIENTROOTCAS="[$node/tls/ca.crt]" \
  ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$ORDERER_OPS_PORT" ORDERER_METRICS_PROVIDER=disabled \
  ORDERER_FILELEDGER_LOCATION="$RUN/orderer/data" \
  ORDERER_CONSENSUS_WALDIR="$RUN/orderer/data/etcdraft/wal" ORDERER_CONSENSUS_SNAPDIR="$RUN/orderer/data/etcdraft/snapshot" \
  FABRIC_LOGGING_SPEC="${VEIL_FABRIC_LOGGING:-info}" \
    start_proc orderer "$bin/orderer"
  wait_http orderer "http://127.0.0.1:$ORDERER_OPS_PORT/healthz" 120
}

osnadmin_args() {
  local admin="$ORD_DIR/users/Admin@veil.local/tls"
  echo -o "127.0.0.1:$ORDERER_ADMIN_PORT" --ca-file "$ORD_TLS_CA" --client-cert "$admin/client.crt" --client-key "$admin/client.key"
}

join_orderer() {
  local bin="$1" out
  # shellcheck disable=SC2046
  if "$bin/osnadmin" channel list $(osnadmin_args) 2>/dev/null | grep -q "\"name\": *\"$CHANNEL\""; then
    log "orderer already serves channel $CHANNEL"
    return
  fi
  log "orderer joins channel $CHANNEL (osnadmin, channel participation API)"
  # shellcheck disable=SC2046
  out="$("$bin/osnadmin" channel join --channelID "$CHANNEL" --config-block "$RUN/config/$CHANNEL.block" $(osnadmin_args) 2>&1)" \
    || die "osnadmin channel join failed: $out"
}

# Healthy is not ready: the single Raft node must elect itself before it orders anything.
wait_raft_leader() {
  local off i
  off="$(cat "$PIDS/orderer.logoffset" 2>/dev/null || echo 0)"
  for i in $(seq 1 120); do
    tail -c +"$((off + 1))" "$LOGS/orderer.log" | grep -q "Start accepting requests as Raft leader.*channel=$CHANNEL" && { log "orderer leads channel $CHANNEL"; return; }
    running orderer || die "orderer exited; see $LOGS/orderer.log"
    sleep 0.5
  done
  die "orderer did not become Raft leader of $CHANNEL; see $LOGS/orderer.log"
}

org_domain() { echo "$1.veil.local"; }
org_msp() { if [ "$1" = public ]; then echo PublicZoneMSP; else echo SocialZoneMSP; fi; }
peer_port() { if [ "$1" = public ]; then echo "$PUBLIC_PEER_PORT"; else echo "$SOCIAL_PEER_PORT"; fi; }
ops_port() { if [ "$1" = public ]; then echo "$PUBLIC_OPS_PORT"; else echo "$SOCIAL_OPS_PORT"; fi; }
peer_tls_ca() { echo "$CRYPTO/peerOrganizations/$(org_domain "$1")/tlsca/tlsca.$(org_domain "$1")-cert.pem"; }

start_peer() {
  local bin="$1" org="$2" d port node
  d="$(org_domain "$org")"; port="$(peer_port "$org")"
  node="$CRYPTO/peerOrganizations/$d/peers/peer0.$d"
  FABRIC_CFG_PATH="$RUN/peers/$org" \
  CORE_PEER_ID="peer0.$d" CORE_PEER_ADDRESS="127.0.0.1:$port" CORE_PEER_LISTENADDRESS="127.0.0.1:$port" \
  CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$((port + 1))" CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$((port + 1))" \
  CORE_PEER_GOSSIP_BOOTSTRAP="127.0.0.1:$port" CORE_PEER_GOSSIP_EXTERNALENDPOINT="127.0.0.1:$port" \
  CORE_PEER_GOSSIP_USELEADERELECTION=true CORE_PEER_GOSSIP_ORGLEADER=false \
  CORE_PEER_LOCALMSPID="$(org_msp "$org")" CORE_PEER_MSPCONFIGPATH="$node/msp" \
  CORE_PEER_TLS_ENABLED=true CORE_PEER_TLS_CERT_FILE="$node/tls/server.crt" CORE_PEER_TLS_KEY_FILE="$node/tls/server.key" \
  CORE_PEER_TLS_ROOTCERT_FILE="$node/tls/ca.crt" \
  CORE_PEER_FILESYSTEMPATH="$RUN/peers/$org/data" CORE_LEDGER_SNAPSHOTS_ROOTDIR="$RUN/peers/$org/data/snapshots" \
  CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(ops_port "$org")" CORE_METRICS_PROVIDER=disabled \
  CORE_CHAINCODE_EXECUTETIMEOUT=30s CORE_CHAINCODE_STARTUPTIMEOUT=60s \
  FABRIC_LOGGING_SPEC="${VEIL_FABRIC_LOGGING:-info}" \
    start_proc "peer-$org" "$bin/peer" node start
  [ -f "$PIDS/peer-$org.logoffset" ] || echo 0 >"$PIDS/peer-$org.logoffset"
  wait_http "peer-$org" "http://127.0.0.1:$(ops_port "$org")/healthz" 120
}

# Runs the peer CLI as the org's admin against its peer.
as_admin() {
  local org="$1" d; shift
  d="$(org_domain "$org")"
  FABRIC_CFG_PATH="$RUN/peers/$org" CORE_PEER_LOCALMSPID="$(org_msp "$org")" \
  CORE_PEER_MSPCONFIGPATH="$CRYPTO/peerOrganizations/$d/users/Admin@$d/msp" \
  CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$org")" CORE_PEER_TLS_ENABLED=true \
  CORE_PEER_TLS_ROOTCERT_FILE="$(peer_tls_ca "$org")" FABRIC_LOGGING_SPEC=warning \
    "$@"
}

join_peer() {
  local bin="$1" org="$2" out
  if as_admin "$org" "$bin/peer" channel list 2>/dev/null | grep -qx "$CHANNEL"; then
    log "peer of $org already joined $CHANNEL"
    return
  fi
  log "peer of $org joins $CHANNEL"
  out="$(as_admin "$org" "$bin/peer" channel join -b "$RUN/config/$CHANNEL.block" 2>&1)" || die "peer channel join ($org) failed: $out"
}

# --- chaincode -----------------------------------------------------------------------------------
chaincode_jar() {
  local jar
  jar="$(ls "$REPO"/ledger-chaincode/target/veil-ledger-chaincode-*-server.jar 2>/dev/null | head -n 1 || true)"
  if [ -z "$jar" ] || [ -n "${VEIL_FABRIC_REBUILD_CHAINCODE:-}" ]; then
    log "building the chaincode server jar (mvn package -pl ledger-chaincode -am)"
    (cd "$REPO" && mvn -B -q -ntp -o package -DskipTests -pl ledger-chaincode -am) >&2 || die "chaincode build failed"
    jar="$(ls "$REPO"/ledger-chaincode/target/veil-ledger-chaincode-*-server.jar | head -n 1)"
  fi
  echo "$jar"
}

package_chaincode() {
  local pkg="$RUN/chaincode/$CC_LABEL.tar.gz" tmp
  if [ -f "$pkg" ]; then echo "$pkg"; return; fi
  tmp="$(mktemp -d)"
  cat >"$tmp/connection.json" <<JSON
{"address":"127.0.0.1:$CC_PORT","dial_timeout":"10s","tls_required":false}
JSON
  printf '{"type":"ccaas","label":"%s"}\n' "$CC_LABEL" >"$tmp/metadata.json"
  tar -C "$tmp" -czf "$tmp/code.tar.gz" connection.json
  tar -C "$tmp" -czf "$pkg" metadata.json code.tar.gz
  rm -rf "$tmp"
  echo "$pkg"
}

package_id() { echo "$CC_LABEL:$(sha256sum "$1" | cut -d' ' -f1)"; }

start_chaincode() {
  local jar="$1" id="$2" i
  mkdir -p "$RUN/chaincode"
  # Never overwrite the jar under a running server (the JVM reads classes from it lazily).
  running chaincode || cp "$jar" "$RUN/chaincode/server.jar"
  # The shim serves plaintext on loopback (connection.json says tls_required=false), so it must
  # not inherit peer TLS settings from the environment.
  CORE_PEER_TLS_ENABLED=false CHAINCODE_SERVER_ADDRESS="127.0.0.1:$CC_PORT" CORE_CHAINCODE_ID_NAME="$id" \
    start_proc chaincode java -Xmx256m -XX:+UseSerialGC -jar "$RUN/chaincode/server.jar"
  for i in $(seq 1 120); do
    (exec 3<>"/dev/tcp/127.0.0.1/$CC_PORT") 2>/dev/null && return 0
    running chaincode || die "chaincode server exited; see $LOGS/chaincode.log: $(tail -n 5 "$LOGS/chaincode.log")"
    sleep 0.5
  done
  die "chaincode server not listening on $CC_PORT"
}

deploy_chaincode() {
  local bin="$1" pkg="$2" id="$3" org out
  if as_admin public "$bin/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CC_NAME" >/dev/null 2>&1; then
    log "chaincode $CC_NAME already committed on $CHANNEL"
    return
  fi
  for org in public social; do
    if ! as_admin "$org" "$bin/peer" lifecycle chaincode queryinstalled 2>/dev/null | grep -q "$id"; then
      log "installing $CC_LABEL on the $org peer"
      out="$(as_admin "$org" "$bin/peer" lifecycle chaincode install "$pkg" 2>&1)" || die "install ($org) failed: $out"
    fi
    log "approving $CC_NAME for $(org_msp "$org")"
    out="$(as_admin "$org" "$bin/peer" lifecycle chaincode approveformyorg -o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORD_TLS_CA" \
      --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --package-id "$id" --sequence 1 \
      --signature-policy "$POLICY" --waitForEvent 2>&1)" || die "approveformyorg ($org) failed: $out"
  done
  log "committing $CC_NAME with endorsement policy $POLICY"
  out="$(as_admin public "$bin/peer" lifecycle chaincode commit -o "127.0.0.1:$ORDERER_PORT" --tls --cafile "$ORD_TLS_CA" \
    --channelID "$CHANNEL" --name "$CC_NAME" --version "$CC_VERSION" --sequence 1 --signature-policy "$POLICY" \
    --peerAddresses "127.0.0.1:$PUBLIC_PEER_PORT" --tlsRootCertFiles "$(peer_tls_ca public)" \
    --peerAddresses "127.0.0.1:$SOCIAL_PEER_PORT" --tlsRootCertFiles "$(peer_tls_ca social)" --waitForEvent 2>&1)" \
    || die "chaincode commit failed: $out"
}

wait_chaincode() {
  local bin="$1" org i out
  for org in public social; do
    for i in $(seq 1 120); do
      out="$(as_admin "$org" "$bin/peer" chaincode query -C "$CHANNEL" -n "$CC_NAME" -c '{"Args":["Ping"]}' 2>&1)" && [ "$out" = pong ] && break
      [ "$i" = 120 ] && die "chaincode does not answer on the $org peer: $out"
      sleep 0.5
    done
  done
  log "chaincode answers on both peers"
  # The Gateway plans endorsements from discovery, which knows the other org's peer only once gossip
  # (through the anchor peers) has reported it online in this run.
  local other off
  for org in public social; do
    if [ "$org" = public ]; then other="$SOCIAL_PEER_PORT"; else other="$PUBLIC_PEER_PORT"; fi
    off="$(cat "$PIDS/peer-$org.logoffset" 2>/dev/null || echo 0)"
    for i in $(seq 1 120); do
      tail -c +"$((off + 1))" "$LOGS/peer-$org.log" | grep -q "peers went online:.*127.0.0.1:$other" && break
      [ "$i" = 120 ] && die "the $org peer does not see the other org's peer in gossip; see $LOGS/peer-$org.log"
      sleep 0.5
    done
  done
  log "both peers see each other (gossip membership, service discovery)"
}

up() {
  local bin jar pkg id
  bin="$(fabric_bin)"
  export PATH="$bin:$PATH"
  generate "$bin"
  jar="$(chaincode_jar)"
  start_orderer "$bin"
  join_orderer "$bin"
  wait_raft_leader
  start_peer "$bin" public
  start_peer "$bin" social
  join_peer "$bin" public
  join_peer "$bin" social
  pkg="$(package_chaincode)"
  id="$(package_id "$pkg")"
  echo "$id" >"$RUN/chaincode/package.id"
  start_chaincode "$jar" "$id"
  deploy_chaincode "$bin" "$pkg" "$id"
  wait_chaincode "$bin"
  write_env
  log "network up; client settings in $RUN/client.env"
}

# One settings file per zone org (io.veil.ledger.fabric.FabricSettings.fromFile reads them): each
# zone talks to its own org's peer as that org's User1.
write_env() {
  local org d file
  for org in public social; do
    d="$(org_domain "$org")"
    file="$RUN/client-$org.env"
    cat >"$file" <<ENV
VEIL_FABRIC_PEER_ENDPOINT=127.0.0.1:$(peer_port "$org")
VEIL_FABRIC_TLS_CA=$(peer_tls_ca "$org")
VEIL_FABRIC_MSP_ID=$(org_msp "$org")
VEIL_FABRIC_CERT=$CRYPTO/peerOrganizations/$d/users/User1@$d/msp/signcerts/User1@$d-cert.pem
VEIL_FABRIC_KEY_DIR=$CRYPTO/peerOrganizations/$d/users/User1@$d/msp/keystore
VEIL_FABRIC_CHANNEL=$CHANNEL
VEIL_FABRIC_CHAINCODE=$CC_NAME
ENV
  done
  cp "$RUN/client-public.env" "$RUN/client.env"
}

down() {
  stop_proc chaincode
  stop_proc peer-social
  stop_proc peer-public
  stop_proc orderer
}

status() {
  local p
  for p in orderer peer-public peer-social chaincode; do
    if running "$p"; then echo "$p: running (pid $(cat "$PIDS/$p.pid"))"; else echo "$p: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  clean) down; rm -rf "$RUN"; log "removed $RUN" ;;
  status) status ;;
  env) [ -f "$RUN/client.env" ] && cat "$RUN/client.env" || die "network never started" ;;
  *) echo "usage: $0 up|down|clean|status|env" >&2; exit 2 ;;
esac
