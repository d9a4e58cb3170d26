package io.veil.gateway.metering;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.veil.gateway.api.ApiException;
import io.veil.gateway.security.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.Set;

@RestController
@RequestMapping("/api/v1/statements")
@Tag(name = "statements", description = "Metering: what a consumer was charged and what a provider earned")
class StatementController {
    private final StatementService statements;

    StatementController(StatementService statements) {
        this.statements = statements;
    }

    @Operation(summary = "The caller's charges in [from, to): one row per job or agreement fee, totals per currency")
    @GetMapping("/charges")
    @PreAuthorize("hasRole('consumer')")
    public StatementService.Charges charges(HttpServletRequest request) {
        StatementParams p = StatementParams.parse(request.getParameterMap(), Set.of());
        return statements.charges(Caller.current().org(), p.from(), p.to());
    }

    @Operation(summary = "The caller's revenue in [from, to) per dataset and UTC period (granularity DAY or MONTH, default MONTH)")
    @GetMapping("/revenue")
    @PreAuthorize("hasRole('provider')")
    public StatementService.Revenue revenue(HttpServletRequest request) {
        StatementParams p = StatementParams.parse(request.getParameterMap(), Set.of("granularity"));
        String g = p.others().getOrDefault("granularity", "MONTH");
        StatementService.Granularity granularity = switch (g) {
            case "DAY" -> StatementService.Granularity.DAY;
            case "MONTH" -> StatementService.Granularity.MONTH;
            default -> throw ApiException.badRequest("INVALID_PARAMETER", "parameter granularity must be DAY or MONTH");
        };
        return statements.revenue(Caller.current().org(), p.from(), p.to(), granularity);
    }
}
