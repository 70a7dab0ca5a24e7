package io.evalpipe.scheduler;

import io.evalpipe.contracts.RunSummary;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table `evalctl runs` prints: one row per run, oldest first, the baseline of each suite starred. */
public final class RunsTable {
    /** UTC, so that listings from machines in different zones agree. */
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);
    private static final List<String> HEADER = List.of("BASE", "RUN", "SUITE", "MODEL", "PASS RATE", "E2E P95", "WHEN");

    private RunsTable() {}

    /** @param suite only this suite's runs; null: every run */
    public static String render(RunHistory history, String suite) {
        List<RunSummary> runs = history.runs(suite);
        if (runs.isEmpty()) {
            return suite == null ? "No runs yet.\n" : "No runs of suite " + suite + " yet.\n";
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (RunSummary r : runs) {
            rows.add(List.of(
                    history.isBaseline(r) ? "*" : "",
                    r.runId(),
                    orDash(r.suite()),
                    orDash(r.modelFile()),
                    passRate(r),
                    // N beside the figure: a p95 of 4 results is not a p95 of 200.
                    r.e2eP95Ms() == null ? "-" : String.format(Locale.ROOT, "%.0f ms (N=%d)", r.e2eP95Ms(), r.n()),
                    r.createdAt() == null ? "-" : WHEN.format(r.createdAt())));
        }
        StringBuilder out = new StringBuilder();
        boolean anyBaseline = runs.stream().anyMatch(history::isBaseline);
        int[] widths = widths(rows);
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s", row.get(i)));
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (anyBaseline) {
            out.append("* approved baseline of its suite (evalctl approve)\n");
        }
        return out.toString();
    }

    private static String passRate(RunSummary r) {
        String rate = String.format(Locale.ROOT, "%.1f%% (%d/%d)", 100 * r.passRate(), r.passed(), r.n());
        return r.complete() ? rate : rate + ", " + r.missing().size() + " missing";
    }

    private static String orDash(String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    private static int[] widths(List<List<String>> rows) {
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        return widths;
    }
}
