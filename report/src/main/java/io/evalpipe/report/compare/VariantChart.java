package io.evalpipe.report.compare;

import io.evalpipe.report.Escape;
import io.evalpipe.report.LatencyStats;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts of side-by-side runs for sweep.html and compare.html: each run's pass rate with
 * its 95% interval, and its E2E p95, as horizontal bars, one row per run in table order. Drawn here,
 * as report.html's charts are, so that the pages need nothing from the network and run no code;
 * every text from a report goes through {@link Escape#html}. Horizontal, because a run's label (a
 * model's file name, a sweep's values) is long and reads best on the left of its bar.
 */
public final class VariantChart {

    /**
     * One row of either chart.
     *
     * @param passRate      null when the run has no results
     * @param passRateCi95  null when the run has no results
     * @param p95Ms         E2E p95; null when no result has an E2E latency
     * @param p95Unreliable a p95 of fewer than 20 values ({@link LatencyStats#atExtreme})
     */
    public record Bar(String label, Double passRate, Interval passRateCi95, Double p95Ms, boolean p95Unreliable) {}

    static final int LEFT = 250;
    static final int PLOT_W = 360;
    static final int RIGHT = 150;
    static final int TOP = 24;
    static final int BOTTOM = 30;
    static final int ROW_H = 22;
    static final int BAR_H = 14;
    static final int WIDTH = LEFT + PLOT_W + RIGHT;
    /** Longer labels are cut, and shown whole in the bar's tooltip. */
    static final int MAX_LABEL = 38;

    private VariantChart() {}

    /** The bars of a side-by-side table, in its row order. */
    public static List<Bar> bars(SideBySide table) {
        return table.entries().stream().map(e -> {
            ReportFolder.Latency l = e.report().e2e();
            return new Bar(e.title(table.labelColumns()), e.report().passRate(), e.report().passRateCi95(),
                    l == null ? null : l.p95(), l != null && LatencyStats.atExtreme(l.n(), 95));
        }).toList();
    }

    /** Both charts, pass rate first, for a page's body. */
    public static String html(List<Bar> bars) {
        return "<figure>" + passRate(bars) + "</figure>\n<figure>" + p95(bars) + "</figure>\n";
    }

    /** Bars from 0 to 100%, the Wilson interval as a whisker across each. */
    static String passRate(List<Bar> bars) {
        StringBuilder svg = open("Pass rate per run, with its 95% interval", bars.size());
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = rowTop(i);
            label(svg, b.label(), y);
            if (b.passRate() == null) {
                value(svg, Format.NONE, y);
                continue;
            }
            String tip = b.label() + ": " + Format.percent(b.passRate()) + " " + Format.percentInterval(b.passRateCi95());
            bar(svg, b.passRate() * PLOT_W, y, tip);
            Interval ci = b.passRateCi95();
            if (ci != null) {
                double mid = y + BAR_H / 2.0;
                double lo = LEFT + ci.lo() * PLOT_W;
                double hi = LEFT + ci.hi() * PLOT_W;
                svg.append(f("<path d=\"M%.1f,%.1f V%.1f M%.1f,%.1f H%.1f M%.1f,%.1f V%.1f\" fill=\"none\" stroke=\"#222\"/>",
                        lo, mid - 4, mid + 4, lo, mid, hi, hi, mid - 4, mid + 4));
            }
            value(svg, Format.percent(b.passRate()) + " " + Format.percentInterval(b.passRateCi95()), y);
        }
        axis(svg, bars.size(), "0%", "50%", "100%", "pass rate");
        return svg.append("</svg>").toString();
    }

    /** Bars from 0 to the largest p95 of the runs; † marks one of fewer than 20 values. */
    static String p95(List<Bar> bars) {
        double max = bars.stream().filter(b -> b.p95Ms() != null).mapToDouble(Bar::p95Ms).max().orElse(0);
        StringBuilder svg = open("E2E p95 per run (ms)", bars.size());
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = rowTop(i);
            label(svg, b.label(), y);
            if (b.p95Ms() == null) {
                value(svg, Format.NONE, y);
                continue;
            }
            String text = Format.figure(b.p95Ms()) + " ms" + (b.p95Unreliable() ? SideBySide.DAGGER : "");
            bar(svg, max > 0 ? b.p95Ms() / max * PLOT_W : 0, y, b.label() + ": " + text);
            value(svg, text, y);
        }
        axis(svg, bars.size(), "0", max > 0 ? Format.figure(max / 2) : "", max > 0 ? Format.figure(max) : "", "E2E p95 (ms)");
        return svg.append("</svg>").toString();
    }

    static int height(int rows) {
        return TOP + Math.max(1, rows) * ROW_H + BOTTOM;
    }

    private static double rowTop(int i) {
        return TOP + i * ROW_H + (ROW_H - BAR_H) / 2.0;
    }

    private static StringBuilder open(String title, int rows) {
        int h = height(rows);
        StringBuilder svg = new StringBuilder(f("<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\"><title>%s</title>",
                WIDTH, h, WIDTH, h, Escape.html(title)));
        svg.append(f("<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>", LEFT, TOP - 8, Escape.html(title)));
        return svg;
    }

    private static void label(StringBuilder svg, String label, double rowTop) {
        String shown = label.codePointCount(0, label.length()) <= MAX_LABEL ? label
                : label.substring(0, label.offsetByCodePoints(0, MAX_LABEL - 1)) + "…";
        svg.append(f("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s<title>%s</title></text>", LEFT - 6, rowTop + BAR_H - 3,
                Escape.html(shown), Escape.html(label)));
    }

    private static void bar(StringBuilder svg, double width, double rowTop, String tip) {
        svg.append(f("<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"#4a78b5\"><title>%s</title></rect>",
                LEFT, rowTop, width, BAR_H, Escape.html(tip)));
    }

    private static void value(StringBuilder svg, String text, double rowTop) {
        svg.append(f("<text x=\"%d\" y=\"%.1f\">%s</text>", LEFT + PLOT_W + 6, rowTop + BAR_H - 3, Escape.html(text)));
    }

    /** The x axis under the rows, with ticks at 0, the middle and the end. */
    private static void axis(StringBuilder svg, int rows, String lo, String mid, String hi, String name) {
        int bottom = TOP + Math.max(1, rows) * ROW_H;
        svg.append(f("<path d=\"M%d,%d V%d H%d\" fill=\"none\" stroke=\"#333\"/>", LEFT, TOP, bottom, LEFT + PLOT_W));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"start\">%s</text>", LEFT, bottom + 14, Escape.html(lo)));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", LEFT + PLOT_W / 2, bottom + 14, Escape.html(mid)));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT + PLOT_W, bottom + 14, Escape.html(hi)));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>", LEFT + PLOT_W / 2, bottom + 27,
                Escape.html(name)));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
