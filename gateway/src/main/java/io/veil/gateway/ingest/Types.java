package io.veil.gateway.ingest;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;

/** Column types and the strict parsing/normalisation of text cells into them. */
enum Types {
    BIGINT, DOUBLE, BOOLEAN, DATE, VARCHAR;

    static EnumSet<Types> candidates() {
        return EnumSet.of(BIGINT, DOUBLE, BOOLEAN, DATE);
    }

    /** Narrowest type of the remaining candidates (BIGINT before DOUBLE, VARCHAR when none fits). */
    static Types choose(EnumSet<Types> remaining, boolean sawValue) {
        if (!sawValue) return VARCHAR;
        for (Types t : new Types[]{BIGINT, DOUBLE, BOOLEAN, DATE}) if (remaining.contains(t)) return t;
        return VARCHAR;
    }

    boolean accepts(String v) {
        return normalize(v) != null;
    }

    /** Canonical text of {@code v} in this type, or null if it does not parse. Empty means NULL. */
    String normalize(String v) {
        switch (this) {
            case VARCHAR:
                return v;
            case BIGINT:
                return isInteger(v) ? Long.toString(Long.parseLong(v)) : null;
            case DOUBLE:
                if (!isDecimal(v)) return null;
                double d = Double.parseDouble(v);
                return Double.isFinite(d) ? Double.toString(d) : null;
            case BOOLEAN:
                String b = v.toLowerCase(Locale.ROOT);
                return b.equals("true") || b.equals("false") ? b : null;
            case DATE:
                if (v.length() != 10) return null;
                try {
                    return LocalDate.parse(v).toString();
                } catch (DateTimeParseException e) {
                    return null;
                }
            default:
                throw new IllegalStateException();
        }
    }

    /** Optional sign and 1–18 digits, so it always fits a long. */
    private static boolean isInteger(String v) {
        int i = v.startsWith("-") || v.startsWith("+") ? 1 : 0;
        int digits = v.length() - i;
        if (digits < 1 || digits > 18) return false;
        for (; i < v.length(); i++) if (v.charAt(i) < '0' || v.charAt(i) > '9') return false;
        return true;
    }

    /** [sign] digits [. digits] [e [sign] digits] — no hex, NaN or Infinity spellings. */
    private static boolean isDecimal(String v) {
        int i = 0, n = v.length();
        if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) i++;
        int digits = 0;
        while (i < n && Character.isDigit(v.charAt(i)) && v.charAt(i) < 128) { i++; digits++; }
        if (i < n && v.charAt(i) == '.') {
            i++;
            while (i < n && v.charAt(i) >= '0' && v.charAt(i) <= '9') { i++; digits++; }
        }
        if (digits == 0) return false;
        if (i < n && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
            i++;
            if (i < n && (v.charAt(i) == '-' || v.charAt(i) == '+')) i++;
            int e = 0;
            while (i < n && v.charAt(i) >= '0' && v.charAt(i) <= '9') { i++; e++; }
            if (e == 0 || e > 4) return false;
        }
        return i == n && n <= 64;
    }

    boolean numeric() {
        return this == BIGINT || this == DOUBLE;
    }
}
