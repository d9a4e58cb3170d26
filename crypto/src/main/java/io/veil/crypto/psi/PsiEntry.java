package io.veil.crypto.psi;

/** A responder's join key with the metric value summed in {@link PsiMode#SUM}. */
public record PsiEntry(byte[] key, long value) {
    public PsiEntry {
        PsiInputs.checkKey(key);
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public String toString() {
        return "PsiEntry[redacted]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PsiEntry e && java.util.Arrays.equals(e.key, key) && e.value == value;
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(key) * 31 + Long.hashCode(value);
    }
}
