#!/usr/bin/env bash
# Walks the two-zone demo end to end over HTTP, against zones started by `bash deploy/local/run.sh`:
#   1. each zone's provider publishes an offer on its demo dataset (the public one admits the social
#      zone's consumer organisation, qualified as demo-consumer-org@zone-social);
#   2. the social-zone consumer gets a local contract and a cross-zone contract; both providers accept;
#   3. a sandboxed SQL job in the social zone (small groups suppressed);
#   4. a PSI_SUM job: income of the public zone's residents summed over the bank's customers,
#      computed with ECDH-PSI + Paillier — no row or join key crosses the zone boundary;
#   5. both zones' ledgers show the trail (auditor API).
# Needs curl and python3. Environment: VEIL_PUBLIC (http://localhost:8080), VEIL_SOCIAL (http://localhost:8081).
set -euo pipefail
PUB="${VEIL_PUBLIC:-http://localhost:8080}"
SOC="${VEIL_SOCIAL:-http://localhost:8081}"

json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
token() { curl -fsS -u "$2:$2-secret" -d grant_type=client_credentials "$1/oauth2/token" | json 'd["access_token"]'; }
call() { # call METHOD URL TOKEN [JSON] — prints the body, fails with the problem+json on an error status
  local out code
  out=$(mktemp)
  code=$(curl -sS -o "$out" -w '%{http_code}' -X "$1" "$2" -H "Authorization: Bearer $3" \
    ${4:+-H 'Content-Type: application/json' --data "$4"})
  if [[ "$code" -ge 400 ]]; then echo "$1 $2 → $code: $(cat "$out")" >&2; rm -f "$out"; exit 1; fi
  cat "$out"; rm -f "$out"
}
step() { printf '\n== %s\n' "$*"; }

for z in "$PUB" "$SOC"; do curl -fsS "$z/actuator/health" >/dev/null || { echo "zone $z is not up: run bash deploy/local/run.sh first" >&2; exit 1; }; done
PUB_PROVIDER=$(token "$PUB" demo-provider); PUB_AUDITOR=$(token "$PUB" demo-auditor)
SOC_PROVIDER=$(token "$SOC" demo-provider); SOC_CONSUMER=$(token "$SOC" demo-consumer); SOC_AUDITOR=$(token "$SOC" demo-auditor)

dataset_id() { call GET "$1/api/v1/datasets?q=$2" "$3" | json "[x['id'] for x in d['items'] if x['name']=='$2'][0]"; }
RESIDENTS=$(dataset_id "$PUB" residents "$PUB_PROVIDER")
BANK=$(dataset_id "$SOC" bank_customers "$SOC_PROVIDER")
echo "residents (zone-public): $RESIDENTS"; echo "bank_customers (zone-social): $BANK"

FROM=$(date -u +%Y-%m-%dT%H:%M:%SZ); UNTIL=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
step "1. offers"
PUB_OFFER=$(call POST "$PUB/api/v1/offers" "$PUB_PROVIDER" '{
  "datasetIds": ["'"$RESIDENTS"'"], "purposes": ["credit-risk"],
  "assignees": {"orgs": ["demo-consumer-org@zone-social"], "zoneTiers": ["SOCIAL"]},
  "validFrom": "'"$FROM"'", "validUntil": "'"$UNTIL"'", "maxJobs": 50,
  "jobTypes": ["SQL", "PSI_COUNT", "PSI_SUM"],
  "rules": {"minEntities": 10, "aggregates": {"income": ["SUM", "AVG", "COUNT"], "social_insurance": ["SUM", "AVG"], "*": ["COUNT"]},
            "dimensions": ["district", "age_band"], "joinKeys": ["person_id"], "maxOutputRows": 100},
  "approval": "AUTO", "price": {"model": "PER_JOB", "amount": "5.00", "currency": "CNY"}}' | json 'd["id"]')
SOC_OFFER=$(call POST "$SOC/api/v1/offers" "$SOC_PROVIDER" '{
  "datasetIds": ["'"$BANK"'"], "purposes": ["credit-risk"],
  "assignees": {"orgs": ["demo-consumer-org"], "zoneTiers": ["SOCIAL"]},
  "validFrom": "'"$FROM"'", "validUntil": "'"$UNTIL"'", "maxJobs": 50,
  "jobTypes": ["SQL", "PSI_COUNT", "PSI_SUM"],
  "rules": {"minEntities": 10, "aggregates": {"loan_amount": ["SUM", "AVG", "COUNT"], "*": ["COUNT"]},
            "dimensions": ["district", "segment"], "joinKeys": ["person_id"], "maxOutputRows": 100},
  "approval": "AUTO", "price": {"model": "FREE", "currency": "CNY"}}' | json 'd["id"]')
echo "public offer $PUB_OFFER, social offer $SOC_OFFER"

step "2. contracts (local in zone-social; cross-zone with zone-public)"
LOCAL_CONTRACT=$(call POST "$SOC/api/v1/contracts" "$SOC_CONSUMER" '{"offerId": "'"$SOC_OFFER"'", "purpose": "credit-risk"}' | json 'd["id"]')
call POST "$SOC/api/v1/contracts/$LOCAL_CONTRACT/accept" "$SOC_PROVIDER" >/dev/null
REMOTE_CONTRACT=$(call POST "$SOC/api/v1/federation/contracts" "$SOC_CONSUMER" \
  '{"zone": "zone-public", "offerId": "'"$PUB_OFFER"'", "purpose": "credit-risk"}' | json 'd["id"]')
call POST "$PUB/api/v1/contracts/$REMOTE_CONTRACT/accept" "$PUB_PROVIDER" >/dev/null
echo "local contract $LOCAL_CONTRACT: $(call GET "$SOC/api/v1/contracts/$LOCAL_CONTRACT" "$SOC_CONSUMER" | json 'd["state"]')"
echo "cross-zone contract $REMOTE_CONTRACT: $(call GET "$SOC/api/v1/federation/contracts/zone-public/$REMOTE_CONTRACT" "$SOC_CONSUMER" | json 'd["state"]')"

step "3. sandboxed SQL job in zone-social"
JOB=$(call POST "$SOC/api/v1/jobs" "$SOC_CONSUMER" '{"contractIds": ["'"$LOCAL_CONTRACT"'"],
  "sql": "SELECT district, segment, COUNT(*) AS customers, AVG(loan_amount) AS avg_loan FROM bank_customers GROUP BY district, segment"}' | json 'd["id"]')
for _ in $(seq 1 120); do
  STATUS=$(call GET "$SOC/api/v1/jobs/$JOB" "$SOC_CONSUMER" | json 'd["status"]')
  [[ "$STATUS" =~ ^(RELEASED|REJECTED|FAILED|CANCELLED)$ ]] && break; sleep 1
done
echo "job $JOB: $STATUS"
[[ "$STATUS" == RELEASED ]] || { call GET "$SOC/api/v1/jobs/$JOB" "$SOC_CONSUMER"; exit 1; }
call GET "$SOC/api/v1/jobs/$JOB/result?format=csv" "$SOC_CONSUMER" | head -8

step "4. PSI_SUM across the zones: residents' income over the bank's customers"
PSI=$(call POST "$SOC/api/v1/federation/psi-jobs" "$SOC_CONSUMER" '{"type": "PSI_SUM",
  "localDatasetId": "'"$BANK"'", "localJoinKey": "person_id",
  "remoteZone": "zone-public", "remoteDatasetId": "'"$RESIDENTS"'", "remoteJoinKey": "person_id",
  "remoteMetric": "income", "contractId": "'"$REMOTE_CONTRACT"'"}')
echo "$PSI" | json '{k: d[k] for k in ("id", "status", "reasons", "result")}'
[[ "$(echo "$PSI" | json 'd["status"]')" == RELEASED ]] || exit 1

step "5. the trail on both ledgers"
trail() { # trail ZONE_URL AUDITOR_TOKEN SUBJECT
  echo "-- $1 $3"
  call GET "$1/api/v1/audit/trail?subject=$3" "$2" | json '"\n".join("  %s %s" % (e.get("seq"), e.get("type")) for e in d["events"])'
}
trail "$SOC" "$SOC_AUDITOR" "contract:$REMOTE_CONTRACT"
trail "$PUB" "$PUB_AUDITOR" "contract:$REMOTE_CONTRACT"
echo; echo "walkthrough complete"
