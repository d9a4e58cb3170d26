package io.veil.gateway.ingest;

/**
 * One cell's canonical text (a slice of either the input or a scratch buffer) and, for numeric
 * types, its value. Reused for every cell so the hot path allocates nothing except on the rare
 * DOUBLE fallback.
 */
final class Cell {
    private static final double[] POW10 = new double[23];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) POW10[i] = POW10[i - 1] * 10;
    }

    private final char[] scratch = new char[40];
    char[] chars;
    int off;
    int len;
    double value;

    /** Canonical form of a[off, off+len) as type t, or false if it does not parse. Never called with an empty slice. */
    boolean normalize(Types t, char[] a, int off, int len) {
        switch (t) {
            case VARCHAR -> set(a, off, len);
            case DATE -> {
                if (!Types.isDate(a, off, len)) return false;
                set(a, off, len);
            }
            case BOOLEAN -> {
                int b = Types.bool(a, off, len);
                if (b < 0) return false;
                String s = b == 1 ? "true" : "false";
                s.getChars(0, s.length(), scratch, 0);
                set(scratch, 0, s.length());
            }
            case BIGINT -> {
                if (!Types.isBigint(a, off, len)) return false;
                if (len == 2 && a[off] == '-' && a[off + 1] == '0') {
                    scratch[0] = '0';
                    set(scratch, 0, 1);
                } else {
                    set(a, off, len);
                }
                value = len < 16 ? smallLong(a, off, len) : Long.parseLong(new String(a, off, len));
            }
            case DOUBLE -> {
                return Types.isDecimal(a, off, len) && (plainDecimal(a, off, len) || viaJdk(a, off, len));
            }
        }
        return true;
    }

    private void set(char[] a, int o, int l) {
        chars = a;
        off = o;
        len = l;
    }

    private static long smallLong(char[] a, int off, int len) {
        boolean neg = a[off] == '-';
        long v = 0;
        for (int i = neg ? off + 1 : off; i < off + len; i++) v = v * 10 + (a[i] - '0');
        return neg ? -v : v;
    }

    /**
     * Fast path for the common case — no exponent, at most 15 significant digits, magnitude in
     * Java's plain-notation range [1e-3, 1e7) or zero. Such a decimal is the shortest text of its
     * double (15 digits always round-trip), so Java's form is just its digits with zeros trimmed;
     * the value m / 10^s is exact because m < 2^53 and s ≤ 22.
     */
    private boolean plainDecimal(char[] a, int off, int len) {
        int end = off + len, i = off;
        boolean neg = a[i] == '-';
        if (neg) i++;
        int intStart = i;
        while (i < end && a[i] != '.') {
            if (a[i] == 'e' || a[i] == 'E') return false;
            i++;
        }
        int intEnd = i;
        int fracStart = Math.min(i + 1, end), fracEnd = end;
        for (int j = fracStart; j < end; j++) if (a[j] == 'e' || a[j] == 'E') return false;
        while (fracEnd > fracStart && a[fracEnd - 1] == '0') fracEnd--;
        boolean intZero = intEnd - intStart == 1 && a[intStart] == '0';
        int intDigits = intZero ? 0 : intEnd - intStart;
        if (intDigits > 7) return false;
        int lead = 0;
        if (intZero) {
            while (fracStart + lead < fracEnd && a[fracStart + lead] == '0') lead++;
            if (fracStart + lead < fracEnd && lead > 2) return false; // below 1e-3: Java switches to E notation
        }
        int fracDigits = fracEnd - fracStart;
        if (intDigits + fracDigits - lead > 15) return false;
        int n = 0;
        long m = 0;
        if (neg) scratch[n++] = '-';
        if (intZero) scratch[n++] = '0';
        for (int j = intStart; j < intEnd && !intZero; j++) {
            scratch[n++] = a[j];
            m = m * 10 + (a[j] - '0');
        }
        scratch[n++] = '.';
        if (fracDigits == 0) scratch[n++] = '0';
        for (int j = fracStart; j < fracEnd; j++) {
            scratch[n++] = a[j];
            m = m * 10 + (a[j] - '0');
        }
        double v = m / POW10[fracDigits];
        value = neg ? -v : v;
        set(scratch, 0, n);
        return true;
    }

    private boolean viaJdk(char[] a, int off, int len) {
        double d = Double.parseDouble(new String(a, off, len));
        if (!Double.isFinite(d)) return false;
        String s = Double.toString(d);
        s.getChars(0, s.length(), scratch, 0);
        set(scratch, 0, s.length());
        value = d;
        return true;
    }
}
