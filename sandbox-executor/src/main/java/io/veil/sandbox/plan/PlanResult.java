package io.veil.sandbox.plan;

/** Outcome of planning: an executable plan, or a stable rejection code (see docs/privacy.md). */
public sealed interface PlanResult {
    record Planned(ExecutionPlan plan) implements PlanResult {
    }

    record Rejected(String code, String message) implements PlanResult {
    }
}
