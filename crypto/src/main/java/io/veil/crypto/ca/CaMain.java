package io.veil.crypto.ca;

import io.veil.crypto.Suite;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Data-space CA command line. Passwords come from the environment, never from arguments (which
 * other users can read in the process list): VEIL_CA_PASSWORD for the CA keystore,
 * VEIL_ZONE_PASSWORD for issued zone keystores.
 * <pre>
 * init   --dir D --suite INTL|GM [--name NAME]
 * issue  --dir D --zone ID --tier PUBLIC|SOCIAL [--days N] [--dns NAME]...
 * revoke --dir D --zone ID
 * crl    --dir D                      re-sign the CRL (it is valid for 30 days)
 * verify --dir D --zone ID            check the zone's certificate against ca.crt and ca.crl
 * </pre>
 * Exit status: 0 done, 1 refused or failed, 2 usage error.
 */
public final class CaMain {
    private static final String USAGE = """
            usage: CaMain init   --dir D --suite INTL|GM [--name NAME]
                   CaMain issue  --dir D --zone ID --tier PUBLIC|SOCIAL [--days N] [--dns NAME]...
                   CaMain revoke --dir D --zone ID
                   CaMain crl    --dir D
                   CaMain verify --dir D --zone ID
            environment: VEIL_CA_PASSWORD (all commands), VEIL_ZONE_PASSWORD (issue)""";

    private CaMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String command = args[0];
        Map<String, String> opts = new HashMap<>();
        List<String> dns = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || i + 1 >= args.length) {
                err.println("bad argument: " + a + "\n" + USAGE);
                return 2;
            }
            String v = args[++i];
            if (a.equals("--dns")) {
                dns.add(v);
            } else if (opts.put(a.substring(2), v) != null) {
                err.println("repeated option " + a);
                return 2;
            }
        }
        try {
            if (!dns.isEmpty() && !command.equals("issue")) {
                throw new UsageException("--dns only applies to issue");
            }
            String dirOpt = opts.remove("dir");
            if (dirOpt == null) {
                err.println("--dir is required\n" + USAGE);
                return 2;
            }
            Path dir = Path.of(dirOpt);
            char[] caPassword = password(env, "VEIL_CA_PASSWORD");
            switch (command) {
                case "init" -> {
                    Suite suite = choice(Suite.class, required(opts, "suite"), "--suite");
                    String name = opts.getOrDefault("name", "Veil data space CA");
                    opts.remove("name");
                    noneLeft(opts);
                    CaDirectory d = CaDirectory.init(dir, suite, name, caPassword);
                    out.println("created " + suite + " CA in " + dir + " (trust anchor: " + dir.resolve("ca.crt")
                            + ", CRL: " + dir.resolve("ca.crl") + ", serial " + d.ca().certificate().getSerialNumber().toString(16) + ")");
                }
                case "issue" -> {
                    String zone = required(opts, "zone");
                    ZoneTier tier = choice(ZoneTier.class, required(opts, "tier"), "--tier");
                    String days = opts.remove("days");
                    noneLeft(opts);
                    Duration validity;
                    try {
                        validity = days == null ? DataSpaceCa.DEFAULT_ZONE_VALIDITY : Duration.ofDays(Long.parseLong(days));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--days must be a whole number");
                    }
                    CaDirectory d = CaDirectory.open(dir, caPassword);
                    ZoneCredential z = d.issue(zone, tier, validity, dns, password(env, "VEIL_ZONE_PASSWORD"));
                    out.println("issued " + tier + " zone " + zone + ": " + d.zoneKeystore(zone) + " (serial "
                            + z.certificate().getSerialNumber().toString(16) + ", valid until " + z.certificate().getNotAfter().toInstant() + ")");
                }
                case "revoke" -> {
                    String zone = required(opts, "zone");
                    noneLeft(opts);
                    CaDirectory d = CaDirectory.open(dir, caPassword);
                    d.revoke(zone);
                    out.println("revoked zone " + zone + "; distribute " + dir.resolve("ca.crl"));
                }
                case "crl" -> {
                    noneLeft(opts);
                    var crl = CaDirectory.open(dir, caPassword).refreshCrl();
                    out.println("CRL re-signed, next update " + crl.getNextUpdate().toInstant());
                }
                case "verify" -> {
                    String zone = required(opts, "zone");
                    noneLeft(opts);
                    CaDirectory d = CaDirectory.open(dir, caPassword);
                    // against the published ca.crt + ca.crl: exactly what the zones see
                    DataSpaceTrust published = CaDirectory.loadTrust(dir.resolve("ca.crt"), dir.resolve("ca.crl"));
                    CertificateCheck c = published.check(d.readZoneCertificate(zone), Instant.now());
                    out.println(zone + ": " + c.status());
                    return c.valid() ? 0 : 1;
                }
                default -> {
                    err.println("unknown command " + command + "\n" + USAGE);
                    return 2;
                }
            }
            return 0;
        } catch (UsageException e) {
            err.println(e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (Exception e) {
            err.println("failed: " + e.getMessage());
            return 1;
        }
    }

    private static char[] password(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.length() < 8) {
            throw new UsageException("environment variable " + name + " must hold a password of at least 8 characters");
        }
        return v.toCharArray();
    }

    private static String required(Map<String, String> opts, String name) {
        String v = opts.remove(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String value, String option) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) {
                return e;
            }
        }
        throw new UsageException(option + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    private static void noneLeft(Map<String, String> opts) {
        if (!opts.isEmpty()) {
            throw new UsageException("unknown option(s) " + opts.keySet());
        }
    }

    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
