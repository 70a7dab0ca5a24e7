package io.evalpipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlCharsTest {

    @Test
    void shouldEscapeEscapeAndBell() {
        assertThat(ControlChars.escape("run-\u001b[31mred\u0007")).isEqualTo("run-\\x1b[31mred\\x07");
    }

    @Test
    void shouldEscapeNewlineTabAndNulSoTheLineStaysOne() {
        assertThat(ControlChars.escape("a\nb\tc\rd\u0000")).isEqualTo("a\\x0ab\\x09c\\x0dd\\x00");
    }

    @Test
    void shouldEscapeDeleteAndC1Controls() {
        assertThat(ControlChars.escape("x\u007fy\u0080z\u009b1m\u009f")).isEqualTo("x\\x7fy\\x80z\\x9b1m\\x9f");
    }

    @Test
    void shouldLeavePrintableTextAsItIs() {
        String text = "Zoë's prompt ¿qué? 日本語 \u00a0 C:\\path 😀 ~";
        assertThat(ControlChars.escape(text)).isSameAs(text);
    }

    @Test
    void shouldWriteNullAsTheWordNull() {
        assertThat(ControlChars.escape(null)).isEqualTo("null");
    }
}
