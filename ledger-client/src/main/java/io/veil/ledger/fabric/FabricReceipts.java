package io.veil.ledger.fabric;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockchainInfo;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;

/**
 * Fabric's own tamper evidence, which the Fabric backend offers instead of Merkle proofs: every
 * block header carries the hash of the previous header and the hash of its transactions, so a
 * transaction id, the block holding it and the header chain from there to the current height prove
 * that an entry was committed where and in what order the ledger says. Queries go through the
 * peer's system chaincode {@code qscc}; hashes are recomputed here, not taken from the peer.
 */
public final class FabricReceipts {
    private final Contract qscc;
    private final String channel;

    FabricReceipts(Contract qscc, String channel) {
        this.qscc = qscc;
        this.channel = channel;
    }

    /**
     * Where a transaction was committed.
     *
     * @param blockHash    SHA-256 of the block header (DER of number, previous hash, data hash), recomputed
     * @param previousHash the previous block's header hash, as this header records it
     * @param dataHash     SHA-256 over the block's transactions, recomputed and checked against the header
     */
    public record Receipt(String txId, long blockNumber, String blockHash, String previousHash, String dataHash) {}

    public Receipt forTransaction(String txId) {
        Block b = block(evaluate("GetBlockByTxID", txId));
        boolean found = false;
        for (ByteString env : b.getData().getDataList()) {
            if (txId.equals(txIdOf(env))) {
                found = true;
                break;
            }
        }
        if (!found) {
            throw new IllegalStateException("block " + b.getHeader().getNumber() + " does not contain transaction " + txId);
        }
        return receipt(txId, b);
    }

    public Block block(long number) {
        return block(evaluate("GetBlockByNumber", Long.toString(number)));
    }

    /** Current height and the hash of the last block's header, as the peer reports them. */
    public BlockchainInfo chainInfo() {
        try {
            return BlockchainInfo.parseFrom(evaluate("GetChainInfo"));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable chain info", e);
        }
    }

    /**
     * Checks the header hash chain from block {@code from} up to the current height: each header's
     * previous hash is the recomputed hash of the header before, each data hash matches its block,
     * and the last header hashes to what the peer reports as the current block hash.
     *
     * @return the number of blocks checked
     * @throws IllegalStateException naming the first block where the chain breaks
     */
    public long verifyChain(long from) {
        BlockchainInfo info = chainInfo();
        byte[] prev = null;
        for (long n = from; n < info.getHeight(); n++) {
            Block b = block(n);
            checkDataHash(b);
            if (prev != null && !MessageDigest.isEqual(prev, b.getHeader().getPreviousHash().toByteArray())) {
                throw new IllegalStateException("block " + n + " does not link to block " + (n - 1));
            }
            prev = headerHash(b.getHeader());
        }
        if (prev != null && !MessageDigest.isEqual(prev, info.getCurrentBlockHash().toByteArray())) {
            throw new IllegalStateException("last block hash differs from the peer's current block hash");
        }
        return info.getHeight() - from;
    }

    private Receipt receipt(String txId, Block b) {
        checkDataHash(b);
        BlockHeader h = b.getHeader();
        HexFormat hex = HexFormat.of();
        return new Receipt(txId, h.getNumber(), hex.formatHex(headerHash(h)), hex.formatHex(h.getPreviousHash().toByteArray()),
                hex.formatHex(h.getDataHash().toByteArray()));
    }

    private static void checkDataHash(Block b) {
        MessageDigest md = sha256();
        for (ByteString d : b.getData().getDataList()) {
            md.update(d.toByteArray());
        }
        if (!MessageDigest.isEqual(md.digest(), b.getHeader().getDataHash().toByteArray())) {
            throw new IllegalStateException("block " + b.getHeader().getNumber() + ": data hash does not match its transactions");
        }
    }

    /** Fabric's block hash: SHA-256 over DER SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }. */
    public static byte[] headerHash(BlockHeader h) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new ASN1Integer(BigInteger.valueOf(h.getNumber())));
        v.add(new DEROctetString(h.getPreviousHash().toByteArray()));
        v.add(new DEROctetString(h.getDataHash().toByteArray()));
        try {
            return sha256().digest(new DERSequence(v).getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String txIdOf(ByteString envelope) {
        try {
            Payload p = Payload.parseFrom(Envelope.parseFrom(envelope).getPayload());
            return ChannelHeader.parseFrom(p.getHeader().getChannelHeader()).getTxId();
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    private byte[] evaluate(String function, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = channel;
        System.arraycopy(args, 0, all, 1, args.length);
        try {
            return qscc.evaluateTransaction(function, all);
        } catch (GatewayException e) {
            throw new FabricUnavailableException("qscc " + function + " failed: " + FabricLedger.describe(e), e);
        }
    }

    private static Block block(byte[] bytes) {
        try {
            return Block.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable block", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
