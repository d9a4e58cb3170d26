package io.veil.ledger.audit;

import java.util.List;

/** Every check a bundle verification made, in order; the bundle passes only if all of them pass. */
public record AuditReport(List<Check> checks) {
    /** One check: what was checked, whether it held, and if not exactly what failed. */
    public record Check(String name, boolean passed, String detail) {
        @Override
        public String toString() {
            return (passed ? "PASS " : "FAIL ") + name + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    public AuditReport {
        checks = List.copyOf(checks);
    }

    public boolean passed() {
        return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
    }

    public List<Check> failures() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }
}
