package io.veil.crypto.he;

import java.math.BigInteger;

/**
 * Factors p, q with the CRT constants of Paillier's paper (section 7): m_p = L_p(c^(p-1) mod p^2)
 * * h_p mod p, likewise for q, recombined mod n. The same factors let the owner encrypt via CRT.
 */
final class PaillierSecretKey implements HeSecretKey {
    private final PaillierPublicKey pk;
    private final BigInteger p;
    private final BigInteger q;
    private final BigInteger pSquared;
    private final BigInteger qSquared;
    private final BigInteger pMinus1;
    private final BigInteger qMinus1;
    private final BigInteger hp;
    private final BigInteger hq;
    private final BigInteger qInvModP;
    private final BigInteger qSquaredInvModPSquared;
    private final BigInteger nModPhiPSquared;
    private final BigInteger nModPhiQSquared;

    PaillierSecretKey(PaillierPublicKey pk, BigInteger p, BigInteger q) {
        this.pk = pk;
        this.p = p;
        this.q = q;
        this.pSquared = p.multiply(p);
        this.qSquared = q.multiply(q);
        this.pMinus1 = p.subtract(BigInteger.ONE);
        this.qMinus1 = q.subtract(BigInteger.ONE);
        BigInteger g = pk.n.add(BigInteger.ONE);
        this.hp = l(g.modPow(pMinus1, pSquared), p).modInverse(p);
        this.hq = l(g.modPow(qMinus1, qSquared), q).modInverse(q);
        this.qInvModP = q.modInverse(p);
        this.qSquaredInvModPSquared = qSquared.modInverse(pSquared);
        this.nModPhiPSquared = pk.n.mod(p.multiply(pMinus1));
        this.nModPhiQSquared = pk.n.mod(q.multiply(qMinus1));
    }

    @Override
    public HePublicKey publicKey() {
        return pk;
    }

    @Override
    public BigInteger decrypt(HeCiphertext ciphertext) {
        BigInteger c = pk.ownCiphertext(ciphertext).value;
        BigInteger mp = l(c.mod(pSquared).modPow(pMinus1, pSquared), p).multiply(hp).mod(p);
        BigInteger mq = l(c.mod(qSquared).modPow(qMinus1, qSquared), q).multiply(hq).mod(q);
        BigInteger m = mp.subtract(mq).multiply(qInvModP).mod(p).multiply(q).add(mq);
        return pk.decodePlain(m);
    }

    /** r^n mod n^2 computed mod p^2 and q^2 with exponents reduced mod phi(p^2), phi(q^2). */
    @Override
    public HeCiphertext encrypt(BigInteger value) {
        BigInteger gm = pk.gToThe(pk.encodePlain(value));
        BigInteger r = pk.randomUnit();
        BigInteger xp = r.mod(pSquared).modPow(nModPhiPSquared, pSquared);
        BigInteger xq = r.mod(qSquared).modPow(nModPhiQSquared, qSquared);
        BigInteger rn = xp.subtract(xq).multiply(qSquaredInvModPSquared).mod(pSquared).multiply(qSquared).add(xq);
        return new PaillierCiphertext(pk, gm.multiply(rn).mod(pk.nSquared));
    }

    private static BigInteger l(BigInteger x, BigInteger d) {
        return x.subtract(BigInteger.ONE).divide(d);
    }

    @Override
    public String toString() {
        return "PaillierSecretKey[" + pk.keyId() + "]";
    }
}
