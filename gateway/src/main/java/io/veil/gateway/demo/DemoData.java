package io.veil.gateway.demo;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Random;

/**
 * Deterministic synthetic demo datasets (generated at startup, never committed): residents of a
 * public-data zone and a bank's customers in the social-data zone, with overlapping person ids.
 */
public final class DemoData {
    private DemoData() {}

    static final String[] DISTRICTS = {"Dongcheng", "Xicheng", "Chaoyang", "Haidian", "Fengtai", "Shijingshan"};
    static final String[] AGE_BANDS = {"18-29", "30-44", "45-59", "60+"};

    /** person_id (ENTITY_ID), birth_date (QUASI_IDENTIFIER), district, age_band, income, social_insurance. */
    public static byte[] residentsCsv(int rows, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("person_id,birth_date,district,age_band,income,social_insurance\n");
        for (int i = 0; i < rows; i++) {
            int band = r.nextInt(AGE_BANDS.length);
            int year = 2006 - (band * 15) - r.nextInt(12);
            sb.append(String.format("P%06d,%d-%02d-%02d,%s,%s,%d,%d%n", 100000 + i, year, 1 + r.nextInt(12), 1 + r.nextInt(28),
                    DISTRICTS[r.nextInt(DISTRICTS.length)], AGE_BANDS[band], 3000 + r.nextInt(40000),
                    300 + r.nextInt(3000)));
        }
        return sb.toString().replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static LinkedHashMap<String, String> residentsRoles() {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put("person_id", "ENTITY_ID");
        m.put("birth_date", "QUASI_IDENTIFIER");
        m.put("district", "DIMENSION");
        m.put("age_band", "DIMENSION");
        m.put("income", "METRIC");
        m.put("social_insurance", "METRIC");
        return m;
    }

    /** customer_id (ENTITY_ID), person_id (JOIN_KEY), district, segment, loan_amount; ids overlap the residents'. */
    public static byte[] bankCustomersCsv(int rows, long seed) {
        Random r = new Random(seed);
        String[] segments = {"retail", "sme", "private"};
        StringBuilder sb = new StringBuilder("customer_id,person_id,district,segment,loan_amount\n");
        for (int i = 0; i < rows; i++) {
            int person = 100000 + r.nextInt(rows * 2);
            sb.append(String.format("C%06d,P%06d,%s,%s,%d%n", 500000 + i, person, DISTRICTS[r.nextInt(DISTRICTS.length)],
                    segments[r.nextInt(segments.length)], 10000 + r.nextInt(490000)));
        }
        return sb.toString().replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static LinkedHashMap<String, String> bankRoles() {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put("customer_id", "ENTITY_ID");
        m.put("person_id", "JOIN_KEY");
        m.put("district", "DIMENSION");
        m.put("segment", "DIMENSION");
        m.put("loan_amount", "METRIC");
        return m;
    }
}
