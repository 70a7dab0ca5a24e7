package io.evalpipe.contracts;

import java.util.Locale;

/** The closed set of reasons a result is not a pass. Reports group failures by these. */
public enum FailureReason {
    /** The reply is not parseable JSON. */
    INVALID_JSON,
    /** The reply is JSON but violates the interview_chat schema. */
    SCHEMA_VIOLATION,
    /** The reply is valid against the schema, but at least one of its job's assertions does not hold. */
    ASSERTION_FAILED,
    /** Generation hit max tokens, so the reply was cut. */
    TRUNCATED,
    /** Generation ran past the per-request timeout and was cancelled. */
    TIMEOUT,
    /** The model produced nothing. */
    EMPTY,
    /** The engine refused or failed the job, or the job could not be run at all. */
    ENGINE_ERROR,
    /**
     * The engine's process ended while it ran the job (a supervised llama-server that died), or the
     * job was delivered as often as the queue allows because every earlier delivery ended its worker.
     */
    ENGINE_CRASH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
