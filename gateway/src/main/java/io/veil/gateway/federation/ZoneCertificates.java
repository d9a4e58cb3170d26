package io.veil.gateway.federation;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;
import java.util.Optional;

/** Reads the zone identity from a data-space certificate: the subject's CN is the zone id. */
final class ZoneCertificates {
    private ZoneCertificates() {}

    static Optional<String> zoneIdOf(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    String cn = rdn.getValue().toString();
                    return ZoneRequests.ZONE_ID.matcher(cn).matches() ? Optional.of(cn) : Optional.empty();
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
