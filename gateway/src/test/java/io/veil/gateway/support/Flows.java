package io.veil.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.veil.gateway.support.ApiClient.Part;
import io.veil.gateway.support.ApiClient.Response;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Random;
import java.util.UUID;

/** End-to-end steps over real HTTP: register, publish an offer, agree a contract, run a job. */
public final class Flows {
    private final ApiClient api;

    public Flows(ApiClient api) {
        this.api = api;
    }

    public static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /**
     * Residents with districts of deliberately uneven size: big districts (≥ 40 people) and one tiny
     * district of 3 people, so a GROUP BY district shows suppression.
     */
    public static String residentsCsv(long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("person_id,district,age_band,income\n");
        String[] big = {"north", "south", "east", "west"};
        int id = 0;
        for (String d : big) {
            for (int i = 0; i < 40 + r.nextInt(20); i++) {
                sb.append("P").append(id++).append(',').append(d).append(',').append(r.nextBoolean() ? "18-40" : "41+")
                  .append(',').append(2000 + r.nextInt(8000)).append('\n');
            }
        }
        for (int i = 0; i < 3; i++) {
            sb.append("P").append(id++).append(",tiny,41+,").append(900_000 + i).append('\n');
        }
        return sb.toString();
    }

    public String registerResidents(String name) {
        LinkedHashMap<String, Part> parts = new LinkedHashMap<>();
        parts.put("metadata", Part.json("{\"name\":\"" + name + "\",\"description\":\"test residents\",\"columns\":"
                + "{\"person_id\":\"ENTITY_ID\",\"district\":\"DIMENSION\",\"age_band\":\"DIMENSION\",\"income\":\"METRIC\"}}"));
        parts.put("file", Part.csv(name + ".csv", residentsCsv(name.hashCode())));
        Response r = api.multipart("/api/v1/datasets", "demo-provider", parts);
        if (r.status() != 201) throw new AssertionError("register: " + r.status() + " " + r.text());
        return r.json().get("id").asText();
    }

    /** A permissive offer over {@code datasetId}; {@code customize} may edit it (e.g. add privacy). */
    public ObjectNode offer(String datasetId) {
        ObjectNode o = ApiClient.JSON.createObjectNode();
        o.putArray("datasetIds").add(datasetId);
        o.putArray("purposes").add("research");
        ObjectNode as = o.putObject("assignees");
        as.putArray("orgs").add("demo-consumer-org");
        as.putArray("zoneTiers").add("SOCIAL").add("PUBLIC");
        o.put("validFrom", Instant.now().minus(1, ChronoUnit.DAYS).toString());
        o.put("validUntil", Instant.now().plus(30, ChronoUnit.DAYS).toString());
        o.put("maxJobs", 100);
        o.putArray("jobTypes").add("SQL");
        ObjectNode rules = o.putObject("rules");
        rules.put("minEntities", 10);
        ObjectNode aggs = rules.putObject("aggregates");
        aggs.putArray("income").add("SUM").add("AVG").add("COUNT");
        aggs.putArray("*").add("COUNT");
        rules.putArray("dimensions").add("district").add("age_band");
        rules.putArray("joinKeys");
        rules.put("maxOutputRows", 1000);
        o.put("approval", "AUTO");
        ObjectNode price = o.putObject("price");
        price.put("model", "PER_JOB");
        price.put("amount", "10.00");
        price.put("currency", "CNY");
        return o;
    }

    public static void withPrivacy(ObjectNode offer, double perQuery, double budget) {
        ObjectNode p = offer.putObject("privacy");
        p.put("epsilonPerQuery", perQuery);
        p.put("epsilonBudget", budget);
        p.putObject("contributionBounds").putArray("income").add(0).add(10000);
    }

    public String publish(ObjectNode offer) {
        Response r = api.postJson("/api/v1/offers", "demo-provider", offer);
        if (r.status() != 201) throw new AssertionError("offer: " + r.status() + " " + r.text());
        return r.json().get("id").asText();
    }

    public String agree(String offerId) {
        Response req = api.postJson("/api/v1/contracts", "demo-consumer", "{\"offerId\":\"" + offerId + "\",\"purpose\":\"research\"}");
        if (req.status() != 201) throw new AssertionError("contract request: " + req.status() + " " + req.text());
        String id = req.json().get("id").asText();
        Response acc = api.request("POST", "/api/v1/contracts/" + id + "/accept", "demo-provider", "application/json", "{}".getBytes());
        if (acc.status() != 200) throw new AssertionError("accept: " + acc.status() + " " + acc.text());
        return id;
    }

    public Response submit(String contractId, String sql) {
        ObjectNode body = ApiClient.JSON.createObjectNode();
        body.putArray("contractIds").add(contractId);
        body.put("sql", sql);
        return api.postJson("/api/v1/jobs", "demo-consumer", body);
    }

    /** Polls until the job leaves the in-flight states (or reaches {@code until}); fails after 60 s. */
    public JsonNode awaitJob(String jobId, String... until) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            JsonNode j = api.get("/api/v1/jobs/" + jobId, "demo-consumer").json();
            String s = j.get("status").asText();
            for (String u : until) if (u.equals(s)) return j;
            if (s.equals("RELEASED") || s.equals("REJECTED") || s.equals("FAILED") || s.equals("CANCELLED")) return j;
            if (System.currentTimeMillis() > deadline) throw new AssertionError("job stuck in " + s);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    public JsonNode run(String contractId, String sql) {
        Response r = submit(contractId, sql);
        if (r.status() != 202) throw new AssertionError("submit: " + r.status() + " " + r.text());
        return awaitJob(r.json().get("id").asText());
    }
}
