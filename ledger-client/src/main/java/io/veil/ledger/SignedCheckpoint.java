package io.veil.ledger;

import io.veil.crypto.Suite;
import io.veil.crypto.SigningKey;
import io.veil.crypto.VerifyingKey;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A signed tree head in C2SP signed-note form (see LEDGER.md):
 * <pre>
 * &lt;origin&gt;\n&lt;tree size&gt;\n&lt;base64 root hash&gt;\n
 * \n
 * — &lt;key name&gt; &lt;base64(4-byte key hash ‖ signature)&gt;\n
 * </pre>
 * The key name is the origin; the signature covers the body (the first three lines). Parsing is
 * strict: any byte that does not re-serialise identically is rejected.
 */
public record SignedCheckpoint(String origin, long treeSize, byte[] rootHash, List<NoteSignature> signatures) {
    private static final String DASH = "\u2014 ";
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    /** One signature line: key name, 4-byte key hash, raw signature. */
    public record NoteSignature(String name, byte[] keyHash, byte[] signature) {
        public NoteSignature {
            keyHash = keyHash.clone();
            signature = signature.clone();
        }

        @Override public byte[] keyHash() { return keyHash.clone(); }

        @Override public byte[] signature() { return signature.clone(); }
    }

    public SignedCheckpoint {
        if (origin == null || origin.isEmpty() || origin.contains("\n") || treeSize < 0 || rootHash == null) {
            throw new IllegalArgumentException("malformed checkpoint");
        }
        rootHash = rootHash.clone();
        signatures = List.copyOf(signatures);
    }

    @Override public byte[] rootHash() { return rootHash.clone(); }

    public static SignedCheckpoint sign(String origin, long treeSize, byte[] rootHash, SigningKey key) {
        String body = body(origin, treeSize, rootHash);
        byte[] sig = key.sign(body.getBytes(StandardCharsets.UTF_8));
        return new SignedCheckpoint(origin, treeSize, rootHash, List.of(new NoteSignature(origin, keyHash(origin, key.verifyingKey()), sig)));
    }

    public String body() {
        return body(origin, treeSize, rootHash);
    }

    private static String body(String origin, long treeSize, byte[] rootHash) {
        return origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHash) + "\n";
    }

    /** The whole note, as written to checkpoint.txt and audit bundles. */
    public String note() {
        StringBuilder b = new StringBuilder(body()).append('\n');
        for (NoteSignature s : signatures) {
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            blob.writeBytes(s.keyHash);
            blob.writeBytes(s.signature);
            b.append(DASH).append(s.name()).append(' ').append(Base64.getEncoder().encodeToString(blob.toByteArray())).append('\n');
        }
        return b.toString();
    }

    /** Strict parse; IllegalArgumentException says which part is malformed. */
    public static SignedCheckpoint parse(String note) {
        int split = note.indexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw new IllegalArgumentException("checkpoint: not a signed note (no blank line or no final newline)");
        }
        String[] body = note.substring(0, split + 1).split("\n", -1);
        if (body.length != 4) {
            throw new IllegalArgumentException("checkpoint: body must be exactly origin, tree size and root hash");
        }
        long size;
        try {
            size = Long.parseLong(body[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkpoint: tree size is not a number");
        }
        byte[] root = strictBase64(body[2], "root hash");
        if (split + 2 >= note.length()) {
            throw new IllegalArgumentException("checkpoint: no signature");
        }
        List<NoteSignature> sigs = new ArrayList<>();
        for (String line : note.substring(split + 2, note.length() - 1).split("\n", -1)) {
            if (!line.startsWith(DASH)) {
                throw new IllegalArgumentException("checkpoint: signature lines must start with an em dash and a space");
            }
            String[] parts = line.substring(DASH.length()).split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[0].contains("+")) {
                throw new IllegalArgumentException("checkpoint: signature line must be '— <name> <base64>'");
            }
            byte[] blob = strictBase64(parts[1], "signature");
            if (blob.length < 5) {
                throw new IllegalArgumentException("checkpoint: signature too short");
            }
            sigs.add(new NoteSignature(parts[0], Arrays.copyOf(blob, 4), Arrays.copyOfRange(blob, 4, blob.length)));
        }
        SignedCheckpoint cp = new SignedCheckpoint(body[0], size, root, sigs);
        if (!cp.note().equals(note)) {
            throw new IllegalArgumentException("checkpoint: not in canonical form");
        }
        return cp;
    }

    private static byte[] strictBase64(String s, String what) {
        try {
            byte[] b = Base64.getDecoder().decode(s);
            if (!Base64.getEncoder().encodeToString(b).equals(s)) {
                throw new IllegalArgumentException();
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint: " + what + " is not canonical base64");
        }
    }

    /** True if a signature line named after the origin verifies under {@code key}. */
    public boolean verifiedBy(VerifyingKey key) {
        byte[] expectedHash = keyHash(origin, key);
        byte[] body = body().getBytes(StandardCharsets.UTF_8);
        for (NoteSignature s : signatures) {
            if (s.name().equals(origin) && MessageDigest.isEqual(s.keyHash, expectedHash) && key.verify(body, s.signature)) {
                return true;
            }
        }
        return false;
    }

    /** The first of {@code keys} that signed this checkpoint. */
    public Optional<VerifyingKey> signer(Collection<? extends VerifyingKey> keys) {
        return keys.stream().filter(this::verifiedBy).map(k -> (VerifyingKey) k).findFirst();
    }

    /**
     * The 4-byte key hash of a signature line. INTL (Ed25519) follows C2SP exactly —
     * SHA-256(name ‖ 0x0A ‖ 0x01 ‖ raw 32-byte key) — so Go's {@code note} package can verify our
     * checkpoints. SM2 has no C2SP type, so GM uses SM3(name ‖ 0x0A ‖ 0xFF ‖ "SM2-SM3" ‖ SPKI DER).
     */
    public static byte[] keyHash(String name, VerifyingKey key) {
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        in.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        in.write('\n');
        byte[] spki = key.encoded();
        if (key.suite() == Suite.INTL && spki.length == 44 && Arrays.equals(Arrays.copyOf(spki, 12), ED25519_SPKI_PREFIX)) {
            in.write(0x01);
            in.write(spki, 12, 32);
        } else {
            in.write(0xFF);
            in.writeBytes("SM2-SM3".getBytes(StandardCharsets.US_ASCII));
            in.writeBytes(spki);
        }
        return Arrays.copyOf(key.suite().hash(in.toByteArray()), 4);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedCheckpoint c && c.note().equals(note());
    }

    @Override
    public int hashCode() {
        return note().hashCode();
    }

    @Override
    public String toString() {
        return "SignedCheckpoint[" + origin + ", size=" + treeSize + "]";
    }
}
