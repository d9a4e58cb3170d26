package io.veil.crypto.he;

/** c in Z*_{n^2}; immutable, bound to its key. */
final class PaillierCiphertext implements HeCiphertext {
    final PaillierPublicKey key;
    final java.math.BigInteger value;

    PaillierCiphertext(PaillierPublicKey key, java.math.BigInteger value) {
        this.key = key;
        this.value = value;
    }

    @Override
    public HePublicKey publicKey() {
        return key;
    }

    @Override
    public byte[] encoded() {
        return key.fixedLength(value);
    }

    @Override
    public String toString() {
        return "PaillierCiphertext[key=" + key.keyId() + "]";
    }
}
