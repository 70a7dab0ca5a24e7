package io.evalpipe.contracts.assertions;

/**
 * Whether one assertion of a job held for its reply: what a result carries so that the report can
 * give each assertion its own pass rate. Why one failed is in the result's validation errors.
 *
 * @param label the assertion's {@link Assertion#label()}
 */
public record AssertionOutcome(String label, boolean held) {}
