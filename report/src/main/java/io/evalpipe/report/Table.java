package io.evalpipe.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table as plain text, which report.md and report.html each escape and render in their own
 * syntax: built once by {@link FigureTables}, so the two reports cannot state different figures.
 */
final class Table {

    /** One cell: raw text (null reads as empty) and an optional relative link. */
    record Cell(String text, String href) {
        static Cell of(String text) {
            return new Cell(text, null);
        }
    }

    private final String align;
    private final List<String> header;
    private final List<List<Cell>> rows = new ArrayList<>();

    /** @param align one character per column: {@code l} (text) or {@code r} (figures) */
    Table(String align, String... header) {
        if (align.length() != header.length) {
            throw new IllegalArgumentException("align has " + align.length() + " columns, header " + header.length);
        }
        this.align = align;
        this.header = List.of(header);
    }

    Table row(String... cells) {
        return row(Arrays.stream(cells).map(Cell::of).toArray(Cell[]::new));
    }

    Table row(Cell... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.size());
        }
        rows.add(List.of(cells));
        return this;
    }

    boolean rightAligned(int column) {
        return align.charAt(column) == 'r';
    }

    List<String> header() {
        return header;
    }

    List<List<Cell>> rows() {
        return List.copyOf(rows);
    }
}
