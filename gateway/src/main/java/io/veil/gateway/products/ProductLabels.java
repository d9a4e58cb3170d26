package io.veil.gateway.products;

import io.veil.gateway.config.VeilProperties;
import io.veil.gateway.federation.DataProductLabels;
import org.springframework.stereotype.Component;

/** Labels federated catalog entries that are data products: this zone's own, or those a tier-1 peer listed here. */
@Component
class ProductLabels implements DataProductLabels {
    private static final String KIND = "DATA_PRODUCT";
    private final DataProductStore store;
    private final VeilProperties veil;

    ProductLabels(DataProductStore store, VeilProperties veil) {
        this.store = store;
        this.veil = veil;
    }

    @Override
    public Label label(String zone, String datasetId) {
        if (veil.zone().id().equals(zone)) {
            return store.find(datasetId).map(p -> new Label(KIND, zone, veil.zone().tier(), p.lineageDigest(), p.lineage().tree()))
                    .orElse(null);
        }
        return store.received(zone, datasetId).map(r -> new Label(KIND, r.zone(), r.tier(), r.lineageDigest(), r.lineage().tree()))
                .orElse(null);
    }
}
