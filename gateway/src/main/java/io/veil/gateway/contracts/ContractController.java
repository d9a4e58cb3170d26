package io.veil.gateway.contracts;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.security.Caller;
import io.veil.policy.Contract;
import io.veil.policy.ContractState;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

@RestController
@RequestMapping("/api/v1/contracts")
@Tag(name = "contracts", description = "Usage contracts: request, accept/reject, revoke, signed agreements")
class ContractController {
    static final String ANY_ROLE = "hasAnyRole('provider','consumer','auditor','zone-admin')";
    private static final Pattern ID = Pattern.compile("[a-f0-9-]{36}");
    private final ContractService contracts;

    ContractController(ContractService contracts) {
        this.contracts = contracts;
    }

    public record ContractView(String id, String offerId, String providerOrg, String consumerOrg, String purpose,
                               ContractState state, Instant validFrom, Instant validUntil, Instant createdAt,
                               Instant updatedAt, long jobsUsed, String agreementDigest) {}

    public record Page(List<ContractView> items, long total, int offset, int limit) {}

    public record PartySignature(String org, String keyId, String publicKey, String signature) {}

    public record AgreementView(String contractId, String agreement, String agreementDigest,
                                PartySignature providerSignature, PartySignature consumerSignature) {}

    public record SignatureCheckView(String org, String keyId, boolean valid, boolean signatureValid, boolean keyIsOrgKey) {}

    public record VerificationView(boolean valid, String agreementDigest, boolean documentMatchesContract,
                                   SignatureCheckView providerSignature, SignatureCheckView consumerSignature) {}

    @Operation(summary = "Request a contract on an offer for one purpose: {\"offerId\", \"purpose\"}")
    @PostMapping(consumes = "application/json")
    @PreAuthorize("hasRole('consumer')")
    public ResponseEntity<ContractView> request(@RequestBody(required = false) String body) {
        Contract c = contracts.request(Caller.current(), body);
        ContractStore.Row row = contracts.visible(Caller.current(), c.id());
        return ResponseEntity.created(URI.create("/api/v1/contracts/" + c.id())).body(view(row));
    }

    @Operation(summary = "Accept a requested contract (provider of the offer): signs the agreement and opens the budgets")
    @PostMapping("/{id}/accept")
    @PreAuthorize("hasRole('provider')")
    public ContractView accept(@PathVariable String id) {
        return view(contracts.accept(Caller.current(), checkId(id)));
    }

    @Operation(summary = "Reject a requested contract (provider of the offer)")
    @PostMapping("/{id}/reject")
    @PreAuthorize("hasRole('provider')")
    public ContractView reject(@PathVariable String id) {
        return view(contracts.reject(Caller.current(), checkId(id)));
    }

    @Operation(summary = "Revoke an agreed contract (either party)")
    @PostMapping("/{id}/revoke")
    @PreAuthorize("hasAnyRole('provider','consumer')")
    public ContractView revoke(@PathVariable String id) {
        return view(contracts.revoke(Caller.current(), checkId(id)));
    }

    @Operation(summary = "Contracts the caller is party to (auditors and zone admins: all), newest first")
    @GetMapping
    @PreAuthorize(ANY_ROLE)
    public Page list(@RequestParam(required = false) String state, @RequestParam(defaultValue = "0") int offset,
                     @RequestParam(defaultValue = "20") int limit) {
        if (offset < 0 || limit < 1 || limit > 100) throw ApiException.badRequest("INVALID_PAGE", "offset >= 0 and 1 <= limit <= 100");
        ContractState s = state == null ? null : Arrays.stream(ContractState.values()).filter(v -> v.name().equals(state)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("INVALID_PARAMETER", "state must be one of " + Arrays.toString(ContractState.values())));
        Caller caller = Caller.current();
        return new Page(contracts.list(caller, s, offset, limit).stream().map(this::view).toList(),
                contracts.count(caller, s), offset, limit);
    }

    @Operation(summary = "One contract (parties, auditors and zone admins only)")
    @GetMapping("/{id}")
    @PreAuthorize(ANY_ROLE)
    public ContractView get(@PathVariable String id) {
        return view(contracts.visible(Caller.current(), checkId(id)));
    }

    @Operation(summary = "The signed agreement: canonical JSON (RFC 8785) exactly as signed, both signatures and public keys")
    @GetMapping("/{id}/agreement")
    @PreAuthorize(ANY_ROLE)
    public AgreementView agreement(@PathVariable String id) {
        ContractStore.Row row = agreed(id);
        ContractStore.Signed s = row.agreement();
        Contract c = row.contract();
        return new AgreementView(c.id(), s.agreementJson(), contracts.digest(s.agreementJson()),
                new PartySignature(c.providerOrg(), contracts.keyId(s.providerKey()), s.providerKey(), s.providerSig()),
                new PartySignature(c.consumerOrg(), contracts.keyId(s.consumerKey()), s.consumerKey(), s.consumerSig()));
    }

    @Operation(summary = "Re-verifies both signatures over the stored agreement against the organisations' keys")
    @GetMapping("/{id}/verify")
    @PreAuthorize(ANY_ROLE)
    public VerificationView verify(@PathVariable String id) {
        AgreementSigner.Verification v = contracts.verify(agreed(id));
        return new VerificationView(v.valid(), v.agreementDigest(), v.documentMatchesContract(), check(v.provider()), check(v.consumer()));
    }

    private ContractStore.Row agreed(String id) {
        ContractStore.Row row = contracts.visible(Caller.current(), checkId(id));
        if (row.agreement() == null) throw ApiException.conflict("CONTRACT_NOT_AGREED", "the contract was never agreed, so it has no agreement");
        return row;
    }

    private static SignatureCheckView check(AgreementSigner.SignatureCheck c) {
        return new SignatureCheckView(c.org(), c.keyId(), c.valid(), c.signatureValid(), c.keyIsOrgKey());
    }

    private ContractView view(ContractStore.Row r) {
        Contract c = r.contract();
        return new ContractView(c.id(), c.offerId(), c.providerOrg(), c.consumerOrg(), c.purpose(), c.state(), c.validFrom(),
                c.validUntil(), c.createdAt(), r.updatedAt(), r.jobsUsed(),
                r.agreement() == null ? null : contracts.digest(r.agreement().agreementJson()));
    }

    private static String checkId(String id) {
        if (!ID.matcher(id).matches()) throw ApiException.notFound("contract");
        return id;
    }
}
