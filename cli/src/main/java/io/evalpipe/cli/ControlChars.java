package io.evalpipe.cli;

/**
 * Makes text from outside (ids, file names, option values, exception messages) safe to print on a terminal as one line.
 *
 * <p>C0 controls (U+0000 to U+001F, newline and tab included), DEL (U+007F) and C1 controls (U+0080 to U+009F) are
 * written as {@code \xNN}: the code point in two lower-case hex digits (every one of them fits in two), as a shell's
 * {@code $'...'} writes it, so a name can be pasted back. Raw, an ESC or CSI could move the cursor, recolour or retitle
 * the terminal, a BEL rings it, a newline breaks the one-line promise. Everything else, non-ASCII letters included
 * ("Zoë"), stays as it is. A backslash is not doubled: the aim is a safe, readable line, not a reversible encoding.
 */
final class ControlChars {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ControlChars() {}

    static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null; // only allocated once something needs escaping: most lines need nothing
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isControl(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }
}
