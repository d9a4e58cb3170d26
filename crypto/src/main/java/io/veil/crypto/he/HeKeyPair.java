package io.veil.crypto.he;

import java.util.Objects;

/** A public key (shareable) and the matching secret key (stays with its owner, never serialised). */
public record HeKeyPair(HePublicKey publicKey, HeSecretKey secretKey) {
    public HeKeyPair {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(secretKey, "secretKey");
    }
}
