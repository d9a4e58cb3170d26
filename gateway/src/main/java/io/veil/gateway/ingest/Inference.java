package io.veil.gateway.ingest;

/**
 * Per-column type inference over the sample: BIGINT ⊂ DOUBLE, BOOLEAN, DATE, else VARCHAR. Empty
 * cells (NULL) are ignored; a column with no value in the sample is VARCHAR. A column of integers
 * that only fails BIGINT because a value exceeds 64 bits is VARCHAR, not DOUBLE: such values are
 * identifiers and a DOUBLE would silently round them.
 */
final class Inference {
    private final boolean[] bigint, decimal, fraction, bool, date, seen;

    Inference(int columns) {
        bigint = filled(columns);
        decimal = filled(columns);
        bool = filled(columns);
        date = filled(columns);
        fraction = new boolean[columns];
        seen = new boolean[columns];
    }

    private static boolean[] filled(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    void observe(Row row) {
        char[] a = row.chars;
        for (int i = 0; i < row.fields; i++) {
            int off = row.start(i), len = row.fieldLength(i);
            if (len == 0) continue;
            seen[i] = true;
            if (bigint[i] && !Types.isBigint(a, off, len)) bigint[i] = false;
            if (decimal[i]) {
                if (!Types.isDecimal(a, off, len)) decimal[i] = false;
                else if (!fraction[i] && Types.hasFraction(a, off, len)) fraction[i] = true;
            }
            if (bool[i] && Types.bool(a, off, len) < 0) bool[i] = false;
            if (date[i] && !Types.isDate(a, off, len)) date[i] = false;
        }
    }

    Types type(int i) {
        if (!seen[i]) return Types.VARCHAR;
        if (bigint[i]) return Types.BIGINT;
        if (decimal[i] && fraction[i]) return Types.DOUBLE;
        if (bool[i]) return Types.BOOLEAN;
        if (date[i]) return Types.DATE;
        return Types.VARCHAR;
    }
}
