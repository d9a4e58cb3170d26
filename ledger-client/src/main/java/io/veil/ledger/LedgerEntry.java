package io.veil.ledger;

import java.util.Arrays;
import java.util.Objects;

/**
 * An event as stored at position {@code seq}: {@code entryBytes} are the canonical JSON
 * {@code {"event":…,"sig":{"keyId":…,"value":…}}} exactly as hashed into the Merkle leaf
 * ({@code leafHash = H(0x00 ‖ entryBytes)}). Arrays are copied in and out.
 */
public record LedgerEntry(long seq, LedgerEvent event, byte[] entryBytes, byte[] leafHash, String keyId) {
    public LedgerEntry {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(keyId, "keyId");
        entryBytes = entryBytes.clone();
        leafHash = leafHash.clone();
    }

    @Override public byte[] entryBytes() { return entryBytes.clone(); }

    @Override public byte[] leafHash() { return leafHash.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof LedgerEntry e && e.seq == seq && e.event.equals(event) && e.keyId.equals(keyId)
                && Arrays.equals(e.entryBytes, entryBytes) && Arrays.equals(e.leafHash, leafHash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(leafHash);
    }

    @Override
    public String toString() {
        return "LedgerEntry[seq=" + seq + ", type=" + event.type().wireName() + ", eventId=" + event.eventId() + ", keyId=" + keyId + "]";
    }
}
