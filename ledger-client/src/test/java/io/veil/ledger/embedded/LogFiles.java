package io.veil.ledger.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Test helper: the frames of a closed ledger's log.dat, and rewriting the file from frames. */
final class LogFiles {
    private LogFiles() {}

    static Path log(Path dir) {
        return dir.resolve(EmbeddedLedger.LOG);
    }

    static List<LogFormat.Frame> frames(Path dir) throws IOException {
        List<LogFormat.Frame> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(log(dir), StandardOpenOption.READ)) {
            LogFormat.Reader r = new LogFormat.Reader(ch, ch.size());
            for (long pos = 0; pos < ch.size(); ) {
                LogFormat.Frame f = r.read(pos);
                if (f == null) {
                    throw new IllegalStateException("unreadable frame at " + pos);
                }
                out.add(f);
                pos = f.end();
            }
        }
        return out;
    }

    /** Index in {@code frames} of the ENTRY frame with sequence number {@code seq}. */
    static int entryIndex(List<LogFormat.Frame> frames, long seq) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).type() == LogFormat.ENTRY && frames.get(i).seq() == seq) {
                return i;
            }
        }
        throw new IllegalArgumentException("no entry " + seq);
    }

    static void write(Path dir, List<LogFormat.Frame> frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (LogFormat.Frame f : frames) {
            out.writeBytes(LogFormat.frame(f.type(), f.seq(), f.payload()));
        }
        Files.write(log(dir), out.toByteArray());
    }

    static LogFormat.Frame withPayload(LogFormat.Frame f, byte[] payload) {
        return new LogFormat.Frame(f.type(), f.seq(), payload, f.offset());
    }
}
