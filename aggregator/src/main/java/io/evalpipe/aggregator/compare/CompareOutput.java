package io.evalpipe.aggregator.compare;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
