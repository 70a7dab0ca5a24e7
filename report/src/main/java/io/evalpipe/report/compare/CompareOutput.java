package io.evalpipe.report.compare;

import io.evalpipe.report.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a comparison's files into a folder, each whole or not at all, as the aggregator writes reports. */
public final class CompareOutput {

    public static final String MARKDOWN = "compare.md";
    public static final String JUNIT = "compare-junit.xml";

    private CompareOutput() {}

    /** @return the files written: compare.md, then compare-junit.xml */
    public static List<Path> write(Comparison c, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path md = dir.resolve(MARKDOWN);
        Path junit = dir.resolve(JUNIT);
        writeAtomically(md, CompareMarkdown.render(c));
        writeAtomically(junit, JUnitReport.render(c));
        return List.of(md, junit);
    }

    /** A CI job reading the XML while a second compare rewrites it must never see half a file. */
    private static void writeAtomically(Path target, String content) throws IOException {
        AtomicFiles.write(target, out -> out.write(content));
    }
}
