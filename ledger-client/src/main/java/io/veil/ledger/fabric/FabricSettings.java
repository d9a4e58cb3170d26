package io.veil.ledger.fabric;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How a zone reaches the Fabric network: the peer whose Gateway service it talks to, the TLS CA
 * that signed that peer's certificate, the organisation identity it submits as (MSP id,
 * certificate, private key) and where Veil's chaincode lives.
 *
 * @param peerEndpoint  host:port of the peer's gRPC endpoint (Gateway service), e.g. 127.0.0.1:17051
 * @param tlsAuthority  host name to expect in the peer's TLS certificate; null = the endpoint's host
 * @param tlsCaCert     PEM file of the peer organisation's TLS CA
 * @param mspId         the zone organisation, e.g. PublicZoneMSP
 * @param certPath      PEM X.509 certificate of the submitting identity
 * @param keyPath       PEM private key of that identity, or a directory holding exactly one key file
 *                      (the layout of an MSP {@code keystore} folder)
 * @param channel       channel name, e.g. veil
 * @param chaincode     chaincode name, e.g. veil-ledger
 */
public record FabricSettings(String peerEndpoint, String tlsAuthority, Path tlsCaCert, String mspId, Path certPath, Path keyPath,
                             String channel, String chaincode) {
    /** Environment variable names, as written by {@code deploy/fabric/network.sh} to {@code client.env}. */
    public static final String PEER_ENDPOINT = "VEIL_FABRIC_PEER_ENDPOINT";
    public static final String TLS_AUTHORITY = "VEIL_FABRIC_TLS_AUTHORITY";
    public static final String TLS_CA = "VEIL_FABRIC_TLS_CA";
    public static final String MSP_ID = "VEIL_FABRIC_MSP_ID";
    public static final String CERT = "VEIL_FABRIC_CERT";
    public static final String KEY = "VEIL_FABRIC_KEY";
    public static final String KEY_DIR = "VEIL_FABRIC_KEY_DIR";
    public static final String CHANNEL = "VEIL_FABRIC_CHANNEL";
    public static final String CHAINCODE = "VEIL_FABRIC_CHAINCODE";

    public FabricSettings {
        Objects.requireNonNull(peerEndpoint, "peerEndpoint");
        Objects.requireNonNull(tlsCaCert, "tlsCaCert");
        Objects.requireNonNull(mspId, "mspId");
        Objects.requireNonNull(certPath, "certPath");
        Objects.requireNonNull(keyPath, "keyPath");
        channel = channel == null || channel.isBlank() ? "veil" : channel;
        chaincode = chaincode == null || chaincode.isBlank() ? "veil-ledger" : chaincode;
        if (!peerEndpoint.matches("[^\\s:]+:\\d{1,5}")) {
            throw new IllegalArgumentException("peerEndpoint must be host:port");
        }
    }

    /** From {@code VEIL_FABRIC_*} variables; {@code VEIL_FABRIC_KEY} or {@code VEIL_FABRIC_KEY_DIR} names the key. */
    public static FabricSettings fromEnv(Map<String, String> env) {
        String key = env.get(KEY) != null ? env.get(KEY) : env.get(KEY_DIR);
        for (String name : List.of(PEER_ENDPOINT, TLS_CA, MSP_ID, CERT)) {
            if (env.get(name) == null || env.get(name).isBlank()) {
                throw new IllegalArgumentException(name + " is not set");
            }
        }
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(KEY + " (or " + KEY_DIR + ") is not set");
        }
        return new FabricSettings(env.get(PEER_ENDPOINT), env.get(TLS_AUTHORITY), Path.of(env.get(TLS_CA)), env.get(MSP_ID),
                Path.of(env.get(CERT)), Path.of(key), env.get(CHANNEL), env.get(CHAINCODE));
    }

    /** From a {@code NAME=value} file such as {@code /tmp/veil-fabric/client.env}. */
    public static FabricSettings fromFile(Path envFile) {
        Map<String, String> env = new HashMap<>();
        try {
            for (String line : Files.readAllLines(envFile)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    env.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Fabric client settings " + envFile, e);
        }
        return fromEnv(env);
    }

    /** The private key file: keyPath itself, or the single regular file in that directory. */
    public Path keyFile() {
        if (!Files.isDirectory(keyPath)) {
            return keyPath;
        }
        try (Stream<Path> files = Files.list(keyPath)) {
            List<Path> keys = files.filter(Files::isRegularFile).toList();
            if (keys.size() != 1) {
                throw new IllegalArgumentException("expected exactly one key file in " + keyPath + ", found " + keys.size());
            }
            return keys.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + keyPath, e);
        }
    }

    @Override
    public String toString() {
        // Paths only; never key material.
        return "FabricSettings[" + mspId + " via " + peerEndpoint + ", channel " + channel + ", chaincode " + chaincode + "]";
    }
}
