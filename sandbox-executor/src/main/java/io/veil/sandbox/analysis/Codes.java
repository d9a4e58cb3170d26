package io.veil.sandbox.analysis;

/** Stable rejection codes of the analyzer; documented in docs/privacy.md. */
public final class Codes {
    private Codes() {
    }

    public static final String TOO_LONG = "SQL_TOO_LONG";
    public static final String PARSE_ERROR = "SQL_PARSE_ERROR";
    public static final String MULTIPLE_STATEMENTS = "SQL_MULTIPLE_STATEMENTS";
    public static final String NOT_SELECT = "SQL_NOT_SELECT";
    public static final String SET_OPERATION = "SQL_SET_OPERATION";
    public static final String CTE_NOT_ALLOWED = "SQL_CTE_NOT_ALLOWED";
    public static final String SUBQUERY_NOT_ALLOWED = "SQL_SUBQUERY_NOT_ALLOWED";
    public static final String TABLE_FUNCTION = "SQL_TABLE_FUNCTION";
    public static final String UNKNOWN_TABLE = "SQL_UNKNOWN_TABLE";
    public static final String UNKNOWN_COLUMN = "SQL_UNKNOWN_COLUMN";
    public static final String AMBIGUOUS_COLUMN = "SQL_AMBIGUOUS_COLUMN";
    public static final String STAR_NOT_ALLOWED = "SQL_STAR_NOT_ALLOWED";
    public static final String WINDOW_FUNCTION = "SQL_WINDOW_FUNCTION";
    public static final String GROUPING_SETS = "SQL_GROUPING_SETS";
    public static final String SAMPLING = "SQL_SAMPLING";
    public static final String OFFSET_NOT_ALLOWED = "SQL_OFFSET_NOT_ALLOWED";
    public static final String FUNCTION_NOT_ALLOWED = "SQL_FUNCTION_NOT_ALLOWED";
    public static final String JOIN_NOT_ALLOWED = "SQL_JOIN_NOT_ALLOWED";
    public static final String IDENTIFIER_EXPRESSION = "SQL_IDENTIFIER_EXPRESSION";
    public static final String NESTED_AGGREGATE = "SQL_NESTED_AGGREGATE";
    public static final String AGGREGATE_MISPLACED = "SQL_AGGREGATE_MISPLACED";
    public static final String NOT_AGGREGATE = "SQL_NOT_AGGREGATE";
    public static final String LITERAL_NOT_ALLOWED = "SQL_LITERAL_NOT_ALLOWED";
    public static final String AGGREGATE_ARGUMENT = "SQL_AGGREGATE_ARGUMENT";
    public static final String TYPE_MISMATCH = "SQL_TYPE_MISMATCH";
    public static final String TOO_COMPLEX = "SQL_TOO_COMPLEX";
    public static final String UNSUPPORTED_CONSTRUCT = "SQL_UNSUPPORTED_CONSTRUCT";
    public static final String ANALYZER_UNAVAILABLE = "SQL_ANALYZER_UNAVAILABLE";
}
