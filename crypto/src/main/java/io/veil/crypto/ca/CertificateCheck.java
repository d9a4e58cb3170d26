package io.veil.crypto.ca;

import java.util.Optional;

/** Outcome of checking a peer certificate against the data-space CA: expected failures are values, not exceptions. */
public record CertificateCheck(Status status, Optional<String> zoneId, Optional<ZoneTier> tier) {
    public enum Status {
        VALID,
        /** Issuer is not the data-space CA. */
        UNKNOWN_ISSUER,
        /** Issuer name matches but the CA's key did not sign it (a foreign CA using the same name). */
        BAD_SIGNATURE,
        NOT_YET_VALID,
        EXPIRED,
        REVOKED,
        /** The CRL is past its next-update time: revocation status unknown, so refuse (fail closed). */
        CRL_STALE,
        /** Signed by the CA but not a zone certificate (a CA certificate, wrong usage or subject). */
        NOT_A_ZONE_CERTIFICATE
    }

    static CertificateCheck refused(Status status) {
        return new CertificateCheck(status, Optional.empty(), Optional.empty());
    }

    static CertificateCheck valid(String zoneId, ZoneTier tier) {
        return new CertificateCheck(Status.VALID, Optional.of(zoneId), Optional.of(tier));
    }

    public boolean valid() {
        return status == Status.VALID;
    }
}
