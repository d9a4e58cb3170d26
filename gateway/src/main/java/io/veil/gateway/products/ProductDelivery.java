package io.veil.gateway.products;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.veil.gateway.federation.CatalogEntry;
import io.veil.gateway.federation.CatalogExport;
import io.veil.gateway.federation.FederationClient;
import io.veil.gateway.federation.TrustedZone;
import io.veil.gateway.federation.ZoneDirectory;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Pushes each data product's catalog entry and lineage to the tier-2 peers recorded for it when it
 * was published — an outbox: the delivery rows commit with the product, this sends them after the
 * commit and again every {@code veil.products.delivery-interval-ms} until the peer acknowledges
 * with the same lineage digest. A peer that is down or refuses transiently leaves the row PENDING
 * (with the failure code); a signed refusal by the peer's application (4xx) marks it REFUSED.
 * The payload is what the catalog export sends plus ids and digests: no row crosses.
 */
@Component
public class ProductDelivery {
    static final String PATH = "/federation/v1/data-products";
    static final String REFUSED = "REFUSED";
    private static final Logger log = LoggerFactory.getLogger(ProductDelivery.class);
    private final DataProductStore store;
    private final CatalogExport export;
    private final FederationClient client;
    private final ZoneDirectory directory;
    private final ObjectMapper json;
    private final long intervalMs;
    private final List<BiConsumer<String, byte[]>> taps = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService timer;

    ProductDelivery(DataProductStore store, CatalogExport export, FederationClient client, ZoneDirectory directory,
                    ObjectMapper json, @Value("${veil.products.delivery-interval-ms:30000}") long intervalMs) {
        this.store = store;
        this.export = export;
        this.client = client;
        this.directory = directory;
        this.json = json;
        this.intervalMs = intervalMs;
    }

    /** Sees every body sent to or received from a peer (path, bytes). For tests and diagnostics; never logs. */
    public void tap(BiConsumer<String, byte[]> tap) {
        taps.add(tap);
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (intervalMs <= 0) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veil-product-delivery");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                deliverPending();
            } catch (RuntimeException e) {
                log.warn("data product delivery failed: {}", e.getClass().getName());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) timer.shutdownNow();
    }

    /** Tries every PENDING delivery once; returns how many were delivered. Serialised with {@link #deliver}. */
    public synchronized int deliverPending() {
        int n = 0;
        for (DataProductStore.Delivery d : store.pending()) if (attempt(d)) n++;
        return n;
    }

    synchronized void deliver(String productId) {
        for (DataProductStore.Delivery d : store.deliveries(productId)) {
            if (DataProductStore.PENDING.equals(d.state())) attempt(d);
        }
    }

    private boolean attempt(DataProductStore.Delivery d) {
        Optional<TrustedZone> peer = directory.trusted(d.peerZone());
        if (peer.isEmpty()) {
            store.failed(d.productId(), d.peerZone(), "PEER_NOT_TRUSTED");
            return false;
        }
        DataProductStore.Product p = store.find(d.productId()).orElseThrow();
        CatalogEntry entry = export.entry(p.id()).orElseThrow(() -> new IllegalStateException("product dataset missing"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("lineage", p.lineage().tree());
        body.put("lineageDigest", p.lineageDigest());
        body.put("entry", entry);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        taps.forEach(t -> t.accept(PATH, bytes));
        FederationClient.Reply r;
        try {
            r = client.post(peer.get(), PATH, bytes);
        } catch (FederationClient.CallFailed e) {
            store.failed(d.productId(), d.peerZone(), e.code());
            return false;
        }
        taps.forEach(t -> t.accept(PATH, r.body()));
        if (r.status() >= 200 && r.status() < 300 && acknowledges(r.body(), p)) {
            store.delivered(d.productId(), d.peerZone());
            return true;
        }
        String code = refusalCode(r.body());
        if (r.status() >= 400 && r.status() < 500) store.refused(d.productId(), d.peerZone(), code);
        else store.failed(d.productId(), d.peerZone(), code);
        log.info("zone {} did not list data product {}: {} {}", d.peerZone(), d.productId(), r.status(), code);
        return false;
    }

    private boolean acknowledges(byte[] body, DataProductStore.Product p) {
        try {
            JsonNode n = json.readTree(body);
            return n.path("listed").asBoolean(false) && p.id().equals(n.path("productId").asText())
                    && p.lineageDigest().equals(n.path("lineageDigest").asText());
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private String refusalCode(byte[] body) {
        try {
            String c = json.readTree(body).path("code").asText("");
            return c.matches("[A-Z][A-Z0-9_]{0,63}") ? "PEER_REFUSED:" + c : "PEER_REFUSED";
        } catch (java.io.IOException e) {
            return "PEER_ANSWER_INVALID";
        }
    }
}
