package io.evalpipe.report.compare;

import java.util.Locale;

/**
 * The gate rules. A gate calls a regression only when the 95% interval supports it: a pass rate
 * that fell by 5 points on 20 prompts is, most of the time, the same model drawing other replies,
 * and a gate that fails on that teaches people to ignore it.
 *
 * <ul>
 *   <li>Pass rate, with d = p_c − p_b and its Newcombe interval [L, U], allowed drop δ:
 *       <b>regression</b> when U &lt; −δ (even the most favourable plausible difference is a drop
 *       beyond δ); <b>inconclusive</b> when d &lt; −δ ≤ U; <b>pass</b> when d ≥ −δ.</li>
 *   <li>E2E p95, with r = p95_c / p95_b and its bootstrap interval [L, U], allowed increase ε:
 *       <b>regression</b> when L &gt; 1 + ε; <b>inconclusive</b> when r &gt; 1 + ε ≥ L;
 *       <b>pass</b> when r ≤ 1 + ε.</li>
 * </ul>
 *
 * Comparisons allow {@value #TOLERANCE} for rounding, so that 0.98 − 1.00 is not a drop beyond 0.02.
 */
public final class Gates {

    public static final String PASS_RATE = "pass_rate";
    public static final String E2E_P95 = "e2e_p95";

    static final double TOLERANCE = 1e-9;

    private Gates() {}

    /**
     * @param delta p_c − p_b
     * @param ci95  the 95% interval of delta
     */
    public static Verdict passRate(double delta, Interval ci95, double maxDrop) {
        if (ci95.hi() < -maxDrop - TOLERANCE) {
            return Verdict.REGRESSION;
        }
        return delta < -maxDrop - TOLERANCE ? Verdict.INCONCLUSIVE : Verdict.PASS;
    }

    /**
     * @param ratio p95_c / p95_b
     * @param ci95  the 95% interval of ratio
     */
    public static Verdict p95(double ratio, Interval ci95, double maxIncrease) {
        double limit = 1 + maxIncrease;
        if (ci95.lo() > limit + TOLERANCE) {
            return Verdict.REGRESSION;
        }
        return ratio > limit + TOLERANCE ? Verdict.INCONCLUSIVE : Verdict.PASS;
    }

    static String passRateRule(double maxDrop) {
        return String.format(Locale.ROOT, "fails when the whole 95%% interval of the pass-rate difference (candidate - baseline)"
                + " lies below -%s points; inconclusive when only the point estimate does", points(maxDrop));
    }

    static String p95Rule(double maxIncrease) {
        return String.format(Locale.ROOT, "fails when the whole 95%% interval of the E2E p95 ratio (candidate / baseline)"
                + " lies above ×%.2f (+%s%%); inconclusive when only the point estimate does", 1 + maxIncrease, points(maxIncrease));
    }

    /** 0.02 as "2", 0.025 as "2.5": a threshold reads as it was given. */
    static String points(double fraction) {
        return java.math.BigDecimal.valueOf(fraction * 100).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
