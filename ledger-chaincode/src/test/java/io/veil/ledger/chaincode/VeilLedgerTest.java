package io.veil.ledger.chaincode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VeilLedgerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIG = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
    private final InMemoryWorldState state = new InMemoryWorldState();
    private final VeilLedger ledger = new VeilLedger(state);

    static String event(String id, String type, String datasetId) {
        return "{\"eventId\":\"" + id + "\",\"subjects\":{\"dataset\":\"" + datasetId + "\",\"org\":\"hospital-a\"},\"type\":\"" + type + "\"}";
    }

    private void append(String id, String json) {
        try {
            ledger.appendEvent(id, json, SIG, "zone-public#1");
            state.commit();
        } catch (RuntimeException e) {
            state.abort();
            throw e;
        }
    }

    @Test
    void storesTheSignedEventVerbatimAndReadsItBack() throws Exception {
        String json = event("e1", "dataset.version", "ds1");
        append("e1", json);
        JsonNode r = JSON.readTree(ledger.getEvent("e1"));
        assertThat(r.get("event").asText()).isEqualTo(json);
        assertThat(r.get("signature").asText()).isEqualTo(SIG);
        assertThat(r.get("signerKeyId").asText()).isEqualTo("zone-public#1");
        assertThat(r.get("submitterMsp").asText()).isEqualTo("PublicZoneMSP");
        assertThat(r.get("txId").asText()).isEqualTo("tx0");
        assertThat(state.committed).containsKey("event~e1");
    }

    @Test
    void emitsVeilEventWithTheEventId() {
        ledger.appendEvent("e1", event("e1", "t", "ds1"), SIG, "k");
        assertThat(state.lastEventName).isEqualTo("VeilEvent");
        assertThat(new String(state.lastEventPayload, StandardCharsets.UTF_8)).isEqualTo("e1");
    }

    @Test
    void refusesToOverwriteAnEventEvenWithIdenticalContent() {
        append("e1", event("e1", "t", "ds1"));
        assertThatThrownBy(() -> append("e1", event("e1", "t", "ds1")))
                .isInstanceOf(Rejection.class).hasMessageStartingWith("EVENT_EXISTS");
        assertThatThrownBy(() -> append("e1", event("e1", "other", "ds2")))
                .hasMessageStartingWith("EVENT_EXISTS");
    }

    @Test
    void rejectsMalformedJson() {
        assertThatThrownBy(() -> append("e1", "{\"type\":")).hasMessageStartingWith("MALFORMED_JSON");
        assertThatThrownBy(() -> append("e1", "[1,2]")).hasMessageStartingWith("MALFORMED_JSON");
        assertThatThrownBy(() -> append("e1", "{\"a\":1,\"a\":2}")).hasMessageStartingWith("MALFORMED_JSON");
        assertThatThrownBy(() -> append("e1", "{\"eventId\":\"e1\"}")).hasMessageStartingWith("MALFORMED_JSON");
        assertThat(state.committed).isEmpty();
    }

    @Test
    void rejectsNonCanonicalJson() {
        assertThatThrownBy(() -> append("e1", "{\"type\":\"t\", \"eventId\":\"e1\"}")).hasMessageStartingWith("NOT_CANONICAL");
    }

    @Test
    void rejectsMissingEmptyOrUndecodableSignature() {
        String json = event("e1", "t", "ds1");
        assertThatThrownBy(() -> ledger.appendEvent("e1", json, "", "k")).hasMessageStartingWith("MISSING_SIGNATURE");
        assertThatThrownBy(() -> ledger.appendEvent("e1", json, null, "k")).hasMessageStartingWith("MISSING_SIGNATURE");
        assertThatThrownBy(() -> ledger.appendEvent("e1", json, "not base64!", "k")).hasMessageStartingWith("MISSING_SIGNATURE");
        assertThatThrownBy(() -> ledger.appendEvent("e1", json, SIG, " ")).hasMessageStartingWith("MISSING_SIGNATURE");
    }

    @Test
    void rejectsEventIdThatDisagreesWithTheDocument() {
        assertThatThrownBy(() -> append("e2", event("e1", "t", "ds1"))).hasMessageStartingWith("BAD_ARGUMENT");
    }

    @Test
    void rejectsIdsThatCannotBeKeyParts() {
        assertThatThrownBy(() -> append("a b", "{\"type\":\"t\"}")).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> append("e\u0000", "{\"type\":\"t\"}")).hasMessageStartingWith("BAD_ARGUMENT");
        assertThatThrownBy(() -> append("e1", "{\"subjects\":{\"dataset\":\"a\\u0000b\"},\"type\":\"t\"}"))
                .hasMessageStartingWith("BAD_ARGUMENT");
    }

    @Test
    void queriesBySubjectAndByType() throws Exception {
        append("e1", event("e1", "dataset.version", "ds1"));
        append("e2", event("e2", "offer.published", "ds1"));
        append("e3", event("e3", "dataset.version", "ds2"));
        append("e4", "{\"subjects\":[{\"id\":\"ds1\",\"kind\":\"dataset\"}],\"type\":\"job.started\"}");

        assertThat(ids(ledger.queryBySubject("dataset", "ds1"))).containsExactly("e1", "e2", "e4");
        assertThat(ids(ledger.queryBySubject("dataset", "ds2"))).containsExactly("e3");
        assertThat(ids(ledger.queryBySubject("org", "hospital-a"))).containsExactly("e1", "e2", "e3");
        assertThat(ids(ledger.queryBySubject("dataset", "ds"))).isEmpty();
        assertThat(ids(ledger.queryByType("dataset.version"))).containsExactly("e1", "e3");
        assertThat(ids(ledger.queryByType("nothing"))).isEmpty();
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
        assertThatThrownBy(() -> ledger.getEvent("nope")).hasMessageStartingWith("NOT_FOUND");
        assertThatThrownBy(() -> ledger.getAgreement("nope")).hasMessageStartingWith("NOT_FOUND");
    }

    @Test
    void dispatchChecksFunctionNamesAndArity() {
        assertThatThrownBy(() -> VeilLedgerChaincode.dispatch(ledger, "Nope", List.of())).hasMessageStartingWith("UNKNOWN_FUNCTION");
        assertThatThrownBy(() -> VeilLedgerChaincode.dispatch(ledger, "GetEvent", List.of())).hasMessageStartingWith("BAD_ARGUMENT");
    }

    private static List<String> ids(byte[] records) throws Exception {
        return JSON.readValue(records, JsonNode[].class).length == 0 ? List.of()
                : java.util.Arrays.stream(JSON.readValue(records, JsonNode[].class)).map(n -> n.get("eventId").asText()).toList();
    }
}
