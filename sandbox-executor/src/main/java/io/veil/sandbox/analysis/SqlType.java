package io.veil.sandbox.analysis;

import java.util.Locale;

/**
 * The value types the analyser reasons about. It types every expression for one reason: to keep
 * evaluation total (docs/privacy.md §2). DuckDB raises at run time on integer, decimal and date
 * overflow and on converting a text column to a number; a query that raises for some rows only is a
 * one-bit oracle on hidden data. Double arithmetic never raises (it reaches ±inf or NaN, which the
 * enforcer never releases).
 */
enum SqlType {
    INTEGER, DECIMAL, DOUBLE, BOOLEAN, DATE, VARCHAR, NULL, UNKNOWN;

    boolean numeric() {
        return this == INTEGER || this == DECIMAL || this == DOUBLE;
    }

    /** Arithmetic producing this type can raise in DuckDB (unknown: assume it can). */
    boolean canOverflow() {
        return this == INTEGER || this == DECIMAL || this == DATE || this == UNKNOWN;
    }

    /** A dataset column's stored type (BIGINT, DOUBLE, BOOLEAN, DATE, VARCHAR). */
    static SqlType ofColumn(String type) {
        return switch (type.toUpperCase(Locale.ROOT)) {
            case "BIGINT", "INTEGER" -> INTEGER;
            case "DOUBLE" -> DOUBLE;
            case "BOOLEAN" -> BOOLEAN;
            case "DATE" -> DATE;
            case "VARCHAR" -> VARCHAR;
            default -> UNKNOWN;
        };
    }

    /** A CAST target or a constant's type id as DuckDB's parser reports it. */
    static SqlType ofTypeId(String id) {
        return switch (id) {
            case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT" -> INTEGER;
            case "DECIMAL" -> DECIMAL;
            case "DOUBLE", "FLOAT" -> DOUBLE;
            case "BOOLEAN" -> BOOLEAN;
            case "DATE" -> DATE;
            case "VARCHAR" -> VARCHAR;
            case "NULL" -> NULL;
            default -> UNKNOWN;
        };
    }

    /** The common type of CASE branches, COALESCE arguments or comparison operands (they must fit). */
    static SqlType unify(SqlType a, SqlType b) {
        if (a == NULL) return b;
        if (b == NULL || a == b) return a;
        if (a == UNKNOWN || b == UNKNOWN) return UNKNOWN;
        if (a.numeric() && b.numeric()) {
            return a == DOUBLE || b == DOUBLE ? DOUBLE : DECIMAL;
        }
        return null;
    }
}
