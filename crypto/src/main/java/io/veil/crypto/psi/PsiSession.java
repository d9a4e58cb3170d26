package io.veil.crypto.psi;

import io.veil.crypto.Suite;
import io.veil.crypto.he.HeKeyPair;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs both PSI roles in one process, passing each message as the byte[] a transport would carry
 * (the gateway sends exactly these over its zone-to-zone API). For tests, benchmarks and as the
 * reference for the message order.
 */
public final class PsiSession {
    /** What each side ends with, plus every message in the order sent. */
    public record Outcome(long initiatorIntersectionSize, PsiResult responderResult, List<byte[]> transcript) {}

    private PsiSession() {}

    public static Outcome count(Suite suite, Collection<byte[]> initiatorKeys, Collection<byte[]> responderKeys) {
        PsiInitiator i = PsiInitiator.create(suite, initiatorKeys);
        return recorded(i, PsiResponder.forCount(suite, i.sessionId(), responderKeys));
    }

    public static Outcome sum(Suite suite, Collection<byte[]> initiatorKeys, Collection<PsiEntry> responderEntries, HeKeyPair heKeys) {
        PsiInitiator i = PsiInitiator.create(suite, initiatorKeys);
        return recorded(i, PsiResponder.forSum(suite, i.sessionId(), responderEntries, heKeys));
    }

    static Outcome recorded(PsiInitiator initiator, PsiResponder responder) {
        List<byte[]> transcript = new ArrayList<>();
        PsiResult r = run(initiator, responder, m -> transcript.add(m.clone()));
        return new Outcome(initiator.intersectionSize(), r, transcript);
    }

    /** Runs the protocol; {@code wire} sees every message (e.g. to count bytes). */
    public static PsiResult run(PsiInitiator initiator, PsiResponder responder, Consumer<byte[]> wire) {
        byte[] hello = responder.hello();
        wire.accept(hello);
        initiator.acceptHello(hello);
        for (Iterator<byte[]> it = initiator.blindedKeys(); it.hasNext(); ) {
            byte[] m = it.next();
            wire.accept(m);
            responder.acceptInitiatorBlinded(m);
        }
        for (Iterator<byte[]> it = responder.doubleBlinded(); it.hasNext(); ) {
            byte[] m = it.next();
            wire.accept(m);
            initiator.acceptDoubleBlinded(m);
        }
        for (Iterator<byte[]> it = responder.entries(); it.hasNext(); ) {
            byte[] m = it.next();
            wire.accept(m);
            initiator.acceptResponderEntries(m);
        }
        byte[] result = initiator.result();
        wire.accept(result);
        return responder.acceptResult(result);
    }
}
