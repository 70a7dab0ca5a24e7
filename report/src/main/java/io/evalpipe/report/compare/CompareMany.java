package io.evalpipe.report.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * compare.md and compare.html for more than two reports: the runs side by side in one table (the
 * sweep's, {@link SideBySide}) and the charts of pass rate and p95, in the order given. No gates and
 * no deltas with intervals: those compare one candidate with one baseline ({@link Comparison}).
 */
public final class CompareMany {

    public static final String MARKDOWN = CompareOutput.MARKDOWN;
    public static final String HTML = "compare.html";

    private CompareMany() {}

    /** @return the files written: compare.md, then compare.html */
    public static List<Path> write(List<ReportFolder> reports, Path dir) throws IOException {
        List<SideBySide.Entry> entries = new ArrayList<>();
        for (int i = 0; i < reports.size(); i++) {
            ReportFolder r = reports.get(i);
            entries.add(new SideBySide.Entry(i + 1, List.of(), r, r.modelFigures(), null));
        }
        SideBySide table = SideBySide.of(List.of(), entries, dir);
        SideBySidePage page = new SideBySidePage("Comparison of " + reports.size() + " runs", table, notes(reports));
        return page.write(dir.resolve(MARKDOWN), dir.resolve(HTML));
    }

    static List<String> notes(List<ReportFolder> reports) {
        List<String> notes = new ArrayList<>();
        Set<String> promptSets = new LinkedHashSet<>();
        Set<String> suites = new LinkedHashSet<>();
        reports.forEach(r -> {
            promptSets.add(Objects.toString(r.promptSetSha256()));
            suites.add(Objects.toString(r.suite()));
        });
        if (promptSets.size() > 1) {
            notes.add("Caution: the runs did not all evaluate the same prompt set (" + promptSets.size()
                    + " different prompt-set hashes, suites " + String.join(", ", suites) + "): their pass rates measure different things.");
        }
        notes.add("Runs in the order given. Regression gates and differences with intervals compare two runs:"
                + " evalctl compare BASELINE CANDIDATE on a pair gives them.");
        notes.add(SideBySide.note());
        return notes;
    }
}
