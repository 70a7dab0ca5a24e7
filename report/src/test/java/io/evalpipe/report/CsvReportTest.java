package io.evalpipe.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CsvReportTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "1234.5678, 1234.568",
        "0.0005,    0.001",
        "120000,    120000",
        "1e7,       10000000",
        "-3.25,     -3.25",
        "-0.0,      0",
        "0.0001,    0",
    })
    void shouldFormatNumbersAsPlainDecimalsWithAtMostThreeDecimals(double value, String expected) {
        assertThat(CsvReport.number(value)).isEqualTo(expected);
    }

    @Test
    void shouldFormatNumbersTheSameWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(CsvReport.number(1234.5)).isEqualTo("1234.5");
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void shouldWriteAnEmptyCellForNull() {
        assertThat(CsvReport.number(null)).isEmpty();
        assertThat(CsvReport.text(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"=cmd()", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"})
    void shouldPrefixTextThatASpreadsheetWouldRunAsAFormula(String text) {
        assertThat(CsvReport.text(text)).isEqualTo("'" + text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "a=b", "/answer: required", "'quoted"})
    void shouldLeaveOtherTextAlone(String text) {
        assertThat(CsvReport.text(text)).isEqualTo(text);
    }
}
