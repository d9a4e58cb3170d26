package io.veil.ledger;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Registry of ledger event types. The wire name is the PascalCase form ({@code DATASET_REGISTERED}
 * is {@code "DatasetRegistered"}); an unknown wire name is rejected, never stored as "other":
 * auditors must be able to interpret every entry.
 */
public enum EventType {
    DATASET_REGISTERED, DATASET_VERSION_ADDED,
    OFFER_PUBLISHED, OFFER_WITHDRAWN,
    CONTRACT_REQUESTED, CONTRACT_AGREED, CONTRACT_REJECTED, CONTRACT_REVOKED, CONTRACT_EXPIRED, CONTRACT_EXHAUSTED,
    JOB_SUBMITTED, JOB_ANALYSED, JOB_AWAITING_APPROVAL, JOB_APPROVED, JOB_REJECTED, JOB_RUNNING, JOB_EXECUTED,
    JOB_CHECKED, JOB_FAILED, JOB_CANCELLED,
    RESULT_REVIEWED, RESULT_RELEASED,
    BUDGET_RESERVED, BUDGET_CHARGED, BUDGET_REFUNDED,
    USAGE_RECORDED,
    KEY_ROTATED, ZONE_JOINED, DATA_PRODUCT_PUBLISHED, DATA_PRODUCT_LISTED;

    private static final Map<String, EventType> BY_WIRE_NAME = Stream.of(values())
            .collect(Collectors.toUnmodifiableMap(EventType::wireName, Function.identity()));

    private final String wireName;

    EventType() {
        StringBuilder b = new StringBuilder();
        for (String word : name().split("_")) {
            b.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        this.wireName = b.toString();
    }

    /** The name used in canonical JSON and in the gateway's outbox, e.g. {@code "ContractAgreed"}. */
    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        return Optional.ofNullable(name == null ? null : BY_WIRE_NAME.get(name));
    }
}
