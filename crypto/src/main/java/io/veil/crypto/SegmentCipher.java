package io.veil.crypto;

import java.security.GeneralSecurityException;
import java.security.Provider;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * One key's GCM (96-bit nonce, 128-bit tag) over byte ranges, reused across many segments so the
 * hot path allocates nothing. Not thread-safe: one instance per stream or per one-shot call.
 */
interface SegmentCipher {
    int NONCE_LENGTH = 12;
    int TAG_LENGTH = 16;

    /** Encrypts {@code in[off, off+len)} into {@code out} at outOff; returns len + TAG_LENGTH. */
    int seal(byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

    /** Decrypts and verifies; throws AEADBadTagException (out contents undefined) on failure. */
    int open(byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException;

    static SegmentCipher create(Suite suite, byte[] key) throws GeneralSecurityException {
        return suite == Suite.INTL ? new AesGcm(key) : new Sm4Gcm(key);
    }

    /** AES-GCM through the JDK (SunJCE), which uses AES-NI/CLMUL intrinsics. */
    final class AesGcm implements SegmentCipher {
        private final Cipher cipher;
        private final SecretKeySpec key;

        AesGcm(byte[] key) throws GeneralSecurityException {
            Provider sunJce = Providers.jdk("SunJCE");
            this.cipher = sunJce != null ? Cipher.getInstance("AES/GCM/NoPadding", sunJce) : Cipher.getInstance("AES/GCM/NoPadding");
            this.key = new SecretKeySpec(key, "AES");
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            return run(Cipher.ENCRYPT_MODE, nonce, aad, in, off, len, out, outOff);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            return run(Cipher.DECRYPT_MODE, nonce, aad, in, off, len, out, outOff);
        }

        private int run(int mode, byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
            if (aad != null && aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(in, off, len, out, outOff);
        }
    }

    /** SM4-GCM through Bouncy Castle's lightweight API (no JCA lookup per segment). */
    final class Sm4Gcm implements SegmentCipher {
        private final GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
        private final KeyParameter key;

        Sm4Gcm(byte[] key) {
            this.key = new KeyParameter(key);
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            return run(true, nonce, aad, in, off, len, out, outOff);
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            if (len < TAG_LENGTH) {
                throw new AEADBadTagException("ciphertext shorter than tag");
            }
            return run(false, nonce, aad, in, off, len, out, outOff);
        }

        private int run(boolean encrypt, byte[] nonce, byte[] aad, byte[] in, int off, int len, byte[] out, int outOff) throws GeneralSecurityException {
            gcm.init(encrypt, new AEADParameters(key, TAG_LENGTH * 8, nonce, aad));
            try {
                int n = gcm.processBytes(in, off, len, out, outOff);
                return n + gcm.doFinal(out, outOff + n);
            } catch (InvalidCipherTextException | RuntimeException e) {
                gcm.reset();
                throw new AEADBadTagException("SM4-GCM authentication failed");
            }
        }
    }
}
