package io.veil.ledger.embedded;

/**
 * Append-mostly array of 32-byte hashes in 1 MiB chunks. The chunk table is allocated up front, so a
 * reader never sees it being resized: the single writer fills slot i before publishing i through
 * the ledger's volatile durable size, and readers only look below that size.
 */
final class HashArray {
    static final int HASH = 32;
    private static final int CHUNK_BITS = 15;
    private static final int CHUNK = 1 << CHUNK_BITS;
    private static final int MAX_CHUNKS = 1 << 17; // 2^32 hashes

    private final byte[][] chunks = new byte[MAX_CHUNKS][];

    void set(long index, byte[] hash) {
        int c = (int) (index >>> CHUNK_BITS);
        byte[] chunk = chunks[c];
        if (chunk == null) {
            chunk = new byte[CHUNK * HASH];
            chunks[c] = chunk;
        }
        System.arraycopy(hash, 0, chunk, (int) (index & (CHUNK - 1)) * HASH, HASH);
    }

    byte[] get(long index) {
        byte[] out = new byte[HASH];
        System.arraycopy(chunks[(int) (index >>> CHUNK_BITS)], (int) (index & (CHUNK - 1)) * HASH, out, 0, HASH);
        return out;
    }
}
