package io.veil.crypto.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.veil.crypto.Suite;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real loopback mutual-TLS handshakes with certificates from the data-space CA. */
class ZoneTlsTest {
    private static final char[] PASSWORD = "zone-password-1".toCharArray();
    private static ExecutorService executor;
    private static DataSpaceCa ca;
    private static DataSpaceTrust trust;
    private static SSLContext publicZone;
    private static SSLContext socialZone;

    @BeforeAll
    static void setUp() throws IOException {
        executor = Executors.newSingleThreadExecutor();
        ca = DataSpaceCa.create(Suite.INTL, "Test CA");
        trust = ca.trust();
        // the public zone's context is built from its PKCS#12 bytes, read by the JDK's keystore
        publicZone = ZoneTls.sslContext(ca.issue("public-zone", ZoneTier.PUBLIC).toPkcs12(PASSWORD), PASSWORD, trust);
        socialZone = ZoneTls.sslContext(ca.issue("social-zone", ZoneTier.SOCIAL), PASSWORD, trust);
    }

    @AfterAll
    static void tearDown() {
        executor.shutdownNow();
    }

    /** Server echoes one byte; returns what the client read, or throws the client's failure. */
    private record Outcome(Exception serverFailure, Exception clientFailure, String peerSeenByServer) {}

    private static Outcome handshake(SSLContext server, SSLContext client) throws Exception {
        try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ss.setNeedClientAuth(true);
            ss.setSoTimeout(10_000);
            Future<String> served = executor.submit(() -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                    s.setSoTimeout(10_000);
                    s.startHandshake();
                    int b = s.getInputStream().read();
                    s.getOutputStream().write(b);
                    s.getOutputStream().flush();
                    return s.getSession().getPeerPrincipal().getName();
                }
            });
            Exception clientFailure = null;
            try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
                c.setSoTimeout(10_000);
                SSLParameters p = c.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS"); // server must hold a SAN for 127.0.0.1
                p.setServerNames(java.util.List.of(new SNIHostName("localhost")));
                c.setSSLParameters(p);
                c.startHandshake();
                c.getOutputStream().write(42);
                c.getOutputStream().flush();
                if (c.getInputStream().read() != 42) {
                    throw new IOException("no echo from server");
                }
            } catch (Exception e) {
                clientFailure = e;
            }
            try {
                return new Outcome(null, clientFailure, served.get(20, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                return new Outcome((Exception) e.getCause(), clientFailure, null);
            }
        }
    }

    @Test
    void zonesWithIssuedCertificatesCompleteMutualTls() throws Exception {
        Outcome o = handshake(publicZone, socialZone);
        assertThat(o.clientFailure()).isNull();
        assertThat(o.serverFailure()).isNull();
        assertThat(o.peerSeenByServer()).contains("CN=social-zone").contains("O=SOCIAL");
    }

    @Test
    void clientWithACertificateFromAnotherCaIsRefused() throws Exception {
        DataSpaceCa stranger = DataSpaceCa.create(Suite.INTL, "Test CA"); // same name, other key
        // The stranger trusts the real CA, so it accepts the server and presents its own certificate:
        // the refusal under test is the server's (trusting only its own CA it would otherwise race
        // the server by aborting first, and the server would see a broken pipe instead).
        SSLContext strangerCtx = ZoneTls.sslContext(stranger.issue("social-zone", ZoneTier.SOCIAL), PASSWORD, trust);
        Outcome o = handshake(publicZone, strangerCtx);
        assertThat(o.serverFailure()).isInstanceOf(javax.net.ssl.SSLException.class);
        assertThat(o.clientFailure()).isNotNull();
        assertThat(o.peerSeenByServer()).isNull();
    }

    @Test
    void serverWithACertificateFromAnotherCaIsRefused() throws Exception {
        DataSpaceCa stranger = DataSpaceCa.create(Suite.INTL, "Other CA");
        SSLContext strangerCtx = ZoneTls.sslContext(stranger.issue("public-zone", ZoneTier.PUBLIC), PASSWORD, stranger.trust());
        Outcome o = handshake(strangerCtx, socialZone);
        assertThat(o.clientFailure()).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
        assertThat(o.peerSeenByServer()).isNull();
    }

    @Test
    void revokedClientCertificateIsRefused() throws Exception {
        DataSpaceCa own = DataSpaceCa.create(Suite.INTL, "Revoking CA");
        ZoneCredential server = own.issue("public-zone", ZoneTier.PUBLIC);
        ZoneCredential client = own.issue("social-zone", ZoneTier.SOCIAL);
        DataSpaceTrust beforeRevocation = own.trust();
        DataSpaceTrust afterRevocation = new DataSpaceTrust(own.certificate(), own.revoke(client.certificate()));
        Outcome o = handshake(ZoneTls.sslContext(server, PASSWORD, afterRevocation), ZoneTls.sslContext(client, PASSWORD, afterRevocation));
        assertThat(o.serverFailure()).isInstanceOf(javax.net.ssl.SSLException.class);
        assertThat(o.peerSeenByServer()).isNull();
        // control: the same pair connects under the CRL from before the revocation
        Outcome ok = handshake(ZoneTls.sslContext(server, PASSWORD, beforeRevocation), ZoneTls.sslContext(client, PASSWORD, beforeRevocation));
        assertThat(ok.serverFailure()).isNull();
        assertThat(ok.clientFailure()).isNull();
    }

    @Test
    void gmCredentialsAreNotOfferedToJsse() {
        DataSpaceCa gm = DataSpaceCa.create(Suite.GM, "GM CA");
        assertThatThrownBy(() -> ZoneTls.sslContext(gm.issue("gm-zone", ZoneTier.PUBLIC), PASSWORD, gm.trust()))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
