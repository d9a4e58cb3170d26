package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.jobs.PartJobs;
import io.veil.gateway.keys.ZoneCommitments;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The provider zone's side of a cross-zone SQL job: a peer zone's part runs here as an ordinary job
 * for the qualified consumer {@code org@zone} under the cross-zone contract(s) — this zone's analysis,
 * rules, k-threshold, DP, budgets, quota and ledger events, exactly as for a local consumer. The peer
 * then polls the job; what it gets back is the status, the reason codes and, once RELEASED, the
 * released table (aggregate rows that passed this zone's enforcement) with this zone's commitment to it
 * and the opening key (the requesting zone acts for the part's consumer, who is entitled to the table;
 * with the key it checks that the table is what this zone's ledger committed to). Nothing else.
 */
@Component
class ProviderSqlParts {
    static final List<String> FIELDS = List.of("contractIds", "consumerOrg", "sql", "initiatorJobId");
    private final RemoteContractStore remote;
    private final PartJobs parts;
    private final ZoneCommitments commitments;

    ProviderSqlParts(RemoteContractStore remote, PartJobs parts, ZoneCommitments commitments) {
        this.remote = remote;
        this.parts = parts;
        this.commitments = commitments;
    }

    /** {@code POST /federation/v1/sql-parts}: submit the part as a job; answers with its id and status. */
    Map<String, Object> submit(TrustedZone peer, JsonNode body) {
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw ApiException.badRequest("UNKNOWN_FIELD", "allowed fields: " + FIELDS);
        });
        String org = ProviderSideContracts.text(body, "consumerOrg");
        JsonNode sqlNode = body.path("sql");
        if (!sqlNode.isTextual() || sqlNode.asText().isBlank() || sqlNode.asText().length() > 20_000) {
            throw ApiException.badRequest("INVALID_REQUEST", "sql is required (at most 20000 characters)");
        }
        String sql = sqlNode.asText();
        ZoneContractApi.checkId(ProviderSideContracts.text(body, "initiatorJobId"));
        JsonNode ids = body.path("contractIds");
        if (!ids.isArray() || ids.isEmpty() || ids.size() > 4) throw ApiException.badRequest("JOB_CONTRACTS_INVALID", "contractIds: 1 to 4 ids");
        List<String> contractIds = new ArrayList<>();
        for (JsonNode id : ids) {
            String c = ZoneContractApi.checkId(id.asText());
            // Someone else's contract (another zone's or another org's) is indistinguishable from a missing one.
            remote.remoteConsumer(c).filter(r -> r.zone().equals(peer.zoneId()) && r.org().equals(org))
                    .orElseThrow(() -> ApiException.notFound("contract"));
            contractIds.add(c);
        }
        Job j = parts.submit(ProviderSideContracts.qualified(org, peer.zoneId()), "zone:" + peer.zoneId(), contractIds, sql);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partJobId", j.id());
        out.put("status", j.status().name());
        return out;
    }

    /** {@code POST /federation/v1/sql-parts/{id}/status}: status, codes and, once released, the released table. */
    Map<String, Object> status(TrustedZone peer, String id) {
        Job j = parts.find(id).filter(x -> x.consumerOrg().endsWith("@" + peer.zoneId()))
                .orElseThrow(() -> ApiException.notFound("job"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("partJobId", j.id());
        out.put("status", j.status().name());
        out.put("reasons", j.reasons());
        if (j.status() == JobStatus.RELEASED) {
            out.put("result", parts.released(j));
            out.put("resultCommitment", j.resultCommitment());
            out.put("resultOpeningKey", commitments.openingKey(ZoneCommitments.Purpose.JOB_RESULT, j.id()));
        }
        return out;
    }
}
