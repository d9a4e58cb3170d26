package io.veil.ledger.audit;

import io.veil.crypto.VerifyingKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code veil-audit verify bundle.zip [--trusted-key file]... [--previous checkpoint.note]}: checks an
 * audit bundle offline. Prints one line per check; exit 0 if all pass, 1 if any fails (the failures
 * are listed again at the end), 2 on a usage error or an unreadable argument file.
 */
public final class VeilAuditMain {
    private static final String USAGE = "usage: veil-audit verify <bundle.zip> [--trusted-key <pem|der|keys.json>]... [--previous <checkpoint.note>]";

    private VeilAuditMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !args[0].equals("verify")) {
            err.println(USAGE);
            return 2;
        }
        Path bundle = Path.of(args[1]);
        List<VerifyingKey> trusted = new ArrayList<>();
        Optional<String> previous = Optional.empty();
        try {
            for (int i = 2; i < args.length; i++) {
                if (i + 1 >= args.length) {
                    err.println("missing value after " + args[i] + "\n" + USAGE);
                    return 2;
                }
                switch (args[i]) {
                    case "--trusted-key" -> trusted.addAll(KeyFiles.readTrusted(Path.of(args[++i])));
                    case "--previous" -> previous = Optional.of(Files.readString(Path.of(args[++i]), StandardCharsets.UTF_8));
                    default -> {
                        err.println("unknown option " + args[i] + "\n" + USAGE);
                        return 2;
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot read argument file: " + e.getMessage());
            return 2;
        }
        if (!Files.isRegularFile(bundle)) {
            err.println("no such bundle: " + bundle);
            return 2;
        }
        AuditReport report = BundleVerifier.verify(bundle, trusted, previous);
        report.checks().forEach(out::println);
        if (report.passed()) {
            out.println("OK: all " + report.checks().size() + " checks passed");
            return 0;
        }
        out.println("FAILED: " + report.failures().size() + " of " + report.checks().size() + " checks failed:");
        report.failures().forEach(c -> out.println("  " + c.name() + ": " + c.detail()));
        return 1;
    }
}
