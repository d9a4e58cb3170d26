package io.veil.gateway.datasets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.HashSet;

/**
 * Crash recovery for uploads: a node killed between writing a blob and committing its metadata
 * leaves an unreferenced blob (or a temp file). Both are removed before the node serves requests,
 * so a failed upload never leaves partial state (invariants 6 and 7).
 */
@Component
class StartupSweep {
    private static final Logger log = LoggerFactory.getLogger(StartupSweep.class);
    private final BlobStore blobs;
    private final DatasetStore store;

    StartupSweep(BlobStore blobs, DatasetStore store) {
        this.blobs = blobs;
        this.store = store;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    void sweep() throws IOException {
        int removed = blobs.sweep(new HashSet<>(store.allBlobNames()));
        if (removed > 0) log.info("removed {} unreferenced upload file(s) left by an interrupted registration", removed);
    }
}
