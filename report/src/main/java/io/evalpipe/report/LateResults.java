package io.evalpipe.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The results of a run that arrived after its report: how many of each kind, and the first
 * {@value #LISTED} of them. Kept with the run's progress, so that the report folder can be
 * rewritten whole from it each time another arrives.
 */
public record LateResults(int duplicates, int afterReport, List<LateResult> listed) {
    /** Enough to see what happened; a producer that floods one run with results cannot grow the store without bound. */
    public static final int LISTED = 100;
    public static final LateResults NONE = new LateResults(0, 0, List.of());

    public LateResults {
        listed = listed == null ? List.of() : List.copyOf(listed);
    }

    public LateResults with(LateResult r) {
        List<LateResult> next = new ArrayList<>(listed);
        if (next.size() < LISTED) {
            next.add(r);
        }
        boolean duplicate = r.kind() == LateResult.Kind.DUPLICATE;
        return new LateResults(duplicates + (duplicate ? 1 : 0), afterReport + (duplicate ? 0 : 1), next);
    }

    public int count() {
        return duplicates + afterReport;
    }
}
