package io.veil.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.pkcs.PKCS12SafeBag;

/**
 * {@link ZoneKeyStore} in one PKCS#12 file (format: {@link Pkcs12Codec}). Aliases:
 * {@code zone-kek-v<N>} (secret; current = highest N), {@code zone-sign}, {@code org-sign-<orgId>},
 * {@code zone-commitment} (secret, added on first use, never rotated).
 * KEKs are stored as secret keys with algorithm AES (INTL, 32 bytes) or SM4 (GM, OID
 * 1.2.156.10197.1.104, 16 bytes), the commitment secret as hmacWithSHA256 (INTL) or HMAC-SM3 (GM),
 * 32 bytes; the OIDs are checked on load, so a file cannot be opened with the other suite. Every change is persisted before it takes effect, via {@link AtomicFiles}, so
 * a crash leaves either the old or the new keystore. One process owns the file (no file lock).
 *
 * <p>Concurrency: wrap/unwrap read an immutable KEK snapshot without locking; changes
 * (rotate, new org key) are serialised on this object.
 */
final class Pkcs12ZoneKeyStore implements ZoneKeyStore {
    private static final String KEK_PREFIX = "zone-kek-v";
    private static final String ZONE_SIGN = "zone-sign";
    private static final String ORG_PREFIX = "org-sign-";
    private static final String COMMITMENT = "zone-commitment";
    private static final Pattern ORG_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final ASN1ObjectIdentifier SM4 = new ASN1ObjectIdentifier("1.2.156.10197.1.104");
    private static final byte[] SELF_CHECK = "veil keystore self-check".getBytes(StandardCharsets.US_ASCII);

    /** Immutable view of the KEKs; replaced wholesale on rotation. */
    private record Keks(Map<Integer, AeadDataKey> byVersion, int current) {}

    private final Path file;
    private final char[] password;
    private final Suite suite;
    private final Map<String, List<PKCS12SafeBag>> bags = new LinkedHashMap<>(); // guarded by this
    private final Map<String, JcaSigningKey> orgKeys = new ConcurrentHashMap<>();
    private volatile Keks keks;
    private volatile JcaSigningKey zoneSigningKey;
    private volatile Commitments commitments;

    private Pkcs12ZoneKeyStore(Path file, char[] password, Suite suite) {
        this.file = file;
        this.password = password.clone();
        this.suite = suite;
    }

    static ZoneKeyStore openOrCreate(Path file, char[] password, Suite suite) {
        if (file == null || password == null || suite == null) {
            throw new IllegalArgumentException("file, password and suite are required");
        }
        if (password.length == 0) {
            throw new IllegalArgumentException("zone keystore password must not be empty");
        }
        Pkcs12ZoneKeyStore store = new Pkcs12ZoneKeyStore(file.toAbsolutePath(), password, suite);
        synchronized (store) {
            if (Files.exists(store.file)) {
                store.load();
            } else {
                store.create();
            }
        }
        return store;
    }

    @Override public Suite suite() { return suite; }

    @Override
    public WrappedKey wrap(DataKey dataKey) {
        if (dataKey.suite() != suite) {
            throw new IllegalArgumentException("data key of suite " + dataKey.suite() + " in a " + suite + " zone");
        }
        Keks snapshot = keks;
        byte[] raw = dataKey.exportForWorker();
        try {
            byte[] sealed = snapshot.byVersion().get(snapshot.current()).seal(raw, wrapAad(snapshot.current()));
            return new WrappedKey(versionId(snapshot.current()), sealed);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    @Override
    public DataKey unwrap(WrappedKey wrapped) {
        int version = parseVersion(wrapped.zoneKeyVersion());
        AeadDataKey kek = keks.byVersion().get(version);
        if (kek == null) {
            throw new IllegalArgumentException("unknown zone key version " + wrapped.zoneKeyVersion());
        }
        byte[] raw = kek.open(wrapped.ciphertext(), wrapAad(version));
        try {
            return AeadDataKey.fromRaw(suite, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    @Override
    public String currentZoneKeyVersion() {
        return versionId(keks.current());
    }

    @Override
    public synchronized String rotate() {
        int next = keks.current() + 1;
        AeadDataKey kek = AeadDataKey.generate(suite);
        addSecret(KEK_PREFIX + next, kek);
        Map<Integer, AeadDataKey> versions = new TreeMap<>(keks.byVersion());
        versions.put(next, kek);
        keks = new Keks(Collections.unmodifiableMap(versions), next);
        return versionId(next);
    }

    @Override
    public WrappedKey rewrap(WrappedKey wrapped) {
        if (wrapped.zoneKeyVersion().equals(currentZoneKeyVersion())) {
            return wrapped;
        }
        return wrap(unwrap(wrapped));
    }

    @Override
    public SigningKey zoneSigningKey() {
        return zoneSigningKey;
    }

    @Override
    public SigningKey orgSigningKey(String orgId) {
        if (orgId == null || !ORG_ID.matcher(orgId).matches()) {
            throw new IllegalArgumentException("organisation id must match " + ORG_ID.pattern());
        }
        JcaSigningKey existing = orgKeys.get(orgId);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            return orgKeys.computeIfAbsent(orgId, id -> addKeyPair(ORG_PREFIX + id));
        }
    }

    @Override
    public Commitments commitments() {
        Commitments existing = commitments;
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            if (commitments == null) {
                byte[] secret = new byte[Commitments.KEY_BYTES];
                Providers.RANDOM.nextBytes(secret);
                try {
                    bags.put(COMMITMENT, Pkcs12Codec.secretBags(COMMITMENT, commitmentAlgorithm(), secret, password));
                    persistOrForget(COMMITMENT);
                    commitments = new Commitments(suite, secret);
                } finally {
                    Arrays.fill(secret, (byte) 0);
                }
            }
            return commitments;
        }
    }

    @Override
    public String toString() {
        return "ZoneKeyStore[" + suite + ", " + file + ", current=" + currentZoneKeyVersion() + "]";
    }

    // --- creation and loading -------------------------------------------------------------------

    private void create() {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory for zone keystore " + file, e);
        }
        AeadDataKey kek = AeadDataKey.generate(suite);
        JcaSigningKey signing = JcaSigningKey.generate(suite);
        bags.put(KEK_PREFIX + 1, Pkcs12Codec.secretBags(KEK_PREFIX + 1, kekAlgorithm(), kek.exportForWorker(), password));
        bags.put(ZONE_SIGN, keyPairBags(ZONE_SIGN, signing));
        persist();
        keks = new Keks(Map.of(1, kek), 1);
        zoneSigningKey = signing;
    }

    private void load() {
        Pkcs12Codec.Decoded decoded;
        try {
            decoded = Pkcs12Codec.decode(Files.readAllBytes(file), password);
        } catch (Pkcs12Codec.WrongPassword e) {
            throw new WrongPasswordException("wrong password for zone keystore " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read zone keystore " + file, e);
        }
        bags.putAll(decoded.bags());
        TreeMap<Integer, AeadDataKey> versions = new TreeMap<>();
        for (Pkcs12Codec.Entry entry : decoded.entries().values()) {
            String alias = entry.alias();
            if (alias.startsWith(KEK_PREFIX)) {
                versions.put(parseVersion(alias.substring(KEK_PREFIX.length() - 1)), loadKek(entry));
            } else if (alias.equals(ZONE_SIGN)) {
                zoneSigningKey = loadKeyPair(entry);
            } else if (alias.startsWith(ORG_PREFIX)) {
                orgKeys.put(alias.substring(ORG_PREFIX.length()), loadKeyPair(entry));
            } else if (alias.equals(COMMITMENT)) {
                commitments = loadCommitments(entry);
            }
            // Unknown aliases are kept in `bags` and written back untouched.
        }
        if (versions.isEmpty() || zoneSigningKey == null) {
            throw new IllegalStateException("zone keystore " + file + " lacks a zone key or the zone signing key");
        }
        keks = new Keks(Collections.unmodifiableMap(versions), versions.lastKey());
    }

    private AeadDataKey loadKek(Pkcs12Codec.Entry entry) {
        PrivateKeyInfo info = entry.key();
        if (!info.getPrivateKeyAlgorithm().getAlgorithm().equals(kekAlgorithm())) {
            throw new IllegalStateException("zone keystore " + file + " was not created for suite " + suite);
        }
        byte[] raw = info.getPrivateKey().getOctets();
        try {
            return AeadDataKey.fromRaw(suite, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private Commitments loadCommitments(Pkcs12Codec.Entry entry) {
        PrivateKeyInfo info = entry.key();
        if (!info.getPrivateKeyAlgorithm().getAlgorithm().equals(commitmentAlgorithm())) {
            throw new IllegalStateException("zone keystore " + file + " was not created for suite " + suite);
        }
        byte[] raw = info.getPrivateKey().getOctets();
        try {
            return new Commitments(suite, raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("zone keystore " + file + ": the commitment secret has the wrong length");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    private JcaSigningKey loadKeyPair(Pkcs12Codec.Entry entry) {
        if (entry.certificate() == null) {
            throw new IllegalStateException("zone keystore entry " + entry.alias() + " has no certificate");
        }
        JcaSigningKey key;
        try {
            JcaVerifyingKey verifying = JcaVerifyingKey.decode(suite, entry.certificate().getSubjectPublicKeyInfo().getEncoded());
            key = new JcaSigningKey(suite, SignatureSchemes.decodePrivate(suite, entry.key().getEncoded()), verifying);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("zone keystore " + file + " entry " + entry.alias() + " is not a " + suite + " key pair");
        }
        if (!key.verifyingKey().verify(SELF_CHECK, key.sign(SELF_CHECK))) {
            throw new IllegalStateException("zone keystore entry " + entry.alias() + ": private key does not match its certificate");
        }
        return key;
    }

    // --- changes and persistence ----------------------------------------------------------------

    private void addSecret(String alias, AeadDataKey key) {
        byte[] raw = key.exportForWorker();
        try {
            bags.put(alias, Pkcs12Codec.secretBags(alias, kekAlgorithm(), raw, password));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        persistOrForget(alias);
    }

    private JcaSigningKey addKeyPair(String alias) {
        JcaSigningKey key = JcaSigningKey.generate(suite);
        bags.put(alias, keyPairBags(alias, key));
        persistOrForget(alias);
        return key;
    }

    private List<PKCS12SafeBag> keyPairBags(String alias, JcaSigningKey key) {
        X509CertificateHolder cert = SelfSignedCertificates.create(
                suite, alias, key.privateKey(), key.verifyingKey().publicKey());
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.privateKey().getEncoded());
        return Pkcs12Codec.keyPairBags(alias, info, cert, password);
    }

    /** A change that could not be made durable is undone in memory, then reported. */
    private void persistOrForget(String alias) {
        try {
            persist();
        } catch (RuntimeException e) {
            bags.remove(alias);
            throw e;
        }
    }

    private void persist() {
        try {
            AtomicFiles.writeOwnerOnly(file, Pkcs12Codec.encode(bags.values(), password));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write zone keystore " + file, e);
        }
    }

    // --- naming ------------------------------------------------------------------------------------

    private ASN1ObjectIdentifier kekAlgorithm() {
        return suite == Suite.INTL ? NISTObjectIdentifiers.aes : SM4;
    }

    private ASN1ObjectIdentifier commitmentAlgorithm() {
        return suite == Suite.INTL ? PKCSObjectIdentifiers.id_hmacWithSHA256 : GMObjectIdentifiers.hmac_sm3;
    }

    private byte[] wrapAad(int version) {
        return ("veil/zone-key-wrap/v1|" + suite + "|" + versionId(version)).getBytes(StandardCharsets.US_ASCII);
    }

    private static String versionId(int version) {
        return "v" + version;
    }

    private static int parseVersion(String id) {
        if (id == null || !id.matches("v[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("malformed zone key version");
        }
        return Integer.parseInt(id.substring(1));
    }
}
