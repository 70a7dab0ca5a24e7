package io.evalpipe.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.evalpipe.contracts.Json;
import java.util.Locale;

/**
 * Text from results (model output, validation errors, ids) made safe for the reports, so that no
 * reply can break a table or inject markup. Every report, comparison and sweep page uses the first
 * two; report.html's viewer carries its data as {@link #jsonForScript JSON in a script element}.
 */
public final class Escape {

    private static final ObjectWriter SCRIPT_JSON = Json.WIRE.writer().with(new ScriptSafeEscapes());

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

    /**
     * A value as JSON that can stand between {@code <script type="application/json">} and
     * {@code </script>} whatever its strings hold, and that {@code JSON.parse} reads back to the same
     * value. The page's parser ends a script element at {@code </script} and treats {@code <!--}
     * specially, so no {@code <} or {@code >} may appear raw; {@code &} is escaped too so that the
     * block means the same if it is ever moved into an attribute or XHTML. See {@link ScriptSafeEscapes}.
     */
    static String jsonForScript(Object value) {
        try {
            return SCRIPT_JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Jackson's escapes (quotes, backslashes, C0 controls) plus a backslash-u escape for: {@code < > &};
     * DEL and the C1 controls, which have no business raw in a page; U+2028 and U+2029, line breaks
     * to older JavaScript parsers; and every surrogate, so that a lone one (a reply cut mid-pair, or
     * written as an escaped D800 on the wire) survives instead of becoming {@code ?} or failing the
     * UTF-8 encoder that writes the file. A pair escaped half by half reads back as the same pair.
     */
    static final class ScriptSafeEscapes extends CharacterEscapes {

        private static final int[] ASCII = standardAsciiEscapesForJSON();

        static {
            ASCII['<'] = ESCAPE_CUSTOM;
            ASCII['>'] = ESCAPE_CUSTOM;
            ASCII['&'] = ESCAPE_CUSTOM;
            ASCII[0x7F] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            // The ASCII ones marked ESCAPE_CUSTOM above, the C1 controls, and the rest of the list.
            boolean escape = ch <= 0x9F || ch == 0x2028 || ch == 0x2029 || Character.isSurrogate((char) ch);
            return escape ? new SerializedString(String.format(Locale.ROOT, "\\u%04x", ch)) : null;
        }
    }
}
