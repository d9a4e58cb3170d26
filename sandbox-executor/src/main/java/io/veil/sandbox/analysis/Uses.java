package io.veil.sandbox.analysis;

import io.veil.policy.Aggregate;
import io.veil.policy.ColumnUse;
import io.veil.policy.UseKind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Accumulates the footprint: every column use (deduplicated) and every query feature. */
final class Uses {
    final Set<ColumnUse> uses = new LinkedHashSet<>();
    final Set<String> features = new TreeSet<>();

    void add(ResolvedColumn c, UseKind kind, Aggregate aggregate) {
        uses.add(new ColumnUse(c.table().binding().datasetId(), c.column().name(), kind,
                kind == UseKind.AGGREGATE_ARG ? aggregate : null));
    }

    /** COUNT(*) counts rows of every table in FROM, so it is a use of each. */
    void countStar(List<TableRef> tables) {
        for (TableRef t : tables) {
            uses.add(new ColumnUse(t.binding().datasetId(), "*", UseKind.AGGREGATE_ARG, Aggregate.COUNT));
        }
    }

    void feature(String f) {
        features.add(f);
    }
}
