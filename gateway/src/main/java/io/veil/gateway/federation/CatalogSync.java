package io.veil.gateway.federation;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Fetches every trusted peer's catalog — periodically and on demand — and replaces the stored copy
 * in one transaction, so the federated listing never shows half a sync. A peer whose answer is
 * unsigned, malformed or inconsistent keeps its previous copy; the failure is kept as its status.
 */
@Component
public class CatalogSync {
    private static final Logger log = LoggerFactory.getLogger(CatalogSync.class);
    /** A peer publishing more than this is cut off (the sync fails rather than storing a partial catalog). */
    static final int MAX_DATASETS_PER_PEER = 10_000;
    private static final ObjectMapper PEER_JSON = new ObjectMapper().findAndRegisterModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final ZoneDirectory directory;
    private final FederationClient client;
    private final RemoteCatalogStore remote;
    private final ZoneMembership membership;
    private final TransactionTemplate tx;
    private final FederationProperties fed;
    private final Map<String, Outcome> lastOutcome = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    public CatalogSync(ZoneDirectory directory, FederationClient client, RemoteCatalogStore remote, ZoneMembership membership,
                       TransactionTemplate tx, FederationProperties fed) {
        this.directory = directory;
        this.client = client;
        this.remote = remote;
        this.membership = membership;
        this.tx = tx;
        this.fed = fed;
    }

    /** The result of one peer's sync: OK with a dataset count, or a stable failure code. */
    public record Outcome(String zone, String status, Integer datasets, Instant at) {}

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        // Copies from zones no longer trusted (removed or revoked) must not stay in the catalog.
        List<String> trusted = directory.trustedPeers().stream().map(TrustedZone::zoneId).toList();
        int purged = tx.execute(st -> remote.retainOnly(trusted));
        if (purged > 0) log.info("removed {} catalog entries of zones no longer trusted", purged);
        if (fed.syncIntervalMs() <= 0 || directory.trustedPeers().isEmpty()) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "veil-catalog-sync");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::syncQuietly, fed.syncInitialDelayMs(), fed.syncIntervalMs(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        if (timer != null) timer.shutdownNow();
    }

    private void syncQuietly() {
        try {
            syncAll();
        } catch (RuntimeException e) {
            log.warn("catalog sync failed: {}", e.getClass().getName());
        }
    }

    /** Syncs every trusted peer now; one peer's failure does not stop the others. Serialised. */
    public synchronized List<Outcome> syncAll() {
        List<Outcome> out = new ArrayList<>();
        for (TrustedZone peer : directory.trustedPeers()) out.add(sync(peer));
        return out;
    }

    public Map<String, Outcome> lastOutcomes() {
        return new LinkedHashMap<>(lastOutcome);
    }

    private Outcome sync(TrustedZone peer) {
        Outcome o;
        try {
            List<CatalogEntry> entries = fetch(peer);
            Instant now = Instant.now();
            membership.seen(peer);
            tx.executeWithoutResult(st -> remote.replace(peer.zoneId(), peer.tier(), entries, now));
            o = new Outcome(peer.zoneId(), "OK", entries.size(), now);
        } catch (FederationClient.CallFailed e) {
            o = new Outcome(peer.zoneId(), e.code(), null, Instant.now());
        } catch (CatalogValidation.Invalid e) {
            o = new Outcome(peer.zoneId(), "PEER_CATALOG_INVALID", null, Instant.now());
            log.warn("catalog of zone {} refused: {}", peer.zoneId(), e.getMessage());
        }
        if (!"OK".equals(o.status())) log.info("catalog sync with zone {}: {}", peer.zoneId(), o.status());
        lastOutcome.put(peer.zoneId(), o);
        membership.syncResult(peer.zoneId(), o.status(), o.datasets());
        return o;
    }

    private List<CatalogEntry> fetch(TrustedZone peer) throws FederationClient.CallFailed, CatalogValidation.Invalid {
        List<CatalogEntry> all = new ArrayList<>();
        int offset = 0;
        while (true) {
            FederationClient.Reply r = client.get(peer, "/federation/v1/catalog?offset=" + offset + "&limit=" + CatalogExport.MAX_PAGE);
            if (r.status() != 200) throw new FederationClient.CallFailed("PEER_STATUS_" + r.status());
            CatalogEntry.Page page;
            try {
                page = PEER_JSON.readValue(r.body(), CatalogEntry.Page.class);
            } catch (Exception e) {
                throw new CatalogValidation.Invalid("catalog page is not valid JSON of the documented shape");
            }
            if (page == null || page.datasets() == null) throw new CatalogValidation.Invalid("catalog page without datasets");
            for (CatalogEntry e : page.datasets()) all.add(CatalogValidation.check(e, peer));
            if (all.size() > MAX_DATASETS_PER_PEER) throw new CatalogValidation.Invalid("more than " + MAX_DATASETS_PER_PEER + " datasets");
            if (page.datasets().isEmpty() || offset + page.datasets().size() >= page.total()) break;
            offset += page.datasets().size();
        }
        CatalogValidation.distinctIds(all);
        return all;
    }
}
