package io.veil.gateway.demo;

import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.datasets.DatasetMetadata;
import io.veil.gateway.datasets.DatasetService;
import io.veil.gateway.datasets.DatasetStore;
import io.veil.gateway.security.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Set;

/**
 * Local demo: registers the zone's demo dataset for the demo provider on first start and prints
 * the URLs. Public-tier zones get residents, social-tier zones a bank's customers.
 */
@Component
@ConditionalOnProperty(name = "veil.demo.enabled", havingValue = "true")
class DemoSeeder {
    private static final Logger log = LoggerFactory.getLogger(DemoSeeder.class);
    private final DatasetService datasets;
    private final DatasetStore store;
    private final VeilProperties props;

    DemoSeeder(DatasetService datasets, DatasetStore store, VeilProperties props) {
        this.datasets = datasets;
        this.store = store;
        this.props = props;
    }

    @EventListener(ApplicationReadyEvent.class)
    void seed(ApplicationReadyEvent event) {
        Caller provider = new Caller("demo-provider-org", Set.of("provider"), "demo-provider");
        boolean social = "SOCIAL".equals(props.zone().tier());
        String name = social ? "bank_customers" : "residents";
        if (store.findByOwnerAndName(provider.org(), name).isEmpty()) {
            DatasetMetadata meta = social
                    ? new DatasetMetadata(name, "Synthetic bank customers with loan amounts (demo)", List.of("demo", "finance"),
                        "demo-only", DemoData.bankRoles())
                    : new DatasetMetadata(name, "Synthetic residents with district, age band, income and social insurance (demo)",
                        List.of("demo", "public"), "demo-only", DemoData.residentsRoles());
            byte[] csv = social ? DemoData.bankCustomersCsv(4000, 7) : DemoData.residentsCsv(5000, 42);
            var r = datasets.register(provider, meta, name + ".csv", "text/csv", new ByteArrayInputStream(csv), () -> {});
            log.info("demo dataset '{}' registered: id={} rows={}", name, r.dataset().id(), r.version().rowCount());
        }
        int port = event.getApplicationContext() instanceof WebServerApplicationContext w ? w.getWebServer().getPort() : 0;
        String base = "http://localhost:" + port;
        System.out.println("""

                Veil zone '%s' (%s tier, %s suite) is up
                  API:        %s/api/v1/datasets
                  Swagger UI: %s/swagger-ui.html
                  OpenAPI:    %s/v3/api-docs
                  Health:     %s/actuator/health
                  Token:      curl -s -u demo-consumer:demo-consumer-secret -d grant_type=client_credentials %s/oauth2/token
                """.formatted(props.zone().id(), props.zone().tier(), props.zone().suite(), base, base, base, base, base));
    }
}
