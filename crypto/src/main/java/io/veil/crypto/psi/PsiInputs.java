package io.veil.crypto.psi;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Input rules shared by both roles. Messages name positions, never key bytes or values. */
final class PsiInputs {
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_SET_SIZE = 1 << 24;

    private PsiInputs() {}

    static void checkKey(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("join key is null or empty (drop NULL join keys before PSI)");
        }
        if (key.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("join key longer than " + MAX_KEY_BYTES + " bytes");
        }
    }

    static void checkSize(int size) {
        if (size > MAX_SET_SIZE) {
            throw new IllegalArgumentException("PSI set larger than " + MAX_SET_SIZE + " keys");
        }
    }

    /** Set semantics: copies, validates and collapses duplicate keys. */
    static List<byte[]> distinct(Collection<byte[]> keys) {
        if (keys == null) {
            throw new IllegalArgumentException("keys are null");
        }
        checkSize(keys.size());
        Set<ByteBuffer> seen = new HashSet<>(keys.size() * 2);
        List<byte[]> out = new ArrayList<>(keys.size());
        for (byte[] k : keys) {
            checkKey(k);
            byte[] copy = k.clone();
            if (seen.add(ByteBuffer.wrap(copy))) {
                out.add(copy);
            }
        }
        return out;
    }
}
