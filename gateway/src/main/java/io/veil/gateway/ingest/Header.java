package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Column names and roles, checked once per upload. The name pattern keeps names safe to embed in
 * SQL and paths and to echo in error messages; a role is required for every column (fail closed).
 */
final class Header {
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private Header() {}

    /** Validates names and roles; returns the roles in column order. */
    static List<ColumnRole> check(List<String> names, Map<String, String> declaredRoles, int maxColumns) {
        if (names.size() > maxColumns) {
            throw new IngestException("CSV_TOO_MANY_COLUMNS", "the header has more than " + maxColumns + " columns");
        }
        Set<String> seen = new HashSet<>();
        List<ColumnRole> roles = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.isBlank()) throw new IngestException("CSV_BLANK_COLUMN", "column " + (i + 1) + " has a blank name");
            if (!NAME.matcher(name).matches()) {
                throw new IngestException("CSV_BAD_COLUMN_NAME", "column " + (i + 1) + " has a name outside [A-Za-z_][A-Za-z0-9_]{0,62}");
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                throw new IngestException("CSV_DUPLICATE_COLUMN", "column " + name + " appears more than once (names are case-insensitive)");
            }
            String role = declaredRoles.get(name);
            if (role == null) throw new IngestException("COLUMN_ROLE_MISSING", "column " + name + " has no role in the metadata");
            roles.add(ColumnRole.parse(role).orElseThrow(() ->
                    new IngestException("COLUMN_ROLE_UNKNOWN", "column " + name + " has an unknown role")));
        }
        Set<String> present = new HashSet<>(names);
        for (String declared : declaredRoles.keySet()) {
            if (!present.contains(declared)) {
                // Echo the declared name only when it is a well-formed name (it is caller input, not a cell).
                String which = declared != null && NAME.matcher(declared).matches() ? " " + declared : "";
                throw new IngestException("ROLE_FOR_UNKNOWN_COLUMN", "the metadata declares a role for a column" + which + " the file does not have");
            }
        }
        return roles;
    }
}
