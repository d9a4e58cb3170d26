package io.veil.gateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A dataset upload over a raw socket that announces more bytes than it sends, then stops: what a
 * client that goes away mid-upload — or a node killed while receiving — looks like to the gateway.
 */
public final class PartialUpload implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;

    /**
     * Starts {@code POST /api/v1/datasets} with a metadata part and a file part of which only {@code fileStart}
     * is sent, announcing {@code fileStart.length + missing} bytes for the file.
     */
    public PartialUpload(int port, String token, String metadataJson, String fileName, String contentType, byte[] fileStart,
                         int missing) throws IOException {
        String boundary = "veilpartial";
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n"
                + metadataJson + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: " + contentType + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.UTF_8);
        long length = headBytes.length + fileStart.length + missing;
        socket = new Socket("localhost", port);
        out = socket.getOutputStream();
        out.write(("POST /api/v1/datasets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: " + length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(headBytes);
        out.write(fileStart);
        out.flush();
    }

    /** Goes away without sending the rest. */
    @Override
    public void close() throws IOException {
        socket.setSoLinger(true, 0); // reset, as a dying client's kernel would
        socket.close();
    }

    /** Top-level entries of a directory (empty if it does not exist). */
    public static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** Total bytes of regular files under {@code dir}. */
    public static long bytesUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException gone) {
                    return 0;
                }
            }).sum();
        }
    }

    /** Polls until {@code condition} holds or {@code seconds} pass; returns whether it held. */
    public static boolean await(int seconds, Check condition) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.holds()) return true;
            Thread.sleep(50);
        }
        return condition.holds();
    }

    public interface Check {
        boolean holds() throws Exception;
    }
}
