package io.veil.ledger.chaincode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VeilLedgerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIG = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    private static final String LOG = "veil/zone-a";
    private final InMemoryWorldState state = new InMemoryWorldState();
    private final VeilLedger ledger = new VeilLedger(state);

    /** A signed entry in canonical form (keys sorted, no spaces). */
    static String entry(String id, String type, String datasetId, String sig) {
        return "{\"event\":{\"eventId\":\"" + id + "\",\"occurredAt\":\"2026-01-01T00:00:00Z\",\"subjects\":{\"dataset\":\"" + datasetId
                + "\",\"providerOrg\":\"hospital-a\"},\"type\":\"" + type + "\"},\"sig\":{\"keyId\":\"zone-a#1\",\"value\":\"" + sig + "\"}}";
    }

    static String entry(String id, String type, String datasetId) {
        return entry(id, type, datasetId, SIG);
    }

    private List<VeilLedger.Appended> appendTo(String log, String... entries) {
        try {
            List<VeilLedger.Appended> r = ledger.append(log, List.of(entries));
            state.commit();
            return r;
        } catch (RuntimeException e) {
            state.abort();
            throw e;
        }
    }

    private List<VeilLedger.Appended> append(String... entries) {
        return appendTo(LOG, entries);
    }

    @Test
    void assignsGaplessSeqsAndStoresTheSignedEntryVerbatim() throws Exception {
        String e0 = entry("e0", "JobSubmitted", "ds1");
        assertThat(append(e0, entry("e1", "JobSubmitted", "ds1"))).containsExactly(new VeilLedger.Appended(0, true), new VeilLedger.Appended(1, true));
        assertThat(append(entry("e2", "JobSubmitted", "ds1"))).containsExactly(new VeilLedger.Appended(2, true));
        assertThat(ledger.size(LOG)).isEqualTo(3);
        JsonNode r = JSON.readTree(ledger.get(LOG, 0));
        assertThat(r.get("entry").asText()).isEqualTo(e0);
        assertThat(r.get("seq").asLong()).isZero();
        assertThat(r.get("submitterMsp").asText()).isEqualTo("PublicZoneMSP");
        assertThat(r.get("txId").asText()).isEqualTo("tx0");
        assertThat(JSON.readTree(ledger.find(LOG, "e2")).get("seq").asLong()).isEqualTo(2);
    }

    @Test
    void logsAreIndependent() {
        append(entry("e0", "JobSubmitted", "ds1"));
        assertThat(appendTo("veil/zone-b", entry("e0", "JobFailed", "ds9"))).containsExactly(new VeilLedger.Appended(0, true));
        assertThat(ledger.size(LOG)).isEqualTo(1);
        assertThat(ledger.size("veil/zone-b")).isEqualTo(1);
        assertThat(ledger.size("veil/none")).isZero();
    }

    @Test
    void aLogBelongsToTheOrganisationThatStartedIt() {
        append(entry("e0", "JobSubmitted", "ds1"));
        state.submitter = "SocialZoneMSP";
        assertThatThrownBy(() -> append(entry("e1", "JobSubmitted", "ds1"))).hasMessageStartingWith("NOT_LOG_OWNER");
        assertThat(appendTo("veil/zone-social", entry("e1", "JobSubmitted", "ds1"))).containsExactly(new VeilLedger.Appended(0, true));
        state.submitter = "PublicZoneMSP";
        assertThat(append(entry("e1", "JobSubmitted", "ds1"))).containsExactly(new VeilLedger.Appended(1, true));
        assertThat(ledger.size(LOG)).isEqualTo(2);
    }

    @Test
    void emitsOneEventNamingTheNewSeqs() throws Exception {
        append(entry("e0", "JobSubmitted", "ds1"));
        ledger.append(LOG, List.of(entry("e1", "JobSubmitted", "ds1"), entry("e2", "JobSubmitted", "ds1")));
        assertThat(state.lastEventName).isEqualTo("VeilEntries");
        JsonNode ev = JSON.readTree(new String(state.lastEventPayload, StandardCharsets.UTF_8));
        assertThat(ev.get("log").asText()).isEqualTo(LOG);
        assertThat(ev.get("from").asLong()).isEqualTo(1);
        assertThat(ev.get("to").asLong()).isEqualTo(3);
    }

    @Test
    void sameEventAgainIsANoOpEvenWithAnotherSignatureButDifferentContentIsRefused() {
        append(entry("e0", "JobSubmitted", "ds1"));
        String otherSig = Base64.getEncoder().encodeToString(new byte[] {9, 9});
        state.lastEventName = null;
        assertThat(append(entry("e0", "JobSubmitted", "ds1", otherSig))).containsExactly(new VeilLedger.Appended(0, false));
        assertThat(state.lastEventName).isNull();
        assertThatThrownBy(() -> append(entry("e0", "JobFailed", "ds1")))
                .isInstanceOf(Rejection.class).hasMessageStartingWith("EVENT_EXISTS");
        assertThat(ledger.size(LOG)).isEqualTo(1);
    }

    @Test
    void aBatchIsAllOrNothingAndDeduplicatesWithinItself() {
        append(entry("a", "JobSubmitted", "ds1"));
        assertThatThrownBy(() -> append(entry("b", "JobSubmitted", "ds1"), entry("a", "JobFailed", "ds1")))
                .hasMessageStartingWith("EVENT_EXISTS");
        assertThat(ledger.size(LOG)).isEqualTo(1);
        assertThat(append(entry("b", "T", "d"), entry("a", "JobSubmitted", "ds1"), entry("c", "T", "d"), entry("b", "T", "d")))
                .extracting(VeilLedger.Appended::seq).containsExactly(1L, 0L, 2L, 1L);
        assertThatThrownBy(() -> append(entry("x", "T", "d"), entry("x", "U", "d"))).hasMessageStartingWith("EVENT_EXISTS");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> append("{\"event\":")).hasMessageStartingWith("MALFORMED_JSON");
        assertThatThrownBy(() -> append("[1,2]")).hasMessageStartingWith("MALFORMED_JSON");
        assertThatThrownBy(() -> append("{\"a\":1,\"a\":2}")).hasMessageStartingWith("MALFORMED_JSON");
        assertThatThrownBy(() -> append("{\"event\":{\"eventId\":\"e1\"},\"sig\":{\"keyId\":\"k\",\"value\":\"AQID\"}}"))
                .hasMessageStartingWith("MALFORMED_JSON");
        assertThatThrownBy(() -> append("{\"event\":{},\"extra\":1,\"sig\":{\"keyId\":\"k\",\"value\":\"AQID\"}}"))
                .hasMessageStartingWith("MALFORMED_JSON");
        assertThat(state.committed).isEmpty();
    }

    @Test
    void rejectsNonCanonicalJson() {
        String e = entry("e1", "T", "d");
        assertThatThrownBy(() -> append(e.replace("{\"event\":", "{ \"event\":"))).hasMessageStartingWith("NOT_CANONICAL");
    }

    @Test
    void rejectsMissingEmptyOrUndecodableSignature() {
        assertThatThrownBy(() -> append(entry("e1", "T", "d", ""))).hasMessageStartingWith("MISSING_SIGNATURE");
        assertThatThrownBy(() -> append(entry("e1", "T", "d", "not base64!"))).hasMessageStartingWith("MISSING_SIGNATURE");
        assertThatThrownBy(() -> append(entry("e1", "T", "d").replace("\"keyId\":\"zone-a#1\"", "\"keyId\":\" \"")))
                .hasMessageStartingWith("MISSING_SIGNATURE");
        assertThatThrownBy(() -> append("{\"event\":{\"eventId\":\"e1\"},\"sig\":{\"keyId\":\"k\"}}")).hasMessageStartingWith("MISSING_SIGNATURE");
        assertThat(state.committed).isEmpty();
    }

    @Test
    void rejectsIdsThatCannotBeKeyParts() {
        assertThatThrownBy(() -> append(entry("a b", "T", "d"))).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> append(entry("e1", "T", "a\\u0001b"))).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> appendTo("bad\u0001log", entry("e1", "T", "d"))).hasMessageStartingWith("BAD_ARGUMENT");
    }

    @Test
    void scansBySeqSubjectBaseKindAndTypeInSeqOrderWithPaging() throws Exception {
        append(entry("e0", "DatasetVersionAdded", "ds1"), entry("e1", "OfferPublished", "ds1"), entry("e2", "DatasetVersionAdded", "ds2"));
        append(entry("e3", "JobSubmitted", "ds1"));
        appendTo("veil/other", entry("x", "JobSubmitted", "ds1"));

        assertThat(seqs(ledger.scan(LOG, "all", "", "", -1, 10))).containsExactly(0L, 1L, 2L, 3L);
        assertThat(seqs(ledger.scan(LOG, "subject", "dataset", "ds1", -1, 10))).containsExactly(0L, 1L, 3L);
        assertThat(seqs(ledger.scan(LOG, "subject", "dataset", "ds", -1, 10))).isEmpty();
        assertThat(seqs(ledger.scan(LOG, "subject", "org", "hospital-a", -1, 10))).containsExactly(0L, 1L, 2L, 3L);
        assertThat(seqs(ledger.scan(LOG, "subject", "providerOrg", "hospital-a", 0, 10))).containsExactly(1L, 2L, 3L);
        assertThat(seqs(ledger.scan(LOG, "type", "DatasetVersionAdded", "", -1, 10))).containsExactly(0L, 2L);
        JsonNode page = JSON.readTree(ledger.scan(LOG, "all", "", "", 0, 2));
        assertThat(page.get("more").asBoolean()).isTrue();
        assertThat(seqs(ledger.scan(LOG, "all", "", "", 0, 2))).containsExactly(1L, 2L);
        assertThat(JSON.readTree(ledger.scan(LOG, "all", "", "", 1, 2)).get("more").asBoolean()).isFalse();
        assertThatThrownBy(() -> ledger.scan(LOG, "nope", "", "", -1, 10)).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> ledger.scan(LOG, "all", "", "", -1, 0)).hasMessageStartingWith("BAD_ARGUMENT");
    }

    @Test
    void storesAgreementsOnceWithBothSignatures() throws Exception {
        String doc = "{\"contractId\":\"c1\",\"type\":\"veil.contract.agreement\"}";
        ledger.putAgreement("c1", doc, SIG, SIG);
        state.commit();
        assertThat(state.lastEventName).isEqualTo("VeilAgreement");
        JsonNode r = JSON.readTree(ledger.getAgreement("c1"));
        assertThat(r.get("agreement").asText()).isEqualTo(doc);
        assertThatThrownBy(() -> ledger.putAgreement("c1", doc, SIG, SIG)).hasMessageStartingWith("AGREEMENT_EXISTS");
        assertThatThrownBy(() -> ledger.putAgreement("c2", doc, SIG, SIG)).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> ledger.putAgreement("c3", "{\"contractId\":\"c3\"}", SIG, "")).hasMessageStartingWith("MISSING_SIGNATURE");
    }

    @Test
    void unknownIdsAreNotFound() {
        assertThatThrownBy(() -> ledger.get(LOG, 0)).hasMessageStartingWith("NOT_FOUND");
        assertThatThrownBy(() -> ledger.find(LOG, "nope")).hasMessageStartingWith("NOT_FOUND");
        assertThatThrownBy(() -> ledger.getAgreement("nope")).hasMessageStartingWith("NOT_FOUND");
    }

    @Test
    void dispatchChecksFunctionNamesArityAndArguments() {
        assertThatThrownBy(() -> VeilLedgerChaincode.dispatch(ledger, "Nope", List.of())).hasMessageStartingWith("UNKNOWN_FUNCTION");
        assertThatThrownBy(() -> VeilLedgerChaincode.dispatch(ledger, "Get", List.of(LOG))).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> VeilLedgerChaincode.dispatch(ledger, "Get", List.of(LOG, "x"))).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> VeilLedgerChaincode.dispatch(ledger, "Append", List.of(LOG, "{}"))).hasMessageStartingWith("MALFORMED_JSON");
        assertThat(new String(VeilLedgerChaincode.dispatch(ledger, "Append", List.of(LOG, "[\"" + entry("e0", "T", "d").replace("\"", "\\\"") + "\"]")),
                StandardCharsets.UTF_8)).isEqualTo("[{\"seq\":0,\"created\":true}]");
    }

    private static List<Long> seqs(byte[] scan) throws Exception {
        List<Long> out = new ArrayList<>();
        for (JsonNode r : JSON.readTree(scan).get("records")) {
            out.add(r.get("seq").asLong());
        }
        return out;
    }
}
