package io.veil.gateway.datasets;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelinedOutputStreamTest {
    @Test
    void everyByteArrivesInOrderWhateverTheWriteSizes() throws IOException {
        Random r = new Random(11);
        byte[] data = new byte[5 * PipelinedOutputStream.CHUNK + 12345];
        r.nextBytes(data);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        boolean[] closed = {false};
        OutputStream target = new OutputStream() {
            @Override public void write(int b) { sink.write(b); }
            @Override public void write(byte[] b, int off, int len) { sink.write(b, off, len); }
            @Override public void close() { closed[0] = true; }
        };
        try (PipelinedOutputStream out = new PipelinedOutputStream(target)) {
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, r.nextInt(3) == 0 ? 1 : r.nextInt(3 * PipelinedOutputStream.CHUNK / 2));
                if (n == 1) {
                    out.write(data[at]);
                } else {
                    out.write(data, at, n);
                }
                at += n;
            }
        }
        assertThat(sink.toByteArray()).isEqualTo(data);
        assertThat(closed[0]).isTrue();
    }

    @Test
    void aFailingTargetSurfacesAsIOExceptionAndTheWriterThreadEnds() throws Exception {
        OutputStream failing = new OutputStream() {
            @Override public void write(int b) throws IOException { throw new IOException("disk full"); }
            @Override public void write(byte[] b, int off, int len) throws IOException { throw new IOException("disk full"); }
        };
        PipelinedOutputStream out = new PipelinedOutputStream(failing);
        byte[] chunk = new byte[PipelinedOutputStream.CHUNK];
        assertThatThrownBy(() -> {
            for (int i = 0; i < 20; i++) {
                out.write(chunk);
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("encrypted copy");
        assertThatThrownBy(out::close).isInstanceOf(IOException.class);
        long deadline = System.currentTimeMillis() + 10_000;
        while (threadAlive() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(threadAlive()).as("writer thread ended").isFalse();
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void emptyStreamClosesTheTarget() throws IOException {
        boolean[] closed = {false};
        new PipelinedOutputStream(new OutputStream() {
            @Override public void write(int b) { throw new AssertionError("nothing to write"); }
            @Override public void close() { closed[0] = true; }
        }).close();
        assertThat(closed[0]).isTrue();
    }

    static boolean threadAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("veil-ingest-writer") && t.isAlive());
    }
}
