package io.veil.crypto;

import java.nio.file.Path;

/**
 * A zone's keys in a PKCS#12 keystore created on first run: the versioned zone key-encryption key
 * (wraps per-dataset data keys), the zone signing key, per-organisation signing keys and the zone
 * commitment secret (behind {@link #commitments()}). Rotation adds a new zone key version;
 * {@link #rewrap} moves a wrapped data key to the current version without touching the data it
 * protects.
 */
public interface ZoneKeyStore {
    Suite suite();

    /** Wrapped form of a data key: opaque bytes plus the zone key version that wrapped it. */
    record WrappedKey(String zoneKeyVersion, byte[] ciphertext) {}

    WrappedKey wrap(DataKey dataKey);

    DataKey unwrap(WrappedKey wrapped);

    String currentZoneKeyVersion();

    /** Creates a new zone key version and makes it current; returns the new version id. Persists the keystore. */
    String rotate();

    /** Re-wraps under the current zone key version (no-op if already current). */
    WrappedKey rewrap(WrappedKey wrapped);

    /** The zone's signing key (ledger entries, checkpoints, zone-to-zone requests). */
    SigningKey zoneSigningKey();

    /** An organisation's signing key, created and persisted on first use. */
    SigningKey orgSigningKey(String orgId);

    /**
     * Keyed commitments under the zone commitment secret, which is created and persisted on first
     * use (also in a keystore made before it existed) and never rotated: a commitment on the ledger
     * must stay verifiable for as long as the ledger is kept (ADR 0021).
     */
    Commitments commitments();

    /**
     * Opens the keystore, or creates it (parent directories, owner-only permissions, a first zone
     * key {@code v1} and the zone signing key) if the file does not exist.
     *
     * @throws WrongPasswordException if the password does not open an existing file
     * @throws IllegalStateException if the file was created for the other suite or lacks zone keys
     * @throws java.io.UncheckedIOException if the file cannot be read or written
     */
    static ZoneKeyStore openOrCreate(Path pkcs12File, char[] password, Suite suite) {
        return Pkcs12ZoneKeyStore.openOrCreate(pkcs12File, password, suite);
    }

    /** The password does not open the keystore (its integrity MAC does not verify). */
    final class WrongPasswordException extends IllegalStateException {
        WrongPasswordException(String message) {
            super(message);
        }
    }
}
