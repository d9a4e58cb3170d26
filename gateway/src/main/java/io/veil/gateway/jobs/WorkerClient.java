package io.veil.gateway.jobs;

import io.veil.sandbox.ResultTable;
import io.veil.sandbox.plan.ExecutionPlan;
import org.springframework.stereotype.Component;

import java.util.Map;

/** Hands a plan to the sandbox worker. (Interim: the bubblewrap worker is being integrated; jobs fail closed.) */
@Component
class WorkerClient {
    sealed interface Result {
        record Ok(ResultTable table, long rowsScanned, long cpuMillis) implements Result {}
        record Error(String code, String message) implements Result {}
    }

    Result run(String jobId, ExecutionPlan plan, Map<String, TableCatalog.Bound> tables) {
        return new Result.Error("SANDBOX_UNAVAILABLE", "no sandbox worker is configured on this node");
    }

    void cancel(String jobId) {
    }
}
