package io.evalpipe.report.compare;

import io.evalpipe.report.AtomicFiles;
import io.evalpipe.report.Escape;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A page around a {@link SideBySide} table, as Markdown and as self-contained HTML (no script, no
 * request: its Content-Security-Policy allows inline styles only): a title, the synthetic-model
 * warning where it applies, the table, in HTML the charts of pass rate and p95, and the notes.
 * sweep.md/sweep.html and compare.md/compare.html are both written by it.
 */
public final class SideBySidePage {

    private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
            + "table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.2rem .5rem;vertical-align:top}"
            + "th{background:#f3f3f3}.r{text-align:right}.note{color:#555;font-size:.9em}"
            + ".warn{background:#fff3cd;border:1px solid #e0c060;padding:.5rem}figure{margin:1rem 0}"
            + "svg text{font-size:12px;font-family:system-ui,sans-serif}";

    private static final DateTimeFormatter FOLDER_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final String title;
    private final SideBySide table;
    private final List<String> notes;

    /** @param notes paragraphs under the table (what varied, how the runs ran, what the columns mean) */
    public SideBySidePage(String title, SideBySide table, List<String> notes) {
        this.title = title;
        this.table = table;
        this.notes = List.copyOf(notes);
    }

    /**
     * A new folder {@code <prefix>-<UTC time>} under {@code parent} ({@code sweep-20250101-120000}); a
     * second one in the same second gets a suffix, so that no page overwrites another.
     */
    public static Path createFolder(Path parent, String prefix, Instant started) throws IOException {
        Files.createDirectories(parent);
        String name = prefix + "-" + FOLDER_TIME.format(started);
        for (int i = 1; ; i++) {
            try {
                return Files.createDirectory(parent.resolve(i == 1 ? name : name + "-" + i));
            } catch (FileAlreadyExistsException e) {
                // Taken by one started in the same second: try the next suffix.
            }
        }
    }

    /** Writes both files, each whole or not at all: a reader never sees half a page. */
    public List<Path> write(Path md, Path html) throws IOException {
        AtomicFiles.write(md, out -> out.write(markdown()));
        AtomicFiles.write(html, out -> out.write(html()));
        return List.of(md, html);
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("# " + Escape.markdownCell(title) + "\n\n");
        String warning = table.syntheticWarning();
        if (warning != null) {
            md.append("> **Warning:** ").append(Escape.markdownCell(warning)).append("\n\n");
        }
        md.append(table.markdown()).append('\n');
        notes.forEach(n -> md.append(Escape.markdownCell(n)).append("\n\n"));
        return md.toString();
    }

    public String html() {
        StringBuilder h = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
                + "<title>" + Escape.html(title) + "</title><style>" + STYLE + "</style></head><body>\n");
        h.append("<h1>").append(Escape.html(title)).append("</h1>\n");
        String warning = table.syntheticWarning();
        if (warning != null) {
            h.append("<p class=\"warn\"><strong>Warning:</strong> ").append(Escape.html(warning)).append("</p>\n");
        }
        h.append(table.html());
        if (!table.entries().isEmpty()) {
            h.append(VariantChart.html(VariantChart.bars(table)));
        }
        notes.forEach(n -> h.append("<p class=\"note\">").append(Escape.html(n)).append("</p>\n"));
        return h.append("</body></html>\n").toString();
    }
}
