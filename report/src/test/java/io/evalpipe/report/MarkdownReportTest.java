package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void shouldEscapePipesSoTheyStayInTheCell() {
        assertThat(Escape.markdownCell("a|b")).isEqualTo("a\\|b");
    }

    @Test
    void shouldReplaceEveryKindOfLineBreakWithOneSpace() {
        assertThat(Escape.markdownCell("a\nb\r\nc\rd")).isEqualTo("a b c d");
    }

    @Test
    void shouldNeutraliseBackticksHtmlAndBackslashes() {
        assertThat(Escape.markdownCell("`x` <script> a&b \\")).isEqualTo("&#96;x&#96; &lt;script> a&amp;b \\\\");
    }

    @Test
    void shouldNotLetABackslashEscapeTheCellBorder() {
        // "\|" must come out as an escaped backslash then an escaped pipe, never as a bare pipe.
        assertThat(Escape.markdownCell("\\|")).isEqualTo("\\\\\\|");
    }

    @Test
    void shouldWriteNullAsAnEmptyCell() {
        assertThat(Escape.markdownCell(null)).isEmpty();
    }

    @Test
    void shouldTruncateLongTextWithAnEllipsisWithoutSplittingASurrogatePair() {
        String emoji = "😀"; // two chars, one code point
        String text = emoji.repeat(200);

        String cut = Fmt.truncate(text, 120);

        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(120);
        assertThat(cut).endsWith(emoji + "…");
        assertThat(Fmt.truncate("short", 120)).isEqualTo("short");
    }
}
