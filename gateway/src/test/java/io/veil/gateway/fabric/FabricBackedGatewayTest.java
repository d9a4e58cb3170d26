package io.veil.gateway.fabric;

import com.fasterxml.jackson.databind.JsonNode;
import io.veil.gateway.ledger.OutboxRelay;
import io.veil.gateway.support.ApiClient;
import io.veil.gateway.support.Flows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway with {@code veil.ledger.backend=fabric} against the REAL local Fabric network
 * (deploy/fabric/network.sh up; .ci/run starts it): state changes reach the chaincode through the
 * outbox relay and the auditor API reads them back from Fabric. Tagged "fabric": excluded from
 * the default run.
 */
@Tag("fabric")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "veil.identity.embedded=true",
        "veil.identity.issuer=http://localhost/veil-test-issuer",
        "veil.demo.enabled=false",
        "veil.ledger.backend=fabric"})
@ActiveProfiles("test")
class FabricBackedGatewayTest {
    static final Path CLIENT_ENV = Path.of(System.getenv().getOrDefault("VEIL_FABRIC_CLIENT_ENV", "/tmp/veil-fabric/client.env"));

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) throws Exception {
        Path dir = Files.createTempDirectory("veil-fabric-gw-");
        r.add("veil.data-dir", dir::toString);
        r.add("veil.ledger.fabric.env-file", CLIENT_ENV::toString);
        // Each run is a fresh zone id, so its events form their own log on the shared channel.
        r.add("veil.zone.id", () -> "zone-fabric-" + dir.getFileName().toString().replaceAll("[^A-Za-z0-9]", "").toLowerCase());
    }

    @BeforeAll
    static void networkIsUp() {
        assertThat(CLIENT_ENV).as("Fabric network must be up: bash deploy/fabric/network.sh up").exists();
    }

    @LocalServerPort
    int port;
    @Autowired
    OutboxRelay relay;

    @Test
    void theDemoFlowIsCommittedToFabricAndItsTrailReadBackByTheAuditor() {
        ApiClient api = new ApiClient(port);
        Flows flows = new Flows(api);
        String name = Flows.uniqueName("fab");
        String dataset = flows.registerResidents(name);
        String contract = flows.agree(flows.publish(flows.offer(dataset)));
        JsonNode job = flows.run(contract, "SELECT district, COUNT(*) AS n FROM " + name + " GROUP BY district");
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("RELEASED");
        relay.relay();

        // The job's whole story, read back from Fabric.
        String jobTrail = api.get("/api/v1/audit/trail?subject=job:" + job.get("id").asText(), "demo-auditor").text();
        assertThat(jobTrail).contains("JobSubmitted").contains("JobExecuted").contains("ResultReleased");

        JsonNode events = api.get("/api/v1/ledger/events?subject=contract:" + contract, "demo-auditor").json().get("events");
        assertThat(events).hasSizeGreaterThanOrEqualTo(2);
        assertThat(events.toString()).contains("ContractRequested").contains("ContractAgreed");
        JsonNode trail = api.get("/api/v1/audit/trail?subject=dataset:" + dataset, "demo-auditor").json().get("events");
        assertThat(trail.get(0).get("type").asText()).isEqualTo("DatasetRegistered");
        long seq = events.get(0).get("seq").asLong();
        assertThat(api.get("/api/v1/ledger/events/" + seq, "demo-auditor").json().get("eventId").asText())
                .isEqualTo(events.get(0).get("eventId").asText());
        // Fabric has no Merkle audit paths: the API says so with a stable code instead of inventing one.
        assertThat(api.get("/api/v1/ledger/events/" + seq + "/proof", "demo-auditor").code()).isEqualTo("LEDGER_PROOFS_UNSUPPORTED");
        assertThat(api.get("/api/v1/ledger/checkpoint", "demo-auditor").status()).isEqualTo(200);
    }
}
