package io.evalpipe.aggregator.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownReportTest {

    @Test
    void shouldEscapePipesSoTheyStayInTheCell() {
        assertThat(MarkdownReport.cell("a|b")).isEqualTo("a\\|b");
    }

    @Test
    void shouldReplaceEveryKindOfLineBreakWithOneSpace() {
        assertThat(MarkdownReport.cell("a\nb\r\nc\rd")).isEqualTo("a b c d");
    }

    @Test
    void shouldNeutraliseBackticksHtmlAndBackslashes() {
        assertThat(MarkdownReport.cell("`x` <script> a&b \\")).isEqualTo("&#96;x&#96; &lt;script> a&amp;b \\\\");
    }

    @Test
    void shouldNotLetABackslashEscapeTheCellBorder() {
        // "\|" must come out as an escaped backslash then an escaped pipe, never as a bare pipe.
        assertThat(MarkdownReport.cell("\\|")).isEqualTo("\\\\\\|");
    }

    @Test
    void shouldWriteNullAsAnEmptyCell() {
        assertThat(MarkdownReport.cell(null)).isEmpty();
    }

    @Test
    void shouldTruncateLongTextWithAnEllipsisWithoutSplittingASurrogatePair() {
        String emoji = "😀"; // two chars, one code point
        String text = emoji.repeat(200);

        String cut = MarkdownReport.truncate(text, 120);

        assertThat(cut.codePointCount(0, cut.length())).isEqualTo(120);
        assertThat(cut).endsWith(emoji + "…");
        assertThat(MarkdownReport.truncate("short", 120)).isEqualTo("short");
    }
}
