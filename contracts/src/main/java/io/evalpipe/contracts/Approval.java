package io.evalpipe.contracts;

import java.time.Instant;

/**
 * Marks a run as its suite's baseline: scheduled runs of the suite are compared with it. Kept on
 * the compacted runs topic under {@link Topics#approvalKey}, so the latest approval wins.
 */
public record Approval(int schemaVersion, String suite, String runId, String approvedBy, Instant approvedAt) {}
