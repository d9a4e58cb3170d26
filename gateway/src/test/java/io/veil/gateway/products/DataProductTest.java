package io.veil.gateway.products;

import io.veil.gateway.support.Leaks;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.crypto.DataKey;
import io.veil.crypto.ZoneKeyStore;
import io.veil.gateway.contracts.ContractService;
import io.veil.gateway.datasets.BlobStore;
import io.veil.gateway.datasets.DatasetMetadata;
import io.veil.gateway.datasets.DatasetService;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.datasets.DatasetVersion;
import io.veil.gateway.federation.FederationClient;
import io.veil.gateway.federation.ZoneDirectory;
import io.veil.gateway.ledger.OutboxRelay;
import io.veil.gateway.offers.OfferService;
import io.veil.gateway.security.Caller;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.ApiClient.Response;
import io.veil.gateway.support.Flows;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two (for the retry, three) real zones: a public-zone provider publishes the released output of a
 * job over its data as a data product; the social zone lists it with its lineage; both ledgers carry
 * the lineage; the product is the released rows, encrypted, and usable under the threshold rules.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DataProductTest {
    static final String GROUPED = "SELECT district, COUNT(*) AS people, SUM(income) AS total FROM %s GROUP BY district";
    static ProductZones zones;
    static ApiClient publicApi;
    static ApiClient socialApi;
    static Flows flows;
    static String residents;
    static String residentsName;
    static String contract;
    static final List<byte[]> TRAFFIC = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        zones = new ProductZones();
        publicApi = zones.publicApi();
        socialApi = zones.socialApi();
        zones.publicZone.getBean(ProductDelivery.class).tap((path, body) -> TRAFFIC.add(body.clone()));
        flows = new Flows(publicApi);
        residentsName = Flows.uniqueName("residents");
        residents = flows.registerResidents(residentsName);
        ObjectNode offer = flows.offer(residents);
        ((ObjectNode) offer.get("rules")).putArray("joinKeys").add("person_id");
        contract = flows.agree(flows.publish(offer));
    }

    @AfterAll
    static void stop() {
        if (zones != null) zones.close();
    }

    /** A job over the residents, released to the public zone's consumer. */
    static String releasedJob() {
        JsonNode job = flows.run(contract, GROUPED.formatted(residentsName));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        return job.get("id").asText();
    }

    static Response publish(ApiClient api, String client, String jobId, String name) {
        return api.postJson("/api/v1/data-products", client, Map.of("jobId", jobId, "name", name,
                "description", "contributions per district"));
    }

    static List<LedgerEntry> onLedger(ApplicationContext zone, String kind, String id) {
        zone.getBean(OutboxRelay.class).relay();
        return zone.getBean(Ledger.class).query(LedgerQuery.subject(kind, id)).entries();
    }

    static JsonNode delivery(JsonNode product, String zone) {
        for (JsonNode d : product.get("deliveries")) if (d.get("zone").asText().equals(zone)) return d;
        throw new AssertionError("no delivery to " + zone + " in " + product);
    }

    @Test
    @Order(1)
    void providerPublishesReleasedJobOutputAndTheSocialZoneListsItWithLineageOnBothLedgers() {
        String jobId = releasedJob();
        JsonNode job = publicApi.get("/api/v1/jobs/" + jobId, "demo-consumer").json();
        Response r = publish(publicApi, "demo-provider", jobId, Flows.uniqueName("district_totals"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        JsonNode p = r.json();
        String id = p.get("id").asText();
        JsonNode lineage = p.get("lineage");
        assertThat(lineage.get("jobId").asText()).isEqualTo(jobId);
        assertThat(lineage.get("resultCommitment").asText()).isEqualTo(job.get("resultCommitment").asText()).matches("[0-9a-f]{64}");
        assertThat(lineage.get("queryCommitment").asText()).isEqualTo(job.get("queryCommitment").asText()).matches("[0-9a-f]{64}");
        assertThat(lineage.get("contractIds").get(0).asText()).isEqualTo(contract);
        JsonNode source = publicApi.get("/api/v1/datasets/" + residents, "demo-provider").json().get("versions").get(0);
        assertThat(lineage.get("sourceDatasets")).hasSize(1);
        assertThat(lineage.get("sourceDatasets").get(0).get("datasetId").asText()).isEqualTo(residents);
        assertThat(lineage.get("sourceDatasets").get(0).get("contentCommitment").asText())
                .isEqualTo(source.get("contentCommitment").asText()).matches("[0-9a-f]{64}");
        assertThat(lineage.get("minEntities").asInt()).isEqualTo(10);
        assertThat(lineage.get("originTier").asText()).isEqualTo("PUBLIC");
        assertThat(delivery(p, ProductZones.SOCIAL).get("state").asText()).isEqualTo("DELIVERED");
        // The second tier-2 peer is down: the product stands, its listing there waits for a retry.
        assertThat(delivery(p, ProductZones.SOCIAL_TWO).get("state").asText()).isEqualTo("PENDING");
        assertThat(delivery(p, ProductZones.SOCIAL_TWO).get("lastError").asText()).isEqualTo("PEER_UNREACHABLE");

        // The social zone lists it with the same lineage, labelled as a tier-1 data product in its federated catalog.
        Response there = socialApi.get("/api/v1/data-products/" + id, "demo-consumer");
        assertThat(there.status()).as(there.text()).isEqualTo(200);
        assertThat(there.json().get("local").asBoolean()).isFalse();
        assertThat(there.json().get("zone").asText()).isEqualTo(ProductZones.PUBLIC);
        assertThat(there.json().get("tier").asText()).isEqualTo("PUBLIC");
        assertThat(there.json().get("lineageDigest").asText()).isEqualTo(p.get("lineageDigest").asText());
        assertThat(there.json().get("lineage")).isEqualTo(lineage);
        assertThat(socialApi.get("/api/v1/data-products", "demo-auditor").json().get("items").findValuesAsText("id")).contains(id);
        JsonNode catalog = socialApi.get("/api/v1/federation/datasets?zone=" + ProductZones.PUBLIC + "&limit=100", "demo-consumer").json();
        JsonNode entry = null;
        for (JsonNode e : catalog.get("items")) if (e.get("id").asText().equals(id)) entry = e;
        assertThat(entry).as(catalog.toString()).isNotNull();
        assertThat(entry.get("tier").asText()).isEqualTo("PUBLIC");
        assertThat(entry.get("dataProduct").get("kind").asText()).isEqualTo("DATA_PRODUCT");
        assertThat(entry.get("dataProduct").get("originTier").asText()).isEqualTo("PUBLIC");
        assertThat(entry.get("dataProduct").get("lineage").get("jobId").asText()).isEqualTo(jobId);
        assertThat(entry.get("columnRoles").get("product_row").asText()).isEqualTo("ENTITY_ID");

        // Both ledgers: the public zone's DataProductPublished and the social zone's DataProductListed, same lineage.
        List<LedgerEntry> pub = onLedger(zones.publicZone, "product", id);
        assertThat(pub).extracting(e -> e.event().type().wireName()).containsExactly("DataProductPublished");
        Map<String, Object> a = pub.get(0).event().attributes();
        assertThat(a).containsEntry("lineageDigest", p.get("lineageDigest").asText()).containsEntry("jobId", jobId)
                .containsEntry("resultCommitment", job.get("resultCommitment").asText()).containsEntry("contractIds", List.of(contract))
                .containsEntry("sourceDatasets", List.of(residents + ":1:" + source.get("contentCommitment").asText()));
        assertThat(pub.get(0).event().subjects()).containsEntry("job", jobId).containsEntry("dataset", id)
                .containsEntry("org", "demo-provider-org");
        assertThat(onLedger(zones.publicZone, "dataset", id)).extracting(e -> e.event().type().wireName())
                .containsExactly("DatasetRegistered", "DataProductPublished");
        List<LedgerEntry> soc = onLedger(zones.socialZone, "product", id);
        assertThat(soc).extracting(e -> e.event().type().wireName()).containsExactly("DataProductListed");
        assertThat(soc.get(0).event().zone()).isEqualTo(ProductZones.SOCIAL);
        assertThat(soc.get(0).event().subjects()).containsEntry("zone", ProductZones.PUBLIC).containsEntry("job", jobId);
        assertThat(soc.get(0).event().attributes()).containsEntry("lineageDigest", p.get("lineageDigest").asText())
                .containsEntry("sourceDatasets", a.get("sourceDatasets")).containsEntry("contractIds", List.of(contract))
                .containsEntry("resultCommitment", a.get("resultCommitment"));
    }

    @Test
    @Order(2)
    void theProductHoldsExactlyTheReleasedRowsEncryptedAtRestAndNoRowCrossesTheBoundary() throws IOException {
        String jobId = releasedJob();
        JsonNode released = publicApi.get("/api/v1/jobs/" + jobId + "/result", "demo-consumer").json();
        TRAFFIC.clear();
        Response r = publish(publicApi, "demo-provider", jobId, Flows.uniqueName("exact"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String id = r.json().get("id").asText();

        DatasetStore store = zones.publicZone.getBean(DatasetStore.class);
        DatasetVersion v = store.version(id, 1).orElseThrow();
        BlobStore blobs = zones.publicZone.getBean(BlobStore.class);
        byte[] atRest = Files.readAllBytes(blobs.path(v.blobName()));
        String plain = decrypt(id, v, blobs);
        List<String> lines = plain.lines().toList();
        assertThat(lines.get(0)).isEqualTo("product_row,district,people,total");
        List<String> expected = new ArrayList<>();
        int n = 0;
        for (JsonNode row : released.get("rows")) {
            expected.add(++n + "," + row.get(0).asText() + "," + row.get(1).asText() + "," + row.get(2).asText());
        }
        assertThat(lines.subList(1, lines.size())).containsExactlyElementsOf(expected);
        assertThat(v.rowCount()).isEqualTo(released.get("rows").size());
        assertThat(released.get("rows").findValuesAsText("district")).isEmpty(); // rows are arrays, not objects
        // The tiny district was suppressed by the job, so it is not in the product either.
        assertThat(plain).doesNotContain("tiny");
        // Encrypted at rest: neither the header nor any released value is in the stored bytes.
        String raw = new String(atRest, StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("product_row").doesNotContain("district");
        for (JsonNode row : released.get("rows")) assertThat(raw).doesNotContain(row.get(2).asText());
        // What crossed to the social zone: catalog metadata, synthetic preview and lineage — no released value.
        assertThat(TRAFFIC).isNotEmpty();
        for (byte[] body : TRAFFIC) {
            String s = new String(body, StandardCharsets.UTF_8);
            for (JsonNode row : released.get("rows")) Leaks.assertNoToken(s, row.get(2).asText());
        }
    }

    @Test
    @Order(3)
    void jobsOverAProductCountEachReleasedRowAsOneEntity() {
        Response r = publish(publicApi, "demo-provider", releasedJob(), Flows.uniqueName("per_district"));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        String product = r.json().get("id").asText();
        String name = publicApi.get("/api/v1/datasets/" + product, "demo-consumer").json().get("name").asText();
        ObjectNode offer = flows.offer(product);
        ObjectNode rules = (ObjectNode) offer.get("rules");
        rules.put("minEntities", 2);
        rules.putObject("aggregates").putArray("total").add("SUM");
        ((ObjectNode) rules.get("aggregates")).putArray("*").add("COUNT");
        rules.putArray("dimensions").add("district");
        String c = flows.agree(flows.publish(offer));
        // Four released districts = four entities: a total over all of them passes k = 2 ...
        JsonNode all = flows.run(c, "SELECT COUNT(*) AS districts, SUM(total) AS overall FROM " + name);
        assertThat(all.get("status").asText()).as(all.toString()).isEqualTo("RELEASED");
        JsonNode rows = publicApi.get("/api/v1/jobs/" + all.get("id").asText() + "/result", "demo-consumer").json().get("rows");
        assertThat(rows.get(0).get(0).asLong()).isEqualTo(4);
        // ... while per district each group is one product row, below k, so nothing is released.
        JsonNode per = flows.run(c, "SELECT district, SUM(total) AS t FROM " + name + " GROUP BY district");
        assertThat(per.get("status").asText()).as(per.toString()).isEqualTo("RELEASED");
        assertThat(publicApi.get("/api/v1/jobs/" + per.get("id").asText() + "/result", "demo-consumer").json().get("rows")).isEmpty();
        // The row key is an ENTITY_ID column: it can never be output.
        JsonNode key = flows.run(c, "SELECT product_row, COUNT(*) AS n FROM " + name + " GROUP BY product_row");
        assertThat(key.get("status").asText()).isEqualTo("REJECTED");
    }

    @Test
    @Order(4)
    void aSocialZoneConsumerGetsACrossZoneContractOnAProduct() {
        Response r = publish(publicApi, "demo-provider", releasedJob(), Flows.uniqueName("for_social"));
        String product = r.json().get("id").asText();
        ObjectNode offer = flows.offer(product);
        offer.set("assignees", ApiClient.JSON.valueToTree(Map.of("orgs", List.of("demo-consumer-org@zone-social"),
                "zoneTiers", List.of("SOCIAL"))));
        ((ObjectNode) offer.get("rules")).putObject("aggregates").putArray("*").add("COUNT");
        ((ObjectNode) offer.get("rules")).putArray("dimensions").add("district");
        String offerId = flows.publish(offer);
        Response req = socialApi.postJson("/api/v1/federation/contracts", "demo-consumer",
                Map.of("zone", ProductZones.PUBLIC, "offerId", offerId, "purpose", "research"));
        assertThat(req.status()).as(req.text()).isEqualTo(201);
        String id = req.json().get("id").asText();
        assertThat(req.json().get("datasetIds").get(0).asText()).isEqualTo(product);
        Response acc = publicApi.postJson("/api/v1/contracts/" + id + "/accept", "demo-provider", "");
        assertThat(acc.status()).as(acc.text()).isEqualTo(200);
        assertThat(socialApi.get("/api/v1/federation/contracts/zone-public/" + id, "demo-consumer").json().get("state").asText())
                .isEqualTo("AGREED");
    }

    @Test
    @Order(5)
    void publishingIsRefusedWithCodesAndLeavesNothingBehind() {
        long datasetsBefore = publicApi.get("/api/v1/datasets", "demo-provider").json().get("total").asLong();
        // not released: a rejected job
        JsonNode rejected = flows.run(contract, "SELECT person_id FROM " + residentsName);
        assertThat(rejected.get("status").asText()).isEqualTo("REJECTED");
        Response notReleased = publish(publicApi, "demo-provider", rejected.get("id").asText(), Flows.uniqueName("x"));
        assertThat(notReleased.status()).as(notReleased.text()).isEqualTo(409);
        assertThat(notReleased.code()).isEqualTo("JOB_NOT_RELEASED");
        // the consumer (who received the result) may not publish; nor may anyone in the social zone
        String jobId = releasedJob();
        assertThat(publish(publicApi, "demo-consumer", jobId, Flows.uniqueName("x")).status()).isEqualTo(403);
        Response social = publish(socialApi, "demo-provider", jobId, Flows.uniqueName("x"));
        assertThat(social.status()).as(social.text()).isEqualTo(403);
        assertThat(social.code()).isEqualTo("ZONE_NOT_TIER_1");
        // unknown job, unknown field, a role a product column cannot have
        assertThat(publish(publicApi, "demo-provider", "00000000-0000-0000-0000-000000000000", "x").status()).isEqualTo(404);
        Response unknown = publicApi.postJson("/api/v1/data-products", "demo-provider", Map.of("jobId", jobId, "name", "x", "rows", 1));
        assertThat(unknown.code()).as(unknown.text()).isEqualTo("UNKNOWN_FIELD");
        Response role = publicApi.postJson("/api/v1/data-products", "demo-provider", Map.of("jobId", jobId, "name", Flows.uniqueName("x"),
                "columnRoles", Map.of("district", "ENTITY_ID")));
        assertThat(role.status()).as(role.text()).isEqualTo(422);
        assertThat(role.code()).isEqualTo("PRODUCT_ROLE_NOT_ALLOWED");
        // name taken: the residents dataset's own name
        Response taken = publish(publicApi, "demo-provider", jobId, residentsName);
        assertThat(taken.status()).as(taken.text()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("PRODUCT_NAME_TAKEN");
        assertThat(publicApi.get("/api/v1/datasets", "demo-provider").json().get("total").asLong()).isEqualTo(datasetsBefore);
        // the same job twice
        assertThat(publish(publicApi, "demo-provider", jobId, Flows.uniqueName("once")).status()).isEqualTo(201);
        Response twice = publish(publicApi, "demo-provider", jobId, Flows.uniqueName("twice"));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.code()).isEqualTo("PRODUCT_ALREADY_PUBLISHED");
    }

    @Test
    @Order(6)
    void aProviderWhoDoesNotOwnEverySourceDatasetCannotPublish() throws Exception {
        // A second provider organisation in the public zone, with its own dataset and offer.
        Caller other = new Caller("other-provider-org", Set.of("provider"), "other-provider");
        String otherName = Flows.uniqueName("other");
        DatasetMetadata meta = DatasetMetadata.parse(("{\"name\":\"" + otherName + "\",\"columns\":{\"person_id\":\"ENTITY_ID\","
                + "\"district\":\"DIMENSION\",\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}}").getBytes(StandardCharsets.UTF_8));
        String otherDs = zones.publicZone.getBean(DatasetService.class).register(other, meta, "o.csv", "text/csv",
                new ByteArrayInputStream(Flows.residentsCsv(7).getBytes(StandardCharsets.UTF_8)), () -> {}).dataset().id();
        ObjectNode offer = flows.offer(otherDs);
        ((ObjectNode) offer.get("rules")).putArray("joinKeys").add("person_id");
        String otherOffer = zones.publicZone.getBean(OfferService.class).publish(other, offer.toString()).id();
        Response req = publicApi.postJson("/api/v1/contracts", "demo-consumer", "{\"offerId\":\"" + otherOffer + "\",\"purpose\":\"research\"}");
        String otherContract = req.json().get("id").asText();
        var accept = ContractService.class.getDeclaredMethod("accept", Caller.class, String.class);
        accept.setAccessible(true);
        accept.invoke(zones.publicZone.getBean(ContractService.class), other, otherContract);
        // A job reading both organisations' data, released to the consumer.
        ObjectNode body = ApiClient.JSON.createObjectNode();
        body.putArray("contractIds").add(contract).add(otherContract);
        body.put("sql", "SELECT a.district, COUNT(*) AS people FROM " + residentsName + " a JOIN " + otherName
                + " b ON a.person_id = b.person_id GROUP BY a.district");
        Response submitted = publicApi.postJson("/api/v1/jobs", "demo-consumer", body);
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
        JsonNode job = flows.awaitJob(submitted.json().get("id").asText());
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        Response r = publish(publicApi, "demo-provider", job.get("id").asText(), Flows.uniqueName("joined"));
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.code()).isEqualTo("NOT_SOURCE_OWNER");
    }

    @Test
    @Order(7)
    void theSocialZoneRefusesListingsThatAreNotFromATierOneZoneOrDoNotMatchTheirLineage() {
        // The public zone is tier 1: it does not take listings (the social zone's real signed call).
        FederationClient fromSocial = zones.socialZone.getBean(FederationClient.class);
        var publicPeer = zones.socialZone.getBean(ZoneDirectory.class).trusted(ProductZones.PUBLIC).orElseThrow();
        try {
            FederationClient.Reply reply = fromSocial.post(publicPeer, ProductDelivery.PATH, "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(reply.status()).isEqualTo(403);
            assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("ZONE_NOT_TIER_2");
        } catch (FederationClient.CallFailed e) {
            throw new AssertionError(e.code());
        }
        // A listing whose lineage digest does not match its lineage is refused by the social zone.
        String id = publish(publicApi, "demo-provider", releasedJob(), Flows.uniqueName("tampered")).json().get("id").asText();
        FederationClient fromPublic = zones.publicZone.getBean(FederationClient.class);
        var socialPeer = zones.publicZone.getBean(ZoneDirectory.class).trusted(ProductZones.SOCIAL).orElseThrow();
        JsonNode sent = ApiClient.JSON.valueToTree(Map.of("x", 1));
        for (byte[] b : TRAFFIC) {
            try {
                JsonNode n = ApiClient.JSON.readTree(b);
                if (n.path("lineage").path("productId").asText().equals(id)) sent = n;
            } catch (IOException e) {
                // an answer, not a request
            }
        }
        ObjectNode forged = sent.deepCopy();
        ((ObjectNode) forged.get("lineage")).put("minEntities", 1);
        try {
            FederationClient.Reply reply = fromPublic.post(socialPeer, ProductDelivery.PATH, forged.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(new String(reply.body(), StandardCharsets.UTF_8)).contains("PRODUCT_LISTING_INVALID");
            // The genuine listing sent again is acknowledged without a second ledger event.
            FederationClient.Reply again = fromPublic.post(socialPeer, ProductDelivery.PATH, sent.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(again.status()).isEqualTo(200);
            assertThat(ApiClient.JSON.readTree(again.body()).get("alreadyListed").asBoolean()).isTrue();
        } catch (FederationClient.CallFailed | IOException e) {
            throw new AssertionError(e);
        }
        assertThat(onLedger(zones.socialZone, "product", id)).hasSize(1);
    }

    @Test
    @Order(100)
    void aPendingListingIsDeliveredOnceTheUnreachablePeerIsUp() {
        Response r = publish(publicApi, "demo-provider", releasedJob(), Flows.uniqueName("late"));
        String id = r.json().get("id").asText();
        assertThat(delivery(r.json(), ProductZones.SOCIAL_TWO).get("state").asText()).isEqualTo("PENDING");
        zones.startSocialTwo();
        assertThat(zones.publicZone.getBean(ProductDelivery.class).deliverPending()).isGreaterThanOrEqualTo(1);
        JsonNode after = publicApi.get("/api/v1/data-products/" + id, "demo-auditor").json();
        assertThat(delivery(after, ProductZones.SOCIAL_TWO).get("state").asText()).isEqualTo("DELIVERED");
        assertThat(delivery(after, ProductZones.SOCIAL_TWO).get("attempts").asInt()).isGreaterThanOrEqualTo(2);
        List<LedgerEntry> listed = onLedger(zones.socialTwoZone, "product", id);
        assertThat(listed).extracting(e -> e.event().type().wireName()).containsExactly("DataProductListed");
        assertThat(listed.get(0).event().attributes()).containsEntry("lineageDigest", r.json().get("lineageDigest").asText());
        assertThat(zones.publicZone.getBean(ProductDelivery.class).deliverPending()).isZero();
    }

    private static String decrypt(String id, DatasetVersion v, BlobStore blobs) throws IOException {
        ZoneKeyStore keys = zones.publicZone.getBean(ZoneKeyStore.class);
        DataKey key = keys.unwrap(new ZoneKeyStore.WrappedKey(v.zoneKeyVersion(), Base64.getDecoder().decode(v.wrappedKey())));
        try (InputStream in = key.decryptingStream(blobs.open(v.blobName()), (id + ":1").getBytes(StandardCharsets.UTF_8))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
