package io.evalpipe.report.compare;

import java.util.Locale;

/** How compare.md and the console write figures: rounded, the same in every locale. */
final class Format {

    /** Stands for a figure that does not exist. */
    static final String NONE = "—";

    private Format() {}

    static String percent(Double ratio) {
        return ratio == null ? NONE : String.format(Locale.ROOT, "%.1f%%", 100 * ratio);
    }

    /** A difference of two rates in percentage points, signed: "-50.0". */
    static String points(double difference) {
        return String.format(Locale.ROOT, "%+.1f", 100 * difference);
    }

    static String pointsInterval(Interval ci) {
        return ci == null ? NONE : "[" + points(ci.lo()) + ", " + points(ci.hi()) + "]";
    }

    static String percentInterval(Interval ci) {
        return ci == null ? NONE : "[" + percent(ci.lo()) + ", " + percent(ci.hi()) + "]";
    }

    static String figure(Double value) {
        return value == null ? NONE : String.format(Locale.ROOT, "%.1f", value);
    }

    static String signed(Double value) {
        return value == null ? NONE : String.format(Locale.ROOT, "%+.1f", value);
    }

    static String interval(Interval ci) {
        return ci == null ? NONE : "[" + figure(ci.lo()) + ", " + figure(ci.hi()) + "]";
    }

    static String signedInterval(Interval ci) {
        return ci == null ? NONE : "[" + signed(ci.lo()) + ", " + signed(ci.hi()) + "]";
    }

    static String ratio(Double value) {
        return value == null ? NONE : String.format(Locale.ROOT, "×%.2f", value);
    }

    static String ratioInterval(Interval ci) {
        return ci == null ? NONE : "[" + ratio(ci.lo()) + ", " + ratio(ci.hi()) + "]";
    }
}
