package io.veil.gateway.datasets;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.veil.gateway.api.ApiException;
import io.veil.policy.ColumnRole;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code metadata} part of a registration. Names become SQL table names and catalog keys, so
 * they are restricted to identifier characters (no path separators, control characters or quotes).
 */
public record DatasetMetadata(String name, String description, List<String> tags, String license,
                              LinkedHashMap<String, String> columns) {

    static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    public static DatasetMetadata parse(byte[] json) {
        DatasetMetadata m;
        try {
            m = STRICT.readValue(json, DatasetMetadata.class);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("METADATA_UNKNOWN_FIELD", "unknown metadata field: " + safe(e.getPropertyName()));
        } catch (Exception e) {
            throw ApiException.badRequest("METADATA_MALFORMED", "metadata part is not valid JSON of the documented shape");
        }
        if (m == null) throw ApiException.badRequest("METADATA_MALFORMED", "metadata part is empty");
        return m.validated();
    }

    private DatasetMetadata validated() {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("DATASET_NAME_INVALID",
                    "name must match [A-Za-z][A-Za-z0-9_]{0,63} (it is used as a SQL table name)");
        }
        text("description", description, 4000);
        text("license", license, 128);
        if (tags != null) {
            if (tags.size() > 20) throw ApiException.badRequest("TAGS_INVALID", "at most 20 tags");
            for (String t : tags) {
                if (t == null || !TAG.matcher(t).matches()) throw ApiException.badRequest("TAGS_INVALID", "tags must match [A-Za-z0-9_-]{1,32}");
            }
        }
        if (columns == null || columns.isEmpty()) {
            throw ApiException.badRequest("COLUMN_ROLES_MISSING", "metadata.columns must map every column to a role");
        }
        for (Map.Entry<String, String> c : columns.entrySet()) {
            if (c.getValue() == null || ColumnRole.parse(c.getValue()).isEmpty()) {
                throw ApiException.badRequest("COLUMN_ROLE_UNKNOWN", "unknown role for column " + safe(c.getKey())
                        + "; roles are ENTITY_ID, QUASI_IDENTIFIER, DIMENSION, METRIC, JOIN_KEY, SENSITIVE");
            }
        }
        return new DatasetMetadata(name, description == null ? "" : description, tags == null ? List.of() : List.copyOf(tags),
                license == null ? "" : license, columns);
    }

    private static void text(String field, String v, int max) {
        if (v == null) return;
        if (v.length() > max) throw ApiException.badRequest("METADATA_FIELD_TOO_LONG", field + " longer than " + max);
        if (v.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t' || ch == 0x7f)) {
            throw ApiException.badRequest("METADATA_CONTROL_CHARACTERS", field + " contains control characters");
        }
    }

    /** Names from the request are echoed only if they are plain identifiers. */
    static String safe(String s) {
        return s != null && NAME.matcher(s).matches() ? s : "(invalid name)";
    }
}
