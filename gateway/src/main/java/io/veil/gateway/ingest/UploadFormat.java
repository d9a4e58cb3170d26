package io.veil.gateway.ingest;

import java.util.Locale;

/** The upload formats Veil accepts, recognised by content first (Parquet magic) and then by name/type. */
public enum UploadFormat {
    CSV, PARQUET;

    public static UploadFormat detect(String fileName, String contentType, byte[] head) {
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'A' && head[2] == 'R' && head[3] == '1') return PARQUET;
        String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        boolean binaryZip = head.length >= 2 && head[0] == 'P' && head[1] == 'K';
        if (!binaryZip && (name.endsWith(".csv") || type.startsWith("text/csv") || type.startsWith("text/plain")
                || (name.isEmpty() && (type.isEmpty() || type.equals("application/octet-stream"))))) {
            return CSV;
        }
        throw new IngestException("UNSUPPORTED_FORMAT", "supported formats: CSV (text/csv, .csv) and Parquet");
    }
}
