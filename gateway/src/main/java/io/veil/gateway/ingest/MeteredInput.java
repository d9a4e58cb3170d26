package io.veil.gateway.ingest;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Counts and hashes the raw upload as it streams, refusing it the moment it exceeds the limit.
 * Any read failure from the client side (disconnect, truncated multipart) becomes UPLOAD_TRUNCATED.
 */
final class MeteredInput extends FilterInputStream {
    private final long max;
    private final MessageDigest sha256;
    private final byte[] one = new byte[1];
    private long count;

    MeteredInput(InputStream in, long max) {
        super(in);
        this.max = max;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        int n;
        while ((n = read(one, 0, 1)) == 0) {
            // a 0-byte read is legal for a stream; read() must block until a byte or EOF
        }
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = super.read(b, off, len);
        } catch (IOException e) {
            throw new IngestException("UPLOAD_TRUNCATED", "the upload ended before it was complete");
        }
        if (n > 0) {
            count += n;
            if (count > max) throw new IngestException("UPLOAD_TOO_LARGE", "upload exceeds the limit of " + max + " bytes");
            sha256.update(b, off, n);
        }
        return n;
    }

    long count() {
        return count;
    }

    String sha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }
}
