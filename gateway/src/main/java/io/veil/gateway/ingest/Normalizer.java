package io.veil.gateway.ingest;

import io.veil.policy.ColumnRole;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shared by the CSV and Parquet paths once the types are known: writes the header, then turns
 * each row of text cells into canonical cells of the column types, writes them and feeds the
 * exact catalog tallies ({@link CatalogCounts}). A cell that does not fit is CSV_TYPE_MISMATCH naming line and column, never value.
 */
final class Normalizer {
    /** Characters all value counters of one upload may retain together (bounds memory for wide files). */
    static final long STATS_CHAR_BUDGET = 8L << 20;
    private final List<ColumnInfo> schema = new ArrayList<>();
    private final Types[] types;
    private final StatsCollector[] stats;
    private final CsvOut out;
    private final Cell cell = new Cell();
    private final Cell idCell = new Cell();
    /** The first ENTITY_ID column, or -1: rows are then the entities. */
    private final int entityColumn;
    private final EntityCounting counting;
    private final EntitySketch entities;
    private long rows;

    Normalizer(List<String> names, List<ColumnRole> roles, List<Types> columnTypes, OutputStream sink) {
        int n = names.size();
        types = columnTypes.toArray(new Types[0]);
        stats = new StatsCollector[n];
        long[] budget = {STATS_CHAR_BUDGET};
        entityColumn = roles.indexOf(ColumnRole.ENTITY_ID);
        counting = new EntityCounting(entityColumn >= 0);
        entities = counting.total();
        for (int i = 0; i < n; i++) {
            if (roles.get(i) == ColumnRole.METRIC && !types[i].numeric()) {
                throw new IngestException("METRIC_NOT_NUMERIC", "METRIC column " + names.get(i) + " is " + types[i] + ", not numeric");
            }
            schema.add(new ColumnInfo(names.get(i), types[i].name(), roles.get(i)));
            stats[i] = new StatsCollector(roles.get(i), types[i], budget, counting);
        }
        out = new CsvOut(sink);
        for (int i = 0; i < n; i++) {
            if (i > 0) out.separator();
            char[] name = names.get(i).toCharArray();
            out.plain(name, 0, name.length);
        }
        out.endRow();
    }

    /** One record whose field count already equals the column count. */
    void row(char[] chars, int[] ends, long line) {
        long entity = entity(chars, ends);
        if (entities != null) entities.add(entity);
        int start = 0;
        for (int i = 0; i < types.length; i++) {
            int end = ends[i];
            if (i > 0) out.separator();
            if (end == start) {
                stats[i].addNull(entity);
            } else {
                if (!cell.normalize(types[i], chars, start, end - start)) {
                    throw new IngestException("CSV_TYPE_MISMATCH", "line " + line + ", column " + schema.get(i).name()
                            + ": a value does not fit the column type " + types[i] + " inferred from the first rows");
                }
                if (types[i] == Types.VARCHAR) out.text(cell.chars, cell.off, cell.len);
                else out.plain(cell.chars, cell.off, cell.len);
                stats[i].add(cell, entity);
            }
            start = end;
        }
        out.endRow();
        rows++;
    }

    /** The row's keyed entity hash; NO_ENTITY without an ENTITY_ID column or for a NULL id (as COUNT(DISTINCT) skips NULLs). */
    private long entity(char[] chars, int[] ends) {
        if (entityColumn < 0) return EntitySketch.NO_ENTITY;
        int start = entityColumn == 0 ? 0 : ends[entityColumn - 1];
        int end = ends[entityColumn];
        if (end == start || !idCell.normalize(types[entityColumn], chars, start, end - start)) {
            return EntitySketch.NO_ENTITY; // a value that does not fit is refused by row() right after
        }
        return counting.hash(idCell.chars, idCell.off, idCell.len);
    }

    IngestResult finish(String sha256Hex, long bytesRead) {
        out.flush();
        Map<String, ColumnCounts> s = new LinkedHashMap<>();
        for (int i = 0; i < schema.size(); i++) s.put(schema.get(i).name(), stats[i].result());
        CatalogCounts counts = new CatalogCounts(new Tally(null, rows, entities), entityColumn >= 0, s);
        return new IngestResult(List.copyOf(schema), rows, sha256Hex, bytesRead, counts);
    }
}
