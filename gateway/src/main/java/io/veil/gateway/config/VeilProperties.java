package io.veil.gateway.config;

import io.veil.gateway.ingest.JobCopy;

import io.veil.crypto.Suite;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a zone operator configures, under the {@code veil.} prefix. Defaults give a local
 * zone on embedded components (see application.yml). Every nested group carries an empty
 * {@code @DefaultValue} so a profile that configures none of it still gets its defaults, never null.
 */
@ConfigurationProperties("veil")
public record VeilProperties(
        @DefaultValue Zone zone,
        @DefaultValue("./data/zone") Path dataDir,
        @DefaultValue Upload upload,
        @DefaultValue Identity identity,
        @DefaultValue Demo demo,
        @DefaultValue Ledger ledger,
        @DefaultValue Catalog catalog) {

    public record Zone(@DefaultValue("zone-local") String id,
                       @DefaultValue("PUBLIC") String tier,
                       @DefaultValue("INTL") Suite suite,
                       @DefaultValue("change-me-local-only") String keystorePassword) {}

    /**
     * Upload limits; a larger upload is refused with UPLOAD_TOO_LARGE while it streams.
     * {@code copySpoolMaxBytes}: RAM (/dev/shm) one upload may use to make the copy jobs read (ADR 0015);
     * a larger version is stored as CSV only; 0 turns the copy off. {@code jobCopyFormat}: {@code duckdb}
     * (ADR 0019) or {@code parquet} (ADR 0015); versions keep the format they were stored in.
     */
    public record Upload(@DefaultValue("2147483648") long maxBytes,
                         @DefaultValue("65536") int maxMetadataBytes,
                         @DefaultValue("4294967296") long copySpoolMaxBytes,
                         @DefaultValue("duckdb") String jobCopyFormat) {
        public Upload {
            JobCopy.Format.of(jobCopyFormat); // fail at start-up, not at the first upload
        }
    }

    /**
     * Identity: {@code embedded=true} runs the Spring Authorization Server inside the gateway
     * (local profile only). Otherwise tokens come from an external issuer (Keycloak) configured
     * with spring.security.oauth2.resourceserver.jwt.issuer-uri. Claim names are configurable so a
     * switch of issuer is configuration only.
     */
    public record Identity(@DefaultValue("true") boolean embedded,
                           @DefaultValue("http://localhost:8080") String issuer,
                           @DefaultValue("roles") String rolesClaim,
                           @DefaultValue("org") String orgClaim,
                           @DefaultValue("") List<String> audiences,
                           @DefaultValue("60") long clockSkewSeconds) {}

    /**
     * The zone's ledger: {@code embedded} (RFC 9162 Merkle log under data-dir/ledger) or {@code fabric}.
     * The outbox relay moves committed events to it every {@code relayIntervalMs}.
     */
    public record Ledger(@DefaultValue("embedded") String backend,
                         @DefaultValue("200") long relayIntervalMs,
                         @DefaultValue("256") int relayBatch,
                         @DefaultValue Fabric fabric) {}

    /**
     * Fabric connection (docs/fabric.md), used when {@code veil.ledger.backend=fabric}: either
     * {@code envFile} (the client.env that deploy/fabric/network.sh writes per zone org) or the
     * individual settings.
     */
    public record Fabric(Path envFile, String peerEndpoint, String tlsAuthority, Path tlsCaCert, String mspId,
                         Path cert, Path key, @DefaultValue("veil") String channel,
                         @DefaultValue("veil-ledger") String chaincode) {}

    public record Demo(@DefaultValue("false") boolean enabled) {}

    /**
     * Catalog statistics (ADR 0020, docs/privacy.md §10): {@code minEntities} is the zone's floor for k;
     * a dataset's k is the largest of it and every offer's {@code minEntities} on the dataset.
     */
    public record Catalog(@DefaultValue("10") int minEntities) {
        public Catalog {
            if (minEntities < 1) throw new IllegalArgumentException("veil.catalog.min-entities must be at least 1");
        }
    }
}
