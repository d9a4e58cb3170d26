package io.veil.gateway.ledger;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.ledger.Ledger;
import io.veil.ledger.LedgerEntry;
import io.veil.ledger.LedgerPage;
import io.veil.ledger.LedgerQuery;
import io.veil.ledger.audit.AuditBundle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What an auditor reads and takes away: an ordered, readable trail for one subject, and an export
 * bundle (events + inclusion proofs + signed checkpoint + zone public keys) that
 * {@code veil-audit verify} checks offline, without trusting this server.
 */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "audit", description = "Audit trail and offline-verifiable export (docs/ledger.md); role auditor")
@PreAuthorize("hasRole('auditor')")
class AuditController {
    static final int MAX_EVENTS = 50_000;
    private final Ledger ledger;
    private final LedgerConfig.ZoneSigningKeys keys;

    AuditController(Ledger ledger, LedgerConfig.ZoneSigningKeys keys) {
        this.ledger = ledger;
        this.keys = keys;
    }

    record TrailItem(long seq, Instant at, String type, String summary, Map<String, String> subjects, Map<String, Object> attributes) {}

    record Trail(String subject, long treeSize, List<TrailItem> events) {}

    @Operation(summary = "Every event about a subject (kind:id, e.g. contract:<id>), oldest first, with a one-line summary")
    @GetMapping("/trail")
    public Trail trail(@RequestParam String subject, @RequestParam(required = false) String type,
                       @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        long size = ledger.size();
        List<TrailItem> items = collect(LedgerViews.query(subject, type, from, to, -1, LedgerQuery.MAX_LIMIT), size).stream()
                .map(e -> new TrailItem(e.seq(), e.event().occurredAt(), e.event().type().wireName(), summary(e),
                        e.event().subjects(), e.event().attributes()))
                .toList();
        return new Trail(subject, size, items);
    }

    @Operation(summary = "A zip bundle for offline verification: events.jsonl with proofs, checkpoint.note, keys.json")
    @GetMapping(value = "/export", produces = "application/zip")
    public ResponseEntity<StreamingResponseBody> export(@RequestParam(required = false) String subject,
                                                        @RequestParam(required = false) String type,
                                                        @RequestParam(required = false) String from,
                                                        @RequestParam(required = false) String to) {
        List<Long> seqs = collect(LedgerViews.query(subject, type, from, to, -1, LedgerQuery.MAX_LIMIT), ledger.size())
                .stream().map(LedgerEntry::seq).toList();
        StreamingResponseBody body = out -> AuditBundle.write(out, ledger, seqs, keys.keys());
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"veil-audit-bundle.zip\"")
                .contentType(MediaType.parseMediaType("application/zip"))
                .body(body);
    }

    /** All matching entries below {@code size} (a stable view while appends continue), bounded. */
    private List<LedgerEntry> collect(LedgerQuery query, long size) {
        List<LedgerEntry> out = new ArrayList<>();
        LedgerQuery q = query;
        while (true) {
            LedgerPage page = ledger.query(q);
            for (LedgerEntry e : page.entries()) {
                if (e.seq() >= size) {
                    return out;
                }
                out.add(e);
                if (out.size() > MAX_EVENTS) {
                    throw ApiException.unprocessable("EXPORT_TOO_LARGE",
                            "more than " + MAX_EVENTS + " events match; narrow it with subject, type, from or to");
                }
            }
            if (!page.hasMore()) {
                return out;
            }
            q = q.after(page.nextAfterSeq());
        }
    }

    /** "ContractAgreed: contract=…, offer=… (agreementDigest=…)" — ids and digests only, as on the ledger. */
    static String summary(LedgerEntry e) {
        String subjects = e.event().subjects().entrySet().stream().map(s -> s.getKey() + "=" + s.getValue())
                .collect(Collectors.joining(", "));
        String attrs = e.event().attributes().entrySet().stream().map(a -> a.getKey() + "=" + a.getValue())
                .collect(Collectors.joining(", "));
        return e.event().type().wireName() + ": " + subjects + (attrs.isEmpty() ? "" : " (" + attrs + ")");
    }
}
