package io.evalpipe.report;

/**
 * The 95% Wilson score interval of a proportion. Chosen over the textbook (Wald) interval
 * p ± z·sqrt(p(1-p)/n) because at 20-200 prompts the Wald interval undercovers, and at 0/n or n/n
 * it collapses to a zero-width interval, claiming certainty from a handful of prompts; Wilson stays
 * inside [0, 1] and keeps close to 95% coverage at these sizes (Brown, Cai and DasGupta, 2001).
 */
final class Wilson {

    /** The 97.5th percentile of the standard normal distribution. */
    static final double Z95 = 1.959963984540054;

    static final String METHOD = "95% Wilson score interval of k successes in n: with p = k/n and z = 1.959964,"
            + " (p + z²/(2n) ± z·sqrt(p(1-p)/n + z²/(4n²))) / (1 + z²/n);"
            + " e.g. 8/10 gives [0.4902, 0.9433], 0/20 gives [0, 0.1611], 20/20 gives [0.8389, 1].";

    private Wilson() {}

    /**
     * @return null when n is 0: there is no proportion of nothing
     * @throws IllegalArgumentException when k is negative or above n
     */
    static Interval ci95(int k, int n) {
        if (n < 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("need 0 <= k <= n, got k = " + k + ", n = " + n);
        }
        if (n == 0) {
            return null;
        }
        double p = (double) k / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // At k = 0 (k = n) the lower (upper) bound is exactly 0 (1); rounding would leave a hair off.
        double lo = k == 0 ? 0.0 : Math.max(0.0, centre - half);
        double hi = k == n ? 1.0 : Math.min(1.0, centre + half);
        return new Interval(lo, hi);
    }
}
