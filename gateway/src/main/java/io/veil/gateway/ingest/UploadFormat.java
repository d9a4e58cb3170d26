package io.veil.gateway.ingest;

import java.util.Locale;

/**
 * The upload formats Veil accepts. Content decides first (Parquet magic "PAR1"); a name or media
 * type claiming Parquet without the magic, or obviously binary content (zip/xlsx, gzip, PDF, NUL
 * bytes) claimed as CSV, is refused rather than guessed at.
 */
public enum UploadFormat {
    CSV, PARQUET;

    public static UploadFormat detect(String fileName, String contentType, byte[] firstBytes) {
        byte[] head = firstBytes == null ? new byte[0] : firstBytes;
        if (startsWith(head, "PAR1")) return PARQUET;
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (name.endsWith(".parquet") || type.contains("parquet")) {
            throw new IngestException("UNSUPPORTED_FORMAT", "the file is named or typed as Parquet but does not start with the Parquet magic");
        }
        boolean binary = startsWith(head, "PK") || startsWith(head, "%PDF") || (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b);
        for (byte b : head) binary |= b == 0;
        boolean csvNamed = name.endsWith(".csv") || type.startsWith("text/csv") || type.startsWith("text/plain")
                || (name.isEmpty() && (type.isEmpty() || type.startsWith("application/octet-stream")));
        if (binary || !csvNamed) {
            throw new IngestException("UNSUPPORTED_FORMAT", "supported formats: CSV (text/csv, .csv) and Parquet (.parquet)");
        }
        return CSV;
    }

    private static boolean startsWith(byte[] head, String magic) {
        if (head.length < magic.length()) return false;
        for (int i = 0; i < magic.length(); i++) if (head[i] != magic.charAt(i)) return false;
        return true;
    }
}
