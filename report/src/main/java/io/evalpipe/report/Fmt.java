package io.evalpipe.report;

import java.util.Locale;

/** How report.md and report.html write figures for people: rounded, the same in every locale. */
final class Fmt {

    /** Stands for a figure that does not exist (no value to compute it from). */
    static final String NONE = "—";

    /** Follows a percentile that {@link LatencyStats#atExtreme} marks. */
    static final String DAGGER = "†";

    private Fmt() {}

    /** Cut by code points, before escaping, so neither a surrogate pair nor an escape is split. */
    static String truncate(String text, int maxChars) {
        if (text == null || text.codePointCount(0, text.length()) <= maxChars) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, maxChars - 1)) + "…";
    }

    /** One decimal: milliseconds, tokens per second. */
    static String figure(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String percent(Double ratio) {
        return ratio == null ? NONE : String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    /** As few decimals as the value needs (at most three): an SLO of 2000 ms reads "2000". */
    static String number(double value) {
        return CsvReport.number(value);
    }

    static String msInterval(Interval ci) {
        return ci == null ? NONE : "[" + figure(ci.lo()) + ", " + figure(ci.hi()) + "]";
    }

    static String percentInterval(Interval ci) {
        return ci == null ? NONE : "[" + percent(ci.lo()) + ", " + percent(ci.hi()) + "]";
    }

    static String marked(String figure, boolean atExtreme) {
        return atExtreme ? figure + DAGGER : figure;
    }
}
