package io.evalpipe.report;

import java.time.Instant;

/**
 * A result that arrived after its run's report was written. It changes none of the report's figures
 * (they are final once announced); the report folder lists it and counts it ({@link LateReport}).
 *
 * @param receivedAt when the aggregator read it (the record's timestamp)
 * @param workerId   null when the result's fields could not be read
 * @param status     the result's status as written on the wire, or null when unreadable
 */
public record LateResult(Instant receivedAt, String promptId, String workerId, String status, Kind kind) {

    public enum Kind {
        /** The prompt had a result in the report: a job redone after its result was already in (a crash, a lost lock). */
        DUPLICATE("duplicate"),
        /** The report counted the prompt as missing (its deadline passed first): the result came too late to count. */
        AFTER_REPORT("after_report");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
