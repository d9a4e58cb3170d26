package io.veil.gateway.ingest;

/**
 * The five stored column types and strict, allocation-free recognition of text cells (char slices)
 * in each. Grammars are deliberately narrow so that anything ambiguous stays VARCHAR: no leading
 * zeros (zip codes keep them), no '+', no NaN/Infinity, no hex, dates only yyyy-MM-dd.
 */
enum Types {
    BIGINT, DOUBLE, BOOLEAN, DATE, VARCHAR;

    private static final char[] LONG_MAX = "9223372036854775807".toCharArray();

    boolean numeric() {
        return this == BIGINT || this == DOUBLE;
    }

    /** -?(0|[1-9][0-9]*) within the signed 64-bit range. */
    static boolean isBigint(char[] a, int off, int len) {
        int i = off, end = off + len;
        boolean neg = i < end && a[i] == '-';
        if (neg) i++;
        int digits = end - i;
        if (digits < 1 || digits > 19 || (a[i] == '0' && digits > 1)) return false;
        for (int j = i; j < end; j++) if (a[j] < '0' || a[j] > '9') return false;
        if (digits < 19) return true;
        for (int j = 0; j < 19; j++) {
            int limit = LONG_MAX[j] + (neg && j == 18 ? 1 : 0);
            if (a[i + j] != limit) return a[i + j] < limit;
        }
        return true;
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]{1,3})? — finiteness is checked when parsing. */
    static boolean isDecimal(char[] a, int off, int len) {
        int i = off, end = off + len;
        if (i < end && a[i] == '-') i++;
        int start = i;
        while (i < end && a[i] >= '0' && a[i] <= '9') i++;
        if (i == start || (a[start] == '0' && i - start > 1)) return false;
        if (i < end && a[i] == '.') {
            int f = ++i;
            while (i < end && a[i] >= '0' && a[i] <= '9') i++;
            if (i == f) return false;
        }
        if (i < end && (a[i] == 'e' || a[i] == 'E')) {
            i++;
            if (i < end && (a[i] == '+' || a[i] == '-')) i++;
            int e = i;
            while (i < end && a[i] >= '0' && a[i] <= '9') i++;
            if (i == e || i - e > 3) return false;
        }
        return i == end;
    }

    /** Whether the decimal has a fraction or exponent (an integer-only column is an identifier, not a DOUBLE). */
    static boolean hasFraction(char[] a, int off, int len) {
        for (int i = off; i < off + len; i++) if (a[i] == '.' || a[i] == 'e' || a[i] == 'E') return true;
        return false;
    }

    /** true / false, any case. */
    static int bool(char[] a, int off, int len) {
        if (len == 4 && lower(a[off]) == 't' && lower(a[off + 1]) == 'r' && lower(a[off + 2]) == 'u' && lower(a[off + 3]) == 'e') return 1;
        if (len == 5 && lower(a[off]) == 'f' && lower(a[off + 1]) == 'a' && lower(a[off + 2]) == 'l'
                && lower(a[off + 3]) == 's' && lower(a[off + 4]) == 'e') return 0;
        return -1;
    }

    /** yyyy-MM-dd, a real calendar day in years 0001–9999. */
    static boolean isDate(char[] a, int off, int len) {
        if (len != 10 || a[off + 4] != '-' || a[off + 7] != '-') return false;
        int y = digits(a, off, 4), m = digits(a, off + 5, 2), d = digits(a, off + 8, 2);
        if (y < 1 || m < 1 || m > 12 || d < 1) return false;
        int days = switch (m) {
            case 2 -> (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return d <= days;
    }

    private static int digits(char[] a, int off, int n) {
        int v = 0;
        for (int i = off; i < off + n; i++) {
            if (a[i] < '0' || a[i] > '9') return -1;
            v = v * 10 + (a[i] - '0');
        }
        return v;
    }

    private static char lower(char c) {
        return (char) (c | 0x20);
    }
}
