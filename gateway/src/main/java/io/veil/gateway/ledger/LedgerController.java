package io.veil.gateway.ledger;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerPage;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/** The zone's ledger as an auditor reads it: signed checkpoint, events, inclusion and consistency proofs. */
@RestController
@RequestMapping("/api/v1/ledger")
@Tag(name = "ledger", description = "Verifiable event log (docs/ledger.md); role auditor")
@PreAuthorize("hasRole('auditor')")
class LedgerController {
    private final Ledger ledger;
    private final LedgerConfig.ZoneSigningKeys keys;

    LedgerController(Ledger ledger, LedgerConfig.ZoneSigningKeys keys) {
        this.ledger = ledger;
        this.keys = keys;
    }

    @Operation(summary = "The zone's public signing keys (keys.json format, usable as veil-audit --trusted-key); "
            + "compare them with the keys the zone published out of band")
    @GetMapping(value = "/keys", produces = "application/json")
    public byte[] keys() {
        return io.veil.ledger.audit.KeyFiles.toJson(keys.keys());
    }

    record EventsPage(List<LedgerViews.EntryView> events, boolean hasMore, long nextAfter) {}

    @Operation(summary = "The latest checkpoint, signed by the zone (C2SP signed-note text in 'note')")
    @GetMapping("/checkpoint")
    public LedgerViews.CheckpointView checkpoint() {
        return LedgerViews.checkpoint(ledger.checkpoint());
    }

    @Operation(summary = "Events in sequence order; filter by subject (kind:id), type (comma list), time; page with after")
    @GetMapping("/events")
    public EventsPage events(@RequestParam(required = false) String subject, @RequestParam(required = false) String type,
                             @RequestParam(required = false) String from, @RequestParam(required = false) String to,
                             @RequestParam(defaultValue = "-1") long after, @RequestParam(defaultValue = "100") int limit) {
        LedgerPage page = ledger.query(LedgerViews.query(subject, type, from, to, after, limit));
        return new EventsPage(page.entries().stream().map(LedgerViews::entry).toList(), page.hasMore(), page.nextAfterSeq());
    }

    @Operation(summary = "One event by sequence number")
    @GetMapping("/events/{seq}")
    public LedgerViews.EntryView event(@PathVariable long seq) {
        LedgerEntry e = ledger.read(seq).orElseThrow(() -> ApiException.notFound("ledger entry"));
        return LedgerViews.entry(e);
    }

    @Operation(summary = "RFC 9162 inclusion proof of event seq in the tree of treeSize entries (default: the current size)")
    @GetMapping("/events/{seq}/proof")
    public LedgerViews.ProofView proof(@PathVariable long seq, @RequestParam(required = false) Long treeSize) {
        long size = treeSize == null ? ledger.size() : treeSize;
        var proof = LedgerViews.orProblem(ledger.inclusionProof(seq, size));
        LedgerEntry e = ledger.read(seq).orElseThrow(() -> ApiException.notFound("ledger entry"));
        return new LedgerViews.ProofView(proof.leafIndex(), proof.treeSize(), io.veil.crypto.Hex.encode(e.leafHash()),
                LedgerViews.hex(proof.path()));
    }

    @Operation(summary = "RFC 9162 consistency proof between tree sizes from and to")
    @GetMapping("/consistency")
    public LedgerViews.ConsistencyView consistency(@RequestParam long from, @RequestParam long to) {
        var proof = LedgerViews.orProblem(ledger.consistencyProof(from, to));
        return new LedgerViews.ConsistencyView(from, to, LedgerViews.hex(proof.path()));
    }
}
