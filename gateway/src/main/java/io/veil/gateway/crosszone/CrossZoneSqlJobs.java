package io.veil.gateway.crosszone;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.contracts.ContractService;
import io.veil.gateway.datasets.Dataset;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.federation.RemoteCatalogStore;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.jobs.CombineSandbox;
import io.veil.gateway.jobs.Job;
import io.veil.gateway.jobs.JobStatus;
import io.veil.gateway.jobs.PartJobs;
import io.veil.gateway.keys.ZoneCommitments;
import io.veil.gateway.offers.Digests;
import io.veil.gateway.security.Caller;
import io.veil.policy.ContractState;
import io.veil.sandbox.ResultTable;
import io.veil.sandbox.privacy.EnforcementSpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The requesting zone's side of a cross-zone SQL job: checks the job's contracts (local ones here,
 * cross-zone ones refreshed from their provider zones), splits the query ({@link CrossZoneSqlPlanner}),
 * runs each peer zone's part there as an ordinary job under the cross-zone contract (signed calls;
 * the peer zone decides and enforces under its own rules) and the local part here as an ordinary job,
 * then combines the released part tables in a sandbox worker and enforces the combined output again.
 * Runs synchronously in the submitting request, like PSI jobs.
 */
@Service
class CrossZoneSqlJobs {
    static final List<String> FIELDS = List.of("sql", "contractIds", "remoteContracts");
    private final ConsumerSideContracts held;
    private final ContractService contracts;
    private final DatasetStore datasets;
    private final RemoteCatalogStore catalog;
    private final CrossZoneSqlJobStore store;
    private final PartJobs partJobs;
    private final CombineSandbox combine;
    private final PeerCalls calls;
    private final ZoneCommitments commitments;
    private final String zone;
    private final long timeoutMs;

    CrossZoneSqlJobs(ConsumerSideContracts held, ContractService contracts, DatasetStore datasets, RemoteCatalogStore catalog,
                     CrossZoneSqlJobStore store, PartJobs partJobs, CombineSandbox combine, PeerCalls calls, ZoneCommitments commitments,
                     io.veil.gateway.config.VeilProperties props, @Value("${veil.crosszone.sql-timeout-ms:600000}") long timeoutMs) {
        this.held = held;
        this.contracts = contracts;
        this.datasets = datasets;
        this.catalog = catalog;
        this.store = store;
        this.partJobs = partJobs;
        this.combine = combine;
        this.calls = calls;
        this.commitments = commitments;
        this.zone = props.zone().id();
        this.timeoutMs = timeoutMs;
    }

    /** Crash safety: a job interrupted at any step is failed at start; its parts settle in their own zones. */
    @EventListener(ApplicationReadyEvent.class)
    void recover() {
        for (CrossZoneSqlJobStore.XJob j : store.unfinished()) {
            store.move(j, j.status(), JobStatus.FAILED, List.of(new Job.Reason("NODE_RESTARTED", "the node restarted while the job ran")),
                    null, null, null, Map.of());
        }
    }

    private record Remote(String zone, String contractId, RemoteContractStore.Held held) {}

    CrossZoneSqlJobStore.XJob submit(Caller caller, JsonNode body) {
        body.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) throw ApiException.badRequest("UNKNOWN_FIELD", "allowed fields: " + FIELDS);
        });
        JsonNode sqlNode = body.path("sql");
        if (!sqlNode.isTextual() || sqlNode.asText().isBlank()) throw ApiException.badRequest("SQL_MISSING", "sql is required");
        String sql = sqlNode.asText();
        if (sql.length() > 20_000) throw ApiException.badRequest("SQL_TOO_LONG", "sql longer than 20000 characters");
        List<ContractService.ContractTerms> local = localContracts(caller, body.path("contractIds"));
        List<Remote> remote = remoteContracts(caller, body.path("remoteContracts"));

        Map<String, CrossZoneSqlPlanner.Table> byName = new HashMap<>();
        Set<String> ambiguous = new HashSet<>();
        Map<String, Integer> nameCount = new HashMap<>();
        Map<String, CrossZoneSqlPlanner.Table> named = new HashMap<>();
        for (ContractService.ContractTerms t : local) {
            for (String id : t.offer().offer().datasetIds()) {
                Dataset d = datasets.find(id).orElseThrow(() -> new IllegalStateException("contract dataset missing"));
                bind(byName, named, nameCount, d.name(), new CrossZoneSqlPlanner.Table(zone, id, d.roles()));
            }
        }
        for (Remote r : remote) {
            for (String id : r.held().datasetIds()) {
                var entry = catalog.find(r.zone(), id);
                Map<String, String> roles = entry.map(e -> e.entry().columnRoles()).orElse(Map.of());
                bind(byName, named, nameCount, entry.map(e -> e.entry().name()).orElse(null), new CrossZoneSqlPlanner.Table(r.zone(), id, roles));
            }
        }
        nameCount.forEach((n, c) -> {
            if (c == 1) byName.putIfAbsent(n, named.get(n));
            else ambiguous.add(n);
        });

        CrossZoneSqlPlanner.Plan plan;
        try {
            plan = new CrossZoneSqlPlanner(byName, ambiguous).plan(sql);
        } catch (CrossZoneSqlPlanner.Refusal r) {
            throw ApiException.unprocessable(r.code, r.getMessage());
        }
        List<CrossZoneSqlJobStore.PartRecord> records = new ArrayList<>();
        for (CrossZoneSqlPlanner.Part p : plan.parts()) {
            List<String> ids = p.zone().equals(zone)
                    ? local.stream().filter(t -> overlaps(t.offer().offer().datasetIds(), p.datasetIds())).map(t -> t.contract().id()).toList()
                    : remote.stream().filter(r -> r.zone().equals(p.zone()) && overlaps(r.held().datasetIds(), p.datasetIds()))
                            .map(Remote::contractId).toList();
            records.add(new CrossZoneSqlJobStore.PartRecord(p.alias(), p.zone(), String.join(",", ids), null, "PENDING", List.of(), null, null));
        }

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("contractIds", local.stream().map(t -> t.contract().id()).toList());
        request.put("remoteContracts", remote.stream().map(r -> Map.of("zone", r.zone(), "contractId", r.contractId())).toList());
        Instant now = Instant.now();
        String id = UUID.randomUUID().toString();
        String query = commitments.commit(ZoneCommitments.Purpose.CROSS_ZONE_QUERY, id, sql);
        CrossZoneSqlJobStore.XJob job = new CrossZoneSqlJobStore.XJob(id, caller.org(), sql, query,
                new String(PeerCalls.json(request), StandardCharsets.UTF_8),
                JobStatus.SUBMITTED, List.of(), records, null, null, now, now);
        Map<String, Object> submitted = new LinkedHashMap<>();
        submitted.put("contractIds", request.get("contractIds"));
        submitted.put("remoteContracts", remote.stream().map(r -> r.zone() + "/" + r.contractId()).toList());
        submitted.put("queryCommitment", query);
        store.submitted(job, submitted);
        // The local parts are decided here first: a job this zone would refuse never reaches a peer zone.
        for (int i = 0; i < plan.parts().size(); i++) {
            CrossZoneSqlPlanner.Part p = plan.parts().get(i);
            if (!p.zone().equals(zone)) continue;
            List<Job.Reason> refused = partJobs.precheck(caller.org(), List.of(records.get(i).contractIds().split(",")), p.sql());
            if (!refused.isEmpty()) {
                records.set(i, new CrossZoneSqlJobStore.PartRecord(p.alias(), p.zone(), records.get(i).contractIds(), null, "REJECTED",
                        refused.stream().map(Job.Reason::code).distinct().toList(), null, null));
                List<Job.Reason> reasons = refused.stream()
                        .map(r -> new Job.Reason(r.code(), "part " + p.alias() + " (" + p.zone() + "): " + r.message())).toList();
                store.move(job, JobStatus.SUBMITTED, JobStatus.REJECTED, reasons, records, null, null, partsForLedger(records));
                return store.find(job.id()).orElseThrow();
            }
        }
        store.move(job, JobStatus.SUBMITTED, JobStatus.ANALYSED, List.of(), null, null, null, partsForLedger(records));
        store.move(job, JobStatus.ANALYSED, JobStatus.RUNNING, List.of(), null, null, null, Map.of());
        run(job, plan, records, local);
        return store.find(job.id()).orElseThrow();
    }

    private void run(CrossZoneSqlJobStore.XJob job, CrossZoneSqlPlanner.Plan plan, List<CrossZoneSqlJobStore.PartRecord> records,
                     List<ContractService.ContractTerms> local) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        List<CombineSandbox.Input> inputs = new ArrayList<>();
        // Peer zones' parts first: their refusals are the likelier ones, and they cost the consumer's own quota nothing.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < plan.parts().size(); i++) if (!plan.parts().get(i).zone().equals(zone)) order.add(i);
        for (int i = 0; i < plan.parts().size(); i++) if (plan.parts().get(i).zone().equals(zone)) order.add(i);
        ResultTable[] released = new ResultTable[plan.parts().size()];
        for (int i : order) {
            CrossZoneSqlPlanner.Part p = plan.parts().get(i);
            PartOutcome out;
            try {
                out = p.zone().equals(zone) ? runLocal(job, p, records.get(i), deadline) : runRemote(job, p, records.get(i), deadline);
            } catch (ApiException e) {
                out = new PartOutcome(records.get(i).partJobId(), e.status().is4xxClientError() ? "REJECTED" : "FAILED",
                        List.of(new Job.Reason(e.code(), e.getMessage())), null, null);
            }
            records.set(i, new CrossZoneSqlJobStore.PartRecord(p.alias(), p.zone(), records.get(i).contractIds(), out.jobId(), out.status(),
                    out.reasons().stream().map(Job.Reason::code).distinct().toList(), out.commitment(),
                    out.table() == null ? null : out.table().rows().size()));
            if (out.table() == null) {
                JobStatus to = out.status().equals("REJECTED") ? JobStatus.REJECTED : JobStatus.FAILED;
                List<Job.Reason> reasons = out.reasons().stream()
                        .map(r -> new Job.Reason(r.code(), "part " + p.alias() + " (" + p.zone() + "): " + r.message())).toList();
                if (reasons.isEmpty()) reasons = List.of(new Job.Reason("CROSS_ZONE_PART_NOT_RELEASED", "part " + p.alias() + " ended " + out.status()));
                store.move(job, JobStatus.RUNNING, to, reasons, records, null, null, partsForLedger(records));
                return;
            }
            released[i] = out.table();
        }
        int cap = Integer.MAX_VALUE;
        for (ContractService.ContractTerms t : local) cap = (int) Math.min(cap, t.offer().offer().rules().maxOutputRows());
        for (int i = 0; i < plan.parts().size(); i++) {
            CrossZoneSqlPlanner.Part p = plan.parts().get(i);
            if (released[i].columns().size() != p.outputs().size()) {
                fail(job, records, "CROSS_ZONE_PART_LAYOUT", "part " + p.alias() + " returned an unexpected layout");
                return;
            }
            // An inner join on full group keys yields at most the smallest part's row count.
            cap = Math.min(cap, released[i].rows().size());
            inputs.add(new CombineSandbox.Input(p.internalName(), p.outputs(), released[i]));
        }
        EnforcementSpec spec = new EnforcementSpec(1, 0, false, cap, null, false,
                plan.outputs().stream().map(EnforcementSpec.Output::plain).toList(), List.of(), List.of(), null);
        CombineSandbox.Outcome c = combine.run(job.id(), inputs, plan.combineSql(), spec);
        if (c instanceof CombineSandbox.Outcome.Error e) {
            fail(job, records, e.code(), "the combine step failed: " + e.message());
            return;
        }
        ResultTable table = ((CombineSandbox.Outcome.Ok) c).table();
        String sealed = combine.seal(job.id(), table);
        store.move(job, JobStatus.RUNNING, JobStatus.CHECKED, List.of(), records, sealed, null, partsForLedger(records));
        // Nothing about the combined result before its release (ADR 0021): commitment and row count come with it.
        String commitment = commitments.commit(ZoneCommitments.Purpose.CROSS_ZONE_RESULT, job.id(), combine.canonical(table));
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("resultCommitment", commitment);
        attrs.put("rowsReleased", table.rows().size());
        store.move(job, JobStatus.CHECKED, JobStatus.RELEASED, List.of(), null, null, commitment, attrs);
    }

    String openingKey(ZoneCommitments.Purpose purpose, String jobId) {
        return commitments.openingKey(purpose, jobId);
    }

    /** {@code commitment}: the owning zone's commitment to the released part (null unless released). */
    private record PartOutcome(String jobId, String status, List<Job.Reason> reasons, ResultTable table, String commitment) {}

    private PartOutcome runLocal(CrossZoneSqlJobStore.XJob job, CrossZoneSqlPlanner.Part p, CrossZoneSqlJobStore.PartRecord r, long deadline) {
        Job j = partJobs.submit(job.consumerOrg(), "cross-zone:" + job.id(), List.of(r.contractIds().split(",")), p.sql());
        Job done = partJobs.await(j.id(), deadline);
        if (!done.status().terminal()) {
            partJobs.cancel(done);
            return new PartOutcome(j.id(), "FAILED", List.of(new Job.Reason("CROSS_ZONE_PART_TIMEOUT", "the part did not finish in time")), null, null);
        }
        if (done.status() != JobStatus.RELEASED) return new PartOutcome(j.id(), done.status().name(), done.reasons(), null, null);
        return new PartOutcome(j.id(), "RELEASED", List.of(), partJobs.released(done), done.resultCommitment());
    }

    private PartOutcome runRemote(CrossZoneSqlJobStore.XJob job, CrossZoneSqlPlanner.Part p, CrossZoneSqlJobStore.PartRecord r, long deadline) {
        TrustedZone peer = calls.peer(p.zone());
        String org = job.consumerOrg();
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("contractIds", List.of(r.contractIds().split(",")));
        req.put("consumerOrg", org);
        req.put("sql", p.sql());
        req.put("initiatorJobId", job.id());
        JsonNode opened = calls.postJson(peer, "/federation/v1/sql-parts", req);
        String id = ZoneContractApi.checkId(opened.path("partJobId").asText());
        while (true) {
            JsonNode s = calls.postJson(peer, "/federation/v1/sql-parts/" + id + "/status", Map.of());
            JobStatus status;
            try {
                status = JobStatus.valueOf(s.path("status").asText());
            } catch (IllegalArgumentException e) {
                throw new ApiException(HttpStatus.BAD_GATEWAY, "PEER_ANSWER_INVALID", "the peer zone's part status is unreadable");
            }
            if (status == JobStatus.RELEASED) return released(peer, id, s);
            if (status.terminal()) return new PartOutcome(id, status.name(), reasons(s.path("reasons")), null, null);
            if (System.nanoTime() > deadline) {
                return new PartOutcome(id, "FAILED", List.of(new Job.Reason("CROSS_ZONE_PART_TIMEOUT", "the peer zone's part did not finish in time")), null, null);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "INTERRUPTED", "the node is shutting down");
            }
        }
    }

    /**
     * The peer's released table, accepted only if it opens the commitment the peer zone put on its ledger,
     * under the opening key the peer handed over for this part (ADR 0021).
     */
    private PartOutcome released(TrustedZone peer, String id, JsonNode s) {
        JsonNode result = s.path("result");
        String commitment = s.path("resultCommitment").asText();
        if (!result.isObject() || !ZoneCommitments.verify(peer.suite(), s.path("resultOpeningKey").asText(), Digests.canonical(result), commitment)) {
            throw new ApiException(HttpStatus.BAD_GATEWAY, "PEER_ANSWER_INVALID", "the released part does not open its commitment");
        }
        return new PartOutcome(id, "RELEASED", List.of(), PartResults.table(result), commitment);
    }

    private static List<Job.Reason> reasons(JsonNode rs) {
        List<Job.Reason> out = new ArrayList<>();
        for (JsonNode r : rs) {
            String code = r.path("code").asText();
            if (!code.matches("[A-Z][A-Z0-9_]{0,63}")) code = "PEER_REFUSED";
            String msg = r.path("message").asText("");
            out.add(new Job.Reason(code, msg.length() > 300 ? msg.substring(0, 300) : msg));
        }
        return out;
    }

    private void fail(CrossZoneSqlJobStore.XJob job, List<CrossZoneSqlJobStore.PartRecord> records, String code, String message) {
        store.move(job, JobStatus.RUNNING, JobStatus.FAILED, List.of(new Job.Reason(code, message)), records, null, null,
                partsForLedger(records));
    }

    /** Ledger attributes are scalars or lists of scalars: one list per field, index i = part i. Ids, zones, codes, commitments only. */
    private static Map<String, Object> partsForLedger(List<CrossZoneSqlJobStore.PartRecord> records) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("parts", records.stream().map(CrossZoneSqlJobStore.PartRecord::alias).toList());
        m.put("partZones", records.stream().map(CrossZoneSqlJobStore.PartRecord::zone).toList());
        m.put("partContracts", records.stream().map(CrossZoneSqlJobStore.PartRecord::contractIds).toList());
        m.put("partStatuses", records.stream().map(CrossZoneSqlJobStore.PartRecord::status).toList());
        // Before the parts ran there is nothing to link yet ("" keeps the lists aligned afterwards).
        if (records.stream().anyMatch(r -> r.partJobId() != null)) {
            m.put("partJobs", records.stream().map(r -> r.partJobId() == null ? "" : r.partJobId()).toList());
            m.put("partResultCommitments", records.stream().map(r -> r.resultCommitment() == null ? "" : r.resultCommitment()).toList());
        }
        return m;
    }

    private static boolean overlaps(List<String> a, List<String> b) {
        return a.stream().anyMatch(b::contains);
    }

    private static void bind(Map<String, CrossZoneSqlPlanner.Table> byId, Map<String, CrossZoneSqlPlanner.Table> named,
                             Map<String, Integer> nameCount, String name, CrossZoneSqlPlanner.Table t) {
        byId.put(t.datasetId().toLowerCase(Locale.ROOT), t);
        if (name == null) return;
        String n = name.toLowerCase(Locale.ROOT);
        CrossZoneSqlPlanner.Table before = named.put(n, t);
        if (before == null || !before.datasetId().equals(t.datasetId())) nameCount.merge(n, 1, Integer::sum);
    }

    private List<ContractService.ContractTerms> localContracts(Caller caller, JsonNode ids) {
        if (ids.isMissingNode() || ids.isNull()) return List.of();
        if (!ids.isArray() || ids.size() > 4) throw ApiException.badRequest("JOB_CONTRACTS_INVALID", "contractIds lists up to 4 local contract ids");
        List<ContractService.ContractTerms> out = new ArrayList<>();
        for (JsonNode n : ids) {
            String id = n.asText();
            if (!CrossZoneContractController.ID.matcher(id).matches()) throw ApiException.badRequest("JOB_CONTRACTS_INVALID", "malformed contract id");
            ContractService.ContractTerms t = contracts.terms(id).filter(x -> x.contract().consumerOrg().equals(caller.org()))
                    .orElseThrow(() -> ApiException.notFound("contract"));
            if (t.contract().state() != ContractState.AGREED) {
                throw ApiException.conflict("CONTRACT_NOT_AGREED", "contract " + id + " is " + t.contract().state());
            }
            if (out.stream().noneMatch(x -> x.contract().id().equals(id))) out.add(t);
        }
        return out;
    }

    private List<Remote> remoteContracts(Caller caller, JsonNode list) {
        if (!list.isArray() || list.isEmpty() || list.size() > 4) {
            throw ApiException.badRequest("JOB_CONTRACTS_INVALID", "remoteContracts lists 1 to 4 {zone, contractId} of cross-zone contracts");
        }
        List<Remote> out = new ArrayList<>();
        for (JsonNode n : list) {
            String z = ProviderSideContracts.text(n, "zone");
            String id = ProviderSideContracts.text(n, "contractId");
            CrossZoneContractController.check(z, id);
            calls.peer(z);
            RemoteContractStore.Held h = held.forJob(caller, z, id).orElseThrow(() -> ApiException.notFound("contract"));
            if (!h.state().equals("AGREED")) throw ApiException.conflict("CONTRACT_NOT_AGREED", "the cross-zone contract is " + h.state());
            if (out.stream().noneMatch(x -> x.contractId().equals(id) && x.zone().equals(z))) out.add(new Remote(z, id, h));
        }
        return out;
    }

    CrossZoneSqlJobStore.XJob get(Caller caller, String id) {
        if (!CrossZoneContractController.ID.matcher(id).matches()) throw ApiException.notFound("job");
        return store.find(id).filter(j -> j.consumerOrg().equals(caller.org())).orElseThrow(() -> ApiException.notFound("job"));
    }

    List<CrossZoneSqlJobStore.XJob> mine(Caller caller, int offset, int limit) {
        return store.byConsumer(caller.org(), offset, limit);
    }

    ResultTable result(CrossZoneSqlJobStore.XJob j) {
        if (j.status() != JobStatus.RELEASED) throw ApiException.conflict("RESULT_NOT_RELEASED", "job is " + j.status());
        return combine.unseal(j.id(), j.resultSealed());
    }
}
