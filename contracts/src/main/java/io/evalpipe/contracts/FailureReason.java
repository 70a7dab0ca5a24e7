package io.evalpipe.contracts;

import java.util.Locale;

/** The closed set of reasons a result is not a pass. Reports group failures by these. */
public enum FailureReason {
    /** The reply is not parseable JSON. */
    INVALID_JSON,
    /** The reply is JSON but violates the interview_chat schema. */
    SCHEMA_VIOLATION,
    /** Generation hit max tokens, so the reply was cut. */
    TRUNCATED,
    /** Generation ran past the per-request timeout and was cancelled. */
    TIMEOUT,
    /** The model produced nothing. */
    EMPTY,
    /** The engine failed, or the job could not be run at all. */
    ENGINE_ERROR;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
