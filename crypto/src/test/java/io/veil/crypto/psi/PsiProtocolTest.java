package io.veil.crypto.psi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.crypto.Suite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Malformed, misdirected and out-of-order messages are refused with a clear error. */
class PsiProtocolTest {
    private static List<byte[]> keys(String prefix, int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static PsiInitiator initiator(int n) {
        return PsiInitiator.create(PsiParty.create(Suite.INTL), keys("k", n), 8);
    }

    @Test
    void messagesOfAnotherSessionOrSuiteAreRefused() {
        PsiInitiator i = initiator(10);
        PsiResponder stranger = PsiResponder.forCount(Suite.INTL, new byte[16], keys("k", 5));
        assertThatThrownBy(() -> i.acceptHello(stranger.hello())).isInstanceOf(PsiProtocolException.class).hasMessageContaining("session");
        PsiResponder gm = PsiResponder.forCount(Suite.GM, i.sessionId(), keys("k", 5));
        assertThatThrownBy(() -> i.acceptHello(gm.hello())).hasMessageContaining("suite");
        PsiResponder ok = PsiResponder.forCount(Suite.INTL, i.sessionId(), keys("k", 5));
        assertThatThrownBy(() -> ok.acceptInitiatorBlinded(ok.hello())).hasMessageContaining("type");
    }

    @Test
    void truncatedOrPaddedBatchesAreRefused() {
        PsiInitiator i = initiator(10);
        PsiResponder r = PsiResponder.forCount(Suite.INTL, i.sessionId(), keys("k", 5));
        byte[] first = i.blindedKeys().next();
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(java.util.Arrays.copyOf(first, first.length - 1)))
                .isInstanceOf(PsiProtocolException.class).hasMessageContaining("length");
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(java.util.Arrays.copyOf(first, first.length + 33)))
                .hasMessageContaining("length");
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(new byte[10])).hasMessageContaining("short");
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(null)).isInstanceOf(PsiProtocolException.class);
    }

    @Test
    void pointsOffTheCurveAreRefused() {
        PsiInitiator i = initiator(3);
        PsiResponder r = PsiResponder.forCount(Suite.INTL, i.sessionId(), keys("k", 5));
        byte[] batch = i.blindedKeys().next();
        byte[] badPrefix = batch.clone();
        badPrefix[PsiMessages.HEADER] = 0x04;
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(badPrefix)).isInstanceOf(PsiProtocolException.class);
        // x = p - 1 style garbage: all 0xff is not a field element of P-256
        byte[] garbage = batch.clone();
        java.util.Arrays.fill(garbage, PsiMessages.HEADER + 1, PsiMessages.HEADER + 33, (byte) 0xff);
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(garbage)).isInstanceOf(PsiProtocolException.class);
        assertThatThrownBy(() -> PsiParty.create(Suite.GM).reblind(new byte[33])).isInstanceOf(PsiProtocolException.class);
    }

    @Test
    void batchesOutOfOrderOrAfterTheLastAreRefused() {
        PsiInitiator i = initiator(20);
        PsiResponder r = PsiResponder.forCount(Suite.INTL, i.sessionId(), keys("k", 5));
        Iterator<byte[]> it = i.blindedKeys();
        byte[] b0 = it.next();
        byte[] b1 = it.next();
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(b1)).hasMessageContaining("out of order");
        r.acceptInitiatorBlinded(b0);
        r.acceptInitiatorBlinded(b1);
        byte[] b2 = it.next();
        assertThat(it.hasNext()).isFalse();
        r.acceptInitiatorBlinded(b2);
        assertThatThrownBy(() -> r.acceptInitiatorBlinded(b2)).hasMessageContaining("after the last");
    }

    @Test
    void callsOutOfProtocolOrderAreRefused() {
        PsiInitiator i = initiator(5);
        PsiResponder r = PsiResponder.forCount(Suite.INTL, i.sessionId(), keys("k", 5));
        assertThatThrownBy(r::doubleBlinded).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(i::result).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> i.acceptResponderEntries(r.entries().next())).isInstanceOf(IllegalStateException.class);
        i.acceptHello(r.hello());
        assertThatThrownBy(() -> i.acceptHello(r.hello())).isInstanceOf(IllegalStateException.class);
        i.blindedKeys();
        assertThatThrownBy(i::blindedKeys).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void impossibleReportedIntersectionSizeIsRefused() {
        PsiInitiator i = initiator(5);
        PsiResponder r = PsiResponder.forCount(Suite.INTL, i.sessionId(), keys("k", 3));
        i.acceptHello(r.hello());
        i.blindedKeys().forEachRemaining(r::acceptInitiatorBlinded);
        r.doubleBlinded().forEachRemaining(i::acceptDoubleBlinded);
        r.entries().forEachRemaining(i::acceptResponderEntries);
        assertThat(i.intersectionSize()).isEqualTo(3);
        byte[] forged = i.result();
        java.nio.ByteBuffer.wrap(forged).putLong(PsiMessages.HEADER, 4);
        assertThatThrownBy(() -> r.acceptResult(forged)).hasMessageContaining("impossible");
        assertThat(r.acceptResult(i.result()).intersectionSize()).isEqualTo(3);
    }

    @Test
    void missingDoubleBlindedKeysAreDetected() {
        PsiInitiator i = initiator(5);
        PsiResponder r = PsiResponder.forCount(Suite.INTL, i.sessionId(), keys("k", 3));
        i.acceptHello(r.hello());
        i.blindedKeys().forEachRemaining(r::acceptInitiatorBlinded);
        byte[] batch = r.doubleBlinded().next();
        byte[] shorter = java.util.Arrays.copyOf(batch, batch.length - PsiParty.pointLength());
        java.nio.ByteBuffer.wrap(shorter).putInt(PsiMessages.HEADER - 4, 4);
        assertThatThrownBy(() -> i.acceptDoubleBlinded(shorter)).hasMessageContaining("returned 4 double-blinded keys for 5");
    }

    @Test
    void invalidCiphertextInResponderEntriesIsRefused() {
        var he = io.veil.crypto.he.AdditiveHe.paillier().generateKeyPair(2048);
        PsiInitiator i = initiator(4);
        List<PsiEntry> entries = keys("k", 4).stream().map(k -> new PsiEntry(k, 7)).toList();
        PsiResponder r = PsiResponder.forSum(PsiParty.create(Suite.INTL), i.sessionId(), entries, he, 8);
        i.acceptHello(r.hello());
        i.blindedKeys().forEachRemaining(r::acceptInitiatorBlinded);
        r.doubleBlinded().forEachRemaining(i::acceptDoubleBlinded);
        byte[] batch = r.entries().next();
        int item = PsiParty.pointLength() + he.publicKey().ciphertextLength();
        for (int e = 0; e < 4; e++) {
            int off = PsiMessages.HEADER + e * item + PsiParty.pointLength();
            java.util.Arrays.fill(batch, off, off + he.publicKey().ciphertextLength(), (byte) 0);
        }
        assertThatThrownBy(() -> i.acceptResponderEntries(batch)).isInstanceOf(PsiProtocolException.class)
                .hasMessageContaining("ciphertext");
    }
}
