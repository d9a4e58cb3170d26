package io.veil.gateway.support;

import io.veil.crypto.Hex;
import io.veil.crypto.Suite;
import io.veil.gateway.ledger.OutboxRelay;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything about a subject that the API and the ledger show to parties other than the one entitled
 * to a result — job views for the consumer, the provider and the auditor, the auditor's ledger trail —
 * reduced to the 32-byte hex values in it: what an attacker could test guesses against.
 */
public final class Shown {
    private static final Pattern HEX_32 = Pattern.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])");

    private Shown() {}

    /** The texts of every view of {@code jobId}, and the ledger trail of it (after relaying the outbox). */
    public static String aboutJob(ApiClient api, OutboxRelay relay, String jobId) {
        relay.relay();
        StringBuilder all = new StringBuilder();
        for (String who : new String[] {"demo-consumer", "demo-provider", "demo-auditor", "demo-admin"}) {
            all.append(api.get("/api/v1/jobs/" + jobId, who).text()).append('\n');
        }
        all.append(trail(api, "job:" + jobId));
        return all.toString();
    }

    /** The auditor's trail of {@code subject} ({@code kind:id}), as JSON text. */
    public static String trail(ApiClient api, String subject) {
        ApiClient.Response r = api.get("/api/v1/audit/trail?subject=" + subject, "demo-auditor");
        if (r.status() != 200) throw new AssertionError("trail: " + r.status() + " " + r.text());
        return r.text();
    }

    /** Every 64-hex-digit value in {@code texts}. */
    public static Set<String> hexValues(String... texts) {
        Set<String> out = new LinkedHashSet<>();
        for (String t : texts) {
            Matcher m = HEX_32.matcher(t);
            while (m.find()) out.add(m.group());
        }
        return out;
    }

    /** The plain hashes an attacker would try for a guess: SHA-256 and SM3 of it. */
    public static boolean plainHashIn(byte[] guess, Collection<String> shown) {
        return shown.contains(Hex.encode(Suite.INTL.hash(guess))) || shown.contains(Hex.encode(Suite.GM.hash(guess)));
    }
}
