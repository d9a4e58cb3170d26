package io.veil.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfoBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilderProvider;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Reads and writes the PKCS#12 file with bcpkix rather than java.security.KeyStore, because the
 * JDK's PKCS12 keystore cannot parse SM2 certificates or keys (SunEC rejects the sm2p256v1 curve)
 * and Bouncy Castle's PKCS12 keystore refuses secret keys. The layout is what the JDK writes, so
 * an INTL file opens with keytool: key pairs as pkcs8ShroudedKeyBag + certBag, secret keys as
 * secretBag holding a shrouded PKCS#8-shaped key (algorithm AES or SM4, key = raw bytes); every
 * bag has friendlyName = alias. Keys: PBES2 (PBKDF2-HmacSHA256, AES-256-CBC); integrity: HMAC-SHA256 MAC.
 */
final class Pkcs12Codec {
    static final int ITERATIONS = 10_000;

    /** Decrypted entry: key (PKCS#8 shape, also for secrets) and, for key pairs, the certificate. */
    record Entry(String alias, PrivateKeyInfo key, X509CertificateHolder certificate) {}

    /** Decrypted entries plus the encrypted bags per alias, re-saved as is (no re-encryption on save). */
    record Decoded(Map<String, Entry> entries, Map<String, List<PKCS12SafeBag>> bags) {}

    static final class WrongPassword extends Exception {
        WrongPassword() {
            super("keystore MAC does not verify");
        }
    }

    private Pkcs12Codec() {}

    static List<PKCS12SafeBag> secretBags(String alias, ASN1ObjectIdentifier algorithm, byte[] raw, char[] password) {
        try {
            PrivateKeyInfo info = new PrivateKeyInfo(new AlgorithmIdentifier(algorithm), raw);
            byte[] shrouded = new PKCS8EncryptedPrivateKeyInfoBuilder(info).build(encryptor(password)).getEncoded();
            ASN1Encodable secretBag = new DERSequence(new ASN1Encodable[] {
                    PKCSObjectIdentifiers.pkcs8ShroudedKeyBag, new DERTaggedObject(true, 0, new DEROctetString(shrouded))});
            ASN1EncodableVector attributes = new ASN1EncodableVector();
            attributes.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERSet(new DERBMPString(alias))));
            attributes.add(new Attribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, new DERSet(localKeyId(alias))));
            return List.of(new PKCS12SafeBag(new SafeBag(PKCSObjectIdentifiers.secretBag, secretBag, new DERSet(attributes))));
        } catch (IOException e) {
            throw new IllegalStateException("encoding secret key entry failed", e);
        }
    }

    static List<PKCS12SafeBag> keyPairBags(String alias, PrivateKeyInfo key, X509CertificateHolder certificate, char[] password) {
        try {
            PKCS12SafeBagBuilder keyBag = new PKCS12SafeBagBuilder(key, encryptor(password));
            PKCS12SafeBagBuilder certBag = new PKCS12SafeBagBuilder(certificate);
            for (PKCS12SafeBagBuilder b : List.of(keyBag, certBag)) {
                b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(alias));
                b.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId(alias));
            }
            return List.of(keyBag.build(), certBag.build());
        } catch (IOException e) {
            throw new IllegalStateException("encoding key pair entry failed", e);
        }
    }

    static byte[] encode(Iterable<List<PKCS12SafeBag>> bagsPerAlias, char[] password) {
        try {
            List<PKCS12SafeBag> all = new ArrayList<>();
            bagsPerAlias.forEach(all::addAll);
            PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
            // Private and secret keys are individually encrypted; certificates hold only public keys.
            for (PKCS12SafeBag bag : all) {
                pfx.addData(bag);
            }
            JcePKCS12MacCalculatorBuilder mac = new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
                    .setProvider(Providers.bc())
                    .setIterationCount(ITERATIONS);
            return pfx.build(mac, password).getEncoded();
        } catch (IOException | PKCSException e) {
            throw new IllegalStateException("encoding keystore failed", e);
        }
    }

    static Decoded decode(byte[] der, char[] password) throws WrongPassword, IOException {
        try {
            PKCS12PfxPdu pfx = new PKCS12PfxPdu(der);
            if (!pfx.hasMac()) {
                throw new IOException("keystore has no integrity MAC");
            }
            if (!pfx.isMacValid(new JcePKCS12MacCalculatorBuilderProvider().setProvider(Providers.bc()), password)) {
                throw new WrongPassword();
            }
            InputDecryptorProvider decryptor = new JcePKCSPBEInputDecryptorProviderBuilder()
                    .setProvider(Providers.bc()).build(password);
            Map<String, PrivateKeyInfo> keys = new LinkedHashMap<>();
            Map<String, X509CertificateHolder> certificates = new LinkedHashMap<>();
            Map<String, List<PKCS12SafeBag>> bags = new LinkedHashMap<>();
            for (ContentInfo info : pfx.getContentInfos()) {
                PKCS12SafeBagFactory factory = info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)
                        ? new PKCS12SafeBagFactory(info, decryptor) : new PKCS12SafeBagFactory(info);
                for (PKCS12SafeBag bag : factory.getSafeBags()) {
                    String alias = friendlyName(bag);
                    bags.computeIfAbsent(alias, a -> new ArrayList<>()).add(bag);
                    if (bag.getType().equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
                        keys.put(alias, ((PKCS8EncryptedPrivateKeyInfo) bag.getBagValue()).decryptPrivateKeyInfo(decryptor));
                    } else if (bag.getType().equals(PKCSObjectIdentifiers.certBag)) {
                        certificates.put(alias, (X509CertificateHolder) bag.getBagValue());
                    } else if (bag.getType().equals(PKCSObjectIdentifiers.secretBag)) {
                        keys.put(alias, decryptSecret(bag.getBagValue(), decryptor));
                    } else {
                        throw new IOException("unsupported PKCS#12 bag type " + bag.getType());
                    }
                }
            }
            Map<String, Entry> entries = new LinkedHashMap<>();
            keys.forEach((alias, key) -> entries.put(alias, new Entry(alias, key, certificates.get(alias))));
            return new Decoded(entries, bags);
        } catch (PKCSException | RuntimeException e) {
            throw new IOException("keystore is corrupt or not a PKCS#12 file", e);
        }
    }

    private static PrivateKeyInfo decryptSecret(Object bagValue, InputDecryptorProvider decryptor) throws PKCSException, IOException {
        ASN1Sequence secretBag = ASN1Sequence.getInstance(bagValue);
        if (!PKCSObjectIdentifiers.pkcs8ShroudedKeyBag.equals(secretBag.getObjectAt(0))) {
            throw new IOException("unsupported secret bag type");
        }
        ASN1TaggedObject value = ASN1TaggedObject.getInstance(secretBag.getObjectAt(1));
        byte[] shrouded = ASN1OctetString.getInstance(value.getExplicitBaseObject()).getOctets();
        return new PKCS8EncryptedPrivateKeyInfo(EncryptedPrivateKeyInfo.getInstance(shrouded)).decryptPrivateKeyInfo(decryptor);
    }

    private static String friendlyName(PKCS12SafeBag bag) throws IOException {
        if (bag.getAttributes() != null) {
            for (Attribute a : bag.getAttributes()) {
                if (a.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_friendlyName)) {
                    return ((ASN1String) a.getAttrValues().getObjectAt(0)).getString();
                }
            }
        }
        throw new IOException("PKCS#12 bag without alias (friendlyName)");
    }

    private static DEROctetString localKeyId(String alias) {
        return new DEROctetString(Suite.INTL.hash(alias.getBytes(StandardCharsets.UTF_8)));
    }

    private static OutputEncryptor encryptor(char[] password) {
        try {
            return new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
                    .setProvider(Providers.bc())
                    .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
                    .setIterationCount(ITERATIONS)
                    .setRandom(Providers.RANDOM)
                    .build(password);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("PBES2 encryptor unavailable", e);
        }
    }
}
