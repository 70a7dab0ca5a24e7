package io.evalpipe.scheduler;

import io.evalpipe.contracts.Approval;
import io.evalpipe.contracts.RunSummary;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the compacted runs topic holds at one moment: the latest summary of every run and the
 * latest approval of every suite.
 */
public record RunHistory(Map<String, RunSummary> runs, Map<String, Approval> approvals) {

    public RunHistory {
        runs = Map.copyOf(runs);
        approvals = Map.copyOf(approvals);
    }

    public Optional<RunSummary> run(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    /** The suite's current baseline approval, if anyone approved one. */
    public Optional<Approval> approval(String suite) {
        return Optional.ofNullable(approvals.get(suite));
    }

    /** Whether this run is the approved baseline of the suite it is listed under. */
    public boolean isBaseline(RunSummary run) {
        return run.suite() != null && approval(run.suite()).map(a -> a.runId().equals(run.runId())).orElse(false);
    }

    /** Runs, oldest first; only the given suite's when {@code suite} is not null. */
    public List<RunSummary> runs(String suite) {
        return runs.values().stream()
                .filter(r -> suite == null || suite.equals(r.suite()))
                .sorted(Comparator.comparing((RunSummary r) -> r.createdAt() == null ? Instant.EPOCH : r.createdAt())
                        .thenComparing(RunSummary::runId))
                .toList();
    }
}
