package io.veil.gateway.metering;

import io.veil.policy.Pricing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Consumer charges and provider revenue over [from, to), in UTC periods, money as exact decimals. */
@Service
class StatementService {
    /** More rows than this are summed but not listed; totals stay exact. */
    static final int MAX_ITEMS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JdbcTemplate jdbc;

    StatementService(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    enum Granularity { DAY, MONTH }

    /**
     * One charge as the consumer sees it. Input size only in the unit PER_MILLION_ROWS_SCANNED bills (an
     * exact row count of a version is a bit about who is in it) and no CPU time (a timing channel);
     * the exact record stays with the zone (docs/privacy.md §1.3).
     */
    record Charge(String kind, String jobId, String contractId, String providerOrg, List<String> datasetIds,
                  long rowsScannedMillions, long microEpsilon, String price, String currency, Instant recordedAt) {}

    record Total(String currency, String amount, long charges) {}

    record Charges(String org, Instant from, Instant to, List<Charge> items, boolean truncated, List<Total> totals) {}

    record RevenueRow(String datasetId, String period, String currency, String amount, long charges) {}

    record Revenue(String org, Instant from, Instant to, Granularity granularity, List<RevenueRow> items, List<Total> totals) {}

    Charges charges(String consumerOrg, Instant from, Instant to) {
        List<Charge> items = jdbc.query("SELECT * FROM usage_records WHERE consumer_org = ? AND recorded_at >= ? AND recorded_at < ?"
                        + " ORDER BY recorded_at, job_id LIMIT ?",
                (rs, i) -> {
                    boolean job = MeteringService.JOB.equals(rs.getString("charge_kind"));
                    return new Charge(rs.getString("charge_kind"), job ? rs.getString("job_id") : null, rs.getString("contract_id"),
                            rs.getString("provider_org"), datasets(rs.getString("dataset_ids")),
                            Pricing.millionsRoundedUp(rs.getLong("rows_scanned")), rs.getLong("micro_epsilon"), money(rs.getBigDecimal("price")),
                            rs.getString("currency"), rs.getTimestamp("recorded_at").toInstant());
                }, consumerOrg, ts(from), ts(to), MAX_ITEMS + 1);
        boolean truncated = items.size() > MAX_ITEMS;
        List<Total> totals = jdbc.query("SELECT currency, SUM(price) AS amount, COUNT(*) AS n FROM usage_records WHERE consumer_org = ?"
                        + " AND recorded_at >= ? AND recorded_at < ? GROUP BY currency ORDER BY currency",
                (rs, i) -> new Total(rs.getString("currency"), money(rs.getBigDecimal("amount")), rs.getLong("n")),
                consumerOrg, ts(from), ts(to));
        return new Charges(consumerOrg, from, to, truncated ? items.subList(0, MAX_ITEMS) : items, truncated, totals);
    }

    /**
     * Revenue per dataset, period and currency. A charge over several datasets is split evenly in cents, the
     * remainder cents going to the first datasets in id order, so the rows add up exactly to the totals.
     */
    Revenue revenue(String providerOrg, Instant from, Instant to, Granularity g) {
        record Key(String period, String datasetId, String currency) {}
        Map<Key, BigDecimal[]> rows = new TreeMap<>((a, b) -> {
            int c = a.period().compareTo(b.period());
            if (c == 0) c = a.datasetId().compareTo(b.datasetId());
            return c != 0 ? c : a.currency().compareTo(b.currency());
        });
        Map<String, BigDecimal[]> totals = new TreeMap<>();
        jdbc.query("SELECT dataset_ids, price, currency, recorded_at FROM usage_records WHERE provider_org = ?"
                + " AND recorded_at >= ? AND recorded_at < ?", rs -> {
            String currency = rs.getString("currency");
            BigDecimal price = rs.getBigDecimal("price");
            String period = period(rs.getTimestamp("recorded_at").toInstant(), g);
            List<String> ds = datasets(rs.getString("dataset_ids"));
            List<BigDecimal> shares = split(price, ds.size());
            for (int i = 0; i < ds.size(); i++) {
                add(rows.computeIfAbsent(new Key(period, ds.get(i), currency), k -> zero()), shares.get(i));
            }
            add(totals.computeIfAbsent(currency, k -> zero()), price);
        }, providerOrg, ts(from), ts(to));
        List<RevenueRow> items = new ArrayList<>();
        rows.forEach((k, v) -> items.add(new RevenueRow(k.datasetId(), k.period(), k.currency(), money(v[0]), v[1].longValue())));
        List<Total> sums = new ArrayList<>();
        totals.forEach((c, v) -> sums.add(new Total(c, money(v[0]), v[1].longValue())));
        return new Revenue(providerOrg, from, to, g, items, sums);
    }

    static List<BigDecimal> split(BigDecimal amount, int parts) {
        long cents = amount.movePointRight(2).longValueExact();
        List<BigDecimal> out = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            long share = cents / parts + (i < cents % parts ? 1 : 0);
            out.add(BigDecimal.valueOf(share, 2));
        }
        return out;
    }

    private static String period(Instant at, Granularity g) {
        var d = at.atOffset(ZoneOffset.UTC).toLocalDate();
        return g == Granularity.DAY ? d.toString() : d.toString().substring(0, 7);
    }

    private static BigDecimal[] zero() {
        return new BigDecimal[]{BigDecimal.ZERO.setScale(2), BigDecimal.ZERO};
    }

    private static void add(BigDecimal[] acc, BigDecimal amount) {
        acc[0] = acc[0].add(amount);
        acc[1] = acc[1].add(BigDecimal.ONE);
    }

    private static String money(BigDecimal b) {
        return (b == null ? BigDecimal.ZERO : b).setScale(2).toPlainString();
    }

    private static List<String> datasets(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<String>>() {});
        } catch (Exception e) {
            throw new IllegalStateException("corrupt usage row", e);
        }
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }
}
