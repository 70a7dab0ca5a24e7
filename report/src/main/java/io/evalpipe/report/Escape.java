package io.evalpipe.report;

/**
 * Text from results (model output, validation errors, ids) made safe for the reports, so that no
 * reply can break a table or inject markup. Every report, comparison and sweep page uses these two.
 */
public final class Escape {

    private Escape() {}

    /**
     * Text that keeps a table cell (or a list item, or a heading) one cell whatever it holds. A
     * pipe would end the cell and a newline (or any control character) the row; a backtick could
     * open a code span that swallows the rest of the row, {@code <} an HTML tag, and a backslash
     * could escape our own escapes. Entities are used for the last three so they render as the character itself.
     */
    public static String markdownCell(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '|' -> out.append("\\|");
                case '\\' -> out.append("\\\\");
                case '`' -> out.append("&#96;");
                case '<' -> out.append("&lt;");
                case '&' -> out.append("&amp;");
                case '\r' -> {
                    out.append(' ');
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                }
                default -> out.append(Character.isISOControl(c) && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }

    /**
     * Text safe in element content and in quoted attribute values. Control characters other than
     * tab and newline become spaces: they have no business in a page and some are invalid in it.
     */
    public static String html(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(Character.isISOControl(c) && c != '\t' && c != '\n' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
