package io.veil.gateway.jobs;

import io.veil.policy.Contract;
import io.veil.policy.ContractState;
import io.veil.policy.Offer;
import io.veil.policy.OfferParser;
import io.veil.policy.Result;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Optional;

/** Read-only view of contracts and their offers for the job pipeline. */
@Component
class JobContracts {
    private final JdbcTemplate jdbc;

    JobContracts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    record Bound(Contract contract, Offer offer, long jobsUsed) {}

    Optional<Bound> find(String contractId) {
        return jdbc.query("SELECT c.*, o.offer_json FROM contracts c JOIN offers o ON o.id = c.offer_id WHERE c.id = ?",
                (rs, i) -> {
                    Result<Offer> offer = OfferParser.parse(rs.getString("offer_json"));
                    if (!offer.isOk()) throw new IllegalStateException("stored offer no longer parses");
                    Contract c = new Contract(rs.getString("id"), rs.getString("offer_id"), rs.getString("provider_org"),
                            rs.getString("consumer_org"), rs.getString("purpose"), ContractState.valueOf(rs.getString("state")),
                            rs.getTimestamp("valid_from").toInstant(), rs.getTimestamp("valid_until").toInstant(),
                            rs.getTimestamp("created_at").toInstant());
                    return new Bound(c, offer.value(), rs.getLong("jobs_used"));
                }, contractId).stream().findFirst();
    }
}
