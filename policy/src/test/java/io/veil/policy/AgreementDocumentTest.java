package io.veil.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgreementDocumentTest {
    private static final String DIGEST = "ab".repeat(32);
    private static final Instant AGREED_AT = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void buildsTheSameDocumentForTheSameInputs() {
        ObjectNode a = AgreementDocument.build(Fixtures.agreed(), Fixtures.offer(), DIGEST, AGREED_AT);
        ObjectNode b = AgreementDocument.build(Fixtures.agreed(), OfferParser.parse(Fixtures.OFFER_JSON).value(), DIGEST, AGREED_AT);
        assertThat(a.toString()).isEqualTo(b.toString());
    }

    @Test
    void carriesIdentityPartiesValidityAndTerms() {
        ObjectNode d = AgreementDocument.build(Fixtures.agreed(), Fixtures.offer(), DIGEST, AGREED_AT);
        assertThat(d.get("type").asText()).isEqualTo(AgreementDocument.TYPE);
        assertThat(d.get("contractId").asText()).isEqualTo("c-1");
        assertThat(d.get("offerId").asText()).isEqualTo("o-1");
        assertThat(d.get("offerDigest").asText()).isEqualTo(DIGEST);
        assertThat(d.get("providerOrg").asText()).isEqualTo(Fixtures.PROVIDER);
        assertThat(d.get("consumerOrg").asText()).isEqualTo(Fixtures.CONSUMER);
        assertThat(d.get("purpose").asText()).isEqualTo("research");
        assertThat(d.get("validFrom").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(d.get("agreedAt").asText()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(d.get("terms")).isEqualTo(Fixtures.offer().toJson());
    }

    @Test
    void doesNotIncludeTheMutableState() {
        ObjectNode agreed = AgreementDocument.build(Fixtures.agreed(), Fixtures.offer(), DIGEST, AGREED_AT);
        ObjectNode revoked = AgreementDocument.build(Fixtures.agreed().withState(ContractState.REVOKED), Fixtures.offer(), DIGEST, AGREED_AT);
        assertThat(agreed).isEqualTo(revoked);
        assertThat(agreed.has("state")).isFalse();
    }

    @Test
    void rejectsADigestThatIsNotLowerCaseHex() {
        for (String bad : new String[] {null, "", "AB", "abc", "zz"}) {
            assertThatThrownBy(() -> AgreementDocument.build(Fixtures.agreed(), Fixtures.offer(), bad, AGREED_AT))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
