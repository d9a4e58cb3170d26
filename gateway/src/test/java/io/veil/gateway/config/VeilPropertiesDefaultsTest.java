package io.veil.gateway.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A profile that sets almost nothing (e.g. the Keycloak one) must still get every default. */
class VeilPropertiesDefaultsTest {
    @Test
    void unconfiguredGroupsGetTheirDefaultsNotNull() {
        var source = new MapConfigurationPropertySource(Map.of("veil.identity.embedded", "false"));
        VeilProperties p = new Binder(source).bindOrCreate("veil", VeilProperties.class);
        assertThat(p.upload()).isNotNull();
        assertThat(p.upload().maxMetadataBytes()).isEqualTo(65536);
        assertThat(p.zone().id()).isEqualTo("zone-local");
        assertThat(p.demo().enabled()).isFalse();
        assertThat(p.identity().embedded()).isFalse();
        assertThat(p.identity().clockSkewSeconds()).isEqualTo(60);
        assertThat(p.catalog().minEntities()).isEqualTo(10);
    }
}
