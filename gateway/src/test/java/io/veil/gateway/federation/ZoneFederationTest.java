package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.crypto.SigningKey;
import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import io.veil.crypto.ca.ZoneTls;
import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.ledger.OutboxRelay;
import io.veil.ledger.EventType;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerQuery;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real zones over real HTTP: the social zone's federated catalog lists the public zone's
 * dataset with its tier and only a synthetic preview; zone requests that are unsigned, from an
 * unknown or revoked zone, badly signed, stale or replayed are refused with their codes; the first
 * contact between the zones is a ZoneJoined event on both ledgers.
 */
class ZoneFederationTest {
    static TwoZones zones;
    static ApiClient publicApi;
    static ApiClient socialApi;
    static SignedCalls toPublic;
    static String datasetId;
    static final List<String> SECRETS = new ArrayList<>();
    static String rare;

    @BeforeAll
    static void start() throws IOException {
        zones = new TwoZones();
        publicApi = zones.publicApi();
        socialApi = zones.socialApi();
        toPublic = new SignedCalls(zones.publicFederationPort,
                ZoneTls.sslContext(zones.testerCredential, TwoZones.PASSWORD.toCharArray(), zones.trust));
        datasetId = registerSecretDataset();
    }

    @AfterAll
    static void stop() {
        if (zones != null) zones.close();
    }

    /** A public-zone dataset whose identifiers, join keys, metrics and sensitive values must never reach the social zone. */
    static String registerSecretDataset() {
        String tag = UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        rare = "RAREVAL" + tag;
        StringBuilder csv = new StringBuilder("person_id,district,rare_flag,income,diagnosis,join_key\n");
        for (int i = 0; i < 60; i++) {
            String pid = "PID" + tag + "X" + i;
            String diag = "DIAG" + tag + "Y" + i;
            String jk = "JK" + tag + "Z" + i;
            long income = 7_000_000_123L + i * 7919L;
            SECRETS.add(pid);
            SECRETS.add(diag);
            SECRETS.add(jk);
            SECRETS.add(Long.toString(income));
            csv.append(pid).append(",COMMONDIST").append(tag).append(',').append(i < 9 ? rare : "OTHER" + (i % 4)).append(',')
               .append(income).append(',').append(diag).append(',').append(jk).append('\n');
        }
        String roles = "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"rare_flag\":\"DIMENSION\","
                + "\"income\":\"METRIC\",\"diagnosis\":\"SENSITIVE\",\"join_key\":\"JOIN_KEY\"}";
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"fed_" + tag.toLowerCase() + "\",\"description\":\"federated residents\","
                + "\"tags\":[\"fedtest\"],\"columns\":" + roles + "}"));
        parts.put("file", Part.csv("s.csv", csv.toString()));
        Response reg = publicApi.multipart("/api/v1/datasets", "demo-provider", parts);
        assertThat(reg.status()).as(reg.text()).isEqualTo(201);
        return reg.json().get("id").asText();
    }

    static JsonNode syncSocial() {
        Response r = socialApi.request("POST", "/api/v1/federation/sync", "demo-admin", "application/json", new byte[0]);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    @Test
    void socialCatalogListsPublicDatasetWithTierAndOnlySyntheticPreview() throws IOException {
        JsonNode outcomes = syncSocial();
        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0).get("zone").asText()).isEqualTo(TwoZones.PUBLIC);
        assertThat(outcomes.get(0).get("status").asText()).isEqualTo("OK");

        Response list = socialApi.get("/api/v1/federation/datasets?tag=fedtest", "demo-consumer");
        assertThat(list.status()).as(list.text()).isEqualTo(200);
        JsonNode item = find(list.json().get("items"), datasetId);
        assertThat(item).as("remote dataset listed").isNotNull();
        assertThat(item.get("zone").asText()).isEqualTo(TwoZones.PUBLIC);
        assertThat(item.get("tier").asText()).isEqualTo("PUBLIC");
        assertThat(item.get("local").asBoolean()).isFalse();
        assertThat(item.get("columnRoles").get("person_id").asText()).isEqualTo("ENTITY_ID");

        Response detail = socialApi.get("/api/v1/federation/datasets/zone-public/" + datasetId, "demo-consumer");
        assertThat(detail.status()).as(detail.text()).isEqualTo(200);
        // 60 people: a noisy entity count near 60 (never the exact row count as such), no rowCount at all.
        assertThat(detail.json().has("rowCount")).isFalse();
        assertThat(detail.json().get("approxEntities").asLong()).isBetween(40L, 80L);
        assertThat(detail.json().get("schema")).hasSize(6);
        Response preview = socialApi.get("/api/v1/federation/datasets/zone-public/" + datasetId + "/preview?rows=20", "demo-consumer");
        assertThat(preview.status()).as(preview.text()).isEqualTo(200);
        assertThat(preview.json().get("synthetic").asBoolean()).isTrue();
        assertThat(preview.json().get("rows")).hasSize(20);
        assertThat(preview.json().get("rows").get(0).has("person_id")).isTrue();

        // Neither what the social zone serves, nor the zone-to-zone answer itself, nor anything the
        // social zone stored on disk carries a real value.
        SignedCalls.Reply raw = toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog"));
        assertThat(raw.response().status()).isEqualTo(200);
        assertThat(raw.response().text()).contains(datasetId);
        for (String text : List.of(list.text(), detail.text(), preview.text(), raw.response().text())) {
            for (String s : SECRETS) assertThat(text).doesNotContain(s);
            assertThat(text).doesNotContain(rare);
        }
        // Files renamed away during the scan (the ledger's checkpoint temp file) are skipped.
        for (Path f : io.veil.gateway.invariants.NotVisibleAndEncryptedAtRestTest.filesUnder(zones.socialBean(VeilProperties.class).dataDir())) {
            String content;
            try {
                content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            } catch (java.nio.file.NoSuchFileException renamedMeanwhile) {
                continue;
            }
            for (String s : SECRETS) assertThat(content).as("value in " + f).doesNotContain(s);
            assertThat(content).as("rare value in " + f).doesNotContain(rare);
        }
    }

    /** Registers {@code csv} (a header line plus rows) in the public zone, or adds it as the next version of {@code id}. */
    static String upload(String id, String csv) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        if (id == null) {
            parts.put("metadata", Part.json("{\"name\":\"fedstats_" + UUID.randomUUID().toString().substring(0, 8)
                    + "\",\"columns\":{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"income\":\"METRIC\"}}"));
        }
        parts.put("file", Part.csv("v.csv", csv));
        Response r = publicApi.multipart(id == null ? "/api/v1/datasets" : "/api/v1/datasets/" + id + "/versions", "demo-provider", parts);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String rows(String district, int people, String tag) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < people; i++) sb.append(tag).append(district).append(i).append(',').append(district).append(',').append(100 + i).append('\n');
        return sb.toString();
    }

    @Test
    void federatedCatalogCarriesOnlyLatestNoisyStatistics() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        String old = "OLDONLY" + tag, fresh = "NEWONLY" + tag, few = "FEWONLY" + tag;
        String id = upload(null, "person_id,district,income\n" + rows("north", 45, tag) + rows(old, 45, tag));
        upload(id, "person_id,district,income\n" + rows("north", 46, tag) + rows(fresh, 45, tag) + rows(few, 3, tag));
        JsonNode local = publicApi.get("/api/v1/datasets/" + id, "demo-consumer").json().get("versions").get(1);
        syncSocial();

        Response detail = socialApi.get("/api/v1/federation/datasets/zone-public/" + id, "demo-consumer");
        assertThat(detail.status()).as(detail.text()).isEqualTo(200);
        assertThat(detail.json().get("dataset").get("currentVersion").asInt()).isEqualTo(2);
        assertThat(detail.json().has("rowCount")).isFalse();
        // The very numbers the public zone shows its own readers: noise drawn once, the owning zone's k.
        assertThat(detail.json().get("approxEntities")).isEqualTo(local.get("approxEntities"));
        assertThat(detail.json().get("statistics")).isEqualTo(local.get("statistics"));
        assertThat(detail.json().get("statistics").get("columns").get("district").get("values").has(fresh)).isTrue();

        SignedCalls.Reply raw = toPublic.get("/federation/v1/catalog?offset=0&limit=100", SignedCalls.headers(zones.testerKey,
                TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog?offset=0&limit=100"));
        assertThat(raw.response().status()).isEqualTo(200);
        JsonNode entry = null;
        for (JsonNode e : raw.response().json().get("datasets")) if (e.get("id").asText().equals(id)) entry = e;
        assertThat(entry).isNotNull();
        assertThat(entry.has("rowCount")).isFalse();
        assertThat(entry.get("statistics")).isEqualTo(local.get("statistics"));
        String preview = socialApi.get("/api/v1/federation/datasets/zone-public/" + id + "/preview?rows=100", "demo-consumer").text();
        for (String text : List.of(detail.text(), raw.response().text(), preview)) {
            assertThat(text).as("the old version's statistics").doesNotContain(old);
            assertThat(text).as("a value below the threshold").doesNotContain(few);
        }
    }

    @Test
    void remoteDatasetsAreLabelledAndLocalOnesStayLocal() {
        syncSocial();
        Response own = publicApi.get("/api/v1/federation/datasets?zone=zone-public&tag=fedtest", "demo-consumer");
        assertThat(own.status()).isEqualTo(200);
        JsonNode local = find(own.json().get("items"), datasetId);
        assertThat(local.get("local").asBoolean()).isTrue();
        assertThat(local.get("tier").asText()).isEqualTo("PUBLIC");
        Response none = socialApi.get("/api/v1/federation/datasets?zone=zone-social&tag=fedtest", "demo-consumer");
        assertThat(find(none.json().get("items"), datasetId)).isNull();
        Response unknown = socialApi.get("/api/v1/federation/datasets/zone-public/" + UUID.randomUUID(), "demo-consumer");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("NOT_FOUND");
    }

    @Test
    void firstContactIsZoneJoinedOnBothLedgersExactlyOnce() {
        syncSocial();
        syncSocial();
        assertThat(zoneJoined(zones.socialBean(JdbcTemplate.class), TwoZones.PUBLIC)).isEqualTo(1);
        assertThat(zoneJoined(zones.publicBean(JdbcTemplate.class), TwoZones.SOCIAL)).isEqualTo(1);
        // ... and each zone's own ledger carries the event, signed into its log
        String publicKeyDigest = io.veil.crypto.Hex.encode(Suite.INTL.hash(
                zones.publicBean(ZoneKeyStore.class).zoneSigningKey().verifyingKey().encoded()));
        LedgerEntry onSocial = joinedOnLedger(zones.socialZone, TwoZones.PUBLIC);
        assertThat(onSocial.event().attributes()).containsEntry("tier", "PUBLIC").containsEntry("keyDigest", publicKeyDigest);
        assertThat(onSocial.event().zone()).isEqualTo(TwoZones.SOCIAL);
        LedgerEntry onPublic = joinedOnLedger(zones.publicZone, TwoZones.SOCIAL);
        assertThat(onPublic.event().attributes()).containsEntry("tier", "SOCIAL");
        assertThat(onPublic.event().zone()).isEqualTo(TwoZones.PUBLIC);
        Response peers = socialApi.get("/api/v1/federation/peers", "demo-admin");
        assertThat(peers.status()).as(peers.text()).isEqualTo(200);
        JsonNode p = peers.json().get(0);
        assertThat(p.get("zone").asText()).isEqualTo(TwoZones.PUBLIC);
        assertThat(p.get("joined").asBoolean()).isTrue();
        assertThat(p.get("lastSyncStatus").asText()).isEqualTo("OK");
        String expectedDigest = io.veil.crypto.Hex.encode(Suite.INTL.hash(
                zones.publicBean(ZoneKeyStore.class).zoneSigningKey().verifyingKey().encoded()));
        assertThat(p.get("keyDigest").asText()).isEqualTo(expectedDigest);
    }

    @Test
    void signedRequestIsAnsweredWithAResponseSignedByTheZone() {
        String nonce = ZoneRequests.newNonce();
        SignedCalls.Reply r = toPublic.get("/federation/v1/catalog?offset=0&limit=5", SignedCalls.headers(zones.testerKey,
                TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog?offset=0&limit=5", Instant.now().getEpochSecond(), nonce));
        assertThat(r.response().status()).as(r.response().text()).isEqualTo(200);
        assertThat(r.zone()).isEqualTo(TwoZones.PUBLIC);
        var publicKey = zones.publicBean(ZoneKeyStore.class).zoneSigningKey().verifyingKey();
        byte[] signed = ZoneRequests.responseToSign(200, nonce, r.response().body(), Suite.INTL, TwoZones.PUBLIC, TwoZones.TESTER);
        assertThat(publicKey.verify(signed, ZoneRequests.decodeSignature(r.signature()))).isTrue();
        byte[] otherNonce = ZoneRequests.responseToSign(200, ZoneRequests.newNonce(), r.response().body(), Suite.INTL,
                TwoZones.PUBLIC, TwoZones.TESTER);
        assertThat(publicKey.verify(otherNonce, ZoneRequests.decodeSignature(r.signature()))).isFalse();
    }

    @Test
    void refusesUnsignedRequestsAndBearerTokens() {
        assertRefused(toPublic.get("/federation/v1/catalog", Map.of()), 401, "ZONE_SIGNATURE_MISSING");
        String token = publicApi.token("demo-admin");
        assertRefused(toPublic.get("/federation/v1/catalog", Map.of("Authorization", "Bearer " + token)), 401, "ZONE_SIGNATURE_MISSING");
    }

    @Test
    void refusesUnknownZone() {
        SigningKey stranger = SigningKey.generate(Suite.INTL);
        assertRefused(toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(stranger, "zone-stranger", TwoZones.PUBLIC, "/federation/v1/catalog")), 401, "ZONE_UNKNOWN");
    }

    @Test
    void refusesRevokedZone() {
        assertRefused(toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(zones.revokedKey, TwoZones.REVOKED, TwoZones.PUBLIC, "/federation/v1/catalog")), 403, "ZONE_REVOKED");
    }

    @Test
    void refusesBadSignatures() {
        // a trusted zone's name with someone else's key
        SigningKey impostor = SigningKey.generate(Suite.INTL);
        assertRefused(toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(impostor, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog")), 401, "ZONE_SIGNATURE_INVALID");
        // the right key, but the query was changed after signing
        assertRefused(toPublic.get("/federation/v1/catalog?offset=1",
                SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog?offset=0")),
                401, "ZONE_SIGNATURE_INVALID");
        // the right key, but signed for another zone
        assertRefused(toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.SOCIAL, "/federation/v1/catalog")),
                401, "ZONE_SIGNATURE_INVALID");
        // garbage in the signature header
        Map<String, String> h = new LinkedHashMap<>(SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog"));
        h.put(ZoneRequests.SIGNATURE, "not*base64");
        assertRefused(toPublic.get("/federation/v1/catalog", h), 401, "ZONE_SIGNATURE_INVALID");
    }

    @Test
    void refusesTimestampsOutsideTheWindow() {
        long now = Instant.now().getEpochSecond();
        for (long ts : new long[] {now - 120, now + 120}) {
            assertRefused(toPublic.get("/federation/v1/catalog", SignedCalls.headers(zones.testerKey, TwoZones.TESTER,
                    TwoZones.PUBLIC, "/federation/v1/catalog", ts, ZoneRequests.newNonce())), 401, "REQUEST_EXPIRED");
        }
    }

    @Test
    void refusesReplayedNonce() {
        Map<String, String> h = SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog");
        assertThat(toPublic.get("/federation/v1/catalog", h).response().status()).isEqualTo(200);
        assertRefused(toPublic.get("/federation/v1/catalog", h), 409, "REQUEST_REPLAYED");
        // a fresh nonce with the same content is a new request
        assertThat(toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog"))
                .response().status()).isEqualTo(200);
    }

    @Test
    void peerZonesCannotReachTheUserApiAndUsersCannotReachTheZoneApi() {
        // zone signatures are not bearer tokens: the user API on the main port refuses them
        assertRefused(new SignedCalls(zones.publicPort).get("/api/v1/datasets",
                SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/api/v1/datasets")), 401, "UNAUTHENTICATED");
        Response noToken = socialApi.get("/api/v1/federation/datasets", null);
        assertThat(noToken.status()).isEqualTo(401);
        Response consumerPeers = socialApi.get("/api/v1/federation/peers", "demo-consumer");
        assertThat(consumerPeers.status()).isEqualTo(403);
        Response consumerSync = socialApi.request("POST", "/api/v1/federation/sync", "demo-consumer", "application/json", new byte[0]);
        assertThat(consumerSync.status()).isEqualTo(403);
    }

    @Test
    void zoneApiIsOnlyServedOnTheFederationPortAndNothingElseIsThere() {
        SignedCalls mainPort = new SignedCalls(zones.publicPort);
        assertRefused(mainPort.get("/federation/v1/catalog",
                SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog")), 404, "FEDERATION_WRONG_PORT");
        for (String path : List.of("/api/v1/datasets", "/actuator/health", "/oauth2/token", "/v3/api-docs")) {
            assertRefused(toPublic.get(path, Map.of()), 404, "NOT_FOUND");
        }
    }

    @Test
    void clientWithoutCertificateCannotConnect() throws Exception {
        SignedCalls anonymous = new SignedCalls(zones.publicFederationPort, trustOnly());
        assertNoConnection(anonymous);
    }

    @Test
    void clientWithCertificateFromAnotherCaCannotConnect() {
        SignedCalls foreign = new SignedCalls(zones.publicFederationPort,
                ZoneTls.sslContext(zones.foreignCredential, TwoZones.PASSWORD.toCharArray(), zones.trust));
        assertNoConnection(foreign);
    }

    @Test
    void clientWithRevokedCertificateCannotConnect() {
        SignedCalls revoked = new SignedCalls(zones.publicFederationPort,
                ZoneTls.sslContext(zones.revokedCredential, TwoZones.PASSWORD.toCharArray(), zones.trust));
        assertNoConnection(revoked);
    }

    @Test
    void certificateMustBelongToTheSigningZone() {
        // zone-tester-two is a trusted peer and signs correctly, but presents zone-tester's certificate
        assertRefused(toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(zones.tester2Key, TwoZones.TESTER_2, TwoZones.PUBLIC, "/federation/v1/catalog")),
                403, "ZONE_IDENTITY_MISMATCH");
    }

    /** The TLS handshake fails; control: the same kind of request with the tester's certificate is answered. */
    private static void assertNoConnection(SignedCalls calls) {
        Map<String, String> h = SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> calls.send("/federation/v1/catalog", h))
                .isInstanceOf(IOException.class);
        assertThat(toPublic.get("/federation/v1/catalog",
                SignedCalls.headers(zones.testerKey, TwoZones.TESTER, TwoZones.PUBLIC, "/federation/v1/catalog")).response().status())
                .isEqualTo(200);
    }

    /** Trusts the data-space CA (so the server is accepted) but has no certificate of its own. */
    private static javax.net.ssl.SSLContext trustOnly() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", zones.trust.caCertificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void assertRefused(SignedCalls.Reply r, int status, String code) {
        assertThat(r.response().status()).as(r.response().text()).isEqualTo(status);
        assertThat(r.response().contentType()).startsWith("application/problem+json");
        assertThat(r.response().code()).isEqualTo(code);
    }

    private static JsonNode find(JsonNode items, String id) {
        for (JsonNode i : items) if (id.equals(i.get("id").asText())) return i;
        return null;
    }

    private static LedgerEntry joinedOnLedger(org.springframework.context.ApplicationContext zone, String peer) {
        zone.getBean(OutboxRelay.class).relay();
        List<LedgerEntry> entries = zone.getBean(Ledger.class)
                .query(LedgerQuery.subject("zone", peer).withTypes(EnumSet.of(EventType.ZONE_JOINED))).entries();
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private static int zoneJoined(JdbcTemplate jdbc, String zone) {
        int n = 0;
        for (String e : jdbc.queryForList("SELECT event_json FROM ledger_outbox", String.class)) {
            if (e.contains("\"ZoneJoined\"") && e.contains("\"zone\":\"" + zone + "\"")) n++;
        }
        return n;
    }
}
