package io.evalpipe.report.compare;

/**
 * One gate's outcome.
 *
 * @param name    stable identifier, the JUnit test case name: {@value Gates#PASS_RATE} or {@value Gates#E2E_P95}
 * @param rule    when the gate fails, in words, with its threshold
 * @param finding what the runs showed, with the interval, in one line
 */
public record GateResult(String name, Verdict verdict, String rule, String finding) {

    public boolean failed() {
        return verdict.failed();
    }
}
