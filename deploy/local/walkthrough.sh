#!/usr/bin/env bash
# Walks the two-zone demo end to end over HTTP, against zones started by `bash deploy/local/run.sh`:
#   1. each zone's provider publishes an SQL offer and a PSI offer (with differential privacy, which PSI
#      requires) on its demo dataset (the public ones admit the social zone's consumer organisation,
#      qualified as demo-consumer-org@zone-social);
#   2. the social-zone consumer gets local contracts and cross-zone contracts; the providers accept;
#   3. a sandboxed SQL job in the social zone (small groups suppressed);
#   4. a PSI_SUM job: income of the public zone's residents summed over the bank's customers,
#      computed with ECDH-PSI + Paillier — no row or join key crosses the zone boundary; the public
#      zone releases a noisy count and sum, ε charged in both zones;
#   5. a cross-zone SQL job: residents per district (public zone) combined with the bank's loans per
#      district (social zone) — each zone runs its part under its own rules, the combine runs in a
#      sandbox of the social zone;
#   6. the public provider publishes the released output of its part job as a data product; the social
#      zone lists it with lineage;
#   7. both zones' ledgers show the trail (auditor API).
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
SOC_ADMIN=$(token "$SOC" demo-admin)

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
  "jobTypes": ["SQL"],
  "rules": {"minEntities": 10, "aggregates": {"income": ["SUM", "AVG", "COUNT"], "social_insurance": ["SUM", "AVG"], "*": ["COUNT"]},
            "dimensions": ["district", "age_band"], "joinKeys": ["person_id"], "maxOutputRows": 100},
  "approval": "AUTO", "price": {"model": "PER_JOB", "amount": "5.00", "currency": "CNY"}}' | json 'd["id"]')
SOC_OFFER=$(call POST "$SOC/api/v1/offers" "$SOC_PROVIDER" '{
  "datasetIds": ["'"$BANK"'"], "purposes": ["credit-risk"],
  "assignees": {"orgs": ["demo-consumer-org"], "zoneTiers": ["SOCIAL"]},
  "validFrom": "'"$FROM"'", "validUntil": "'"$UNTIL"'", "maxJobs": 50,
  "jobTypes": ["SQL"],
  "rules": {"minEntities": 10, "aggregates": {"loan_amount": ["SUM", "AVG", "COUNT"], "*": ["COUNT"]},
            "dimensions": ["district", "segment"], "joinKeys": ["person_id"], "maxOutputRows": 100},
  "approval": "AUTO", "price": {"model": "FREE", "currency": "CNY"}}' | json 'd["id"]')
# PSI needs differential privacy (an exact answer would tell whether one person is in the other zone's data).
PUB_PSI_OFFER=$(call POST "$PUB/api/v1/offers" "$PUB_PROVIDER" '{
  "datasetIds": ["'"$RESIDENTS"'"], "purposes": ["credit-risk"],
  "assignees": {"orgs": ["demo-consumer-org@zone-social"], "zoneTiers": ["SOCIAL"]},
  "validFrom": "'"$FROM"'", "validUntil": "'"$UNTIL"'", "maxJobs": 20,
  "jobTypes": ["PSI_COUNT", "PSI_SUM"],
  "rules": {"minEntities": 10, "aggregates": {"income": ["SUM"]}, "joinKeys": ["person_id"], "maxOutputRows": 1},
  "privacy": {"epsilonPerQuery": 1.0, "epsilonBudget": 10.0, "contributionBounds": {"income": [0, 50000]}},
  "approval": "AUTO", "price": {"model": "PER_JOB", "amount": "5.00", "currency": "CNY"}}' | json 'd["id"]')
SOC_PSI_OFFER=$(call POST "$SOC/api/v1/offers" "$SOC_PROVIDER" '{
  "datasetIds": ["'"$BANK"'"], "purposes": ["credit-risk"],
  "assignees": {"orgs": ["demo-consumer-org"], "zoneTiers": ["SOCIAL"]},
  "validFrom": "'"$FROM"'", "validUntil": "'"$UNTIL"'", "maxJobs": 20,
  "jobTypes": ["PSI_COUNT", "PSI_SUM"],
  "rules": {"minEntities": 10, "joinKeys": ["person_id"], "maxOutputRows": 1},
  "privacy": {"epsilonPerQuery": 1.0, "epsilonBudget": 10.0},
  "approval": "AUTO", "price": {"model": "FREE", "currency": "CNY"}}' | json 'd["id"]')
echo "public offers $PUB_OFFER (SQL), $PUB_PSI_OFFER (PSI); social offers $SOC_OFFER (SQL), $SOC_PSI_OFFER (PSI)"

step "2. contracts (local in zone-social; cross-zone with zone-public)"
LOCAL_CONTRACT=$(call POST "$SOC/api/v1/contracts" "$SOC_CONSUMER" '{"offerId": "'"$SOC_OFFER"'", "purpose": "credit-risk"}' | json 'd["id"]')
call POST "$SOC/api/v1/contracts/$LOCAL_CONTRACT/accept" "$SOC_PROVIDER" >/dev/null
REMOTE_CONTRACT=$(call POST "$SOC/api/v1/federation/contracts" "$SOC_CONSUMER" \
  '{"zone": "zone-public", "offerId": "'"$PUB_OFFER"'", "purpose": "credit-risk"}' | json 'd["id"]')
call POST "$PUB/api/v1/contracts/$REMOTE_CONTRACT/accept" "$PUB_PROVIDER" >/dev/null
LOCAL_PSI_CONTRACT=$(call POST "$SOC/api/v1/contracts" "$SOC_CONSUMER" '{"offerId": "'"$SOC_PSI_OFFER"'", "purpose": "credit-risk"}' | json 'd["id"]')
call POST "$SOC/api/v1/contracts/$LOCAL_PSI_CONTRACT/accept" "$SOC_PROVIDER" >/dev/null
REMOTE_PSI_CONTRACT=$(call POST "$SOC/api/v1/federation/contracts" "$SOC_CONSUMER" \
  '{"zone": "zone-public", "offerId": "'"$PUB_PSI_OFFER"'", "purpose": "credit-risk"}' | json 'd["id"]')
call POST "$PUB/api/v1/contracts/$REMOTE_PSI_CONTRACT/accept" "$PUB_PROVIDER" >/dev/null
echo "local contracts $LOCAL_CONTRACT (SQL), $LOCAL_PSI_CONTRACT (PSI): $(call GET "$SOC/api/v1/contracts/$LOCAL_PSI_CONTRACT" "$SOC_CONSUMER" | json 'd["state"]')"
echo "cross-zone contracts $REMOTE_CONTRACT (SQL), $REMOTE_PSI_CONTRACT (PSI): $(call GET "$SOC/api/v1/federation/contracts/zone-public/$REMOTE_PSI_CONTRACT" "$SOC_CONSUMER" | json 'd["state"]')"

step "3. sandboxed SQL job in zone-social"
JOB=$(call POST "$SOC/api/v1/jobs" "$SOC_CONSUMER" '{"contractIds": ["'"$LOCAL_CONTRACT"'"],
  "sql": "SELECT district, segment, COUNT(*) AS customers, AVG(loan_amount) AS avg_loan FROM bank_customers GROUP BY district, segment"}' | json 'd["id"]')
for _ in $(seq 1 4); do # each status request waits up to 30 s for the job to finish (?waitSeconds)
  STATUS=$(call GET "$SOC/api/v1/jobs/$JOB?waitSeconds=30" "$SOC_CONSUMER" | json 'd["status"]')
  [[ "$STATUS" =~ ^(RELEASED|REJECTED|FAILED|CANCELLED)$ ]] && break
done
echo "job $JOB: $STATUS"
[[ "$STATUS" == RELEASED ]] || { call GET "$SOC/api/v1/jobs/$JOB" "$SOC_CONSUMER"; exit 1; }
call GET "$SOC/api/v1/jobs/$JOB/result?format=csv" "$SOC_CONSUMER" | head -8

step "4. PSI_SUM across the zones: residents' income over the bank's customers"
PSI=$(call POST "$SOC/api/v1/federation/psi-jobs" "$SOC_CONSUMER" '{"type": "PSI_SUM",
  "localDatasetId": "'"$BANK"'", "localJoinKey": "person_id",
  "remoteZone": "zone-public", "remoteDatasetId": "'"$RESIDENTS"'", "remoteJoinKey": "person_id",
  "remoteMetric": "income", "contractId": "'"$REMOTE_PSI_CONTRACT"'"}')
echo "$PSI" | json '{k: d.get(k) for k in ("id", "status", "reasons", "result")}'
[[ "$(echo "$PSI" | json 'd["status"]')" == RELEASED ]] || exit 1

step "5. cross-zone SQL job: residents per district (zone-public) with the bank's loans per district (zone-social)"
call POST "$SOC/api/v1/federation/sync" "$SOC_ADMIN" >/dev/null   # the federated catalog knows "residents" by name
SQL='SELECT p.district, p.residents, p.avg_income, s.customers, s.loans, s.loans / p.residents AS loans_per_resident FROM (SELECT district, COUNT(*) AS residents, AVG(income) AS avg_income FROM residents GROUP BY district) p JOIN (SELECT district, COUNT(*) AS customers, SUM(loan_amount) AS loans FROM bank_customers GROUP BY district) s ON p.district = s.district ORDER BY p.district'
XJOB=$(call POST "$SOC/api/v1/federation/sql-jobs" "$SOC_CONSUMER" "$(python3 -c 'import json,sys; print(json.dumps({"sql": sys.argv[1],
  "contractIds": [sys.argv[2]], "remoteContracts": [{"zone": "zone-public", "contractId": sys.argv[3]}]}))' "$SQL" "$LOCAL_CONTRACT" "$REMOTE_CONTRACT")")
XJOB_ID=$(echo "$XJOB" | json 'd["id"]')
echo "cross-zone job $XJOB_ID: $(echo "$XJOB" | json 'd["status"]')"
[[ "$(echo "$XJOB" | json 'd["status"]')" == RELEASED ]] || { echo "$XJOB"; exit 1; }
call GET "$SOC/api/v1/federation/sql-jobs/$XJOB_ID/result" "$SOC_CONSUMER" \
  | json '"\n".join([",".join(c["name"] if isinstance(c, dict) else c for c in d["columns"])] + [",".join(str(v) for v in r) for r in d["rows"]])'
PART=$(echo "$XJOB" | json '[p["partJobId"] for p in d["parts"] if p.get("zone") == "zone-public"][0]')
echo "its zone-public part: job $PART"

step "6. the public provider publishes the part's released output as a data product; zone-social lists it"
PRODUCT=$(call POST "$PUB/api/v1/data-products" "$PUB_PROVIDER" \
  '{"jobId": "'"$PART"'", "name": "residents_by_district_'"$(date +%s)"'", "description": "residents and average income per district"}')
PRODUCT_ID=$(echo "$PRODUCT" | json 'd["id"]')
echo "$PRODUCT" | json '{k: d[k] for k in ("id", "datasetId", "lineage") if k in d}'
for _ in $(seq 1 30); do
  LISTED=$(call GET "$SOC/api/v1/data-products" "$SOC_CONSUMER" | json "len([p for p in d['items'] if p['id'] == '$PRODUCT_ID'])")
  [[ "$LISTED" == 1 ]] && break; sleep 1
done
[[ "$LISTED" == 1 ]] || { echo "data product $PRODUCT_ID not listed in zone-social"; exit 1; }
echo "listed in zone-social: $(call GET "$SOC/api/v1/data-products/$PRODUCT_ID" "$SOC_CONSUMER" | json '{k: d[k] for k in ("id", "zone", "tier", "name") if k in d}')"

step "7. the trail on both ledgers"
trail() { # trail ZONE_URL AUDITOR_TOKEN SUBJECT
  echo "-- $1 $3"
  call GET "$1/api/v1/audit/trail?subject=$3" "$2" | json '"\n".join("  %s %s" % (e.get("seq"), e.get("type")) for e in d["events"])'
}
trail "$SOC" "$SOC_AUDITOR" "contract:$REMOTE_PSI_CONTRACT"
trail "$PUB" "$PUB_AUDITOR" "contract:$REMOTE_PSI_CONTRACT"
trail "$SOC" "$SOC_AUDITOR" "job:$XJOB_ID"
trail "$PUB" "$PUB_AUDITOR" "product:$PRODUCT_ID"
trail "$SOC" "$SOC_AUDITOR" "product:$PRODUCT_ID"
echo; echo "walkthrough complete"
