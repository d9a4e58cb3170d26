package io.veil.gateway.keys;

import io.veil.crypto.Commitments;
import io.veil.crypto.Suite;
import io.veil.crypto.ZoneKeyStore;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;

/**
 * The zone's keyed commitments ({@link Commitments}, ADR 0021) with the purposes the gateway uses, so
 * that every digest of data, a query or a result that reaches the API or the ledger is one of these
 * and never a plain hash. The subject is the id the commitment is about (job, dataset version, …).
 */
@Component
public class ZoneCommitments {
    /** What a commitment is to; each purpose has its own keys. */
    public enum Purpose {
        /** A job's SQL text (subject: job id). */
        JOB_QUERY("job-query"),
        /** The rewritten SQL a job ran (subject: job id). */
        JOB_PLAN("job-plan"),
        /** A job's released table, RFC 8785 canonical JSON (subject: job id). */
        JOB_RESULT("job-result"),
        /** A PSI job's request parameters, canonical JSON (subject: this zone's PSI job id). */
        PSI_REQUEST("psi-request"),
        /** The aggregate a PSI responder released, canonical JSON (subject: the responder's job id). */
        PSI_RESULT("psi-result"),
        /** A cross-zone SQL job's SQL text (subject: cross-zone job id). */
        CROSS_ZONE_QUERY("crosszone-query"),
        /** A cross-zone SQL job's combined released table, canonical JSON (subject: cross-zone job id). */
        CROSS_ZONE_RESULT("crosszone-result"),
        /** The SHA-256 fingerprint of an uploaded file (subject: {@code <datasetId>/<version>}). */
        DATASET_CONTENT("dataset-content");

        private final String label;

        Purpose(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Commitments commitments;

    ZoneCommitments(ZoneKeyStore keys) {
        this.commitments = keys.commitments();
    }

    public Suite suite() {
        return commitments.suite();
    }

    public String commit(Purpose purpose, String subject, byte[] content) {
        return commitments.commit(purpose.label(), subject, content);
    }

    public String commit(Purpose purpose, String subject, String content) {
        return commit(purpose, subject, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Only for a party entitled to the content (e.g. the consumer of a released result). */
    public String openingKey(Purpose purpose, String subject) {
        return commitments.openingKey(purpose.label(), subject);
    }

    /** A peer zone's commitment checked with the opening key the peer handed over. */
    public static boolean verify(Suite suite, String openingKey, byte[] content, String commitment) {
        return Commitments.verify(suite, openingKey, content, commitment);
    }

    /** The subject of a dataset version's content commitment. */
    public static String datasetVersion(String datasetId, int version) {
        return datasetId + "/" + version;
    }
}
