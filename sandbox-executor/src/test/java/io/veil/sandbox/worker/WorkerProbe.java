package io.veil.sandbox.worker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs inside the sandbox (same launcher as the worker) and reports what it could do, one line
 * per attempt: "OK name" if the attempt succeeded, "BLOCKED name" if it failed.
 */
public final class WorkerProbe {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        for (int i = 1; i < args.length; i++) {
            String file = args[i];
            attempt("read " + file, () -> Files.readAllBytes(Path.of(file)));
        }
        attempt("read /etc/shadow", () -> Files.readAllBytes(Path.of("/etc/shadow")));
        attempt("write /usr", () -> Files.writeString(Path.of("/usr/veil-probe"), "x"));
        attempt("write /var/tmp", () -> Files.writeString(Path.of("/var/tmp/veil-probe"), "x"));
        attempt("connect 127.0.0.1:" + port, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
            return null;
        });
        attempt("write /tmp", () -> Files.writeString(Path.of("/tmp/veil-probe"), "x"));
        System.out.println("UID " + uid());
    }

    interface Action {
        Object run() throws Exception;
    }

    static void attempt(String name, Action a) {
        try {
            a.run();
            System.out.println("OK " + name);
        } catch (Exception | Error e) {
            System.out.println("BLOCKED " + name);
        }
    }

    static String uid() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
