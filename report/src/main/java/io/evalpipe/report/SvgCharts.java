package io.evalpipe.report;

import java.util.Locale;

/**
 * Inline SVG charts of a latency sample for report.html: drawn here rather than by a charting
 * script so that the page needs nothing from the network and runs no code. Axes are linear: with
 * one slow reply the bulk of a small run sits in the first bars, which is the picture to see.
 */
final class SvgCharts {

    /** Enough bars to see a shape at 200 prompts, few enough that each still holds several. */
    static final int MAX_BINS = 30;

    private static final int WIDTH = 640;
    private static final int HEIGHT = 260;
    private static final int LEFT = 56;
    private static final int RIGHT = 24;
    private static final int TOP = 20;
    private static final int BOTTOM = 44;
    private static final int PLOT_W = WIDTH - LEFT - RIGHT;
    private static final int PLOT_H = HEIGHT - TOP - BOTTOM;

    private SvgCharts() {}

    /** The square-root rule, ceil(sqrt(N)), capped at {@link #MAX_BINS}: 5 bins at N = 20, 15 at 200. */
    static int binCount(int n) {
        return Math.max(1, Math.min(MAX_BINS, (int) Math.ceil(Math.sqrt(n))));
    }

    /**
     * Counts of {@code sorted} in {@code bins} equal-width bins from its minimum to its maximum, each
     * bin [lo, hi) but the last, which holds the maximum. A sample of equal values is one bin.
     */
    static int[] histogram(double[] sorted, int bins) {
        double min = sorted[0];
        double span = sorted[sorted.length - 1] - min;
        int k = span == 0 ? 1 : bins;
        int[] counts = new int[k];
        for (double v : sorted) {
            int i = span == 0 ? 0 : (int) Math.floor((v - min) / span * k);
            counts[Math.min(k - 1, i)]++;
        }
        return counts;
    }

    /** @param sorted at least one value, ascending */
    static String histogram(double[] sorted, String axisLabel) {
        int[] counts = histogram(sorted, binCount(sorted.length));
        Axis x = Axis.of(sorted);
        int maxCount = 0;
        for (int c : counts) {
            maxCount = Math.max(maxCount, c);
        }
        StringBuilder svg = open("Histogram of " + axisLabel);
        double binWidth = (x.hi - x.lo) / counts.length;
        for (int i = 0; i < counts.length; i++) {
            double from = x.lo + i * binWidth;
            double barH = (double) counts[i] / maxCount * PLOT_H;
            svg.append(f("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78b5\">"
                            + "<title>%s to %s ms: %d</title></rect>",
                    x.px(from) + 0.5, TOP + PLOT_H - barH, Math.max(1, PLOT_W / (double) counts.length - 1), barH,
                    Fmt.figure(from), Fmt.figure(from + binWidth), counts[i]));
        }
        axes(svg, x, String.valueOf(maxCount), "prompts", axisLabel);
        return svg.append("</svg>").toString();
    }

    /** The empirical CDF, a step of 1/N at each value, with vertical lines at p50 and p95. */
    static String ecdf(double[] sorted, double p50, double p95, String axisLabel) {
        Axis x = Axis.of(sorted);
        int n = sorted.length;
        StringBuilder path = new StringBuilder(f("M%.1f,%.1f", x.px(x.lo), y(0)));
        for (int i = 0; i < n; i++) {
            path.append(f(" H%.1f V%.1f", x.px(sorted[i]), y((i + 1.0) / n)));
        }
        path.append(f(" H%.1f", x.px(x.hi)));
        StringBuilder svg = open("Empirical CDF of " + axisLabel);
        svg.append(f("<path d=\"%s\" fill=\"none\" stroke=\"#4a78b5\" stroke-width=\"2\"/>", path));
        marker(svg, x.px(p50), "p50 " + Fmt.figure(p50), TOP + 12);
        marker(svg, x.px(p95), "p95 " + Fmt.figure(p95), TOP + 26);
        axes(svg, x, "1", "share of prompts", axisLabel);
        return svg.append("</svg>").toString();
    }

    /**
     * One dot per result at (x, y), e.g. TTFT against prompt tokens: prefill grows with the prompt,
     * and a dot far above the others at the same length is a slow prefill, not a long prompt.
     * The y axis starts at 0 so that heights compare.
     */
    static String scatter(double[] xs, double[] ys, String xLabel, String yLabel) {
        if (xs.length != ys.length || xs.length == 0) {
            throw new IllegalArgumentException("need as many y values as x values, and at least one: " + xs.length + ", " + ys.length);
        }
        Axis x = Axis.of(java.util.Arrays.stream(xs).sorted().toArray());
        double yMax = java.util.Arrays.stream(ys).max().orElseThrow();
        double yTop = yMax > 0 ? yMax : 1;
        StringBuilder svg = open(yLabel + " against " + xLabel);
        for (int i = 0; i < xs.length; i++) {
            svg.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#4a78b5\" fill-opacity=\"0.6\"><title>%s: %s</title></circle>",
                    x.px(xs[i]), y(ys[i] / yTop), Fmt.figure(xs[i]), Fmt.figure(ys[i])));
        }
        axes(svg, x, Fmt.figure(yTop), yLabel, xLabel);
        return svg.append("</svg>").toString();
    }

    /** The x range: the sample's, widened around a single value so that it is not zero. */
    private record Axis(double lo, double hi) {
        static Axis of(double[] sorted) {
            double lo = sorted[0];
            double hi = sorted[sorted.length - 1];
            return hi > lo ? new Axis(lo, hi) : new Axis(lo - 0.5, hi + 0.5);
        }

        double px(double value) {
            return LEFT + (value - lo) / (hi - lo) * PLOT_W;
        }
    }

    private static double y(double share) {
        return TOP + (1 - share) * PLOT_H;
    }

    private static StringBuilder open(String title) {
        return new StringBuilder(f("<svg viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">"
                + "<title>%s</title>", WIDTH, HEIGHT, WIDTH, HEIGHT, Escape.html(title)));
    }

    private static void marker(StringBuilder svg, double px, String label, int labelY) {
        svg.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>",
                px, TOP, px, TOP + PLOT_H));
        // Labels on the right half go left of their line, so that they stay inside the picture.
        boolean leftOfLine = px > LEFT + PLOT_W / 2.0;
        svg.append(f("<text x=\"%.1f\" y=\"%d\" fill=\"#c0392b\"%s>%s</text>", leftOfLine ? px - 3 : px + 3, labelY,
                leftOfLine ? " text-anchor=\"end\"" : "", label));
    }

    private static void axes(StringBuilder svg, Axis x, String yTop, String yLabel, String xLabel) {
        int bottom = TOP + PLOT_H;
        svg.append(f("<path d=\"M%d,%d V%d H%d\" fill=\"none\" stroke=\"#333\"/>", LEFT, TOP, bottom, LEFT + PLOT_W));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT - 4, TOP + 4, yTop));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", LEFT - 4, bottom));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>",
                14, TOP + PLOT_H / 2, TOP + PLOT_H / 2, Escape.html(yLabel)));
        svg.append(f("<text x=\"%d\" y=\"%d\">%s</text>", LEFT, bottom + 16, Fmt.figure(x.lo)));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT + PLOT_W, bottom + 16, Fmt.figure(x.hi)));
        svg.append(f("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                LEFT + PLOT_W / 2, bottom + 36, Escape.html(xLabel)));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
