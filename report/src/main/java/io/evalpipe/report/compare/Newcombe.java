package io.evalpipe.report.compare;

/**
 * The 95% interval of the difference of two independent proportions, candidate minus baseline, by
 * Newcombe's hybrid score method (Newcombe 1998, "Interval estimation for the difference between
 * independent proportions", method 10), built from each side's Wilson interval.
 *
 * <p>Chosen over the textbook p₂ − p₁ ± z·sqrt(p₁q₁/n₁ + p₂q₂/n₂) for the reason the reports use
 * Wilson: at 20-200 prompts, and at 0/n or n/n, the Wald interval undercovers or collapses to a
 * point, and a gate built on it would call regressions on noise. Newcombe's interval stays within
 * [−1, 1], needs no iteration, and reuses the Wilson intervals summary.json already states.
 */
public final class Newcombe {

    public static final String METHOD = "95% interval of the difference d = p_c - p_b (candidate minus baseline) by"
            + " Newcombe's hybrid score method (1998, method 10), from each run's 95% Wilson interval"
            + " [l_b, u_b] and [l_c, u_c]: lower = d - sqrt((p_c - l_c)² + (u_b - p_b)²),"
            + " upper = d + sqrt((u_c - p_c)² + (p_b - l_b)²);"
            + " e.g. 8/20 vs 18/20 gives d = -0.5000, [-0.6950, -0.2068];"
            + " 16/20 vs 17/20 gives d = -0.0500, [-0.2871, 0.1919].";

    private Newcombe() {}

    /**
     * @param baselineRate       p_b, the baseline's passed / n
     * @param baselineWilson     the baseline's 95% Wilson interval of p_b
     * @param candidateRate      p_c
     * @param candidateWilson    the candidate's 95% Wilson interval of p_c
     * @return the 95% interval of p_c − p_b
     * @throws IllegalArgumentException when a rate lies outside [0, 1] or outside its own interval
     */
    public static Interval difference(double baselineRate, Interval baselineWilson, double candidateRate, Interval candidateWilson) {
        check("baseline", baselineRate, baselineWilson);
        check("candidate", candidateRate, candidateWilson);
        double d = candidateRate - baselineRate;
        double below = Math.hypot(candidateRate - candidateWilson.lo(), baselineWilson.hi() - baselineRate);
        double above = Math.hypot(candidateWilson.hi() - candidateRate, baselineRate - baselineWilson.lo());
        // In exact arithmetic the bounds never leave [-1, 1]; rounding could step a hair outside.
        return new Interval(Math.max(-1.0, d - below), Math.min(1.0, d + above));
    }

    private static void check(String side, double rate, Interval wilson) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(side + " rate must be within [0, 1], was " + rate);
        }
        // summary.json rounds nothing, but allow for a reader that printed and parsed the numbers.
        if (rate < wilson.lo() - 1e-9 || rate > wilson.hi() + 1e-9) {
            throw new IllegalArgumentException(side + " rate " + rate + " lies outside its interval " + wilson);
        }
    }
}
